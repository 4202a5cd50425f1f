"""JUnit XML, for the test report views of Jenkins and GitLab.

One ``<testsuite>`` per file checked; in it one ``<testcase>`` per finding, failed with a
``<failure>`` whose type is the severity, or one passing test case when the file has no
findings, and an ``<error>`` when the file could not be analysed. Each finding is its own
test case because Jenkins and GitLab show only one failure per test case. The elements and
attributes are those Jenkins' junit-10.xsd (jenkinsci/xunit-plugin) allows, and GitLab's
parser (lib/gitlab/ci/parsers/test/junit.rb) reads testsuites > testsuite > testcase.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from tutor.analysis.files import FileReport
from tutor.analysis.rules import RULES
from tutor.safetext import xml_safe

PASSED = "no findings"


def write(reports: Sequence[FileReport], out: TextIO, *, color: bool = True) -> None:
    """Write one JUnit document (``color`` is for the terminal formats only)."""
    root = ET.Element("testsuites", name="hardening-tutor")
    totals: Counter[str] = Counter()
    for report in reports:
        suite = _suite(report)
        root.append(suite)
        for key in ("tests", "failures", "errors"):
            totals[key] += int(suite.get(key, "0"))
    for key in ("tests", "failures", "errors"):
        root.set(key, str(totals[key]))
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")


def _suite(report: FileReport) -> ET.Element:
    """The test suite of one file."""
    path = xml_safe(report.path)
    suite = ET.Element("testsuite", name=path, file=path)
    names: Counter[str] = Counter()
    errors = 0
    if report.error:
        errors = 1
        case = ET.SubElement(suite, "testcase", classname=path, name="analyse the file")
        error = ET.SubElement(case, "error", type="input",
                              message=xml_safe(f"cannot analyse: {report.error}"))
        error.text = xml_safe(report.error)
    for finding in report.findings:
        name = f"{finding.rule} {RULES[finding.rule].name} (line {finding.line})"
        names[name] += 1
        if names[name] > 1:  # the same rule twice on one line: keep names unique
            name = f"{name} #{names[name]}"
        case = ET.SubElement(suite, "testcase", classname=path, name=name)
        failure = ET.SubElement(case, "failure", type=finding.severity.value,
                                message=xml_safe(finding.message))
        failure.text = xml_safe(f"{report.path}:{finding.line}:1: {finding.severity.value} "
                                f"{finding.rule} {finding.message}\nFix: {finding.fix}\n")
    if not report.findings and not report.error:
        ET.SubElement(suite, "testcase", classname=path, name=PASSED)
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(len(report.findings)))
    suite.set("errors", str(errors))
    return suite

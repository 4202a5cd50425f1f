"""Checkstyle XML, the lint report Jenkins (warnings-ng), GitLab and many CI tools import.

The shape Checkstyle's own XMLLogger writes and hadolint's checkstyle format follows: a
``<file name>`` for every file checked, holding an ``<error line column severity message
source>`` per finding. There is no official schema; tests/fixtures/schemas/checkstyle.xsd
states this shape and the tests validate against it. ``source`` is
``hardening-tutor.HT101``: tools that take the part after the last dot get the rule id.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TextIO

from tutor.analysis.files import FileReport
from tutor.safetext import xml_safe

VERSION = "4.3"  # the checkstyle format version hadolint and ESLint write


def write(reports: Sequence[FileReport], out: TextIO, *, color: bool = True) -> None:
    """Write one checkstyle document (``color`` is for the terminal formats only)."""
    root = ET.Element("checkstyle", version=VERSION)
    for report in reports:
        file = ET.SubElement(root, "file", name=xml_safe(report.path))
        if report.error:
            # Checkstyle has no element for a file it could not read; an error on line 1
            # keeps every reader working and names the reason.
            ET.SubElement(file, "error", line="1", column="1", severity="error",
                          message=xml_safe(f"cannot analyse: {report.error}"),
                          source="hardening-tutor.input")
        for finding in report.findings:
            ET.SubElement(file, "error", line=str(finding.line), column="1",
                          severity=finding.severity.value, message=xml_safe(finding.message),
                          source=f"hardening-tutor.{finding.rule}")
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")

"""Reading every report format back into (path, rule, line) triples, for tests over all of them."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

COMPACT = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning|info) "
                     r"(?P<rule>HT\d{3}) (?P<message>.*)$")
GITHUB = re.compile(r"^::(?P<level>error|warning|notice) (?P<properties>[^:]*)::(?P<message>.*)$")


def unescape(text: str) -> str:
    """Undo actions/toolkit's escaping (a test helper: the runner does this)."""
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def github_commands(out: str) -> list[tuple[str, dict[str, str], str]]:
    """Each workflow command as (level, properties, message), unescaped."""
    commands = []
    for line in out.splitlines():
        match = GITHUB.match(line)
        if match:
            properties = dict(pair.split("=", 1) for pair in match["properties"].split(","))
            commands.append((match["level"], {k: unescape(v) for k, v in properties.items()},
                             unescape(match["message"])))
    return commands


def findings(fmt: str, out: str) -> list[tuple[str, str, int]]:
    """(path, rule, line) of every finding a report in ``fmt`` holds."""
    if fmt == "json":
        return [(file["path"], f["rule"], f["line"]) for file in json.loads(out)["files"]
                for f in file["findings"]]
    if fmt == "sarif":
        return [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"],
                 r["locations"][0]["physicalLocation"]["region"]["startLine"])
                for run in json.loads(out)["runs"] for r in run["results"]]
    if fmt == "gitlab":
        return [(i["location"]["path"], i["check_name"], i["location"]["lines"]["begin"])
                for i in json.loads(out)]
    if fmt == "compact":
        return [(m["path"], m["rule"], int(m["line"])) for line in out.splitlines()
                if (m := COMPACT.match(line))]
    if fmt == "github":
        return [(props["file"], props["title"].split()[0], int(props["line"]))
                for _, props, _ in github_commands(out) if "line" in props]
    if fmt == "checkstyle":
        root = ET.fromstring(out)
        return [(file.get("name", ""), error.get("source", "").rsplit(".", 1)[-1],
                 int(error.get("line", "0")))
                for file in root.iter("file") for error in file.iter("error")
                if error.get("source", "").startswith("hardening-tutor.HT")]
    if fmt == "junit":
        root = ET.fromstring(out)
        found = []
        for case in root.iter("testcase"):
            failure = case.find("failure")
            if failure is not None:
                head = COMPACT.match((failure.text or "").splitlines()[0])
                assert head is not None, failure.text
                found.append((head["path"], head["rule"], int(head["line"])))
        return found
    raise ValueError(fmt)

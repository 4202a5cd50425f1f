"""How the workbench shows analysis: the image profile, the findings list and an explanation.

Everything here builds ``rich.text.Text`` from the learner's files and the rule docs, so no
text from a Dockerfile is ever read as markup.
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tutor.analysis.engine import Analysis
from tutor.analysis.fixes import Fix
from tutor.analysis.image_model import Verdict
from tutor.analysis.profile import ImageProfile
from tutor.analysis.rules import RULES
from tutor.app.workspace import Located, WorkResult
from tutor.safetext import reflow, visible


def first_sentence(message: str) -> str:
    """The headline of a finding's message; the rest belongs in the explanation."""
    parts = re.split(r"(?<=\.)\s+(?=[A-Z])", message, maxsplit=1)
    return parts[0]


def profile_text(analysis: Analysis | None, dockerfile: str | None) -> Text:
    """The image profile in one sentence, then the base images."""
    if analysis is None:
        return Text("No Dockerfile open, so there is no image to profile.", style="dim")
    profile: ImageProfile = analysis.profile
    text = Text()
    if profile.runs_as_root is True:
        text.append("✖ Runs as root", style="bold red")
    elif profile.runs_as_root is False:
        text.append(f"✓ Runs as {profile.user}", style="bold green")
    else:
        text.append("? User unknown", style="bold yellow")
    text.append(f": {visible(profile.reason)}")
    # The final stage's base first: it is what ships, and the pane is only a few lines tall.
    stages = sorted(profile.stages, key=lambda stage: profile.final_stage is not stage)
    bases = []
    for stage in stages:
        name = "scratch" if stage.is_scratch else _short_digest(stage.base)
        label = f" (stage {stage.name})" if stage.name else ""
        final = " ← final" if profile.final_stage is stage else ""
        bases.append(f"{name}{label}{final}")
    model = analysis.model
    if model is not None:
        text.append("\n")
        _verdict(text, "Builds", model.builds())
        starts = model.starts()
        if starts.ok is not None:  # a command the base image provides: nothing to say
            text.append("  ")
            _verdict(text, "Starts", starts)
        for path, _ in (model.final.volumes[:2] if model.final else ()):
            text.append("  ")
            _verdict(text, f"Writes {visible(path)}", model.writable(path))
    if bases:
        text.append("\nBase images: ", style="bold")
        text.append(visible(", ".join(bases)))
    return text


def _verdict(text: Text, label: str, verdict: Verdict) -> None:
    """``✓ Builds``, ``✖ Starts: no, line 3: ...`` or ``? Starts: unknown``."""
    if verdict.ok is True:
        text.append(f"✓ {label}", style="green")
    elif verdict.ok is False:
        text.append(f"✖ {label}: no, ", style="bold red")
        text.append(visible(verdict.why))
    else:
        text.append(f"? {label}: not known", style="dim")


def _short_digest(image: str) -> str:
    """An image reference with its digest cut to 12 hex digits, as `docker images` shows."""
    name, at, digest = image.partition("@")
    algorithm, colon, value = digest.partition(":")
    return f"{name}@{algorithm}:{value[:12]}…" if at and colon and len(value) > 12 else image


def finding_prompt(item: Located, show_file: bool) -> Text:
    """One line of the findings list: icon, severity word, rule, line, message."""
    finding = item.finding
    severity = finding.severity
    text = Text()
    text.append(f"{severity.badge():<9} ", style=severity.style)
    text.append(f"{finding.rule} ", style="bold")
    where = f"{item.file}:{finding.line}" if show_file else f"L{finding.line}"
    text.append(f"{visible(where)} ", style="dim")
    text.append(visible(first_sentence(finding.message)))
    return text


class FindingsList(OptionList):
    """The findings, most severe first; highlighting one explains it, Enter goes to its line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Go to line"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # The findings listed, in order; None until the first result is shown.
        self._listed: tuple[Located, ...] | None = None

    @property
    def located(self) -> tuple[Located, ...]:
        """The findings listed, in order (the options' indexes)."""
        return self._listed or ()

    def needs(self, result: WorkResult) -> bool:
        """True when the result's findings differ from the ones listed."""
        return result.findings != self._listed

    def show(self, result: WorkResult) -> None:
        """Replace the list, keeping the highlighted finding where it still exists."""
        previous = self.highlighted_located
        items = result.findings
        show_file = len({i.file for i in items}) > 1
        self._listed = items
        self.clear_options()
        if not items:
            self.add_option(Option(Text("✓ No findings: nothing to harden here.",
                                        style="green"), id="none", disabled=True))
            return
        self.add_options(Option(finding_prompt(item, show_file), id=str(index))
                         for index, item in enumerate(items))
        keep = 0
        if previous is not None:
            for index, item in enumerate(items):
                if (item.file, item.finding.rule) == (previous.file, previous.finding.rule):
                    keep = index
                    if item.finding.line == previous.finding.line:
                        break
        self.highlighted = keep

    @property
    def highlighted_located(self) -> Located | None:
        """The finding under the cursor, if any."""
        items = self.located
        if self.highlighted is None or self.highlighted >= len(items):
            return None
        return items[self.highlighted]

    def highlight_next(self) -> Located | None:
        """Move the highlight to the next finding (from the last, to the first) and return it."""
        if not self.located:
            return None
        self.highlighted = (0 if self.highlighted is None
                            else (self.highlighted + 1) % len(self.located))
        return self.highlighted_located


def prose_text(prose: str) -> Text:
    """Prose as Text, its `code spans` bold (see `_append_prose`)."""
    text = Text()
    _append_prose(text, prose)
    return text


def _append_prose(text: Text, prose: str) -> None:
    """Append prose whose `code spans` are shown bold instead of with their backticks.

    Only styling changes: every character of the prose (which may quote the learner's
    file) is still shown literally, since Text never parses markup.
    """
    if prose.count("`") % 2:  # an unpaired backtick (quoted from a file): show as it is
        text.append(visible(prose))
        return
    for index, part in enumerate(prose.split("`")):
        if part:
            text.append(visible(part), style="bold" if index % 2 else "")


def explanation_text(item: Located | None, fix: Fix | None, exercise: bool,
                     lesson_title: str | None) -> Text:
    """Why the finding matters, what to do, the fix on offer and the lesson that teaches it."""
    if item is None:
        return Text("Select a finding to see why it matters and how to fix it.", style="dim")
    finding = item.finding
    rule = RULES.get(finding.rule)
    severity = finding.severity
    text = Text()
    text.append(f"{severity.badge()} ", style=severity.style)
    text.append(f"{finding.rule}", style="bold")
    if rule is not None:
        text.append(f" {rule.name}", style="bold")
    text.append(f"  {visible(item.file)} line {finding.line}\n", style="dim")
    _append_prose(text, finding.message + "\n")
    if rule is not None:
        why = rule.doc().prose("why", paragraphs=False)
        if why[:60] not in finding.message:  # many messages already say why
            text.append("\nWhy it matters\n", style="bold underline")
            _append_prose(text, why + "\n")
    text.append("\nHow to fix it\n", style="bold underline")
    _append_prose(text, reflow(finding.fix or (rule.doc().fix if rule else ""), paragraphs=False)
                  + "\n")
    if fix is not None and not exercise:
        text.append("\nF3 ", style="bold reverse")
        text.append(f" preview a fix: {fix.title}\n")
    elif fix is not None:
        text.append("\nIn an exercise, make the change yourself; F2 gives a hint.\n",
                    style="italic")
    if lesson_title:
        text.append("\nctrl+l ", style="bold reverse")
        text.append(f" open the lesson: {lesson_title}\n")
    return text

"""How an exercise's goal and hints read in the workbench (literal text, never markup)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.text import Text

from tutor.safetext import reflow, visible

if TYPE_CHECKING:
    from tutor.content.judge import GoalResult
    from tutor.content.model import Exercise


def reflowed_prose(text: str) -> str:
    """Course text whose prose paragraphs are joined back into lines the screen can wrap,
    and whose code (indented lines, instructions, list items, continued lines) is kept as
    it was written."""
    paragraphs = []
    for paragraph in text.strip().split("\n\n"):
        lines = paragraph.split("\n")
        prose = not any(_CODE_LINE.match(line) or line.rstrip().endswith("\\")
                        for line in lines)
        paragraphs.append(reflow(paragraph) if prose else paragraph)
    return "\n\n".join(p for p in paragraphs if p.strip())


# A line that is code, not prose: indented, a list or comment, or a Dockerfile instruction.
_CODE_LINE = re.compile(r"\s|[-#]|[A-Z]{2,}\s")


def goal_text(result: GoalResult, *, unsaved: bool = False) -> Text:
    """The goal as a checklist: a tick and a word for each check, and why a check fails.

    ``unsaved``: the checks were run on edits not yet saved, which is how the learner
    finishes (ctrl+s), so a met goal says so.
    """
    done = sum(r.passed for r in result.results)
    text = Text()
    heading = "Goal reached!" if result.passed else f"Goal: {done} of {len(result.results)} done"
    text.append(heading + "\n", style="bold green" if result.passed else "bold")
    if result.passed and unsaved:
        text.append("Save with ctrl+s to finish the exercise.\n", style="bold")
    for item in result.results:
        if item.passed:
            text.append("  ✓ done  ", style="green")
            text.append(visible(item.check.label.replace("`", "")) + "\n")
        else:
            text.append("  ✗ to do ", style="red")
            text.append(visible(item.check.label.replace("`", "")) + "\n")
            if item.detail:
                # Course packs and learners' files are untrusted: no raw control characters.
                text.append(f"           now: {visible(item.detail)}\n", style="dim")
    return text


def hints_text(exercise: Exercise, shown: int) -> Text:
    """The hints revealed so far, and how many remain."""
    text = Text()
    for number, hint in enumerate(exercise.hints[:shown], start=1):
        text.append(f"Hint {number}\n", style="bold")
        text.append(reflowed_prose(hint) + "\n\n")
    left = len(exercise.hints) - shown
    if left:
        text.append(f"F2 shows a hint ({left} left).", style="dim")
    else:
        text.append("No hints left.", style="dim")
    return text

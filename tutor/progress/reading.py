"""When a lesson counts as read: every part of it was on screen, and time was spent on it.

Two conditions, both needed (the README says so, and instructors see the result on /class):

- **Seen**: every part of the lesson was on screen at some point. The screen samples which
  stretch of the lesson is in view once a second, so a jump to the end (or a scroll that
  flies past) shows only where it lands, not what it passed.
- **Time**: the lesson was the screen in front of the learner for at least a quarter of the
  minutes its front matter gives (``minutes: 20``: five minutes). A quarter allows a fast
  reader, or one coming back to a lesson they know, and still rules out paging through.

Stretches are kept as fractions of the lesson's height, so a resized window (which re-wraps
the text) keeps what was seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

READ_FRACTION = 0.25  # of the lesson's minutes
SAMPLE_SECONDS = 1.0  # how often the screen looks at what is in view
# A sample more than this long after the last one counts as this long: a suspended laptop
# or a stalled connection is not reading time.
LONGEST_SAMPLE = 2 * SAMPLE_SECONDS
# Rounding in a window's height leaves slivers this small between stretches; they are seen.
_SLIVER = 1e-6


@dataclass
class Reading:
    """How much of one lesson has been on screen, and for how long."""

    minutes: int
    seen: list[tuple[float, float]] = field(default_factory=list)  # merged, in order
    seconds: float = 0.0

    @property
    def required_seconds(self) -> float:
        """How long the lesson must have been in front of the learner."""
        return self.minutes * 60 * READ_FRACTION

    def saw(self, top: int | float, bottom: int | float, height: int | float) -> None:
        """Rows ``top`` (inclusive) to ``bottom`` (exclusive) of ``height`` were in view."""
        if height <= 0 or bottom <= top:
            return
        start, end = max(0.0, top / height), min(1.0, bottom / height)
        merged: list[tuple[float, float]] = []
        for low, high in sorted([*self.seen, (start, end)]):
            if merged and low <= merged[-1][1] + _SLIVER:
                merged[-1] = (merged[-1][0], max(merged[-1][1], high))
            else:
                merged.append((low, high))
        self.seen = merged

    def spent(self, seconds: float) -> None:
        """Count time the lesson was in front of the learner (one sample's worth at most)."""
        self.seconds += min(max(seconds, 0.0), LONGEST_SAMPLE)

    @property
    def fraction_seen(self) -> float:
        """How much of the lesson has been on screen, from 0 to 1."""
        return sum(high - low for low, high in self.seen)

    @property
    def all_seen(self) -> bool:
        """Whether every part of the lesson has been on screen."""
        return (len(self.seen) == 1 and self.seen[0][0] <= _SLIVER
                and self.seen[0][1] >= 1 - _SLIVER)

    @property
    def complete(self) -> bool:
        """Whether the lesson counts as read."""
        return self.all_seen and self.seconds >= self.required_seconds

    def missing(self) -> str:
        """What is still needed, in words, for a learner who asks why it is not marked read."""
        needs = []
        if not self.all_seen:
            needs.append(f"{round(100 * (1 - self.fraction_seen))}% of it not yet on screen")
        left = self.required_seconds - self.seconds
        if left > 0:
            needs.append(f"about {max(1, round(left / 60))} more min with it open")
        return " and ".join(needs)

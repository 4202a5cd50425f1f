"""Waiting on the app in Pilot tests: for a condition, never for a fixed time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot


async def until(pilot: Pilot[Any], condition: Callable[[], object],
                seconds: float = 5.0) -> None:
    """Wait until ``condition()`` holds (then one more frame, so a new screen finishes
    mounting); fail the test when it has not after ``seconds``."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError("timed out waiting for the app")


async def palette_searched(pilot: Pilot[Any]) -> None:
    """Wait until the command palette is open and has finished searching for what was typed
    (it searches in a worker and adds hits in batches as they arrive)."""
    from textual.command import CommandPalette

    group = CommandPalette._GATHER_COMMANDS_GROUP
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette) and not any(
        worker.group == group and not worker.is_finished for worker in pilot.app.workers))

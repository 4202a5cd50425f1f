"""The key bar: the focused screen's keys in one line at the bottom.

Textual's Footer mounts a widget per key and remounts them all whenever focus moves, which
cost the workbench a fifth of its start-up time. The key bar is one widget that redraws
its line instead. Clicking a key presses it, as with the Footer.

When the keys do not fit (the workbench has a dozen at 80 columns), the bar first packs
them closer, then leaves out keys that do nothing at the moment, then the screen's last
keys (a screen lists its keys most important first); the app's own keys, F1 help (which
lists every key) and the command palette always stay.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget):
    """A one-line footer listing the keys that work here; disabled keys are dimmed."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "keybar--key", "keybar--description", "keybar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .keybar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .keybar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyBar > .keybar--disabled {
        text-style: dim;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # (first cell, end cell, key) of each key as last drawn, for clicks.
        self._spans: list[tuple[int, int, str, bool]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh()

    def shown_keys(self) -> list[tuple[str, str, str, bool]]:
        """(key, how it is shown, description, enabled) for each action shown, in order."""
        return [entry for entry, _ in self._entries()]

    def _entries(self) -> list[tuple[tuple[str, str, str, bool], bool]]:
        """Each shown key, and whether it must stay when the line is too long."""
        shown: dict[str, tuple[tuple[str, str, str, bool], bool]] = {}
        palette: tuple[str, str, str, bool] | None = None
        for active in self.screen.active_bindings.values():
            binding = active.binding
            entry = (binding.key, self.app.get_key_display(binding), binding.description,
                     active.enabled)
            if binding.key == self.app.COMMAND_PALETTE_BINDING and self.app.ENABLE_COMMAND_PALETTE:
                palette = entry
            elif binding.show and binding.action not in shown:
                shown[binding.action] = (entry, active.node is self.app)
        return [*shown.values(), *([(palette, True)] if palette else [])]

    def fitted_keys(self, width: int) -> tuple[list[tuple[str, str, str, bool]], bool]:
        """The keys that fit in ``width`` cells, and whether to draw them packed closer."""
        entries = self._entries()
        for compact in (False, True):
            if _line_length([entry for entry, _ in entries], compact) <= width:
                return [entry for entry, _ in entries], compact
        # Too long even packed: keys that do nothing now go first, then the screen's last.
        keep = list(entries)
        droppable = [i for i, ((*_, enabled), pinned) in enumerate(keep)
                     if not pinned and not enabled]
        droppable += [i for i, ((*_, enabled), pinned) in reversed(list(enumerate(keep)))
                      if not pinned and enabled]
        dropped: set[int] = set()
        for index in droppable:
            shown = [entry for i, (entry, _) in enumerate(keep) if i not in dropped]
            if _line_length(shown, True) <= width:
                break
            dropped.add(index)
        return [entry for i, (entry, _) in enumerate(keep) if i not in dropped], True

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        text_style = self.get_component_rich_style("keybar--description", partial=True)
        dim = self.get_component_rich_style("keybar--disabled", partial=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        keys, compact = self.fitted_keys(self.size.width)
        for key, display, description, enabled in keys:
            start = line.cell_len
            extra = Style() if enabled else dim
            line.append(display if compact else f" {display} ", key_style + extra)
            if description:
                line.append(f" {description} " if compact else f"{description} ",
                            text_style + extra)
            self._spans.append((start, line.cell_len, key, enabled))
        return line

    def on_resize(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                event.stop()
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return


def _line_length(keys: list[tuple[str, str, str, bool]], compact: bool) -> int:
    """How many cells the keys take drawn in one line, packed closer or not."""
    from rich.cells import cell_len

    total = 0
    for _, display, description, _ in keys:
        # " ^s " + "Save ", or packed: "^s" + " Save "
        total += cell_len(display) + (2 if compact else 3) + cell_len(description)
        if not description:
            total -= 2 if compact else 1
    return total

"""The key bar: the focused screen's keys in one line at the bottom.

Textual's Footer mounts a widget per key and remounts them all whenever focus moves, which
cost the workbench a fifth of its start-up time. The key bar is one widget that redraws
its line instead. Clicking a key presses it, as with the Footer.
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
        shown: dict[str, tuple[str, str, str, bool]] = {}
        palette: tuple[str, str, str, bool] | None = None
        for active in self.screen.active_bindings.values():
            binding = active.binding
            entry = (binding.key, self.app.get_key_display(binding), binding.description,
                     active.enabled)
            if binding.key == self.app.COMMAND_PALETTE_BINDING and self.app.ENABLE_COMMAND_PALETTE:
                palette = entry
            elif binding.show and binding.action not in shown:
                shown[binding.action] = entry
        return [*shown.values(), *([palette] if palette else [])]

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        text_style = self.get_component_rich_style("keybar--description", partial=True)
        dim = self.get_component_rich_style("keybar--disabled", partial=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for key, display, description, enabled in self.shown_keys():
            start = line.cell_len
            extra = Style() if enabled else dim
            line.append(f" {display} ", key_style + extra)
            if description:
                line.append(f"{description} ", text_style + extra)
            self._spans.append((start, line.cell_len, key, enabled))
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                event.stop()
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return

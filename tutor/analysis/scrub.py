"""Mask known secret values wherever they occur in text, in time linear in text and values."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable

from tutor.analysis.secrets import redact

# A character trie: each character to the trie of what may follow it.
Trie = dict[str, "Trie"]
# How many leading characters of each value the quick search looks for; worth_scrubbing()
# keeps only values of 8 characters or more.
_LEAD = 8


class Scrubber:
    """Masks every whole secret value in a text; overlapping values are masked as one.

    A regex alternation of the values tries every value at every position: quadratic, and
    worst when the values share a prefix. Here a regex nested by character, ``_LEAD`` deep,
    first asks whether any value's first characters occur at all (most texts are already
    masked by their rules); only a text where some do is scanned, once, by an Aho-Corasick
    automaton over the values.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        self.values = frozenset(value for value in secrets if value)
        lead = min([_LEAD, *map(len, self.values)])
        self._leads = re.compile(_trie_pattern({value[:lead] for value in self.values})) \
            if self.values else None
        self._automaton: _Automaton | None = None  # built for the first text that needs it

    def __call__(self, text: str) -> str:
        """The text with each secret value in it replaced by ``redact`` of it."""
        if self._leads is None or self._leads.search(text) is None:
            return text
        if self._automaton is None:
            self._automaton = _Automaton(self.values)
        spans = self._automaton.spans(text)
        if not spans:
            return text
        pieces: list[str] = []
        done = 0
        for start, end in spans:
            pieces += (text[done:start], redact(text[start:end]))
            done = end
        pieces.append(text[done:])
        return "".join(pieces)


class _Automaton:
    """Aho-Corasick over the values: one pass over a text finds every value in it."""

    def __init__(self, values: Iterable[str]) -> None:
        self.goto: list[dict[str, int]] = [{}]
        # The length of the longest value that ends at each state (0 when none does).
        self.longest = [0]
        for value in values:
            state = 0
            for char in value:
                following = self.goto[state].get(char)
                if following is None:
                    following = len(self.goto)
                    self.goto[state][char] = following
                    self.goto.append({})
                    self.longest.append(0)
                state = following
            self.longest[state] = len(value)
        self.fail = [0] * len(self.goto)
        queue = deque(self.goto[0].values())
        while queue:  # breadth first: a state's fallback is shallower, so already complete
            state = queue.popleft()
            for char, following in self.goto[state].items():
                queue.append(following)
                fallback = self.fail[state]
                while fallback and char not in self.goto[fallback]:
                    fallback = self.fail[fallback]
                self.fail[following] = self.goto[fallback].get(char, 0)
                if not self.longest[following]:
                    self.longest[following] = self.longest[self.fail[following]]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of the text covered by values, overlapping ones merged, in order."""
        goto, fail, longest = self.goto, self.fail, self.longest
        merged: list[tuple[int, int]] = []
        state = 0
        for index, char in enumerate(text):
            while state and char not in goto[state]:
                state = fail[state]
            state = goto[state].get(char, 0)
            if longest[state]:
                start, end = index + 1 - longest[state], index + 1
                # Ends only grow, so whatever this value overlaps is at the end of the list.
                while merged and start < merged[-1][1]:
                    start = min(start, merged.pop()[0])
                merged.append((start, end))
        return merged


def _trie_pattern(leads: Iterable[str]) -> str:
    """A regex matching any of the strings, one branch per distinct character at each depth."""
    trie: Trie = {}
    for lead in leads:
        node = trie
        for char in lead:
            node = node.setdefault(char, {})
    return _branches(trie)


def _branches(node: Trie) -> str:
    """The regex for one trie node; recursion is only as deep as the strings (``_LEAD``)."""
    parts = [re.escape(char) + _branches(child) for char, child in node.items()]
    if len(parts) <= 1:
        return "".join(parts)
    return "(?:" + "|".join(parts) + ")"

"""Edit > Find and Replace Text: finding and changing words in type layers' text.

As Photoshop's: the search looks through the active type layer, or, with Search All
Layers, through every type layer from the top of the Layers panel down (starting after
the last match, and going round); Case Sensitive matches the letters' case, Whole Word
matches a word only where no letter or digit touches it. A match is a layer and a span
of its text (`Match`). Change replaces one match (`change`), Change All every match in
scope (`change_all`): each one undo step ("Replace Text"; all of Change All's in one),
through `text_layer.set_text`, so the layer draws again (warp and all) and a layer still
named after its text is renamed after the new one. A type layer has one character
style for all its text (text_layer.py), so the replaced text keeps its style.

Locked layers are looked through but not changed: Change refuses one in one line,
Change All leaves them and says how many it left.

No Qt here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from .errors import DocumentError
from .text_layer import TextLayer, check_editable, set_text

if TYPE_CHECKING:
    from .document import Document

HISTORY_NAME = "Replace Text"


@dataclass(frozen=True)
class Query:
    """What the dialog asks for."""

    find: str
    change_to: str = ""
    all_layers: bool = False
    case_sensitive: bool = False
    whole_word: bool = False

    def pattern(self) -> "re.Pattern":
        if not self.find:
            raise DocumentError("Type the text to find first.")
        body = re.escape(self.find)
        if self.whole_word:  # (no letter, digit or underscore just before or after it)
            body = rf"(?<!\w){body}(?!\w)"
        return re.compile(body, 0 if self.case_sensitive else re.IGNORECASE)


@dataclass(frozen=True)
class Match:
    """`layer`'s text from `start` to `end` (characters)."""

    layer: TextLayer
    start: int
    end: int

    def found(self) -> str:
        return self.layer.type_settings.text[self.start:self.end]


def searched_layers(doc: "Document", query: Query) -> list[TextLayer]:
    """The type layers the query looks through, top first: all of them, or the active one."""
    if query.all_layers:
        return [n for n in reversed(list(doc.layers())) if isinstance(n, TextLayer)]
    return [doc.active] if isinstance(doc.active, TextLayer) else []


def find_next(doc: "Document", query: Query, after: Optional[Match] = None
              ) -> Optional[Match]:
    """The next match after `after` (the first one from the active layer without it),
    going round to the first layer's start; None when there is none at all."""
    pattern = query.pattern()
    layers = searched_layers(doc, query)
    if not layers:
        raise DocumentError("Select a type layer first, or tick Search All Layers.")
    if after is not None and after.layer in layers:
        first, offset = layers.index(after.layer), after.end
    else:
        first = layers.index(doc.active) if doc.active in layers else 0
        offset = 0
    # The layer the search starts in from `offset`, the others from their start, then the
    # starting layer again before `offset` (round to where it began).
    order = [(layers[first], offset)] + [(layers[(first + i) % len(layers)], 0)
                                         for i in range(1, len(layers))] + [(layers[first], 0)]
    for layer, start in order:
        found = pattern.search(layer.type_settings.text, start)
        if found is not None and (found.end() > found.start()):
            return Match(layer, found.start(), found.end())
    return None


def change(doc: "Document", query: Query, match: Match) -> Match:
    """Change: `match` replaced by the query's Change To text, one undo step. Returns the
    span of the new text (so the search goes on after it)."""
    layer = match.layer
    check_editable(doc, layer)
    text = layer.type_settings.text
    # The layer may have changed since it was found: the span must still match.
    if query.pattern().fullmatch(text, match.start, match.end) is None:
        raise DocumentError(f"'{layer.name}' no longer holds '{query.find}' there: find "
                            f"it again.")
    new = text[:match.start] + query.change_to + text[match.end:]
    set_text(doc, layer, layer.type_settings.replace(text=new), name=HISTORY_NAME)
    return Match(layer, match.start, match.start + len(query.change_to))


def change_all(doc: "Document", query: Query) -> tuple[int, int]:
    """Change All: every match in scope replaced, one undo step for all. Returns (the
    number of matches replaced, the number of locked layers left as they were)."""
    pattern = query.pattern()
    layers = searched_layers(doc, query)
    if not layers:
        raise DocumentError("Select a type layer first, or tick Search All Layers.")
    total = locked = 0
    with doc.history.macro(HISTORY_NAME):
        for layer in layers:
            text = layer.type_settings.text
            new, count = pattern.subn(lambda _m: query.change_to, text)
            if not count:
                continue
            if layer.is_locked():
                locked += 1
                continue
            set_text(doc, layer, layer.type_settings.replace(text=new), name=HISTORY_NAME)
            total += count
    return total, locked

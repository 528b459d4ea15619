"""Character and paragraph styles (Photoshop's Character Styles and Paragraph Styles
panels): named sets of a type layer's settings, kept by the document.

A character style holds the Character panel's fields (`CHARACTER_FIELDS`: font, style,
size, leading, kerning, tracking, scales, baseline shift, colour, caps, faux bold and
italic, rules); a paragraph style the Paragraph panel's (`PARAGRAPH_FIELDS`: alignment,
indents, spaces) and, as Photoshop's do, character fields of its own. A style is made
from a type layer's settings (New Style, Redefine Style by Selection) or edited in its
options; it has every field of its kind.

A type layer remembers the name of the style of each kind applied to it
(`TextLayer.paragraph_style`, `character_style`; None: "[Basic Paragraph]", "None").
What the layer should look like under them (`styled`) is its settings with the paragraph
style's values (Basic Paragraph: `TextSettings`' defaults, their size in points at the
document's resolution, as the Type tool's: 24 pt is 100 px at 300 ppi), then the character style's on
top. Where the layer differs in a field its style sets, the style is overridden
(`overridden`: the panels' "+"); Clear Override applies the style again.

The document keeps its styles in one immutable `TypeStyles` (`Document.type_styles`),
replaced by `SetTypeStyles`: every operation here is one undo step (a history macro with
the layers it restyles), and the PSD keeps the styles and each layer's names in our XMP
entry (psd_xmp.py).
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Optional

from .commands import SetAttr
from .errors import DocumentError
from .history import Command
from .resolution import type_change
from .text_layer import TextLayer, TextSettings, check_editable, set_text, text_layers

if TYPE_CHECKING:
    from .document import Document

CHARACTER, PARAGRAPH = "character", "paragraph"
KINDS = (CHARACTER, PARAGRAPH)
CHARACTER_FIELDS = ("font", "bold", "italic", "size", "leading", "kerning", "tracking",
                    "v_scale", "h_scale", "baseline_shift", "color", "caps", "underline",
                    "strikethrough")
PARAGRAPH_FIELDS = ("align", "indent_left", "indent_right", "indent_first", "space_before",
                    "space_after")
# The first row of each panel: no style of the kind (Photoshop's names).
BASE_NAMES = {PARAGRAPH: "[Basic Paragraph]", CHARACTER: "None"}
TITLES = {PARAGRAPH: "Paragraph Style", CHARACTER: "Character Style"}
ATTRS = {PARAGRAPH: "paragraph_style", CHARACTER: "character_style"}
_DEFAULTS = {f.name: f.default for f in fields(TextSettings)}


def kind_fields(kind: str) -> tuple[str, ...]:
    return CHARACTER_FIELDS if kind == CHARACTER else PARAGRAPH_FIELDS + CHARACTER_FIELDS


@dataclass(frozen=True)
class TypeStyle:
    """A named style: its kind and its values, ((field, value), ...) in `kind_fields`'
    order (checked by `TextSettings`: a style always applies)."""

    name: str
    kind: str
    values: tuple

    @classmethod
    def make(cls, name: str, kind: str, values: dict) -> "TypeStyle":
        """A style of `kind` with `values` (the missing fields: `TextSettings`' defaults),
        checked as settings are; a readable DocumentError else."""
        if kind not in KINDS:
            raise DocumentError(f"There is no {kind!r} style kind.")
        name = str(name).strip()
        if not name or name == BASE_NAMES[kind]:
            raise DocumentError(f"A {TITLES[kind].lower()} needs a name of its own.")
        keys = kind_fields(kind)
        try:
            checked = TextSettings().replace(**{k: values[k] for k in keys if k in values})
        except (TypeError, ValueError) as exc:
            raise DocumentError(f"The style {name!r} has a value out of range ({exc}).") \
                from None
        return cls(name, kind, tuple((k, getattr(checked, k)) for k in keys))

    @classmethod
    def of_settings(cls, name: str, kind: str, settings: TextSettings) -> "TypeStyle":
        return cls.make(name, kind, {k: getattr(settings, k) for k in kind_fields(kind)})

    def as_dict(self) -> dict:
        return dict(self.values)

    def as_json(self) -> dict:
        values = self.as_dict()
        values["color"] = list(values["color"])
        return {"name": self.name, "kind": self.kind, "values": values}

    @classmethod
    def from_json(cls, data) -> Optional["TypeStyle"]:
        """A style `as_json` wrote; None for an entry that is not one (damaged, or set by
        hand)."""
        try:
            return cls.make(data["name"], data["kind"], dict(data["values"]))
        except (KeyError, TypeError, ValueError, DocumentError):
            return None


@dataclass(frozen=True)
class TypeStyles:
    """The document's styles of both kinds, each kind's in the panel's order."""

    character: tuple = ()
    paragraph: tuple = ()

    def of(self, kind: str) -> tuple:
        return self.character if kind == CHARACTER else self.paragraph

    def find(self, kind: str, name: Optional[str]) -> Optional[TypeStyle]:
        return next((s for s in self.of(kind) if s.name == name), None)

    def with_kind(self, kind: str, styles) -> "TypeStyles":
        styles = tuple(styles)
        return TypeStyles(styles, self.paragraph) if kind == CHARACTER \
            else TypeStyles(self.character, styles)

    def to_json(self) -> list:
        return [s.as_json() for s in self.paragraph + self.character]

    @classmethod
    def from_json(cls, data) -> "TypeStyles":
        """The styles `to_json` wrote (none for a file without any); entries that are not
        styles, or a second style of a kind's name, are dropped."""
        state = cls()
        for entry in data if isinstance(data, list) else ():
            style = TypeStyle.from_json(entry)
            if style is not None and state.find(style.kind, style.name) is None:
                state = state.with_kind(style.kind, state.of(style.kind) + (style,))
        return state


class SetTypeStyles(Command):
    """Replaces the document's styles (an immutable `TypeStyles`); undo brings back the
    ones it replaced."""

    def __init__(self, state: TypeStyles, name: str):
        self.name = name
        self._other = state

    def _swap(self, doc: "Document") -> None:
        current = doc.type_styles
        doc._set_type_styles(self._other)
        self._other = current

    redo = _swap
    undo = _swap

    def is_noop(self) -> bool:
        return False


# -- what a layer's styles make of it ----------------------------------------------------

def style_of(doc: "Document", layer: TextLayer, kind: str) -> Optional[TypeStyle]:
    """The style of `kind` the layer remembers; None: the base row (or a name the document
    no longer has)."""
    return doc.type_styles.find(kind, getattr(layer, ATTRS[kind]))


def _style_values(doc: "Document", layer: TextLayer) -> tuple[dict, dict]:
    """(paragraph's values, character's values) the layer's styles set."""
    para = style_of(doc, layer, PARAGRAPH)
    paragraph = para.as_dict() if para is not None else type_change(
        {k: _DEFAULTS[k] for k in kind_fields(PARAGRAPH)}, doc.resolution / 72.0)
    char = style_of(doc, layer, CHARACTER)
    return paragraph, (char.as_dict() if char is not None else {})


def styled(doc: "Document", layer: TextLayer, kind: str = PARAGRAPH) -> TextSettings:
    """The layer's settings as its styles make them (its text, box, warp and path kept):
    the paragraph style's values and the character style's on top; for CHARACTER the
    character style's alone (the rest of the layer as it is)."""
    paragraph, character = _style_values(doc, layer)
    if kind == CHARACTER:
        paragraph = {}
    return layer.type_settings.replace(**{**paragraph, **character})


def overridden(doc: "Document", layer: TextLayer, kind: str) -> bool:
    """Whether the layer differs from its style of `kind` in a field the style sets (a
    paragraph style's character fields count where no character style sets them)."""
    paragraph, character = _style_values(doc, layer)
    if kind == CHARACTER:
        keys = tuple(character)
    else:
        keys = tuple(k for k in paragraph if k not in character)
    target, settings = styled(doc, layer), layer.type_settings
    return any(getattr(target, k) != getattr(settings, k) for k in keys)


# -- operations (each one undo step) -------------------------------------------------------

def _checked_kind(kind: str) -> str:
    if kind not in KINDS:
        raise DocumentError(f"There is no {kind!r} style kind.")
    return kind


def _find(doc: "Document", kind: str, name: str) -> TypeStyle:
    style = doc.type_styles.find(_checked_kind(kind), name)
    if style is None:
        raise DocumentError(f"There is no {TITLES[kind].lower()} named {name!r}.")
    return style


def free_name(doc: "Document", kind: str, stem: Optional[str] = None) -> str:
    """Photoshop's name for a new style ("Paragraph Style 1", 2...), or `stem` itself
    when free, else `stem` numbered ("Title copy 2")."""
    taken = {s.name for s in doc.type_styles.of(kind)} | {BASE_NAMES[kind]}
    if stem is not None and stem not in taken:
        return stem
    base = stem + " " if stem is not None else TITLES[kind] + " "
    n = 1 if stem is None else 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def _assign(doc: "Document", layer: TextLayer, kind: str, name: Optional[str]) -> None:
    attr = ATTRS[kind]
    if getattr(layer, attr) != name:
        doc.history.push(SetAttr(layer, attr, name))


def new_style(doc: "Document", kind: str, settings: TextSettings,
              layer: Optional[TextLayer] = None, name: Optional[str] = None) -> TypeStyle:
    """New Paragraph (Character) Style: a style of `settings`' fields (the selected type
    layer's, as Photoshop makes it), last in the panel; with `layer` the layer takes it
    (no override, its look unchanged). One step."""
    style = TypeStyle.of_settings(name or free_name(doc, kind), _checked_kind(kind), settings)
    if doc.type_styles.find(kind, style.name) is not None:
        raise DocumentError(f"There is already a {TITLES[kind].lower()} named {style.name!r}.")
    with doc.history.macro(f"New {TITLES[kind]}"):
        doc.history.push(SetTypeStyles(doc.type_styles.with_kind(
            kind, doc.type_styles.of(kind) + (style,)), f"New {TITLES[kind]}"))
        if layer is not None:
            check_editable(doc, layer)
            _assign(doc, layer, kind, style.name)
    return style


def apply_style(doc: "Document", layer: TextLayer, kind: str, name: Optional[str]) -> None:
    """A click on a style with a type layer selected: the layer takes the style's values
    (overrides cleared) and remembers its name; None: the base row ([Basic Paragraph]:
    the defaults; None: no character style, the look kept). One step."""
    check_editable(doc, layer)
    if name is not None:
        _find(doc, kind, name)
    with doc.history.macro(f"Apply {TITLES[kind]}"):
        _assign(doc, layer, kind, name)
        if kind == PARAGRAPH or name is not None:
            set_text(doc, layer, styled(doc, layer, kind), name=f"Apply {TITLES[kind]}")


def clear_override(doc: "Document", layer: TextLayer, kind: str) -> None:
    """Clear Override: the layer's style of `kind` applied again. One step."""
    check_editable(doc, layer)
    set_text(doc, layer, styled(doc, layer, kind), name="Clear Override")


def _replace(doc: "Document", kind: str, old: TypeStyle, new: Optional[TypeStyle],
             step: str) -> None:
    """Puts `new` in `old`'s place (None: removes it), inside the caller's macro: the
    layers that use it follow (renamed; the fields they did not override take the new
    values; a deleted style's layers keep their look, their style the base row)."""
    styles = tuple(new if s is old else s for s in doc.type_styles.of(kind) if
                   new is not None or s is not old)
    users = [layer for layer in text_layers(doc) if getattr(layer, ATTRS[kind]) == old.name]
    doc.history.push(SetTypeStyles(doc.type_styles.with_kind(kind, styles), step))
    before, after = old.as_dict(), (new.as_dict() if new is not None else {})
    for layer in users:
        _assign(doc, layer, kind, new.name if new is not None else None)
        settings = layer.type_settings
        change = {k: v for k, v in after.items() if getattr(settings, k) == before[k]
                  and v != before[k]}
        if change:
            try:
                set_text(doc, layer, settings.replace(**change), name=step)
            except DocumentError:  # (a locked layer keeps its look: an override)
                pass


def redefine_style(doc: "Document", layer: TextLayer, kind: str) -> TypeStyle:
    """Redefine Style by Selection: the layer's style of `kind` takes the layer's values;
    the other layers using it follow where they did not override it. One step."""
    old = style_of(doc, layer, kind)
    if old is None:
        raise DocumentError(f"The layer has no {TITLES[kind].lower()} to redefine.")
    new = TypeStyle.of_settings(old.name, kind, layer.type_settings)
    with doc.history.macro("Redefine Style"):
        _replace(doc, kind, old, new, "Redefine Style")
    return new


def set_style_options(doc: "Document", kind: str, name: str, new_name: str,
                      values: dict) -> TypeStyle:
    """Style Options: the style renamed and given `values`; the layers using it follow. One
    step."""
    old = _find(doc, kind, name)
    new = TypeStyle.make(new_name, kind, {**old.as_dict(), **values})
    if new.name != old.name and doc.type_styles.find(kind, new.name) is not None:
        raise DocumentError(f"There is already a {TITLES[kind].lower()} named {new.name!r}.")
    with doc.history.macro(f"{TITLES[kind]} Options"):
        _replace(doc, kind, old, new, f"{TITLES[kind]} Options")
    return new


def delete_style(doc: "Document", kind: str, name: str) -> None:
    """Delete Style: gone from the document; the text that used it keeps its look (its
    style the base row). One step."""
    old = _find(doc, kind, name)
    with doc.history.macro(f"Delete {TITLES[kind]}"):
        _replace(doc, kind, old, None, f"Delete {TITLES[kind]}")


def duplicate_style(doc: "Document", kind: str, name: str) -> TypeStyle:
    """Duplicate Style: "<name> copy" after it, the same values. One step."""
    old = _find(doc, kind, name)
    copy = TypeStyle(free_name(doc, kind, f"{old.name} copy"), kind, old.values)
    styles = list(doc.type_styles.of(kind))
    styles.insert(styles.index(old) + 1, copy)
    doc.history.push(SetTypeStyles(doc.type_styles.with_kind(kind, styles),
                                   f"Duplicate {TITLES[kind]}"))
    return copy

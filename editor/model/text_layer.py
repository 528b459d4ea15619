"""Text layers (Photoshop's type layers): point text whose pixels are drawn from its settings.

A `TextLayer` is a pixel layer whose pixels are derived: its `settings` (`TextSettings`:
the text, which may hold several lines, the font family, size, colour, bold, italic,
alignment and tracking) are drawn anti-aliased by Qt's text engine (QFont, QPainter on a
QImage: this package's declared Qt dependency, loaded when text is first drawn) around its
anchor, the point the Type tool clicked. As in Photoshop's point text the anchor is on
the first line's baseline, at the line's start (left aligned), middle (centred) or end
(right aligned); each further line is 120 % of the size lower (Photoshop's Auto leading).

Sizes are in points at 72 points per inch: one point is one document pixel (Photoshop's
type at 72 ppi; Layered keeps no resolution of its own for documents).

Because its pixels are ordinary pixels at an offset, everything that reads layers (the
compositor, moving, layer styles, masks, PSD's pixel channels) takes a text layer as it
takes a pixel layer. What would change its pixels by hand (painting, filters, transforms)
is refused until Layer > Rasterize > Type makes it a plain layer (`rasterize`); see
`document.raise_if_locked`. Changing its settings (`set_text`) draws it again and is one
undo step (`SetText`), as replacing an adjustment layer's settings is. Moving it moves
its anchor with it: the anchor is kept as the point `origin` of its pixels.

A PSD keeps it as Photoshop's type layer: its pixels as drawn (so every program shows it)
and a 'TySh' block with its text and settings in Photoshop's engine data (psd_type.py),
from which it comes back editable, with its settings in Layered's XMP entry too; a
Photoshop type layer comes back editable from Photoshop's own engine data when it is
plain enough (`psd_type.read_type`), keeping Photoshop's pixels until it is edited.
"""
from __future__ import annotations

import math
import sys
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Optional

import numpy as np

from engine.box import opaque_bounds

from . import commands as cmds
from .errors import DocumentError
from .history import Command, Macro
from .layers import Layer, empty_pixels

if TYPE_CHECKING:
    from .document import Document

ALIGNMENTS = ("left", "center", "right")
MIN_SIZE, MAX_SIZE = 0.1, 1296.0  # points (Photoshop's range)
LEADING = 1.2  # a line's height in sizes: Photoshop's Auto leading
NAME_LENGTH = 40  # characters of the text a type layer is named after
# The most pixels a text may draw (a 1296 pt paragraph stays far below it): beyond, the
# change is refused instead of allocating gigabytes.
MAX_TEXT_PIXELS = 1 << 27
DEFAULT_FONT = "DejaVu Sans"


@dataclass(frozen=True)
class TextSettings:
    """What a text layer draws. Immutable: replaced, never changed (one undo step each)."""

    text: str = ""
    font: str = DEFAULT_FONT  # the font family's name
    size: float = 24.0  # points = pixels (72 ppi)
    color: tuple = (0, 0, 0)  # RGB 0..255
    bold: bool = False
    italic: bool = False
    align: str = "left"  # one of ALIGNMENTS
    tracking: int = 0  # Photoshop's tracking: thousandths of an em added between letters
    # Photoshop's font name (a PostScript name) when the settings came from its file.
    postscript: Optional[str] = field(default=None, compare=False)

    def __post_init__(self):
        if self.align not in ALIGNMENTS:
            raise ValueError(f"unknown alignment {self.align!r}")
        size = float(self.size)
        if not (math.isfinite(size) and MIN_SIZE <= size <= MAX_SIZE):
            raise DocumentError(f"A type size is {MIN_SIZE:g} to {MAX_SIZE:g} pt, "
                                f"not {self.size!r}.")
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "color", tuple(int(c) for c in self.color)[:3])
        object.__setattr__(self, "tracking", int(self.tracking))
        # One line break for all: what a paste from Windows or an old Mac brings.
        text = str(self.text).replace("\r\n", "\n").replace("\r", "\n")
        object.__setattr__(self, "text", text)

    def replace(self, **change) -> "TextSettings":
        if "font" in change and change["font"] != self.font:
            change.setdefault("postscript", None)  # (another font: not the file's any more)
        return replace(self, **change)

    def lines(self) -> list[str]:
        return self.text.split("\n")

    def as_dict(self) -> dict:
        out = asdict(self)
        out["color"] = list(self.color)
        if out["postscript"] is None:
            del out["postscript"]
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "TextSettings":
        """Settings from `as_dict`'s form (a PSD's XMP entry); unknown keys are ignored."""
        known = {k: data[k] for k in ("text", "font", "size", "color", "bold", "italic",
                                      "align", "tracking", "postscript") if k in data}
        return cls(**known)

    def describe(self) -> str:
        style = " ".join(s for s, on in (("bold", self.bold), ("italic", self.italic)) if on)
        return (f"{self.font} {self.size:g} pt" + (f" {style}" if style else "")
                + " #{:02x}{:02x}{:02x}".format(*self.color) + f", {self.align}"
                + (f", tracking {self.tracking}" if self.tracking else ""))


def layer_name(text: str) -> str:
    """The name Photoshop gives a type layer: its text, line breaks as spaces, shortened."""
    name = " ".join(text.split())
    return name[:NAME_LENGTH] if name else "Text"


# -- drawing (Qt) ---------------------------------------------------------------------------

_app = None  # the offscreen QGuiApplication a command-line verb makes to draw text


def _qt():
    """QtGui, with the QGuiApplication its fonts need: the editor's own, or, in a verb run
    from the command line, an offscreen one made on the first text drawn."""
    global _app
    from PySide6 import QtGui

    if QtGui.QGuiApplication.instance() is None:
        _app = QtGui.QGuiApplication(["layered", "-platform", "offscreen"])
    return QtGui


def _font(settings: TextSettings):
    QtGui = _qt()
    font = QtGui.QFont(settings.font)
    # Drawn on a 72 dpi image (`_image`), a point is a pixel.
    font.setPointSizeF(settings.size)
    font.setBold(settings.bold)
    font.setItalic(settings.italic)
    # Unhinted outlines scale smoothly, as Photoshop draws type.
    font.setHintingPreference(QtGui.QFont.HintingPreference.PreferNoHinting)
    font.setStyleStrategy(QtGui.QFont.StyleStrategy.PreferAntialias)
    if settings.tracking:
        font.setLetterSpacing(QtGui.QFont.SpacingType.AbsoluteSpacing,
                              settings.tracking * settings.size / 1000.0)
    return font


def _image(width: int, height: int):
    QtGui = _qt()
    image = QtGui.QImage(max(1, width), max(1, height),
                         QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    dots = round(72 / 0.0254)  # 72 dpi: Qt takes a point as a pixel on it
    image.setDotsPerMeterX(dots)
    image.setDotsPerMeterY(dots)
    image.fill(0)
    return image


def fonts_ready() -> bool:
    """Whether Qt's fonts can be asked without making an application: the editor's, or
    the one a verb made to draw text. Reading and writing files make none (nor import
    PySide6, which `info` does without): an application made there would stand in the
    way of a QApplication made later in the same process."""
    QtGui = sys.modules.get("PySide6.QtGui")
    return QtGui is not None and QtGui.QGuiApplication.instance() is not None


def font_face(settings: TextSettings) -> tuple[Optional[str], bool, bool]:
    """The font file Qt draws `settings` with: its PostScript name (from its 'name'
    table; None when Qt substitutes another family for the one asked for, or the font has
    no such name), and whether the face itself is bold and italic (else Qt makes them up,
    as Photoshop's faux bold and italic do)."""
    QtGui = _qt()
    raw = QtGui.QRawFont.fromFont(_font(settings))
    bold = raw.weight() >= 600
    italic = raw.style() != QtGui.QFont.Style.StyleNormal
    if raw.familyName().casefold() != settings.font.casefold():
        return None, bold, italic
    return _postscript_name(bytes(raw.fontTable("name"))), bold, italic


def _postscript_name(table: bytes) -> Optional[str]:
    """Name 6 (the PostScript name) of an OpenType 'name' table: Windows' (UTF-16) first,
    then the Mac's (Roman), then Unicode's."""
    import struct

    try:
        _, count, strings = struct.unpack_from(">HHH", table, 0)
        found = {}
        for i in range(count):
            platform, encoding, _, name_id, length, offset = struct.unpack_from(
                ">6H", table, 6 + 12 * i)
            if name_id == 6:
                data = table[strings + offset:strings + offset + length]
                found.setdefault(platform, data.decode("mac_roman" if platform == 1
                                                       else "utf-16-be"))
    except (struct.error, UnicodeDecodeError):
        return None
    name = next((found[p] for p in (3, 1, 0) if found.get(p)), None)
    return (name.strip("\x00 ") or None) if name else None


def installed_family(compact: str) -> Optional[str]:
    """The installed font family whose name without spaces is `compact` ("DejaVuSans" ->
    "DejaVu Sans"), case aside; None when there is none, or no application to ask
    (`fonts_ready`)."""
    if not fonts_ready():
        return None
    QtGui = _qt()
    wanted = compact.replace(" ", "").casefold()
    return next((f for f in QtGui.QFontDatabase.families()
                 if f.replace(" ", "").casefold() == wanted), None)


@dataclass(frozen=True)
class Line:
    """One line laid out: its text, where it starts and its baseline (relative to the
    anchor), its advance and the font's ascent and descent."""

    text: str
    x: float
    baseline: float
    width: float
    ascent: float
    descent: float


def layout(settings: TextSettings) -> list[Line]:
    """The lines of `settings` placed around the anchor (0, 0), first baseline at y = 0."""
    QtGui = _qt()
    metrics = QtGui.QFontMetricsF(_font(settings), _image(1, 1))
    lines = []
    for i, text in enumerate(settings.lines()):
        width = metrics.horizontalAdvance(text)
        x = {"left": 0.0, "center": -width / 2, "right": -width}[settings.align]
        lines.append(Line(text, x, i * LEADING * settings.size, width, metrics.ascent(),
                          metrics.descent()))
    return lines


def caret(settings: TextSettings, line: int, column: int) -> tuple[float, float, float]:
    """Where the text cursor stands before character `column` of line `line`: (x, top,
    bottom) relative to the anchor."""
    QtGui = _qt()
    metrics = QtGui.QFontMetricsF(_font(settings), _image(1, 1))
    placed = layout(settings)[line]
    x = placed.x + metrics.horizontalAdvance(placed.text[:column])
    return x, placed.baseline - placed.ascent, placed.baseline + placed.descent


def draw(settings: TextSettings) -> tuple[np.ndarray, int, int]:
    """The text's straight RGBA pixels, cropped to what it covers, and where the anchor
    lies in them (ox, oy). Empty text (or spaces alone) draws no pixels (origin 0, 0)."""
    QtGui = _qt()
    lines = [line for line in layout(settings) if line.text.strip()]
    if not lines:
        return empty_pixels(), 0, 0
    font = _font(settings)
    metrics = QtGui.QFontMetricsF(font, _image(1, 1))
    # The box every glyph falls in: advances and ink (italic overhangs, accents), padded
    # for the anti-aliased edge; cropped to the ink afterwards.
    x0 = y0 = math.inf
    x1 = y1 = -math.inf
    for line in lines:
        ink = metrics.boundingRect(line.text)
        x0 = min(x0, line.x + min(0.0, ink.left()))
        x1 = max(x1, line.x + max(line.width, ink.right()))
        y0 = min(y0, line.baseline + min(-line.ascent, ink.top()))
        y1 = max(y1, line.baseline + max(line.descent, ink.bottom()))
    pad = 2 + math.ceil(settings.size * 0.1)
    left, top = math.floor(x0) - pad, math.floor(y0) - pad
    width, height = math.ceil(x1) + pad - left, math.ceil(y1) + pad - top
    if width * height > MAX_TEXT_PIXELS:
        raise DocumentError(f"The text would cover {width} x {height} pixels: make it "
                            f"smaller or shorter.")
    image = _image(width, height)
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing)
    painter.setFont(font)
    painter.setPen(QtGui.QColor(255, 255, 255))
    from PySide6.QtCore import QPointF

    for line in lines:
        painter.drawText(QPointF(line.x - left, line.baseline - top), line.text)
    painter.end()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(height, image.bytesPerLine())
    alpha = rows[:, :width * 4].reshape(height, width, 4)[..., 3]  # BGRA: alpha is coverage
    pixels = np.zeros((height, width, 4), np.uint8)
    pixels[..., :3] = settings.color  # one colour: straight RGB everywhere, alpha the ink
    pixels[..., 3] = alpha
    ink = opaque_bounds(pixels)
    if ink is None:
        return empty_pixels(), 0, 0
    pixels = np.ascontiguousarray(pixels[ink.slices()])
    return pixels, -left - ink.x, -top - ink.y


# -- the layer ----------------------------------------------------------------------------

class TextLayer(Layer):
    """A type layer: pixels drawn from `type_settings` around its anchor (`anchor()`), the
    point `origin` of its pixels (so that moving the layer moves the anchor)."""

    kind = "text"
    # Painting, filters and transforms need its pixels made plain first (document.py).
    derived = "type"

    def __init__(self, name: str, settings: TextSettings, pixels: Optional[np.ndarray] = None,
                 x: int = 0, y: int = 0, origin: tuple[int, int] = (0, 0), **kwargs):
        super().__init__(name, pixels, x, y, **kwargs)
        self.type_settings = settings
        self.origin = (int(origin[0]), int(origin[1]))

    @classmethod
    def drawn(cls, name: str, settings: TextSettings, anchor: tuple[int, int],
              **kwargs) -> "TextLayer":
        """A new text layer with its pixels drawn, anchored at canvas point `anchor`."""
        pixels, ox, oy = draw(settings)
        ax, ay = int(anchor[0]), int(anchor[1])
        return cls(name, settings, pixels, ax - ox, ay - oy, (ox, oy), **kwargs)

    def anchor(self) -> tuple[int, int]:
        return self.x + self.origin[0], self.y + self.origin[1]

    def copy(self, name: Optional[str] = None, share: bool = False) -> "TextLayer":
        return self._copy_extras(TextLayer(
            name or self.name, self.type_settings, self.pixels if share else self.pixels.copy(),
            self.x, self.y, self.origin, visible=self.visible, opacity=self.opacity,
            blend_mode=self.blend_mode, locked=self.locked, recipe=self.recipe,
            source_kind=self.source_kind), share)


class SetText(Command):
    """Gives a text layer new settings and the pixels drawn from them (drawn once, when
    made; undo and redo swap), its anchor kept; a layer still named after its text is
    renamed after the new one (Photoshop's)."""

    def __init__(self, layer: TextLayer, settings: TextSettings, name: str = "Edit Type Layer",
                 anchor: Optional[tuple[int, int]] = None):
        self.layer, self.name = layer, name
        pixels, ox, oy = draw(settings)
        ax, ay = layer.anchor() if anchor is None else (int(anchor[0]), int(anchor[1]))
        title = layer.name
        if layer.name == layer_name(layer.type_settings.text):
            title = layer_name(settings.text)
        self._other = (settings, pixels, ax - ox, ay - oy, (ox, oy), title)

    def _swap(self, doc: "Document") -> None:
        layer = self.layer
        current = (layer.type_settings, layer.pixels, layer.x, layer.y, layer.origin, layer.name)
        settings, pixels, x, y, origin, title = self._other
        layer.type_settings, layer.origin = settings, origin
        doc._set_pixels(layer, pixels, x, y)
        if title != layer.name:
            doc._set_attr(layer, "name", title)
        self._other = current

    redo = _swap
    undo = _swap

    def nbytes(self) -> int:
        return int(self._other[1].nbytes)

    def is_noop(self) -> bool:
        layer = self.layer
        return self._other[0] == layer.type_settings and self._other[5] == layer.name and \
            self._other[2:4] == (layer.x, layer.y)


# -- operations (each one undo step) --------------------------------------------------------

def add_text(doc: "Document", settings: TextSettings, anchor: tuple[int, int],
             name: Optional[str] = None) -> TextLayer:
    """A new text layer anchored at canvas point `anchor`, above the active node: the Type
    tool's click and typing, one step. Empty text makes no layer (Photoshop's)."""
    if not settings.text.strip():
        raise DocumentError("Type some text first: an empty text layer is not kept.")
    layer = TextLayer.drawn(name or layer_name(settings.text), settings, anchor)
    doc.add_layer(layer, name="Type Tool")
    return layer


def set_text(doc: "Document", layer, settings: TextSettings) -> None:
    """Replaces a text layer's settings (its text, font, size, colour...): one step."""
    check_editable(doc, layer)
    if settings != layer.type_settings:
        doc.history.push(SetText(layer, settings))


def preview_text(doc: "Document", layer: TextLayer, settings: TextSettings) -> None:
    """Shows `settings` on a text layer without recording a step (the Type tool while the
    user types); the tool ends by previewing the settings it started from, then
    `set_text` with its own: one step."""
    if settings != layer.type_settings:
        SetText(layer, settings).redo(doc)


def check_editable(doc: "Document", layer) -> None:
    if not isinstance(layer, TextLayer) or not doc.contains(layer):
        raise DocumentError("Select a text layer first.")
    doc._check_unlocked(layer)


def rasterize(doc: "Document", layer) -> Layer:
    """Layer > Rasterize > Type: the text layer becomes a plain pixel layer with the same
    pixels, place, name, mask and style (its text no longer editable); one step."""
    check_editable(doc, layer)
    plain = Layer.copy(layer)  # Layer's copy makes a Layer: the same pixels and extras
    parent, index = layer.parent, layer.index()
    # (the new layer in the old one's place, and chosen, as Photoshop leaves it)
    doc.history.push(Macro("Rasterize Type", [cmds.RemoveNode(layer, "Rasterize Type"),
                                              cmds.InsertNode(plain, parent, index,
                                                              "Rasterize Type")]))
    return plain


def text_layers(doc: "Document") -> list[TextLayer]:
    return [n for n in doc.layers() if isinstance(n, TextLayer)]

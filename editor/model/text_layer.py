"""Text layers (Photoshop's type layers): point or paragraph text whose pixels are drawn
from its settings.

A `TextLayer` is a pixel layer whose pixels are derived: its `settings` (`TextSettings`:
the text, which may hold several lines, the font family, size, colour, bold, italic,
alignment, tracking, and the rest of the Character and Paragraph panels': leading,
kerning, baseline shift, vertical and horizontal scale, caps, underline, strikethrough,
indents and paragraph spaces; one style for the whole layer) are drawn anti-aliased by
Qt's text engine (QFont, QPainter on a QImage: this package's declared Qt dependency,
loaded when text is first drawn) around its anchor, the point the Type tool clicked. As
in Photoshop's point text the anchor is on the first line's baseline, at the line's
start (left aligned), middle (centred) or end (right aligned); each further line is the
leading lower (Auto: 120 % of the size, Photoshop's). The baseline shift raises the
glyphs, not the lines (the anchor and the caret stay); the vertical scale scales the
font's size and the horizontal one stretches it (QFont.setStretch); a manual kerning
turns the font's pairs off and spaces every pair, as tracking does.

Paragraph text (`TextSettings.box`: its width and height) is text in a box, as the Type
tool's drag makes it: its anchor is the box's top-left corner; each paragraph (a line
of the text) wraps at word boundaries to the box's width (a word wider than the box
anywhere), found by Qt's QTextLayout with the font drawn with; the first baseline lies
the font's cap height below the box's top (where Photoshop puts it: measured on its
files, the capitals touch the box), the next ones the leading apart; lines that do
not fit in the box's height (baseline and descent) are not drawn: Photoshop's overflow
(`overflows`). The left and right indents narrow the box for every line, the first-line
indent moves each paragraph's first line; the space before and after paragraphs parts
them. Alignment is within the indents; the justify modes spread each line but a
paragraph's last over that width by widening its spaces, the last one left, centred or
right aligned (Photoshop's Justify Last Left, Centered, Right), or spread too (Justify
All).

Type on a path (`TextSettings.path`, the layer's own copy of the path, and its start and
end markers; text_path.py) lays the text out as point text, then draws each glyph at its
middle's place along the path, turned with it (`_draw_on_path`); glyphs not wholly
between the markers are not drawn (`overflows`), and `warp_points` carries the caret and
selection onto the path as it does onto warped text.

Type > Warp Text bends the drawn text as Photoshop's does (`TextSettings.warp_style` and
its values; text_warp.py): the text is drawn flat, then resampled through Edit >
Transform > Warp's preset of the same style over the text's box (`_text_box`); the
Type tool's caret and selection follow it (`warp_points`).

Sizes, leading, baseline shift, indents and paragraph spaces are in document pixels, as
Photoshop's engine data keeps them (its FontSize is the size in points times the
document's resolution over 72: 12 pt at 300 ppi is 50): the Character panel and the
Type tool show them in Preferences' type unit (`resolution.type_shown`). Image Size with
Resample off so keeps the text's pixels (its size in points changes with the resolution),
with Resample on it scales them (`TextSettings.scaled`: the size in points stays).

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
from functools import lru_cache
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Optional

import numpy as np

from engine.box import opaque_bounds

from . import text_warp
from .text_path import TypePath, span, track
from .errors import DocumentError
from .history import Command
from .layers import Layer, empty_pixels

if TYPE_CHECKING:
    from .document import Document

# justify (Photoshop's Justify Last Left), justify_center, justify_right (the last line
# centred or right aligned), justify_all (the last line spread too): paragraph text only.
ALIGNMENTS = ("left", "center", "right", "justify", "justify_center", "justify_right",
              "justify_all")
CAPS = ("normal", "small", "all")  # Photoshop's FontCaps 0, 1, 2
MAX_LEADING = 5000.0  # pixels (Photoshop's most in points)
MAX_SHIFT = 5000.0  # a baseline shift's most either way (pixels)
MIN_SCALE, MAX_SCALE = 1.0, 1000.0  # vertical and horizontal scale (percent; Photoshop's 0..1000)
MAX_INDENT = 8000.0  # an indent's or a paragraph space's most either way (pixels)
MAX_BOX = 30000.0  # a paragraph box's widest and tallest (pixels)
MIN_SIZE, MAX_SIZE = 0.1, 1296.0  # points (Photoshop's range: the panels')
# A size's range in pixels (the settings'): to Photoshop's most, 1296 pt, at 300 ppi.
MIN_PIXEL_SIZE, MAX_PIXEL_SIZE = 0.01, 5400.0
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
    size: float = 24.0  # pixels (points times the resolution over 72)
    color: tuple = (0, 0, 0)  # RGB 0..255
    bold: bool = False
    italic: bool = False
    align: str = "left"  # one of ALIGNMENTS
    tracking: int = 0  # Photoshop's tracking: thousandths of an em added between letters
    # Paragraph text's box (width, height) in pixels, its top-left corner the anchor;
    # None: point text.
    box: Optional[tuple] = None
    # Photoshop's font name (a PostScript name) when the settings came from its file.
    postscript: Optional[str] = field(default=None, compare=False)
    # The Character panel's (whole-layer: one style per layer). Leading: the distance
    # between baselines in pixels, None for Auto (120 % of the size); kerning: None for
    # Metrics (the font's pairs), else a manual value in thousandths of an em added
    # between letters with the font's pairs off ("0" is Photoshop's plain no kerning);
    # baseline shift in pixels, up; scales in percent.
    leading: Optional[float] = None
    kerning: Optional[int] = None
    baseline_shift: float = 0.0
    h_scale: float = 100.0
    v_scale: float = 100.0
    caps: str = "normal"  # one of CAPS
    underline: bool = False
    strikethrough: bool = False
    # The Paragraph panel's (paragraph text): indents from the box's left and right
    # edges, the first line's beside the left one (may be negative: a hanging indent),
    # and the space before and after each paragraph, in pixels.
    indent_left: float = 0.0
    indent_right: float = 0.0
    indent_first: float = 0.0
    space_before: float = 0.0
    space_after: float = 0.0
    # Type > Warp Text (text_warp.py): a style of text_warp.STYLES, its bend and the
    # horizontal and vertical distortions in percent (-100..100), and whether it bends
    # vertically (Photoshop's Vertical orientation).
    warp_style: str = "None"
    warp_bend: float = 0.0
    warp_h: float = 0.0
    warp_v: float = 0.0
    warp_vertical: bool = False
    # Type on a path (text_path.py): the layer's own copy of the path its baseline
    # follows (relative to the anchor), and where on it the text starts (pixels along
    # the path: Photoshop's start marker); None: not on a path.
    path: Optional[TypePath] = None
    path_start: float = 0.0
    path_end: Optional[float] = None  # Photoshop's end marker; None: the path's end

    def path_span(self) -> tuple[float, float, float]:
        """Type on a path's (origin, first, last) distances along it (`text_path.span`)."""
        return span(self.path, self.path_start, self.align, self.path_end)

    def __post_init__(self):
        if self.align not in ALIGNMENTS:
            raise ValueError(f"unknown alignment {self.align!r}")
        size = float(self.size)
        if not (math.isfinite(size) and MIN_PIXEL_SIZE <= size <= MAX_PIXEL_SIZE):
            raise DocumentError(f"A type size is {MIN_PIXEL_SIZE:g} to {MAX_PIXEL_SIZE:g} px, "
                                f"not {self.size!r}.")
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "color", tuple(int(c) for c in self.color)[:3])
        object.__setattr__(self, "tracking", int(self.tracking))
        if self.caps not in CAPS:
            raise ValueError(f"unknown caps {self.caps!r}")
        if self.leading is not None:
            object.__setattr__(self, "leading", _ranged("A leading", self.leading, 0.01,
                                                        MAX_LEADING))
        if self.kerning is not None:
            object.__setattr__(self, "kerning", int(_ranged("A kerning", self.kerning,
                                                            -1000, 10000)))
        object.__setattr__(self, "baseline_shift", _ranged(
            "A baseline shift", self.baseline_shift, -MAX_SHIFT, MAX_SHIFT))
        for key in ("h_scale", "v_scale"):
            object.__setattr__(self, key, _ranged("A type scale", getattr(self, key),
                                                  MIN_SCALE, MAX_SCALE, "%"))
        for key in ("indent_left", "indent_right", "indent_first", "space_before",
                    "space_after"):
            object.__setattr__(self, key, _ranged("An indent or paragraph space",
                                                  getattr(self, key), -MAX_INDENT,
                                                  MAX_INDENT))
        if self.warp_style not in text_warp.STYLES:
            raise DocumentError(f"There is no warp style {self.warp_style!r}: choose one of "
                                f"{', '.join(text_warp.STYLES)}.")
        for key, what in (("warp_bend", "A warp's bend"), ("warp_h", "A horizontal distortion"),
                          ("warp_v", "A vertical distortion")):
            object.__setattr__(self, key, _ranged(what, getattr(self, key), -100, 100, "%"))
        for key in ("underline", "strikethrough", "bold", "italic", "warp_vertical"):
            object.__setattr__(self, key, bool(getattr(self, key)))
        if self.box is not None:
            w, h = (float(v) for v in self.box)
            if not all(math.isfinite(v) and 1.0 <= v <= MAX_BOX for v in (w, h)):
                raise DocumentError(f"A text box is 1 to {MAX_BOX:g} pixels wide and high, "
                                    f"not {w:g} x {h:g}.")
            object.__setattr__(self, "box", (w, h))
        # One line break for all: what a paste from Windows or an old Mac brings.
        text = str(self.text).replace("\r\n", "\n").replace("\r", "\n")
        object.__setattr__(self, "text", text)
        if self.path is not None:
            try:
                object.__setattr__(self, "path", TypePath.from_dict(self.path))
            except (KeyError, TypeError, ValueError):
                raise DocumentError("A type path needs two points or more.") from None
            if self.box is not None:
                raise DocumentError("Type on a path has no text box.")
            if self.warp_style != text_warp.NONE:
                # (Photoshop's Warp Text is off for path type: the path bends it)
                raise DocumentError("Type on a path cannot be warped: its path bends it.")
        object.__setattr__(self, "path_start", _ranged("A path type's start",
                                                       self.path_start, 0.0, 1e7, " px"))
        if self.path_end is not None:
            object.__setattr__(self, "path_end", _ranged("A path type's end", self.path_end,
                                                         0.0, 1e7, " px"))

    def replace(self, **change) -> "TextSettings":
        if "font" in change and change["font"] != self.font:
            change.setdefault("postscript", None)  # (another font: not the file's any more)
        return replace(self, **change)

    def scaled(self, sx: float, sy: Optional[float] = None) -> "TextSettings":
        """The settings of the text scaled by `sx` across and `sy` (default `sx`) down:
        its size by `sy`, a paragraph box's width and height by each (Image Size, Free
        Transform)."""
        sy = sx if sy is None else sy
        box = None if self.box is None else (self.box[0] * sx, self.box[1] * sy)
        leading = None if self.leading is None else round(self.leading * sy, 3)
        path = None if self.path is None else self.path.scaled(sx, sy)
        return self.replace(
            size=round(self.size * sy, 3), box=box, leading=leading, path=path,
            path_start=round(self.path_start * (sx + sy) / 2, 3),
            path_end=None if self.path_end is None else round(self.path_end * (sx + sy) / 2, 3),
            baseline_shift=round(self.baseline_shift * sy, 3),
            **{k: round(getattr(self, k) * sx, 3) for k in ("indent_left", "indent_right",
                                                            "indent_first")},
            **{k: round(getattr(self, k) * sy, 3) for k in ("space_before", "space_after")})

    def lines(self) -> list[str]:
        return self.text.split("\n")

    def line_height(self) -> float:
        """The distance between baselines: the set leading, else Auto's 120 % of the size."""
        return LEADING * self.size if self.leading is None else self.leading

    def as_dict(self) -> dict:
        out = asdict(self)
        out["color"] = list(self.color)
        if out["postscript"] is None:
            del out["postscript"]
        for key, plain in _PLAIN.items():  # (the defaults left out: older files' form)
            if out[key] == plain:
                del out[key]
        if out["box"] is None:
            del out["box"]
        else:
            out["box"] = list(self.box)
        if self.path is None:
            del out["path"]
        else:
            out["path"] = self.path.as_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "TextSettings":
        """Settings from `as_dict`'s form (a PSD's XMP entry); unknown keys are ignored."""
        known = {k: data[k] for k in ("text", "font", "size", "color", "bold", "italic",
                                      "align", "tracking", "postscript", "box", "path",
                                      *_PLAIN)
                 if k in data}
        return cls(**known)

    def describe(self, ppi: float = 72.0) -> str:
        """One line: font, size in points at `ppi` (the document's resolution), style..."""
        style = " ".join(s for s, on in (("bold", self.bold), ("italic", self.italic)) if on)
        return (f"{self.font} {round(self.size * 72.0 / ppi, 2):g} pt"
                + (f" {style}" if style else "")
                + " #{:02x}{:02x}{:02x}".format(*self.color) + f", {self.align}"
                + (f", tracking {self.tracking}" if self.tracking else "")
                + "".join(f", {k.replace('_', ' ')} {getattr(self, k)!r}"
                          for k, plain in _PLAIN.items() if getattr(self, k) != plain)
                + (", box {:g} x {:g}".format(*self.box) if self.box else "")
                + (", on a path" if self.path is not None else ""))


# The Character and Paragraph panels' settings and their defaults (Photoshop's).
_PLAIN = {"leading": None, "kerning": None, "baseline_shift": 0.0, "h_scale": 100.0,
          "v_scale": 100.0, "caps": "normal", "underline": False, "strikethrough": False,
          "indent_left": 0.0, "indent_right": 0.0, "indent_first": 0.0,
          "space_before": 0.0, "space_after": 0.0, "warp_style": "None", "warp_bend": 0.0,
          "warp_h": 0.0, "warp_v": 0.0, "warp_vertical": False, "path_start": 0.0,
          "path_end": None}


def _ranged(what: str, value, low: float, high: float, unit: str = " pt") -> float:
    """`value` as a float when it lies in [low, high]; else one readable line."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = math.nan
    if not (math.isfinite(v) and low <= v <= high):
        raise DocumentError(f"{what} is {low:g} to {high:g}{unit}, not {value!r}.")
    return v


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


def _dpi() -> int:
    """The resolution Qt resolves fonts for by default (the primary screen's logical dots
    per inch; 100 without a screen: Qt's qt_defaultDpi). The images text is drawn on have
    it: for any other, Qt drops the font's absolute letter spacing (our tracking)."""
    QtGui = _qt()
    screen = QtGui.QGuiApplication.primaryScreen()
    return round(screen.logicalDotsPerInchY()) if screen is not None else 100


def _font(settings: TextSettings):
    QtGui = _qt()
    font = QtGui.QFont(settings.font)
    # The size (pixels) in Qt's points at the image's resolution (`_dpi`). The
    # vertical scale scales the size, the horizontal one (relative to it) stretches it.
    font.setPointSizeF(settings.size * settings.v_scale / 100.0 * 72.0 / _dpi())
    if settings.h_scale != settings.v_scale:
        font.setStretch(max(1, min(4000, round(100.0 * settings.h_scale / settings.v_scale))))
    font.setBold(settings.bold)
    font.setItalic(settings.italic)
    # Unhinted outlines scale smoothly, as Photoshop draws type.
    font.setHintingPreference(QtGui.QFont.HintingPreference.PreferNoHinting)
    font.setStyleStrategy(QtGui.QFont.StyleStrategy.PreferAntialias)
    # Metrics kerning is the font's own pairs; a manual value turns them off and, set for
    # every character (one style per layer), spaces each pair as tracking does.
    font.setKerning(settings.kerning is None)
    spacing = settings.tracking + (settings.kerning or 0)
    if spacing:
        font.setLetterSpacing(QtGui.QFont.SpacingType.AbsoluteSpacing,
                              spacing * settings.size / 1000.0)
    caps = QtGui.QFont.Capitalization
    font.setCapitalization({"normal": caps.MixedCase, "small": caps.SmallCaps,
                            "all": caps.AllUppercase}[settings.caps])
    font.setUnderline(settings.underline)
    font.setStrikeOut(settings.strikethrough)
    return font


def _ink_canvas(width: int, height: int):
    """(image, painter) to draw text's ink on: a transparent width x height image (refused
    in one line past MAX_TEXT_PIXELS) and a painter set to draw white, anti-aliased."""
    QtGui = _qt()
    if width * height > MAX_TEXT_PIXELS:
        raise DocumentError(f"The text would cover {width} x {height} pixels: make it "
                            f"smaller or shorter.")
    image = _image(width, height)
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing)
    painter.setPen(QtGui.QColor(255, 255, 255))
    return image, painter


def _image(width: int, height: int):
    QtGui = _qt()
    image = QtGui.QImage(max(1, width), max(1, height),
                         QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    dots = round(_dpi() / 0.0254)  # (see `_dpi`: the size is set for it in `_font`)
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
    anchor), its advance and the font's ascent and descent; where its text starts in the
    whole text (`start`), the space's widening of a justified line (`spacing`, pixels),
    and whether it is drawn (`shown`: paragraph text's lines beyond its box are not)."""

    text: str
    x: float
    baseline: float
    width: float
    ascent: float
    descent: float
    start: int = 0
    spacing: float = 0.0
    shown: bool = True


def _metrics(settings: TextSettings, spacing: float = 0.0):
    QtGui = _qt()
    return QtGui.QFontMetricsF(_line_font(settings, spacing), _image(1, 1))


def _line_font(settings: TextSettings, spacing: float = 0.0):
    font = _font(settings)
    if spacing:
        font.setWordSpacing(spacing)
    return font


def layout(settings: TextSettings) -> list[Line]:
    """The lines of `settings` placed about the anchor (0, 0): point text's first baseline
    at y = 0, paragraph text's (`TextSettings.box`) the cap height below the box's top."""
    return list(_layout(settings))


@lru_cache(maxsize=32)  # (the caret, a click and a drag ask again and again while typing)
def _layout(settings: TextSettings) -> tuple[Line, ...]:
    if settings.box is not None:
        return tuple(_wrapped(settings))
    metrics = _metrics(settings)
    lines = []
    start = 0
    align = settings.align if settings.align in ("left", "center", "right") else "left"
    # (the justify modes are a box's only: each point text line is a paragraph's last)
    for i, text in enumerate(settings.lines()):
        width = metrics.horizontalAdvance(text)
        x = {"left": 0.0, "center": -width / 2, "right": -width}[align]
        lines.append(Line(text, x, i * settings.line_height(), width, metrics.ascent(),
                          metrics.descent(), start))
        start += len(text) + 1
    return tuple(lines)


def _wrapped(settings: TextSettings) -> list[Line]:
    """Paragraph text's lines: each paragraph broken by QTextLayout to the box's width less
    its indents (the first line's beside the left one), the space before a paragraph (not
    the first: Photoshop's, at the box's top) and after one (not the last) between them."""
    QtGui = _qt()
    box_w, box_h = settings.box
    font = _font(settings)
    metrics = _metrics(settings)
    option = QtGui.QTextOption()
    option.setWrapMode(QtGui.QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    ascent, descent = metrics.ascent(), metrics.descent()
    baseline = metrics.capHeight()
    left, right = settings.indent_left, box_w - settings.indent_right
    last_align = {"justify": "left", "justify_center": "center", "justify_right": "right",
                  "justify_all": "justify"}
    lines = []
    start = 0
    for p, paragraph in enumerate(settings.lines()):
        if p:
            baseline += settings.space_after + settings.space_before
        breaks = QtGui.QTextLayout(paragraph, font, _image(1, 1))
        breaks.setTextOption(option)
        breaks.beginLayout()
        while True:
            line = breaks.createLine()
            if not line.isValid():
                break
            first = settings.indent_first if breaks.lineCount() == 1 else 0.0
            line.setLineWidth(max(1.0, right - left - first))
        breaks.endLayout()
        spans = [(breaks.lineAt(i).textStart(), breaks.lineAt(i).textLength())
                 for i in range(breaks.lineCount())] or [(0, 0)]
        for i, (at, length) in enumerate(spans):
            text = paragraph[at:at + length]
            inked = text.rstrip(" ")  # (a line's trailing spaces are not aligned)
            width = metrics.horizontalAdvance(inked)
            x0 = left + (settings.indent_first if i == 0 else 0.0)
            room = max(1.0, right - x0)
            align = settings.align
            if align in last_align and i == len(spans) - 1:
                align = last_align[align]
            spacing = 0.0
            if align in last_align and inked.count(" "):
                spacing = max(0.0, (room - width) / inked.count(" "))
                width = room
            x = x0 + {"center": (room - width) / 2, "right": room - width}.get(align, 0.0)
            lines.append(Line(text, x, baseline, width, ascent, descent, start + at, spacing,
                              shown=baseline + descent <= box_h + 1e-3))
            baseline += settings.line_height()
        start += len(paragraph) + 1
    return lines


def overflows(settings: TextSettings) -> bool:
    """Whether paragraph text has lines its box does not show, or type on a path glyphs
    beyond the path's end (Photoshop's overflow)."""
    if settings.path is not None:
        return any(not shown for *_, shown in _path_glyphs(settings))
    return settings.box is not None and any(
        not line.shown and line.text.strip() for line in layout(settings))


def line_of(settings: TextSettings, position: int) -> tuple[int, int]:
    """The laid-out line and column of text position `position` (a position where a
    wrapped line breaks is the next line's start)."""
    lines = layout(settings)
    line = max((i for i, placed in enumerate(lines) if placed.start <= position), default=0)
    return line, max(0, min(position - lines[line].start, len(lines[line].text)))


def position_of(settings: TextSettings, line: int, column: int) -> int:
    """The text position at `column` of laid-out line `line` (both clamped)."""
    lines = layout(settings)
    placed = lines[max(0, min(line, len(lines) - 1))]
    end = len(placed.text)
    if placed.text.endswith(" ") and column >= end and any(
            other.start == placed.start + end for other in lines):
        end -= 1  # (before a wrapped line's last space: its end is the next line's start)
    return placed.start + max(0, min(column, end))


def caret(settings: TextSettings, line: int, column: int) -> tuple[float, float, float]:
    """Where the text cursor stands before character `column` of line `line`: (x, top,
    bottom) relative to the anchor."""
    placed = layout(settings)[line]
    metrics = _metrics(settings, placed.spacing)
    x = placed.x + metrics.horizontalAdvance(placed.text[:column])
    return x, placed.baseline - placed.ascent, placed.baseline + placed.descent


def _text_box(settings: TextSettings, lines: list) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1 about the anchor) of drawn `lines`' advances and ink: what
    the text's pixels cover, and what Warp Text bends."""
    # (the baseline shift raises the glyphs, not the lines: the anchor and caret stay)
    shift = settings.baseline_shift
    x0 = y0 = math.inf
    x1 = y1 = -math.inf
    for line in lines:
        ink = _metrics(settings, line.spacing).boundingRect(line.text)
        x0 = min(x0, line.x + min(0.0, ink.left()))
        x1 = max(x1, line.x + max(line.width, ink.right()))
        y0 = min(y0, line.baseline - shift + min(-line.ascent, ink.top()))
        y1 = max(y1, line.baseline - shift + max(line.descent, ink.bottom()))
    return x0, y0, x1, y1


def warp_points(settings: TextSettings, points) -> np.ndarray:
    """Points about the anchor on the flat text ((N, 2): the caret's, a selection's) where
    Warp Text puts them; as they are when the text is not warped (or draws nothing)."""
    points = np.asarray(points, np.float64).reshape(-1, 2)
    if settings.path is not None:  # (type on a path: carried onto it, empty or not)
        origin, _, _ = settings.path_span()
        return track(settings.path).place(origin, points)
    lines = [line for line in layout(settings) if line.text.strip() and line.shown]
    if not text_warp.is_warped(settings) or not lines:
        return points
    x0, y0, x1, y1 = _text_box(settings, lines)
    return text_warp.map_points(settings, (x0, y0, x1 - x0, y1 - y0), points)


def _path_glyphs(settings: TextSettings) -> list:
    """Type on a path's glyphs: (character, font, middle on the path (x, y about the
    anchor), direction (radians), half advance, baseline below the path, shown) for each
    character of each line but line breaks and spaces; `shown` False for a glyph not
    wholly between the start and end markers (the overflow: Photoshop's file ag-psd's
    text-path.psd shows "so" of "some text" where the "m" would cross its end marker)."""
    origin, first, last = settings.path_span()
    glyphs = []
    for line in layout(settings):
        font = _line_font(settings, line.spacing)
        metrics = _metrics(settings, line.spacing)
        chars = []
        for i, char in enumerate(line.text):
            if char.strip():
                # (the advance of what precedes it: kerning and tracking as a line has them)
                x = line.x + metrics.horizontalAdvance(line.text[:i])
                half = metrics.horizontalAdvance(char) / 2
                chars.append((char, x + half, half))
        if not chars:
            continue
        middles = np.array([x for _, x, _ in chars])
        points, angles = track(settings.path).at(origin + middles)
        for (char, x, half), point, angle in zip(chars, points, angles):
            s = origin + x
            glyphs.append((char, font, (float(point[0]), float(point[1])), float(angle),
                           half, line.baseline - settings.baseline_shift,
                           first - 1e-3 <= s - half and s + half <= last + 1e-3))
    return glyphs


def _draw_on_path(settings: TextSettings):
    """Type on a path drawn: each glyph at its middle's place on the path, turned with the
    path there (text_path.py), on a transparent image around them all. Returns the image,
    its size and where the anchor lies in it (left, top: the image's corner about it)."""
    from PySide6.QtCore import QPointF

    glyphs = [g for g in _path_glyphs(settings) if g[-1]]
    if not glyphs:
        return None
    reach = settings.size * max(settings.h_scale, settings.v_scale) / 100.0 * 1.5 + max(
        abs(g[5]) for g in glyphs) + 2  # (a glyph's ink lies within this of its middle)
    xs = [g[2][0] for g in glyphs]
    ys = [g[2][1] for g in glyphs]
    left, top = math.floor(min(xs) - reach), math.floor(min(ys) - reach)
    width, height = math.ceil(max(xs) + reach) - left, math.ceil(max(ys) + reach) - top
    image, painter = _ink_canvas(width, height)
    for char, font, (x, y), angle, half, baseline, _ in glyphs:
        painter.save()
        painter.setFont(font)
        painter.translate(x - left, y - top)
        painter.rotate(math.degrees(angle))
        painter.drawText(QPointF(-half, baseline), char)
        painter.restore()
    painter.end()
    return image, width, height, left, top


def draw(settings: TextSettings) -> tuple[np.ndarray, int, int]:
    """The text's straight RGBA pixels, cropped to what it covers, and where the anchor
    lies in them (ox, oy). Empty text (or spaces alone) draws no pixels (origin 0, 0)."""
    if settings.path is not None:
        drawn = _draw_on_path(settings)
        if drawn is None:
            return empty_pixels(), 0, 0
        return _cropped(settings, *drawn)
    lines = [line for line in layout(settings) if line.text.strip() and line.shown]
    if not lines:
        return empty_pixels(), 0, 0
    # The box every glyph falls in: advances and ink (italic overhangs, accents), padded
    # for the anti-aliased edge; cropped to the ink afterwards.
    shift = settings.baseline_shift
    x0, y0, x1, y1 = _text_box(settings, lines)
    pad = 2 + math.ceil(settings.size * 0.1)
    left, top = math.floor(x0) - pad, math.floor(y0) - pad
    width, height = math.ceil(x1) + pad - left, math.ceil(y1) + pad - top
    image, painter = _ink_canvas(width, height)
    from PySide6.QtCore import QPointF

    for line in lines:
        painter.setFont(_line_font(settings, line.spacing))
        painter.drawText(QPointF(line.x - left, line.baseline - shift - top), line.text)
    painter.end()
    if text_warp.is_warped(settings):
        return _cropped(settings, image, width, height, left, top, (x0, y0, x1 - x0, y1 - y0))
    return _cropped(settings, image, width, height, left, top)


def _cropped(settings: TextSettings, image, width: int, height: int, left: int, top: int,
             warp_box=None) -> tuple[np.ndarray, int, int]:
    """`draw`'s result from the white-on-transparent `image` it drew on (its corner at
    (left, top) about the anchor): the text's colour with the drawn coverage as alpha,
    bent by Warp Text over `warp_box` when given, cropped to the ink."""
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(height, image.bytesPerLine())
    alpha = rows[:, :width * 4].reshape(height, width, 4)[..., 3]  # BGRA: alpha is coverage
    pixels = np.zeros((height, width, 4), np.uint8)
    pixels[..., :3] = settings.color  # one colour: straight RGB everywhere, alpha the ink
    pixels[..., 3] = alpha
    if warp_box is not None:
        # Bent over the text's box (its lines' advances and ink), then placed about the
        # anchor as the flat pixels were.
        pixels, left, top = text_warp.warped(settings, pixels, warp_box, left, top,
                                             MAX_TEXT_PIXELS)
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
        # The names of the paragraph and character styles applied to it (type_styles.py;
        # None: [Basic Paragraph], None), changed by undoable SetAttr steps.
        self.paragraph_style: Optional[str] = None
        self.character_style: Optional[str] = None

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
        copy = self._copy_extras(TextLayer(
            name or self.name, self.type_settings, self.pixels if share else self.pixels.copy(),
            self.x, self.y, self.origin, visible=self.visible, opacity=self.opacity,
            blend_mode=self.blend_mode, locked=self.locked, recipe=self.recipe,
            source_kind=self.source_kind), share)
        copy.paragraph_style, copy.character_style = self.paragraph_style, self.character_style
        return copy


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


def set_text(doc: "Document", layer, settings: TextSettings,
             anchor: Optional[tuple[int, int]] = None, name: str = "Edit Type Layer") -> None:
    """Replaces a text layer's settings (its text, font, size, colour, box...), and its
    anchor when given (a paragraph box resized from its left or top): one step."""
    check_editable(doc, layer)
    if settings != layer.type_settings or (anchor is not None
                                           and tuple(anchor) != layer.anchor()):
        doc.history.push(SetText(layer, settings, name, anchor))


def preview_text(doc: "Document", layer: TextLayer, settings: TextSettings,
                 anchor: Optional[tuple[int, int]] = None) -> None:
    """Shows `settings` on a text layer without recording a step (the Type tool while the
    user types); the tool ends by previewing the settings it started from, then
    `set_text` with its own: one step."""
    if settings != layer.type_settings or (anchor is not None
                                           and tuple(anchor) != layer.anchor()):
        SetText(layer, settings, anchor=anchor).redo(doc)


def box_frame(layer: TextLayer) -> Optional[tuple[int, int, float, float]]:
    """A paragraph text layer's box on the canvas: (x, y, width, height); None for point
    text."""
    box = layer.type_settings.box
    if box is None:
        return None
    ax, ay = layer.anchor()
    return ax, ay, box[0], box[1]


def to_paragraph(settings: TextSettings, anchor: tuple[int, int]):
    """Type > Convert to Paragraph Text's settings and anchor: a box around the lines as
    they lie (as wide as the widest, as high as the lines need), the text where it was."""
    lines = layout(settings)
    metrics = _metrics(settings)
    left = min(line.x for line in lines)
    width = max(1.0, math.ceil(max(line.x + line.width for line in lines) - left) + 1)
    height = max(1.0, math.ceil(metrics.capHeight() + (len(lines) - 1)
                                * settings.line_height() + metrics.descent()) + 1)
    box = replace(settings, box=(width, height))
    return box, (round(anchor[0] + left), round(anchor[1] - metrics.capHeight()))


def to_point(settings: TextSettings, anchor: tuple[int, int]):
    """Type > Convert to Point Text's settings and anchor: each drawn line a line of its
    own (a line break where the box wrapped it; lines beyond the box are dropped, as
    Photoshop drops them), anchored at the first baseline's start, middle or end."""
    lines = [line for line in layout(settings) if line.shown]
    text = "\n".join(line.text.rstrip(" ") for line in lines)
    align = {"justify": "left", "justify_center": "center", "justify_right": "right",
             "justify_all": "left"}.get(settings.align, settings.align)
    box_w = settings.box[0]
    x = {"left": 0.0, "center": box_w / 2, "right": box_w}[align]
    y = lines[0].baseline if lines else 0.0
    point = replace(settings, box=None, text=text, align=align)
    return point, (round(anchor[0] + x), round(anchor[1] + y))


def convert_type(doc: "Document", layer) -> TextSettings:
    """Type > Convert to Paragraph Text, or to Point Text for paragraph text: the text
    stays where it lies (`to_paragraph`, `to_point`); one step. Returns the new settings."""
    check_editable(doc, layer)
    settings = layer.type_settings
    if settings.path is not None:
        raise DocumentError("Type on a path is neither point nor paragraph text: it "
                            "follows its path.")
    if settings.box is None:
        new, anchor = to_paragraph(settings, layer.anchor())
        name = "Convert to Paragraph Text"
    else:
        new, anchor = to_point(settings, layer.anchor())
        name = "Convert to Point Text"
    set_text(doc, layer, new, anchor, name)
    return new


def check_editable(doc: "Document", layer) -> None:
    if not isinstance(layer, TextLayer) or not doc.contains(layer):
        raise DocumentError("Select a text layer first.")
    doc._check_unlocked(layer)


def rasterize(doc: "Document", layer) -> Layer:
    """Layer > Rasterize > Type: the text layer becomes a plain pixel layer with the same
    pixels, place, name, mask and style (its text no longer editable); one step."""
    check_editable(doc, layer)
    plain = Layer.copy(layer)  # Layer's copy makes a Layer: the same pixels and extras
    # (the new layer in the old one's place, and chosen, as Photoshop leaves it)
    doc.replace_node(layer, plain, "Rasterize Type")
    return plain


def text_layers(doc: "Document") -> list[TextLayer]:
    return [n for n in doc.layers() if isinstance(n, TextLayer)]

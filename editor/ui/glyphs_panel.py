"""The Glyphs panel (Window > Glyphs, as Photoshop's, and Type > Panels >
Glyphs Panel): a grid of every character the current font has, to type the ones a
keyboard lacks.

The font is the type layer's being edited (else the active type layer's, else the
Character panel's: the Type tool's settings for the next text), in its style (bold,
italic). Only characters the font itself draws are shown (`QRawFont.supportsCharacter`,
no fallback fonts), found once per font (`font_codes`, ~0.1 s for DejaVu Sans's ~5,900).
"Show" narrows the grid to a Unicode block or category (Basic Latin, Punctuation,
Currency, Arrows, Greek, Cyrillic...); the search box finds characters by code point
("U+20AC", "20ac", "0x20AC"), by words of their Unicode name ("euro", "left arr") or by
the character itself, within what Show shows. A tooltip gives the Unicode name and code
point; the slider sizes the cells. The grid is one model and one view (a
QAbstractListModel in a QListView in icon mode): a cell is painted only when it is seen.

Double-click a glyph: while text is edited it is typed at the text cursor, in place of
the selection, exactly as a key typing it (`TypeEdit.insert`: Ctrl+Z takes it back, and
the edit is one History step on commit). With a type layer active and not edited, its
editing starts with the cursor at the end of the text (as the Layers panel's double-click
on its thumbnail does) and the glyph is typed there: the next glyph or key follows it,
and committing makes it one History step. With no type layer the panel says so in its
last line (and the status bar, on a double-click) and types nothing. A glyph typed goes
first in the "recently used" row above the grid, kept in the settings for the next
session.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, Qt
from PySide6.QtGui import QFont, QPalette, QPen, QRawFont
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QLineEdit,
                               QListView, QSlider, QStyle, QStyledItemDelegate, QVBoxLayout,
                               QWidget)

from editor.model.text_layer import TextLayer, TextSettings

if TYPE_CHECKING:
    from .window_api import EditorWindow

# The code points looked at for a font's glyphs: the Basic Multilingual Plane and the
# Supplementary one (historic scripts, maths letters, emoji), past the C0 controls.
SCANNED = range(0x20, 0x20000)
# Never shown: controls, format characters, surrogates, private use, unassigned, and the
# line and paragraph separators (a font may map them; they draw nothing).
HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
RECENT_KEY = "panels/glyphs/recent"
SIZE_KEY = "panels/glyphs/size"
MAX_RECENT = 16
MIN_SIZE, MAX_SIZE, DEFAULT_SIZE = 14, 64, 24  # the glyphs' pixel size (the slider)

# Show: (name, code point ranges (inclusive), Unicode general category prefixes); a
# character is shown when it lies in a range or its category starts with a prefix.
SHOW: tuple[tuple[str, tuple[tuple[int, int], ...], tuple[str, ...]], ...] = (
    ("Entire Font", ((0, 0x10FFFF),), ()),
    ("Basic Latin", ((0x20, 0x7E),), ()),
    ("Latin-1 Supplement", ((0xA0, 0xFF),), ()),
    ("Latin Extended", ((0x100, 0x24F), (0x1E00, 0x1EFF), (0x2C60, 0x2C7F),
                        (0xA720, 0xA7FF)), ()),
    ("IPA Extensions", ((0x250, 0x2AF),), ()),
    ("Combining Marks", ((0x300, 0x36F), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF)), ("M",)),
    ("Greek", ((0x370, 0x3FF), (0x1F00, 0x1FFF)), ()),
    ("Cyrillic", ((0x400, 0x52F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F)), ()),
    ("Armenian, Hebrew, Arabic", ((0x530, 0x6FF), (0x750, 0x77F), (0xFB1D, 0xFDFF),
                                  (0xFE70, 0xFEFF)), ()),
    ("Punctuation", ((0x2000, 0x206F), (0x2E00, 0x2E7F)), ("P",)),
    ("Symbols", ((0x2100, 0x214F), (0x2300, 0x23FF), (0x2600, 0x26FF), (0x2700, 0x27BF)),
     ("S",)),
    ("Arrows", ((0x2190, 0x21FF), (0x27F0, 0x27FF), (0x2900, 0x297F), (0x2B00, 0x2BFF)), ()),
    ("Currency", ((0x20A0, 0x20CF),), ("Sc",)),
    ("Math", ((0x2200, 0x22FF), (0x2A00, 0x2AFF), (0x27C0, 0x27EF), (0x2980, 0x29FF),
              (0x1D400, 0x1D7FF)), ("Sm",)),
    ("Numbers", ((0x2150, 0x218F), (0x2460, 0x24FF), (0x2070, 0x209F)), ("N",)),
    ("Letterlike Symbols", ((0x2100, 0x214F),), ()),
    ("Box Drawing, Block Elements", ((0x2500, 0x259F),), ()),
    ("Geometric Shapes", ((0x25A0, 0x25FF), (0x2B1B, 0x2B59)), ()),
    ("Dingbats", ((0x2700, 0x27BF), (0x1F300, 0x1FAFF)), ()),
)
SHOW_NAMES = tuple(name for name, _, _ in SHOW)
_CODE = re.compile(r"^(?:u\+|0x|\\u)?([0-9a-f]{2,6})$", re.IGNORECASE)


def glyph_font(settings: TextSettings, size: int = DEFAULT_SIZE) -> QFont:
    """The font a glyph is drawn with: the settings' family and style, no other font
    standing in for a character it lacks."""
    font = QFont(settings.font)
    font.setBold(settings.bold)
    font.setItalic(settings.italic)
    font.setPixelSize(size)
    font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
    return font


@functools.lru_cache(maxsize=8)
def font_codes(family: str, bold: bool, italic: bool) -> tuple[int, ...]:
    """The code points the font (family and style) has a glyph for, less controls and
    unassigned ones (`HIDDEN_CATEGORIES`), in code point order."""
    raw = QRawFont.fromFont(glyph_font(TextSettings(font=family, bold=bold, italic=italic)))
    if not raw.isValid():
        return ()
    has = raw.supportsCharacter
    return tuple(c for c in SCANNED
                 if has(c) and unicodedata.category(chr(c)) not in HIDDEN_CATEGORIES)


def glyph_name(code: int) -> str:
    """The character's Unicode name (its category's name where Unicode gives none)."""
    return unicodedata.name(chr(code), "") or f"<{unicodedata.category(chr(code))}>"


def glyph_tip(code: int) -> str:
    return f"{glyph_name(code)}\nU+{code:04X}"


def shown_by(show: str, code: int) -> bool:
    """Whether Show's choice `show` (one of `SHOW_NAMES`) shows code point `code`."""
    _, ranges, categories = SHOW[SHOW_NAMES.index(show)]
    if any(lo <= code <= hi for lo, hi in ranges):
        return True
    return bool(categories) and unicodedata.category(chr(code)).startswith(categories)


def matches(query: str, code: int) -> bool:
    """Whether a search `query` finds code point `code`: a code point in hex (U+20AC,
    0x20AC, 20ac) is that character (and, bare, also any whose name holds it as a word:
    "face", "cafe" are words too); one character that is no word is itself; else every
    word of the query begins a word of the character's name, a word of one or two letters
    is one ("euro", "left arr", "latin small a with": not ACUTE for "a")."""
    query = query.strip()
    if not query:
        return True
    hexed = _CODE.match(query)
    if hexed is not None:
        if int(hexed.group(1), 16) == code:
            return True
        if query[:2].lower() in ("u+", "0x") or query.startswith("\\u"):
            return False
    if len(query) == 1 and not query.isalnum():
        return chr(code) == query
    name_words = set(glyph_name(code).split())
    return all(q in name_words if len(q) < 3 else any(n.startswith(q) for n in name_words)
               for q in query.upper().split())


class GlyphModel(QAbstractListModel):
    """Code points as a list: the display role is the character, the tooltip its name."""

    CODE_ROLE = Qt.ItemDataRole.UserRole

    def __init__(self, parent=None):
        super().__init__(parent)
        self.codes: list[int] = []

    def set_codes(self, codes) -> None:
        codes = list(codes)
        if codes != self.codes:
            self.beginResetModel()
            self.codes = codes
            self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.codes)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        code = self.codes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return chr(code)
        if role == Qt.ItemDataRole.ToolTipRole:
            return glyph_tip(code)
        if role == self.CODE_ROLE:
            return code
        return None


class GlyphDelegate(QStyledItemDelegate):
    """A cell: the glyph centred in the panel's font, on a faint grid (Photoshop's look)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.font = QFont()
        self.cell = 36
        self.painted = 0  # cells painted (how much of the grid was drawn: the bench's)

    def set_font(self, font: QFont) -> None:
        self.font = font
        self.cell = round(font.pixelSize() * 1.5) + 4

    def sizeHint(self, option, index) -> QSize:
        return QSize(self.cell, self.cell)

    def paint(self, painter, option, index) -> None:
        self.painted += 1
        palette = option.palette
        rect = option.rect.adjusted(0, 0, -1, -1)
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
            ink = palette.color(QPalette.ColorRole.HighlightedText)
        else:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Base))
            if option.state & QStyle.StateFlag.State_MouseOver:
                painter.fillRect(rect, palette.color(QPalette.ColorRole.Midlight))
            ink = palette.color(QPalette.ColorRole.Text)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawRect(rect)
        painter.setPen(ink)
        painter.setFont(self.font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, index.data())
        painter.restore()


def _view(delegate: GlyphDelegate, name: str) -> QListView:
    view = QListView()
    view.setObjectName(name)
    view.setViewMode(QListView.ViewMode.IconMode)
    view.setMovement(QListView.Movement.Static)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setUniformItemSizes(True)  # (one cell's size stands for all: no pass over them)
    view.setSpacing(0)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setMouseTracking(True)
    view.setItemDelegate(delegate)
    view.setModel(GlyphModel(view))
    return view


class GlyphsPanel(QWidget):
    def __init__(self, window: "EditorWindow"):
        super().__init__()
        self.window = window
        settings = window.settings
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        row = QHBoxLayout()
        self.show_box = QComboBox()
        self.show_box.setObjectName("Glyphs_show")
        self.show_box.setToolTip("Show: the whole font, or one Unicode block or category")
        self.show_box.addItems(SHOW_NAMES)
        self.show_box.currentIndexChanged.connect(lambda _: self._fill())
        self.search = QLineEdit()
        self.search.setObjectName("Glyphs_search")
        self.search.setPlaceholderText("Search: name or U+20AC")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Find glyphs by words of their Unicode name (\"euro\"), "
                               "their code point (U+20AC) or the character itself")
        self.search.textChanged.connect(lambda _: self._fill())
        row.addWidget(self.show_box, 1)
        row.addWidget(self.search, 1)
        layout.addLayout(row)
        self.font_label = QLabel()
        self.font_label.setObjectName("Glyphs_font")
        layout.addWidget(self.font_label)
        self.recent_delegate = GlyphDelegate(self)
        self.recent = _view(self.recent_delegate, "Glyphs_recent")
        self.recent.setToolTip("Recently used glyphs")
        # One row, no scroll bars: the wheel scrolls a row that runs past the panel's width
        # (QListView turns the wheel sideways for a row).
        self.recent.setWrapping(False)
        self.recent.setFlow(QListView.Flow.LeftToRight)
        for policy in (self.recent.setVerticalScrollBarPolicy,
                       self.recent.setHorizontalScrollBarPolicy):
            policy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.recent)
        self.delegate = GlyphDelegate(self)
        self.grid = _view(self.delegate, "Glyphs_grid")
        # Laid out a batch at a time, so that showing thousands of cells never holds the
        # window up (only the cells in sight are painted anyway).
        self.grid.setLayoutMode(QListView.LayoutMode.Batched)
        self.grid.setBatchSize(500)
        layout.addWidget(self.grid, 1)
        for view in (self.recent, self.grid):
            view.doubleClicked.connect(
                lambda index: self.insert(index.data(GlyphModel.CODE_ROLE)))
        bottom = QHBoxLayout()
        self.hint = QLabel()
        self.hint.setObjectName("Glyphs_hint")
        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        self.size_slider.setObjectName("Glyphs_size")
        self.size_slider.setToolTip("Glyph size")
        self.size_slider.setRange(MIN_SIZE, MAX_SIZE)
        self.size_slider.setValue(max(MIN_SIZE, min(MAX_SIZE, settings.value(
            SIZE_KEY, DEFAULT_SIZE, int))))
        self.size_slider.setFixedWidth(90)
        self.size_slider.valueChanged.connect(self._resize)
        bottom.addWidget(self.hint, 1)
        bottom.addWidget(self.size_slider)
        layout.addLayout(bottom)
        self._font_key: Optional[tuple[str, bool, bool]] = None
        self._codes: tuple[int, ...] = ()
        self.recent_codes = self._stored_recent()

    # -- what the panel shows ---------------------------------------------------------
    def settings_shown(self) -> tuple[Optional[TextSettings], Optional[TextLayer]]:
        """The settings whose font the grid shows and the type layer a glyph goes into
        (None: none; the Type tool's settings for the next text are shown)."""
        tool = self.window.tools.tools["type"]
        edit = tool.editing()
        if edit is not None:
            return edit.layer.type_settings, edit.layer
        doc = self.window.doc
        layer = doc.active if doc is not None else None
        if isinstance(layer, TextLayer):
            return layer.type_settings, layer
        return tool.style, None

    def refresh(self) -> None:
        """The font and the hint follow the text edited, the active layer and the Type
        tool (`MainWindow.refresh_type_panels`); the grid is filled only when shown."""
        if not self.isVisible() or "type" not in self.window.tools.tools:
            return
        settings, layer = self.settings_shown()
        editing = self.window.tools.tools["type"].editing() is not None
        if editing:
            self.hint.setText("Double-click a glyph to type it at the text cursor.")
        elif layer is not None:
            self.hint.setText(f"Double-click a glyph to add it at the end of "
                              f"\u201c{layer.name}\u201d.")
        else:
            self.hint.setText("Select a type layer, or type with the Type tool (T), "
                              "to insert glyphs.")
        key = (settings.font, settings.bold, settings.italic)
        if key != self._font_key:
            self._font_key = key
            self._codes = font_codes(*key)
            self._resize(self.size_slider.value())
            self._fill()

    def showEvent(self, e) -> None:
        super().showEvent(e)
        self.refresh()

    def _fill(self) -> None:
        show, query = self.show_box.currentText(), self.search.text()
        self.grid.model().set_codes(c for c in self._codes
                                    if shown_by(show, c) and matches(query, c))
        has = set(self._codes)
        self.recent.model().set_codes(c for c in self.recent_codes if c in has)
        family, bold, italic = self._font_key or ("", False, False)
        style = " ".join(s for s, on in (("Bold", bold), ("Italic", italic)) if on)
        shown = self.grid.model().rowCount()
        self.font_label.setText(f"{family}{' ' + style if style else ''}: "
                                + (f"{shown:,} of " if shown < len(has) else "")
                                + f"{len(has):,} glyphs")

    def _resize(self, size: int) -> None:
        if self._font_key is None:
            return
        family, bold, italic = self._font_key
        font = glyph_font(TextSettings(font=family, bold=bold, italic=italic), size)
        for delegate, view in ((self.delegate, self.grid), (self.recent_delegate, self.recent)):
            delegate.set_font(font)
            view.setGridSize(QSize(delegate.cell, delegate.cell))
            view.scheduleDelayedItemsLayout()
        self.recent.setFixedHeight(self.recent_delegate.cell + 2 * self.recent.frameWidth())
        self.window.settings.set_value(SIZE_KEY, size)

    # -- typing a glyph -----------------------------------------------------------------
    def insert(self, code: int) -> None:
        """A glyph double-clicked: typed at the text cursor of the text edited, else at
        the end of the active type layer's text (its editing started); else nothing, and
        the status bar says why."""
        window = self.window
        tool = window.tools.tools["type"]
        edit = tool.editing()
        if edit is None:
            _, layer = self.settings_shown()
            if layer is None:
                window.status("Select a type layer, or type with the Type tool (T), "
                              "to insert glyphs.")
                return
            tool.edit_layer(layer)  # (the cursor at the text's end)
            edit = tool.editing()
            if edit is None:  # (could not be edited: a locked layer, reported)
                return
        edit.insert(chr(code))
        self.remember(code)
        if window.canvas is not None:
            window.canvas.setFocus()  # the keyboard back with the text: typing goes on

    def remember(self, code: int) -> None:
        """`code` first in the recently used row (and in the settings)."""
        self.recent_codes = [code] + [c for c in self.recent_codes if c != code]
        del self.recent_codes[MAX_RECENT:]
        settings = self.window.settings
        settings.set_value(RECENT_KEY, " ".join(f"{c:X}" for c in self.recent_codes))
        settings.sync()
        self._fill()

    def _stored_recent(self) -> list[int]:
        codes = []
        for word in str(self.window.settings.value(RECENT_KEY, "")).split():
            try:
                code = int(word, 16)
            except ValueError:
                continue  # (a damaged setting: what can be read of it)
            if 0 < code <= 0x10FFFF and code not in codes:
                codes.append(code)
        return codes[:MAX_RECENT]

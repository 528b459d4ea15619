"""The Styles panel (Window > Styles, as in Photoshop): a grid of layer
style presets (`editor.model.style_presets`), each shown as a rounded square drawn with its
style by the editor's own renderer on a tiny document (`thumbnail`).

Click a style: it replaces the style of every layer chosen in the Layers panel (their
effects, and their blending options when the style has them, as Photoshop's Styles do),
one undo step ("Apply Style"); Shift+click adds its effects to theirs (each kind it has
in place of theirs of that kind); a layer whose style cannot be drawn (an adjustment layer)
is left alone. New Style… (the button, the panel menu) makes one from the active layer's
effects, with its blending options when "Include Layer Blending Options" is ticked;
double-click or Rename… renames; Delete deletes the selected style; Import Styles… (the
panel menu) adds the styles of Photoshop's .asl (`editor.model.asl`; its patterns join
the current document's). Styles are the user's,
not the document's: no undo step, saved to styles.json beside the settings after every
change (a damaged file is kept aside as styles.json.damaged and the default set used).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QLineEdit, QMenu, QToolTip, QWidget)

from editor.model import preset_file, style_presets
from editor.model.document import Document
from editor.model.layer_effects import LayerEffects
from editor.model.layers import BLENDING_OPTIONS, Layer
from editor.model.style_presets import Style

from .preset_panel import button_row, grid_body, renamed, reset_asked
from .style_commands import can_style

if TYPE_CHECKING:
    from .window_api import EditorWindow

CELL, GAP, MARGIN = 44, 4, 6
# The thumbnail's document: a rounded square with room around it for shadows and glows.
THUMB, INSET, RADIUS = 44, 9, 6


def _rounded_square(size: int, inset: int, radius: int) -> np.ndarray:
    """A light grey rounded square (antialiased), straight RGBA, on transparency."""
    c = (np.arange(size) + 0.5)[:, None], (np.arange(size) + 0.5)[None, :]
    lo, hi = inset + radius, size - inset - radius
    dy = np.maximum(np.maximum(lo - c[0], c[0] - hi), 0)
    dx = np.maximum(np.maximum(lo - c[1], c[1] - hi), 0)
    alpha = np.clip(radius + 0.5 - np.hypot(dx, dy), 0, 1)
    pixels = np.zeros((size, size, 4), np.uint8)
    pixels[..., :3] = 190
    pixels[..., 3] = np.round(alpha * 255).astype(np.uint8)
    return pixels


def thumbnail(effects: LayerEffects) -> QPixmap:
    """The style drawn on its rounded square (the renderer's composite of a tiny document
    holding one such layer) over white."""
    from editor.model.render import Renderer

    doc = Document(THUMB, THUMB, max_history_steps=1)
    layer = Layer("Style", _rounded_square(THUMB, INSET, RADIUS))
    doc.add_layer(layer)
    doc.set_effects(layer, effects)
    renderer = Renderer(doc)
    try:
        renderer.update()
        pixmap = QPixmap(THUMB, THUMB)
        pixmap.fill(QColor("white"))
        painter = QPainter(pixmap)
        try:
            painter.drawImage(0, 0, renderer.image)
        finally:
            painter.end()
    finally:
        renderer.close()
    return pixmap


def ask_new_style(parent: QWidget, name: str) -> Optional[tuple[str, bool]]:
    """Photoshop's New Style dialog: the name and "Include Layer Blending Options" (ticked,
    Photoshop's default); None on Cancel."""
    dialog = QDialog(parent)
    dialog.setObjectName("NewStyleDialog")
    dialog.setWindowTitle("New Style")
    form = QFormLayout(dialog)
    edit = QLineEdit(name)
    edit.setObjectName("NewStyleName")
    edit.selectAll()
    form.addRow("Name:", edit)
    blending = QCheckBox("Include Layer Blending Options")
    blending.setObjectName("NewStyleBlending")
    blending.setChecked(True)
    form.addRow(blending)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return edit.text(), blending.isChecked()


class StyleGrid(QWidget):
    """The styles as a grid of thumbnails that flows with the panel's width."""

    def __init__(self, panel: "StylesPanel"):
        super().__init__()
        self.panel = panel
        self.setObjectName("StyleGrid")
        # Drawn once per style: by id(style.effects), with the effects themselves (held, so
        # that a deleted style's id is not taken by a new style's effects).
        self._pixmaps: dict[int, tuple[LayerEffects, QPixmap]] = {}

    def columns(self) -> int:
        return max(1, (max(self.width(), CELL + 2 * MARGIN) - 2 * MARGIN + GAP) // (CELL + GAP))

    def rect_of(self, i: int) -> QRect:
        row, col = divmod(i, self.columns())
        return QRect(MARGIN + col * (CELL + GAP), MARGIN + row * (CELL + GAP), CELL, CELL)

    def index_at(self, pos) -> Optional[int]:
        return next((i for i in range(len(self.panel.styles)) if self.rect_of(i).contains(pos)),
                    None)

    def relayout(self) -> None:
        rows = -(-len(self.panel.styles) // self.columns())
        self.setMinimumHeight(2 * MARGIN + rows * (CELL + GAP))
        self.update()

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        self.relayout()

    def pixmap(self, style: Style) -> QPixmap:
        key = id(style.effects)
        if key not in self._pixmaps or self._pixmaps[key][0] is not style.effects:
            self._pixmaps[key] = (style.effects, thumbnail(style.effects))
        return self._pixmaps[key][1]

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        for i, style in enumerate(self.panel.styles):
            r = self.rect_of(i)
            if not r.intersects(event.rect()):
                continue
            p.drawPixmap(r, self.pixmap(style))
            selected = i == self.panel.selected
            p.setPen(QPen(QColor("#4a90e2") if selected else QColor(0, 0, 0, 90),
                          2 if selected else 1))
            p.drawRect(r.adjusted(0, 0, -1, -1))
        p.end()

    def event(self, e) -> bool:
        if e.type() == e.Type.ToolTip:
            i = self.index_at(e.pos())
            if i is not None:
                QToolTip.showText(e.globalPos(), self.panel.styles[i].name, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(e)

    def mousePressEvent(self, e) -> None:
        i = self.index_at(e.position().toPoint())
        if e.button() == Qt.MouseButton.LeftButton and i is not None:
            self.panel.select(i)
            self.panel.apply(i, add=bool(e.modifiers() & Qt.KeyboardModifier.ShiftModifier))

    def mouseDoubleClickEvent(self, e) -> None:
        i = self.index_at(e.position().toPoint())
        if i is not None:
            self.panel.rename(i)

    def contextMenuEvent(self, e) -> None:
        i = self.index_at(e.pos())
        menu = QMenu(self)
        if i is not None:
            self.panel.select(i)
            menu.addAction("Rename Style…", lambda: self.panel.rename(i))
            menu.addAction("Delete Style", lambda: self.panel.delete(i))
            menu.addSeparator()
        menu.addAction("New Style…", self.panel.new_style)
        menu.exec(e.globalPos())


class StylesPanel(QWidget):
    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        self.main_window = window
        self.setObjectName("DockBody")
        self.path = window.settings.styles_path
        self._styles: Optional[list[Style]] = None  # read when first wanted (`styles`)
        self.selected: Optional[int] = None
        grid_body(self, StyleGrid(self), "StyleScroll", self._button_row)

    # -- the styles and their file ------------------------------------------------------------
    @property
    def styles(self) -> list[Style]:
        """The styles, read from styles.json when first wanted (the panel shown, a test):
        reading it imports psd-tools (about 0.4 s), which the editor's start-up does not."""
        if self._styles is None:
            self._styles = self._load_startup()
        return self._styles

    @styles.setter
    def styles(self, styles: list[Style]) -> None:
        self._styles = styles

    def _load_startup(self) -> list[Style]:
        """The saved styles, or the default set the first time; a damaged file is moved
        aside (styles.json.damaged) rather than overwritten, and the defaults used."""
        return preset_file.load_or_default(self.path, style_presets.load,
                                           style_presets.default_styles, self.main_window.status)

    def changed(self) -> None:
        preset_file.save_or_note(lambda: style_presets.save(self.path, self.styles), "styles",
                                 self.main_window.status)
        self.grid.relayout()

    def reload(self) -> None:
        """Reads the file again (the Preset Manager changed it), the selection dropped."""
        self._styles = self._load_startup()
        self.selected = None
        self.grid.relayout()

    def find(self, name: str) -> Optional[int]:
        """The first style of that name (tests and scripts)."""
        return next((i for i, s in enumerate(self.styles) if s.name == name), None)

    def _button_row(self) -> QHBoxLayout:
        return button_row(
            self, "Styles", "Styles",
            (("New Style…", self.new_style), ("Rename Style…", lambda: self.rename()),
             ("Delete Style", lambda: self.delete()), (None, None),
             ("Reset Styles", self.reset), ("Import Styles…", lambda: self.import_styles())),
            (("new_style", "layer-new", "Create new style from the active layer's style",
              self.new_style),
             ("delete", "layer-delete", "Delete the selected style", lambda: self.delete())))

    # -- what the user does -----------------------------------------------------------------
    def select(self, i: Optional[int]) -> None:
        self.selected = i
        self.grid.update()

    def apply(self, i: int, add: bool = False) -> None:
        """The style onto every layer chosen in the Layers panel: their effects replaced
        (and their blending, where the style has it), one step "Apply Style". `add`
        (Shift+click, Photoshop's): the style's effects added to theirs
        (`style_presets.added`), their blending left as it is."""
        w = self.main_window
        doc = w.doc
        if doc is None:
            return
        nodes = [n for n in w.layers_panel.selected_nodes() if can_style(n)]
        if not nodes:
            w.status("Choose a layer to apply a style to.")
            return
        style = self.styles[i]
        # (a Pattern Overlay's pattern, kept by id, found among the document's)
        effects_of_style = style_presets.resolved(style.effects,
                                                  {p.id: p for p in doc.patterns})
        w.tools.end_mode(commit=True)
        try:
            with doc.history.macro("Apply Style"):
                for node in nodes:
                    effects = (style_presets.added(node.effects, effects_of_style) if add
                               else effects_of_style)
                    if node.effects != effects:
                        doc.set_effects(node, effects, "Apply Style")
                    if style.blending is not None and not add:
                        _set_blending(doc, node, style.blending)
        except Exception as exc:
            w.report(exc, "Could not apply the style")

    def new_style(self) -> Optional[Style]:
        """New Style…: the active layer's effects (and its blending options when asked),
        named in Photoshop's New Style dialog (Cancel: none), after the others."""
        w = self.main_window
        node = w.doc.active if w.doc is not None else None
        if not can_style(node):
            w.status("New Style needs an active layer with a style.")
            return None
        n = len(self.styles) + 1
        names = {s.name for s in self.styles}
        while f"Style {n}" in names:
            n += 1
        chosen = ask_new_style(self, f"Style {n}")
        if chosen is None:
            return None
        name, with_blending = chosen
        effects = (style_presets.style_effects(node.effects) if node.effects is not None
                   else LayerEffects())
        style = Style(name.strip() or f"Style {n}", effects,
                      style_presets.blending_of(node) if with_blending else None)
        self.styles.append(style)
        self.changed()
        self.select(len(self.styles) - 1)
        return style

    def rename(self, i: Optional[int] = None) -> None:
        i = i if i is not None else self.selected
        if i is None:
            return
        if renamed(self, "Style Name", self.styles[i]):
            self.changed()

    def delete(self, i: Optional[int] = None) -> None:
        """Deletes the style without asking (Photoshop asks only with Alt not held; a
        style is no document's, so nothing is lost that New Style cannot make again)."""
        i = i if i is not None else self.selected
        if i is None:
            return
        del self.styles[i]
        self.selected = None
        self.changed()

    def import_styles(self, path: Optional[str] = None) -> int:
        """Import Styles…: Photoshop's .asl (or our styles .json) appended to the styles
        (`preset_manager.import_file`: names already here skipped; the file written, the
        grid refilled). An .asl's own patterns (its Pattern Overlays') join the current
        document's patterns, as Layered keeps patterns per document; returns how many
        styles were added."""
        from editor.model import asl, pat
        from editor.model.errors import DocumentError
        from editor.model.preset_kinds import STYLES

        from .preset_manager import ask_open, import_file

        w = self.main_window
        path = path or ask_open(w, STYLES, w.settings.last_dir())
        if not path:
            return 0
        added = import_file(w, STYLES, path)
        if path.lower().endswith(".asl") and w.doc is not None:
            try:
                patterns = asl.read(path).patterns
            except DocumentError:
                return added  # (import_file said why)
            n = pat.import_into(w.doc, patterns)
            if n:
                w.status(f"Imported {added} style(s) from {path.rsplit('/', 1)[-1]}; its "
                         f"{n} pattern(s) were added to this document's patterns.")
        return added

    def reset(self) -> None:
        """Reset Styles: the default set in place of the user's (asked first)."""
        if reset_asked(self, "Styles", "styles"):
            self.styles = style_presets.default_styles()
            self.selected = None
            self.changed()


def _set_blending(doc, node, blending: dict) -> None:
    """A style's blending options onto `node`, each through the document's own setter (a
    group's Pass Through, from a style made from a group, is a group's only)."""
    from editor.model.layers import BLEND_MODES, Group

    if blending["blend_mode"] != node.blend_mode and (
            blending["blend_mode"] in BLEND_MODES or isinstance(node, Group)):
        doc.set_blend_mode(node, blending["blend_mode"])
    if blending["opacity"] != node.opacity:
        doc.set_opacity(node, blending["opacity"])
    if blending["fill_opacity"] != node.fill_opacity:
        doc.set_fill_opacity(node, blending["fill_opacity"])
    doc.set_knockout(node, blending["knockout"])
    doc.set_channels(node, blending["channels"])
    for attr, _, _, _ in BLENDING_OPTIONS:
        doc.set_blending_option(node, attr, blending[attr])

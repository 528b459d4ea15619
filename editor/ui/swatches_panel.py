"""The Swatches panel (Window > Swatches, as in Photoshop): a grid of
named colours, loose ones first, then groups (one level of folders, Photoshop CC's).

Click a swatch: it becomes the foreground colour; Ctrl+click (Cmd on a Mac) or Alt+click:
the background colour. Double-click: rename it (a group's header: the group). The
buttons are Photoshop CC's: New Group (the selected swatch moves into it), New Swatch
(the foreground colour, its name asked; into the selected swatch's group) and Delete (the
selected swatch or group). A swatch dragged onto the bin is deleted, onto a group's header
moves into that group, onto another swatch moves before it. The panel menu imports and
exports Photoshop's .aco and .ase files (`editor.model.swatch_book`) and resets the
default set. Swatches are the user's, not the document's: no undo step, saved to
swatches.json beside the settings after every change.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QMimeData, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QDrag, QPainter, QPen
from PySide6.QtWidgets import (QApplication, QFileDialog, QHBoxLayout, QMenu, QToolButton,
                               QToolTip, QWidget)

from editor.model import preset_file, swatch_book
from editor.model.errors import DocumentError
from editor.model.swatch_book import Book, Group, Swatch

from . import dialogs
from .icons import pixmap
from .preset_panel import button_row, grid_body, renamed, reset_asked

if TYPE_CHECKING:
    from .window_api import EditorWindow

CELL, GAP, MARGIN, HEADER = 20, 3, 6, 20
MIME = "application/x-layered-swatch"
# A place in the book: (group index or None for the loose swatches, swatch index or None
# for the group's header).
Key = tuple[Optional[int], Optional[int]]


def ask_export_path(parent: QWidget, start: str) -> Optional[str]:
    """Where to export: .aco unless the user chose .ase."""
    path, chosen = QFileDialog.getSaveFileName(parent, "Export Swatches", start,
                                               "Color Swatches (*.aco);;Swatch Exchange (*.ase)")
    if not path:
        return None
    if not os.path.splitext(path)[1]:
        path += ".ase" if "ase" in (chosen or "") else ".aco"
    return path


class SwatchGrid(QWidget):
    """The swatches drawn as a grid that flows with the panel's width."""

    def __init__(self, panel: "SwatchesPanel"):
        super().__init__()
        self.panel = panel
        self.setObjectName("SwatchGrid")
        self.setMouseTracking(True)
        self.setAcceptDrops(True)
        self._press: Optional[tuple[QPoint, Key]] = None
        self._cells: list[tuple[QRect, Key]] = []
        self._laid_for = -1
        self._folder = pixmap("folder", 14, "#d6d9de", self.devicePixelRatioF())

    # -- where everything is ----------------------------------------------------------------
    def cells(self) -> list[tuple[QRect, Key]]:
        if self._laid_for != self.width():
            self._layout()
        return self._cells

    def _layout(self) -> None:
        book, width = self.panel.book, max(self.width(), CELL + 2 * MARGIN)
        per_row = max(1, (width - 2 * MARGIN + GAP) // (CELL + GAP))
        cells, y = [], MARGIN

        def grid(swatches, g):
            nonlocal y
            for i in range(len(swatches)):
                row, col = divmod(i, per_row)
                cells.append((QRect(MARGIN + col * (CELL + GAP), y + row * (CELL + GAP), CELL, CELL),
                              (g, i)))
            if swatches:
                y += ((len(swatches) - 1) // per_row + 1) * (CELL + GAP) + 2

        grid(book.loose, None)
        for g, group in enumerate(book.groups):
            cells.append((QRect(MARGIN, y, width - 2 * MARGIN, HEADER), (g, None)))
            y += HEADER + 2
            if group.open:
                grid(group.swatches, g)
        self._cells, self._laid_for = cells, self.width()
        self.setMinimumHeight(y + MARGIN)

    def relayout(self) -> None:
        self._laid_for = -1
        self.cells()
        self.update()

    def rect_of(self, key: Key) -> QRect:
        return next(r for r, k in self.cells() if k == key)

    def key_at(self, pos: QPoint) -> Optional[Key]:
        return next((k for r, k in self.cells() if r.contains(pos)), None)

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        self.relayout()

    # -- drawing -------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        book, selected = self.panel.book, self.panel.selected
        for rect, (g, i) in self.cells():
            if i is None:
                group = book.groups[g]
                if (g, i) == selected:
                    p.fillRect(rect, QColor("#3a4250"))
                p.setPen(QColor("#d6d9de"))
                middle = Qt.AlignmentFlag.AlignVCenter
                p.drawText(rect.adjusted(2, 0, 0, 0), middle, "▾" if group.open else "▸")
                p.drawPixmap(rect.left() + 16, rect.center().y() - 7, self._folder)
                p.drawText(rect.adjusted(36, 0, 0, 0), middle, group.name)
                continue
            swatch = self.panel.swatch((g, i))
            p.setPen(QPen(QColor("#0f1012"), 1))
            p.setBrush(QColor(*swatch.rgb))
            p.drawRect(rect.adjusted(0, 0, -1, -1))
            if (g, i) == selected:
                p.setPen(QPen(QColor("#f2f3f5"), 2))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(rect.adjusted(-1, -1, 0, 0))

    def event(self, e) -> bool:
        if e.type() == e.Type.ToolTip:  # the swatch's name, as Photoshop shows it
            key = self.key_at(e.pos())
            if key is not None and key[1] is not None:
                QToolTip.showText(e.globalPos(), self.panel.swatch(key).name, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(e)

    # -- the mouse -----------------------------------------------------------------------------
    def mousePressEvent(self, e) -> None:
        key = self.key_at(e.position().toPoint())
        self._press = (e.position().toPoint(), key) if key is not None else None
        if e.button() != Qt.MouseButton.LeftButton:
            self._press = None

    def mouseMoveEvent(self, e) -> None:
        if self._press is None or not e.buttons() & Qt.MouseButton.LeftButton:
            return
        start, key = self._press
        if key[1] is None or (e.position().toPoint() - start).manhattanLength() \
                < QApplication.startDragDistance():
            return
        self._press = None
        self.panel.select(key)
        data = QMimeData()
        data.setData(MIME, f"{'' if key[0] is None else key[0]},{key[1]}".encode())
        drag = QDrag(self)
        drag.setMimeData(data)
        drag.exec(Qt.DropAction.MoveAction)

    def mouseReleaseEvent(self, e) -> None:
        press, self._press = self._press, None
        if press is None or self.key_at(e.position().toPoint()) != press[1]:
            return
        key = press[1]
        if key[1] is None:  # a header: its triangle folds it, the rest selects it
            if e.position().x() < self.rect_of(key).left() + 16:
                self.panel.toggle_open(key[0])
            else:
                self.panel.select(key)
            return
        mods = e.modifiers()
        background = bool(mods & (Qt.KeyboardModifier.ControlModifier
                                  | Qt.KeyboardModifier.MetaModifier
                                  | Qt.KeyboardModifier.AltModifier))
        self.panel.use(key, background)

    def mouseDoubleClickEvent(self, e) -> None:
        key = self.key_at(e.position().toPoint())
        if key is not None and not (key[1] is None and e.position().x() < self.rect_of(key).left() + 16):
            self.panel.select(key)
            self.panel.rename(key)

    def contextMenuEvent(self, e) -> None:
        key = self.key_at(e.pos())
        if key is None:
            return
        self.panel.select(key)
        what = "Swatch" if key[1] is not None else "Group"
        menu = QMenu(self)
        menu.addAction(f"Rename {what}…", lambda: self.panel.rename(key))
        menu.addAction(f"Delete {what}", lambda: self.panel.delete(key))
        menu.exec(e.globalPos())

    # -- dropping a dragged swatch -------------------------------------------------------------
    def dragEnterEvent(self, e) -> None:
        if e.mimeData().hasFormat(MIME):
            e.acceptProposedAction()

    def dragMoveEvent(self, e) -> None:
        if e.mimeData().hasFormat(MIME):
            e.acceptProposedAction()

    def dropEvent(self, e) -> None:
        source = dragged_key(e.mimeData())
        if source is None:
            return
        e.acceptProposedAction()
        self.panel.move(source, self.key_at(e.position().toPoint()))


def dragged_key(data: QMimeData) -> Optional[Key]:
    if not data.hasFormat(MIME):
        return None
    g, i = bytes(data.data(MIME)).decode().split(",")
    return (int(g) if g else None, int(i))


class TrashButton(QToolButton):
    """The Delete button: a click deletes the selection, a swatch dropped on it itself."""

    def __init__(self, panel: "SwatchesPanel"):
        super().__init__()
        self.panel = panel
        self.setAcceptDrops(True)

    def dragEnterEvent(self, e) -> None:
        if e.mimeData().hasFormat(MIME):
            e.acceptProposedAction()

    def dropEvent(self, e) -> None:
        key = dragged_key(e.mimeData())
        if key is not None:
            e.acceptProposedAction()
            self.panel.delete(key)


class SwatchesPanel(QWidget):
    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        self.main_window = window
        self.setObjectName("DockBody")
        self.path = window.settings.swatches_path
        self.book: Book = self._load_startup()
        self.selected: Optional[Key] = None
        grid_body(self, SwatchGrid(self), "SwatchScroll", self._button_row)

    # -- the book and its file ----------------------------------------------------------------
    def _load_startup(self) -> Book:
        """The saved swatches, or the default set the first time; a damaged file is moved
        aside (swatches.json.damaged) rather than overwritten, and the defaults used."""
        return preset_file.load_or_default(self.path, swatch_book.load,
                                           swatch_book.default_book, self.main_window.status)

    def changed(self) -> None:
        preset_file.save_or_note(lambda: swatch_book.save(self.path, self.book), "swatches",
                                 self.main_window.status)
        self.grid.relayout()

    def reload(self) -> None:
        """Reads the file again (the Preset Manager changed it), the selection dropped."""
        self.book = self._load_startup()
        self.selected = None
        self.grid.relayout()

    def swatches_of(self, g: Optional[int]) -> list[Swatch]:
        return self.book.loose if g is None else self.book.groups[g].swatches

    def swatch(self, key: Key) -> Swatch:
        return self.swatches_of(key[0])[key[1]]

    def find(self, name: str) -> Optional[Key]:
        """The first swatch of that name (tests and scripts)."""
        for g in [None, *range(len(self.book.groups))]:
            for i, s in enumerate(self.swatches_of(g)):
                if s.name == name:
                    return g, i
        return None

    # -- the buttons and the panel menu ---------------------------------------------------------
    def _button_row(self) -> QHBoxLayout:
        return button_row(
            self, "Swatches", "Swatches",
            (("New Swatch…", self.new_swatch), ("New Swatch Group…", self.new_group),
             ("Rename…", lambda: self.rename()), ("Delete", lambda: self.delete()),
             (None, None), ("Import Swatches…", self.import_dialog),
             ("Export Swatches…", self.export_dialog),
             (None, None), ("Reset Swatches…", self.reset)),
            (("new_group", "folder", "Create new group (the selected swatch goes in it)",
              self.new_group),
             ("new_swatch", "layer-new", "Create new swatch of the foreground colour",
              self.new_swatch),
             ("delete", "layer-delete", "Delete the selected swatch or group (or drag a "
                                        "swatch here)", lambda: self.delete())),
            lambda name: TrashButton(self) if name == "delete" else QToolButton())

    # -- what the user does ---------------------------------------------------------------------
    def select(self, key: Optional[Key]) -> None:
        self.selected = key
        self.grid.update()

    def use(self, key: Key, background: bool) -> None:
        """A click: the swatch becomes the foreground (or, with Ctrl/Alt, the background)."""
        self.select(key)
        color = QColor(*self.swatch(key).rgb)
        w = self.main_window
        (w.set_background if background else w.set_foreground)(color)

    def toggle_open(self, g: int) -> None:
        self.book.groups[g].open = not self.book.groups[g].open
        self.changed()

    def _target_group(self) -> Optional[int]:
        return self.selected[0] if self.selected is not None else None

    def new_swatch(self) -> Optional[Swatch]:
        """New Swatch: the foreground colour, named in Photoshop's Color Swatch Name dialog
        (Cancel: none), after the other swatches of the selected group (or the loose ones)."""
        n = len(self.book.all_swatches()) + 1
        names = {s.name for s in self.book.all_swatches()}
        while f"Swatch {n}" in names:
            n += 1
        name = dialogs.ask_text(self, "Color Swatch Name", "Name:", f"Swatch {n}")
        if name is None:
            return None
        fg = self.main_window.foreground
        swatch = Swatch(name.strip() or f"Swatch {n}", (fg.red(), fg.green(), fg.blue()))
        g = self._target_group()
        self.swatches_of(g).append(swatch)
        self.changed()
        self.select((g, len(self.swatches_of(g)) - 1))
        return swatch

    def new_group(self) -> Optional[Group]:
        """New Group: its name asked; the selected swatch (if any) moves into it."""
        n = len(self.book.groups) + 1
        while any(g.name == f"Group {n}" for g in self.book.groups):
            n += 1
        name = dialogs.ask_text(self, "Group Name", "Name:", f"Group {n}")
        if name is None:
            return None
        group = Group(name.strip() or f"Group {n}")
        self.book.groups.append(group)
        if self.selected is not None and self.selected[1] is not None:
            group.swatches.append(self.swatches_of(self.selected[0]).pop(self.selected[1]))
        self.changed()
        self.select((len(self.book.groups) - 1, None))
        return group

    def rename(self, key: Optional[Key] = None) -> None:
        key = key if key is not None else self.selected
        if key is None:
            return
        if key[1] is None:
            item, title = self.book.groups[key[0]], "Group Name"
        else:
            item, title = self.swatch(key), "Color Swatch Name"
        if renamed(self, title, item):
            self.changed()

    def delete(self, key: Optional[Key] = None) -> None:
        """Deletes the swatch (or the group with its swatches) without asking, as a swatch
        dragged onto Photoshop's bin goes."""
        key = key if key is not None else self.selected
        if key is None:
            return
        if key[1] is None:
            del self.book.groups[key[0]]
        else:
            del self.swatches_of(key[0])[key[1]]
        self.selected = None
        self.changed()

    def move(self, source: Key, target: Optional[Key]) -> None:
        """A dragged swatch dropped on the grid: into a group (its header), before another
        swatch, or after the loose swatches (empty room)."""
        if source == target:
            return
        swatch = self.swatch(source)
        if target is None:
            g, i = None, len(self.book.loose)
        elif target[1] is None:
            g, i = target[0], len(self.book.groups[target[0]].swatches)
        else:
            g, i = target
        if g == source[0] and i > source[1]:
            i -= 1  # (its own place goes first)
        del self.swatches_of(source[0])[source[1]]
        self.swatches_of(g).insert(i, swatch)
        self.changed()
        self.select((g, i))

    def reset(self) -> None:
        """Reset Swatches: the default set replaces the swatches (asked first)."""
        if reset_asked(self, "Swatches", "swatches"):
            self.book = swatch_book.default_book()
            self.selected = None
            self.changed()

    def import_dialog(self) -> None:
        paths = dialogs.ask_open_paths(self, self.main_window.settings.last_dir(),
                                       "Import Swatches", swatch_book.SWATCH_FILTER)
        if paths:
            self.import_from(paths[0])

    def import_from(self, path: str) -> bool:
        """Import Swatches: the file's swatches added as a group named after it (a damaged
        file changes nothing: one line says why)."""
        try:
            book, notes = swatch_book.import_file(path)
        except DocumentError as exc:
            self.main_window.report(exc, "Could not import the swatches")
            return False
        self.book.groups += book.groups
        self.changed()
        count = len(book.all_swatches())
        self.main_window.status(" ".join([f"{count} swatch{'es' if count != 1 else ''} "
                                          f"imported from {os.path.basename(path)}."] + notes))
        return True

    def export_dialog(self) -> None:
        path = ask_export_path(self, os.path.join(self.main_window.settings.last_dir(),
                                                  "Swatches.aco"))
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """Export Swatches: all of them (.aco has no groups: they are written one after
        another; .ase keeps them)."""
        try:
            swatch_book.export_file(path, self.book)
        except (OSError, DocumentError) as exc:
            self.main_window.report(exc, "Could not export the swatches")
            return
        self.main_window.status(f"Swatches exported to {os.path.basename(path)}.")

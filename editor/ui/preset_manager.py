"""Edit > Presets > Preset Manager… and Export/Import Presets… (Photoshop's), over the kinds
`editor.model.preset_kinds` describes (Brushes, Swatches, Gradients, Styles, Custom Shapes).

Preset Manager: a Preset Type combo, that kind's presets as a list (a thumbnail, the name;
several may be chosen), and Rename…, Delete, Move Up / Move Down (or a drag in the list), Load… (our JSON for the
kind, or a Photoshop file Layered reads: .aco/.ase for swatches, .abr for brushes, .grd for
gradients, .asl for styles, .csh for custom shapes; names the list has are skipped, as Photoshop appends) and Save Set… (the chosen presets, all when none is chosen,
to a file). Nothing is written until Done: then each changed kind's file beside the
settings is written and its panel (Swatches, Styles, the brush presets, the Custom Shape
picker) reads it again at once. Cancel leaves everything as it was.

Export/Import Presets: two tabs, each with the kinds to take and a folder or a .zip file.
Export writes each chosen kind's file there under its usual name; Import appends to the user's presets
those of the folder's whose names are new (its files of ours, and Photoshop's .abr, .grd, .asl, .csh,
.aco and .ase there; importing twice adds nothing), writes the files and reloads the panels. A damaged file in the folder is one line in the status bar and is
skipped; the user's own presets are untouched.

`import_file` is the same Load… for the pickers' Import Brushes… and Import Shapes…, the
Styles panel's Import Styles… and the Gradient Fill dialog's Import…: the
kind's file written and its panel reloaded at once.

The file dialogs are the module's `ask_open`, `ask_save`, `ask_folder` and `ask_zip`
(tests replace them).
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable, Optional

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QTabWidget, QVBoxLayout, QWidget)

from editor.model import preset_file, preset_kinds
from editor.model.errors import DocumentError
from editor.model.preset_kinds import KINDS, Entry, Kind

from . import dialogs

if TYPE_CHECKING:
    from .window_api import EditorWindow

THUMB = 32


# -- the file dialogs (module functions, so tests can answer them) -------------------------------
def _filter(kind: Kind, save: bool = False) -> str:
    ours = f"{kind.title} (*.json)"
    if not kind.foreign or (save and kind.write_foreign is None):
        return ours
    theirs = " ".join(f"*{s}" for s in kind.foreign)
    return f"{kind.title} ({theirs} *.json);;Photoshop {kind.title} ({theirs});;{ours}"


def ask_open(parent: QWidget, kind: Kind, start: str) -> Optional[str]:
    path, _ = QFileDialog.getOpenFileName(parent, f"Load {kind.title}", start, _filter(kind))
    return path or None


def ask_save(parent: QWidget, kind: Kind, start: str) -> Optional[str]:
    path, _ = QFileDialog.getSaveFileName(parent, f"Save {kind.title}", start,
                                          _filter(kind, save=True))
    if path and "." not in path.rsplit("/", 1)[-1]:
        path += ".json"
    return path or None


def ask_folder(parent: QWidget, start: str, title: str) -> Optional[str]:
    return dialogs.ask_folder(parent, start, title)


def ask_zip(parent: QWidget, start: str, title: str, save: bool) -> Optional[str]:
    ask = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
    path, _ = ask(parent, title, start, "Zip archive (*.zip)")
    if path and save and not path.lower().endswith(".zip"):
        path += ".zip"
    return path or None


# -- what the window does for each kind: its thumbnail and its panel's reload ------------------
def picture(window, kind: Kind, entry: Entry) -> QIcon:
    """The entry's thumbnail, drawn as its own panel draws it."""
    if kind.picture == "colour":
        pixmap = QPixmap(THUMB, THUMB)
        pixmap.fill(QColor(*entry.item.rgb))
        return QIcon(pixmap)
    if kind.picture == "style":
        from .styles_panel import thumbnail
        return QIcon(thumbnail(entry.item.effects))
    if kind.picture == "gradient":
        from dataclasses import replace

        from .gradient_dialog import fill_image
        return QIcon(QPixmap.fromImage(fill_image(replace(entry.item.gradient, angle=0.0),
                                                  THUMB, THUMB)))
    if kind.picture == "brush":
        from .brush_settings import tip_icon
        return tip_icon(entry.item, THUMB)
    from .tools.shape import shape_icon
    return shape_icon(entry.item, window.palette().text().color())


def _reload_brushes(window) -> None:
    from .brush_settings import presets_of
    presets_of(window).reload()


RELOAD: dict[str, Callable] = {
    "swatches": lambda w: w.swatches_panel.reload(),
    "gradients": lambda w: None,   # (the Gradient Fill dialog reads them when it opens)
    "styles": lambda w: w.styles_panel.reload(),
    "brushes": _reload_brushes,
    "custom_shapes": lambda w: w.tools.tools["shape"].reload_library(),
}


def path_of(window, kind: Kind) -> str:
    return window.settings.beside(kind.file_name)


def current(window, kind: Kind) -> list[Entry]:
    """The kind's presets as its panel has them (its file, else the defaults)."""
    return preset_kinds.current(kind, os.path.dirname(path_of(window, kind)), window.status)


def store(window, kind: Kind, entries: list[Entry]) -> None:
    """Writes the kind's file (a failure: one status line) and reloads its panel."""
    preset_file.save_or_note(lambda: kind.save(path_of(window, kind), entries),
                             kind.title.lower(), window.status)
    RELOAD[kind.key](window)


def import_file(window, kind: Kind, path: Optional[str] = None) -> int:
    """The pickers' Import Brushes… / Import Shapes…: a file's presets (ours or
    Photoshop's) appended to the kind's, those whose names are there skipped, as the
    Preset Manager's Load… does, then written and the panel reloaded; returns how many
    were added. An unreadable file is one status line and changes nothing."""
    path = path or ask_open(window, kind, window.settings.last_dir())
    if not path:
        return 0
    try:
        incoming, notes = preset_kinds.load_file(kind, path)
    except DocumentError as exc:
        window.status(str(exc))
        return 0
    window.settings.set_last_dir(path)
    entries = current(window, kind)
    added = preset_kinds.merged(entries, incoming)
    if added:
        store(window, kind, entries)
    window.status(" ".join([f"Imported {added} of {len(incoming)} {kind.title.lower()} from "
                            f"{os.path.basename(path)}.", *notes]))
    return added


# -- Preset Manager --------------------------------------------------------------------------------
class PresetManager(QDialog):
    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        self.window_ = window
        self.setObjectName("PresetManager")
        self.setWindowTitle("Preset Manager")
        self.entries: dict[str, list[Entry]] = {}   # read when the kind is first shown
        self.changed: set[str] = set()
        self.type = QComboBox()
        self.type.setObjectName("PresetManager_type")
        for kind in KINDS:
            self.type.addItem(kind.title, kind.key)
        self.list = QListWidget()
        self.list.setObjectName("PresetManager_list")
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.setMinimumSize(340, 360)
        self.list.itemDoubleClicked.connect(lambda _: self.rename())
        # Drag to reorder: Qt moves the items, `_dragged` then reads their order.
        self.list.setDragDropMode(QListWidget.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self._dragged_rows: set[int] = set()
        self.list.model().rowsMoved.connect(self._rows_moved)
        self.buttons: dict[str, QPushButton] = {}
        side = QVBoxLayout()
        for name, text, slot in (("done", "Done", self.done_), ("cancel", "Cancel", self.reject),
                                 (None, None, None),
                                 ("load", "Load…", lambda: self.load()),
                                 ("save_set", "Save Set…", lambda: self.save_set()),
                                 ("rename", "Rename…", lambda: self.rename()),
                                 ("delete", "Delete", self.delete),
                                 (None, None, None),
                                 ("up", "Move Up", lambda: self.move(-1)),
                                 ("down", "Move Down", lambda: self.move(1))):
            if name is None:
                side.addSpacing(12)
                continue
            button = QPushButton(text)
            button.setObjectName(f"PresetManager_{name}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, s=slot: s())
            side.addWidget(button)
            self.buttons[name] = button
        self.buttons["done"].setDefault(True)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(QLabel("Preset Type:"))
        top.addWidget(self.type, 1)
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.list, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(side)
        self.type.currentIndexChanged.connect(lambda _: self.refill())
        self.list.itemSelectionChanged.connect(self._enable)
        self.refill()

    # -- the shown kind -----------------------------------------------------------------------
    @property
    def kind(self) -> Kind:
        return preset_kinds.BY_KEY[self.type.currentData()]

    def set_kind(self, key: str) -> None:
        self.type.setCurrentIndex(self.type.findData(key))

    def shown(self) -> list[Entry]:
        kind = self.kind
        if kind.key not in self.entries:
            self.entries[kind.key] = current(self.window_, kind)
        return self.entries[kind.key]

    def names(self) -> list[str]:
        return [e.name for e in self.shown()]

    def refill(self, chosen: tuple[int, ...] = ()) -> None:
        self.list.clear()
        kind = self.kind
        for e in self.shown():
            item = QListWidgetItem(picture(self.window_, kind, e), e.name)
            item.setData(Qt.ItemDataRole.UserRole, self.list.count())  # its entry's index
            if e.group is not None:
                item.setToolTip(f"{e.name} (in {e.group.name})")
            self.list.addItem(item)
        for i in chosen:
            self.list.item(i).setSelected(True)
        if chosen:
            self.list.setCurrentRow(chosen[0])
        self._enable()

    def _rows_moved(self, parent, start: int, end: int, _dest, row: int) -> None:
        # (the list is refilled after every change, so a row's data is its entry's index
        # until the drop is taken in `_dragged`; one drop of several rows may come as
        # several moves)
        if not self._dragged_rows:
            QTimer.singleShot(0, self._dragged)
        count = end - start + 1
        at = row - count if row > end else row  # where the moved rows are now
        self._dragged_rows.update(self.list.model().index(r, 0, parent).data(
            Qt.ItemDataRole.UserRole) for r in range(at, at + count))

    def _dragged(self) -> None:
        """After a drag: the entries in the items' new order."""
        dragged, self._dragged_rows = self._dragged_rows, set()
        order = [self.list.item(i).data(Qt.ItemDataRole.UserRole)
                 for i in range(self.list.count())]
        if order == sorted(order):
            return
        chosen = {id(self.shown()[order[i]]) for i in self.chosen()}
        preset_kinds.reordered(self.shown(), order, dragged)
        self._touched(tuple(i for i, e in enumerate(self.shown()) if id(e) in chosen))

    def chosen(self) -> list[int]:
        return sorted(self.list.row(item) for item in self.list.selectedItems())

    def _enable(self) -> None:
        some = bool(self.chosen())
        for name in ("rename", "delete", "up", "down"):
            self.buttons[name].setEnabled(some)

    def _touched(self, chosen: tuple[int, ...] = ()) -> None:
        self.changed.add(self.kind.key)
        self.refill(chosen)

    # -- the buttons ----------------------------------------------------------------------------
    def rename(self) -> None:
        """Rename…: each chosen preset in turn (Cancel or a blank name skips it)."""
        entries = self.shown()
        rows = self.chosen()
        for i in rows:
            name = dialogs.ask_text(self, "Preset Name", "Name:", entries[i].name)
            if name is not None and name.strip() and name.strip() != entries[i].name:
                entries[i].renamed(preset_kinds.unique_name(entries, name.strip(), entries[i]))
                self.changed.add(self.kind.key)
        self.refill(tuple(rows))

    def delete(self) -> None:
        rows = self.chosen()
        if not rows:
            return
        entries = self.shown()
        for i in reversed(rows):
            del entries[i]
        self._touched((min(rows[0], len(entries) - 1),) if entries else ())

    def move(self, step: int) -> None:
        """Move Up / Move Down: the chosen presets one place (the block, in order)."""
        rows = self.chosen()
        if not rows:
            return
        entries = self.shown()
        order = rows if step < 0 else list(reversed(rows))
        new = [preset_kinds.moved(entries, i, step) for i in order]
        self._touched(tuple(sorted(new)))

    def load(self) -> None:
        """Load…: a file's presets appended (the names already here skipped)."""
        kind = self.kind
        path = ask_open(self, kind, self.window_.settings.last_dir())
        if not path:
            return
        try:
            incoming, notes = preset_kinds.load_file(kind, path)
        except DocumentError as exc:
            self.window_.status(str(exc))
            return
        added = preset_kinds.merged(self.shown(), incoming)
        self.window_.settings.set_last_dir(path)
        self.window_.status(" ".join([f"Loaded {added} of {len(incoming)} "
                                      f"{kind.title.lower()}.", *notes]))
        if added:
            self._touched()

    def save_set(self) -> None:
        """Save Set…: the chosen presets (all when none is chosen) to a file."""
        kind = self.kind
        entries = self.shown()
        rows = self.chosen() or range(len(entries))
        path = ask_save(self, kind, self.window_.settings.last_dir())
        if not path:
            return
        try:
            preset_kinds.save_set(kind, path, [entries[i] for i in rows])
        except (OSError, DocumentError) as exc:
            self.window_.status(f"Could not save the {kind.title.lower()}: {exc}")
            return
        self.window_.settings.set_last_dir(path)
        self.window_.status(f"Saved {len(rows)} {kind.title.lower()} to {path}.")

    def done_(self) -> None:
        """Done: each changed kind written and its panel reloaded."""
        if self._dragged_rows:  # a drop not yet taken in
            self._dragged()
        for key in sorted(self.changed):
            store(self.window_, preset_kinds.BY_KEY[key], self.entries[key])
        self.changed.clear()
        self.accept()


# -- Export/Import Presets --------------------------------------------------------------------
class PresetTransfer(QDialog):
    """Photoshop's Export/Import Presets: an Export tab and an Import tab, each with the
    kinds to take (all ticked) and a folder or a .zip file."""

    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        self.window_ = window
        self.setObjectName("PresetTransfer")
        self.setWindowTitle("Export/Import Presets")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("PresetTransfer_tabs")
        self.checks: dict[str, dict[str, QCheckBox]] = {}
        self.folders: dict[str, QLineEdit] = {}
        for mode, title, slot in (("export", "Export Presets", self.export),
                                  ("import", "Import Presets", self.import_)):
            self.tabs.addTab(self._tab(mode, title, slot), title)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(close)

    def _tab(self, mode: str, title: str, slot) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel("Presets to export:" if mode == "export"
                                else "Presets to import:"))
        self.checks[mode] = {}
        for kind in KINDS:
            check = QCheckBox(kind.title)
            check.setObjectName(f"PresetTransfer_{mode}_{kind.key}")
            check.setChecked(True)
            layout.addWidget(check)
            self.checks[mode][kind.key] = check
        row = QHBoxLayout()
        folder = QLineEdit()
        folder.setObjectName(f"PresetTransfer_{mode}_folder")
        folder.setMinimumWidth(320)
        folder.setPlaceholderText("A folder, or a .zip file")
        browse = QPushButton("Folder…")
        browse.setAutoDefault(False)
        browse.clicked.connect(lambda: self._browse(mode))
        archive = QPushButton("Zip…")
        archive.setAutoDefault(False)
        archive.clicked.connect(lambda: self._browse(mode, True))
        row.addWidget(QLabel("Where:"))
        row.addWidget(folder, 1)
        row.addWidget(browse)
        row.addWidget(archive)
        layout.addLayout(row)
        self.folders[mode] = folder
        go = QPushButton(title)
        go.setObjectName(f"PresetTransfer_{mode}")
        go.setAutoDefault(False)
        go.clicked.connect(slot)
        layout.addWidget(go, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        return tab

    def _browse(self, mode: str, archive: bool = False) -> None:
        title = "Export Presets To" if mode == "export" else "Import Presets From"
        start = self.window_.settings.last_dir()
        folder = (ask_zip(self, start, title, mode == "export") if archive
                  else ask_folder(self, start, title))
        if folder:
            self.folders[mode].setText(folder)

    def kinds(self, mode: str) -> list[Kind]:
        return [k for k in KINDS if self.checks[mode][k.key].isChecked()]

    def export(self) -> bool:
        folder = self.folders["export"].text().strip()
        kinds = self.kinds("export")
        if not folder or not kinds:
            self.window_.status("Choose a folder (or a .zip file) and the presets to export.")
            return False
        try:
            written = preset_kinds.export_presets(
                folder, kinds, lambda kind: current(self.window_, kind))
        except (OSError, DocumentError) as exc:
            self.window_.status(f"Could not export the presets: {exc}")
            return False
        self.window_.status(f"Exported {len(written)} preset files to {folder}.")
        return True

    def import_(self) -> bool:
        folder = self.folders["import"].text().strip()
        kinds = self.kinds("import")
        if not folder or not kinds:
            self.window_.status("Choose a folder (or a .zip file) and the presets to import.")
            return False
        found, notes = preset_kinds.import_presets(folder, kinds)
        counts = []
        for key, incoming in found.items():
            kind = preset_kinds.BY_KEY[key]
            entries = current(self.window_, kind)
            added = preset_kinds.merged(entries, incoming)
            if added:
                store(self.window_, kind, entries)
            counts.append(f"{added} {kind.title.lower()}")
        self.window_.status(" ".join([f"Imported {', '.join(counts) or 'nothing'}.", *notes]))
        return True

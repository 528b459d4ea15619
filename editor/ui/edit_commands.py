"""Edit menu: Cut, Copy Merged, Paste in Place, Clear, Fill and Stroke, Define Pattern,
Define Brush Preset and Brush Settings (brush_settings.py), Presets (preset_manager.py; and
Import Patterns…: a Photoshop .pat's patterns into the document's, `editor.model.pat`), and
Delete/Backspace.

As in Photoshop: Delete (or Backspace) clears the selected pixels of the
active layer, or deletes the layer when nothing is selected; on the Background, whose
pixels cannot go transparent, Backspace paints the background colour there and Delete
opens Fill with Content-Aware chosen (Photoshop CC's); Cut is copy +
clear in one undo step; Copy and Copy Merged put on the clipboard where the
pixels came from, so Paste in Place (Shift+Ctrl+V) puts them back at the same
canvas position. Fill (Shift+F5) and Stroke ask for colour and width in small
dialogs. Define Pattern asks a name and makes what the canvas shows in the selection (all
of it without one) a pattern of the document (`patterns.define_pattern`, one undo step),
for Pattern fill layers. Define Custom Shape asks a name and makes the chosen path (the
Paths panel's, else the active shape layer's vector mask) a shape of the Custom Shape
tool's library (`custom_shapes`, kept beside the settings; no undo step: the document is
unchanged, as in Photoshop). The pixel work is in `editor.model.edit_ops` (no Qt).
"""
from __future__ import annotations

import atexit
import os
from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import QByteArray, QMimeData
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QFormLayout,
                               QHBoxLayout, QPushButton, QRadioButton, QSpinBox, QVBoxLayout)

from editor.jobs import Job
from editor.model import DocumentError, custom_shapes, edit_ops, paths, patterns, replay
from editor.model.content_fill import apply_content_fill, prepare_content_fill, run_content_fill

from .actions import (ActionSpec, Context, SubmenuSpec, has_doc, has_node, has_selection,
                      run_on_doc)
from . import dialogs
from .dialogs import ok_cancel
from .qimage import qimage_to_rgba, rgba_to_qimage

if TYPE_CHECKING:
    from .window_api import EditorWindow

ORIGIN_MIME = "application/x-layered-origin"  # "x,y": the canvas position of copied pixels
FILL_CONTENTS = [("foreground", "Foreground Colour"), ("background", "Background Colour"),
                 ("color", "Colour…"), ("content_aware", "Content-Aware"), ("black", "Black"),
                 ("gray", "50 % Grey"), ("white", "White")]


def put_on_clipboard(pixels: np.ndarray, x: int, y: int) -> None:
    """The image, with the canvas position it was copied from (for Paste in Place)."""
    mime = QMimeData()
    mime.setImageData(rgba_to_qimage(pixels))
    mime.setData(ORIGIN_MIME, QByteArray(f"{int(x)},{int(y)}".encode()))
    QGuiApplication.clipboard().setMimeData(mime)


@atexit.register
def _hand_over_clipboard() -> None:
    """Before Python shuts down, swap our QMimeData on the clipboard for Qt's own copy of
    the image. The clipboard owns the QMimeData made here; left there, Qt deletes it
    after the interpreter is gone and its Python wrapper crashes the process on quit."""
    if QGuiApplication.instance() is None:
        return
    clipboard = QGuiApplication.clipboard()
    mime = clipboard.mimeData()
    if mime is not None and mime.hasFormat(ORIGIN_MIME):
        clipboard.setImage(clipboard.image())


def clipboard_origin() -> Optional[tuple[int, int]]:
    mime = QGuiApplication.clipboard().mimeData()
    if mime is None or not mime.hasFormat(ORIGIN_MIME):
        return None
    try:
        x, y = bytes(mime.data(ORIGIN_MIME)).decode().split(",")
        return int(x), int(y)
    except ValueError:
        return None


def node_and_selection(c: Context) -> bool:
    return c.node is not None and c.has_selection


def _mask_targeted(doc) -> bool:
    """Brush, Fill, Stroke and Clear act on the active node's layer mask (its thumbnail
    clicked, or an adjustment layer's)."""
    return doc.targeted_mask() is not None


class FillDialog(QDialog):
    """Edit > Fill: what to fill with and how opaque."""

    def __init__(self, window: "EditorWindow", contents: Optional[str] = None):
        super().__init__(window)
        self.main_window = window
        self.setWindowTitle("Fill")
        self.setObjectName("FillDialog")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.contents = QComboBox()
        for key, label in FILL_CONTENTS:
            self.contents.addItem(label, key)
        # As in Photoshop, the dialog opens with the contents and opacity last used (a
        # Content-Aware fill of one spot after another is one Shift+F5, Enter each).
        settings = window.settings
        self.contents.setCurrentIndex(max(0, self.contents.findData(
            contents or settings.value("fill/contents", "foreground"))))
        self.contents.activated.connect(self._contents_chosen)
        form.addRow("Contents", self.contents)
        self.color = QColor(settings.value("fill/color", QColor(window.foreground).name()))
        self.opacity = QSpinBox()
        self.opacity.setRange(1, 100)
        self.opacity.setSuffix(" %")
        self.opacity.setValue(settings.value("fill/opacity", 100, int))
        form.addRow("Opacity", self.opacity)
        layout.addLayout(form)
        buttons = ok_cancel(self)
        layout.addWidget(buttons)
        self.buttons = buttons

    def _contents_chosen(self) -> None:
        if self.contents.currentData() == "color":
            color = dialogs.ask_color(self, self.color, "Fill Colour")
            if color is not None:
                self.color = color

    def accept(self) -> None:
        settings = self.main_window.settings
        settings.set_value("fill/contents", self.contents.currentData())
        settings.set_value("fill/color", self.color.name())
        settings.set_value("fill/opacity", self.opacity.value())
        super().accept()

    def content_aware(self) -> bool:
        return self.contents.currentData() == "content_aware"

    def rgba(self) -> tuple[int, int, int, int]:
        key = self.contents.currentData()
        color = {"foreground": self.main_window.foreground, "background": self.main_window.background,
                 "color": self.color, "black": QColor(0, 0, 0), "gray": QColor(128, 128, 128),
                 "white": QColor(255, 255, 255)}[key]
        return color.red(), color.green(), color.blue(), round(self.opacity.value() * 255 / 100)


class StrokeDialog(QDialog):
    """Edit > Stroke: width, colour and where the line goes."""

    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        self.setWindowTitle("Stroke")
        self.setObjectName("StrokeDialog")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.width_box = QSpinBox()
        self.width_box.setRange(1, 250)
        self.width_box.setSuffix(" px")
        self.width_box.setValue(int(window.settings.value("stroke/width", 3, int)))
        form.addRow("Width", self.width_box)
        self.color = QColor(window.foreground)
        self.color_button = QPushButton()
        self.color_button.setObjectName("StrokeColour")
        self.color_button.clicked.connect(self._choose_color)
        self._show_color()
        form.addRow("Colour", self.color_button)
        row = QHBoxLayout()
        self.location = QButtonGroup(self)
        for i, key in enumerate(edit_ops.STROKE_LOCATIONS):
            button = QRadioButton(key.capitalize())
            button.setObjectName(f"Stroke_{key}")
            self.location.addButton(button, i)
            row.addWidget(button)
        remembered = window.settings.value("stroke/location", "center")
        index = edit_ops.STROKE_LOCATIONS.index(remembered) \
            if remembered in edit_ops.STROKE_LOCATIONS else 1
        self.location.button(index).setChecked(True)
        form.addRow("Location", row)
        layout.addLayout(form)
        buttons = ok_cancel(self)
        layout.addWidget(buttons)
        self.buttons = buttons

    def _choose_color(self) -> None:
        color = dialogs.ask_color(self, self.color, "Stroke Colour")
        if color is not None:
            self.color = color
            self._show_color()

    def _show_color(self) -> None:
        self.color_button.setText(self.color.name())
        self.color_button.setStyleSheet(f"border-left: 18px solid {self.color.name()};")

    def chosen(self) -> tuple[tuple[int, int, int, int], int, str]:
        location = edit_ops.STROKE_LOCATIONS[self.location.checkedId()]
        return (self.color.red(), self.color.green(), self.color.blue(), 255), \
            self.width_box.value(), location


class EditCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[ActionSpec]:
        return [
            ActionSpec("cut", "Cu&t", self.cut, "Ctrl+X", enabled=has_node, menu="edit",
                       after="toggle_last_state", separator=True),
            ActionSpec("copy_merged", "Copy &Merged", self.copy_merged, "Shift+Ctrl+C",
                       enabled=has_doc, menu="edit", after="copy"),
            ActionSpec("paste_in_place", "Paste in &Place", self.paste_in_place, "Shift+Ctrl+V",
                       menu="edit", after="paste"),
            ActionSpec("paste_into", "Paste &Into", lambda: self.paste_into(False),
                       "Alt+Shift+Ctrl+V", enabled=has_selection, menu="edit",
                       after="paste_in_place",
                       tip="Paste as a new layer masked by the selection (the mask unlinked: "
                           "move the picture behind it)"),
            ActionSpec("paste_outside", "Paste &Outside", lambda: self.paste_into(True),
                       enabled=has_selection, menu="edit", after="paste_into",
                       tip="Paste as a new layer masked to show only outside the selection"),
            SubmenuSpec("purge", "P&urge", menu="edit", after="preferences", separator=True),
            ActionSpec("purge_histories", "&Histories", lambda: self.purge("histories"),
                       enabled=has_doc, menu="purge",
                       tip="Forget every open document's undo steps (their memory freed)"),
            ActionSpec("purge_clipboard", "&Clipboard", lambda: self.purge("clipboard"),
                       menu="purge"),
            ActionSpec("purge_all", "&All", lambda: self.purge("all"), menu="purge"),
            ActionSpec("clear", "Cl&ear", self.delete_key, "Delete",
                       tip="Clear the selected pixels (Delete; on the Background: Fill, "
                           "Content-Aware); with nothing selected, delete the layer",
                       enabled=has_node, menu="edit", after="paste_outside"),
            # Backspace, as Photoshop has it: the same Clear, but the Background's pixels
            # take the background colour at once rather than opening Fill.
            ActionSpec("clear_backspace", "Clear (Backspace)", self.backspace_key,
                       "Backspace", enabled=has_node,
                       tip="Clear the selected pixels (on the Background: the background "
                           "colour); with nothing selected, delete the layer"),
            ActionSpec("fill", "&Fill…", self.fill, "Shift+F5", enabled=has_node, menu="edit",
                       after="clear", separator=True),
            ActionSpec("stroke", "&Stroke…", self.stroke, enabled=node_and_selection,
                       menu="edit", after="fill"),
            ActionSpec("define_pattern", "&Define Pattern…", self.define_pattern,
                       tip="Make what the canvas shows in the selection (all of it without "
                           "one) a pattern, for Pattern fill layers",
                       enabled=has_doc, menu="edit", after="stroke", separator=True),
            ActionSpec("define_custom_shape", "Define Custom &Shape…", self.define_custom_shape,
                       tip="Make the chosen path (or the shape layer's) a shape for the "
                           "Custom Shape tool",
                       enabled=has_doc, menu="edit", after="define_pattern"),
            ActionSpec("define_brush", "Define &Brush Preset…", self.define_brush,
                       tip="Make what the canvas shows in the selection a sampled brush tip "
                           "(dark pixels paint), for the Brush, Pencil and Eraser",
                       enabled=has_doc, menu="edit", after="define_pattern"),
            ActionSpec("brush_settings", "Brush Settings…", self.brush_settings, "F5",
                       tip="Brush Settings and presets: tip shape, dynamics, scattering",
                       menu="edit", after="define_brush"),
            SubmenuSpec("presets", "Pre&sets", "edit", after="brush_settings", separator=True),
            ActionSpec("preset_manager", "Preset &Manager…", self.preset_manager,
                       tip="Rename, delete, reorder, load and save the brushes, swatches, "
                           "gradients, styles and custom shapes", menu="presets"),
            ActionSpec("export_import_presets", "&Export/Import Presets…",
                       self.export_import_presets,
                       tip="Write all presets to a folder, or add a folder's presets",
                       menu="presets"),
            ActionSpec("import_patterns", "Import &Patterns…", self.import_patterns,
                       tip="Add the patterns of a Photoshop .pat file to this document's "
                           "patterns", enabled=has_doc, menu="presets"),
        ]

    # -- commands ------------------------------------------------------------------------------
    def _op(self, title: str, fn) -> None:
        run_on_doc(self.window, title, fn)

    def copy(self) -> None:
        """Copies the active layer (a group: its composite) inside the selection."""
        def op(doc) -> None:
            node = doc.active
            if node is None:
                self.window.status("Select a layer to copy.")
                return
            pixels, x, y = edit_ops.copy_pixels(doc, node)
            if pixels.size == 0 or not pixels[..., 3].any():
                self.window.status("There is nothing to copy there.")
                return
            put_on_clipboard(pixels, x, y)
            self.window.status(f"Copied {pixels.shape[1]} × {pixels.shape[0]} px of '{node.name}'.")

        self._op("Could not copy", op)

    def define_pattern(self) -> None:
        """Edit > Define Pattern…: a name (Photoshop's "Pattern N"), then the pattern."""
        w, doc = self.window, self.window.doc
        if doc is None:
            return
        w.tools.end_mode(commit=True)
        name = dialogs.ask_text(w, "Pattern Name", "Name:", patterns.next_pattern_name(doc))
        if name is None:
            return

        def op(doc) -> None:
            pattern = patterns.define_pattern(doc, name)
            w.status(f"Defined the pattern '{pattern.name}' ({pattern.width} × "
                     f"{pattern.height} px).")

        self._op("Could not define the pattern", op)

    def import_patterns(self, path: Optional[str] = None) -> int:
        """Edit > Presets > Import Patterns…: a Photoshop .pat's patterns added to the
        document's (Layered keeps patterns per document), one undo step; returns how many."""
        from PySide6.QtWidgets import QFileDialog

        from editor.model import pat

        w, doc = self.window, self.window.doc
        if doc is None:
            return 0
        if path is None:
            path, _ = QFileDialog.getOpenFileName(w, "Import Patterns", w.settings.last_dir(),
                                                  "Photoshop Patterns (*.pat)")
            if not path:
                return 0
        try:
            found, notes = pat.read(path)
        except DocumentError as exc:
            w.status(str(exc))
            return 0
        w.settings.set_last_dir(path)
        added = pat.import_into(doc, found)
        w.status(" ".join([f"Added {added} of the {len(found)} patterns of "
                           f"{os.path.basename(path)} to this document's patterns.", *notes]))
        return added

    def define_custom_shape(self) -> None:
        """Edit > Define Custom Shape…: the chosen path, else the active layer's vector
        mask; a name (Photoshop's "Shape N"); then the shape joins the library and the
        Shape tool's picker chooses it."""
        w, doc = self.window, self.window.doc
        if doc is None:
            return
        w.tools.end_mode(commit=True)
        vector = paths.target_vector(doc)
        if vector is None and doc.active is not None:
            vector = getattr(doc.active, "vector_mask", None)
        if vector is None or not vector.subpaths:
            w.status("Choose a path in the Paths panel, or a shape layer, to define a "
                     "custom shape.")
            return
        tool = w.tools.tools["shape"]
        names = {c.name for c in tool.library()}
        number = 1
        while f"Shape {number}" in names:
            number += 1
        name = dialogs.ask_text(w, "Shape Name", "Name:", f"Shape {number}")
        if name is None:
            return
        try:
            tool.define_custom(custom_shapes.from_vector(name, vector))
        except (DocumentError, OSError) as exc:
            w.report(exc, "Could not define the custom shape")
            return
        w.status(f"Defined the custom shape '{name.strip()}'.")

    def define_brush(self) -> None:
        """Edit > Define Brush Preset… (`brush_settings.define_brush_preset`)."""
        from .brush_settings import define_brush_preset

        define_brush_preset(self.window)

    def preset_manager(self) -> None:
        """Edit > Presets > Preset Manager… (`preset_manager.PresetManager`)."""
        from .preset_manager import PresetManager

        self.window.preset_manager_dialog = PresetManager(self.window)
        self.window.preset_manager_dialog.exec()

    def export_import_presets(self) -> None:
        """Edit > Presets > Export/Import Presets… (`preset_manager.PresetTransfer`)."""
        from .preset_manager import PresetTransfer

        self.window.preset_transfer_dialog = PresetTransfer(self.window)
        self.window.preset_transfer_dialog.exec()

    def brush_settings(self) -> None:
        """Brush Settings (F5): the current tool's, or the Brush's."""
        from .brush_settings import show_brush_settings

        show_brush_settings(self.window)

    def copy_merged(self) -> None:
        def op(doc) -> None:
            pixels, x, y = edit_ops.copy_merged(doc)
            put_on_clipboard(pixels, x, y)
            self.window.status(f"Copied {pixels.shape[1]} × {pixels.shape[0]} px of the image.")

        self._op("Could not copy", op)

    def cut(self) -> None:
        def op(doc) -> None:
            layer = edit_ops.pixel_layer(doc.active, "cut")
            if edit_ops.selection_region(doc) is None:
                raise DocumentError("Select an area to cut first (Rectangular Marquee, M).")
            pixels, x, y = edit_ops.copy_pixels(doc, layer)
            edit_ops.clear(doc, layer, "Cut Pixels", self.window.background.getRgb()[:3])
            put_on_clipboard(pixels, x, y)

        self._op("Could not cut", op)

    def paste_in_place(self) -> None:
        """Pastes where the pixels were copied from (centred like Paste when that is unknown)."""
        origin = clipboard_origin()
        image = QGuiApplication.clipboard().image()
        w = self.window
        if origin is None or image.isNull() or w.session is None:
            w.files.paste()
            return
        pixels = qimage_to_rgba(image)
        self._op("Could not paste", lambda doc: doc.add_image(pixels, "Pasted Layer", origin[0],
                                                              origin[1], history_name="Paste"))

    def purge(self, what: str) -> None:
        """Edit > Purge > Histories / Clipboard / All, after Photoshop's warning: the open
        documents' undo steps forgotten (snapshots kept), and/or the clipboard emptied."""
        w = self.window
        text = {"histories": "the histories of the open documents", "clipboard":
                "the clipboard", "all": "the histories and the clipboard"}[what]
        if not dialogs.ask_purge(w, text):
            return
        w.tools.end_mode(commit=True)
        if what in ("histories", "all"):
            for session in w.sessions:
                session.doc.history.purge()
        if what in ("clipboard", "all"):
            QGuiApplication.clipboard().clear()
        w.update_actions()
        w.status(f"Purged {text}.")

    def paste_into(self, outside: bool) -> None:
        """Edit > Paste Into / Paste Outside: the clipboard's image as a new layer masked by
        the selection (`edit_ops.paste_into`)."""
        image = QGuiApplication.clipboard().image()
        if image.isNull():
            self.window.status("The clipboard holds no image to paste.")
            return
        pixels = qimage_to_rgba(image)
        self._op("Could not paste", lambda doc: edit_ops.paste_into(doc, pixels, outside))

    def delete_key(self) -> None:
        """Delete: as Backspace, except that on the Background with a selection it opens
        Edit > Fill with Content-Aware chosen (Photoshop CC's; Cancel changes nothing)."""
        doc = self.window.doc
        if doc is not None and doc.active is not None and doc.active.is_background \
                and edit_ops.selection_region(doc) is not None \
                and not self.window.layers_panel.list.hasFocus() and not _mask_targeted(doc):
            self.fill(contents="content_aware")
            return
        self.backspace_key()

    def backspace_key(self) -> None:
        """Backspace: clears the selection in the active layer (the Background's to the
        background colour), or deletes the layer."""
        doc = self.window.doc
        if doc is None:
            return
        if edit_ops.selection_region(doc) is None or self.window.layers_panel.list.hasFocus():
            self.window.layer_commands.delete_layer()  # in the Layers panel, Delete means the layer
            return
        if _mask_targeted(doc):  # the mask is filled with the background colour (Photoshop)
            background = self.window.background
            rgba = (background.red(), background.green(), background.blue(), 255)
            self._op("Could not clear", lambda d: edit_ops.fill_mask(d, d.active, rgba, "Clear",
                                                                     selection_only=True))
            return
        # (the Background has no transparency: cleared to the background colour)
        self._op("Could not clear", lambda d: edit_ops.clear(
            d, edit_ops.pixel_layer(d.active, "clear"), "Clear",
            self.window.background.getRgb()[:3]))

    def fill(self, contents: Optional[str] = None) -> None:
        """Edit > Fill: the dialog (opened with `contents` chosen, else the last used),
        then the fill in one undo step."""
        doc = self.window.doc
        if doc is None:
            return
        on_mask = _mask_targeted(doc)
        try:
            if not on_mask:
                edit_ops.pixel_layer(doc.active, "fill")
        except Exception as exc:
            self.window.report(exc, "Could not fill")
            return
        dialog = FillDialog(self.window, contents)
        if not dialog.exec():
            return
        if on_mask:  # the targeted mask takes the grey of the colour
            if dialog.content_aware():
                self.window.report(DocumentError("Content-Aware fills a layer's pixels: click the "
                                                 "layer thumbnail to target them."),
                                   "Could not fill")
                return
            rgba = dialog.rgba()
            self._op("Could not fill", lambda d: edit_ops.fill_mask(d, d.active, rgba))
            return
        if dialog.content_aware():
            self.content_aware_fill(dialog.opacity.value() / 100.0)
            return
        rgba = dialog.rgba()
        self._op("Could not fill", lambda d: replay.perform(d, "fill", rgba=rgba))

    def prepared_fill(self, title: str = "Could not fill"):
        """The content-aware fill of the active layer's selection made ready (a tool mode
        committed first), or None with the refusal reported under `title` (Edit > Fill's
        Content-Aware and the Content-Aware Fill workspace)."""
        w = self.window
        doc = w.doc
        if doc is None:
            return None
        w.tools.end_mode(commit=True)
        try:
            return prepare_content_fill(doc, edit_ops.pixel_layer(doc.active, "fill"))
        except Exception as exc:
            w.report(exc, title)
            return None

    def content_aware_fill(self, opacity: float = 1.0):
        """Fills the selection of the active layer from its surroundings, as a job (progress
        and Cancel in the status bar); the result is one undo step. Returns the job."""
        w = self.window
        doc = w.doc
        prepared = self.prepared_fill()
        if prepared is None:
            return None

        def apply(filled) -> None:
            apply_content_fill(doc, prepared, filled, opacity)
            w.status(f"Filled the selection of '{prepared.layer.name}' from its surroundings; "
                     "Ctrl+Z undoes.")

        return self.fill_job(prepared, apply)

    def fill_job(self, prepared, apply, ended=None, failure_title: str = "Could not fill"):
        """Runs content-aware fill `prepared` as a job (progress and Cancel in the status
        bar); `apply(filled)` lands it if the document is still open. `ended()` runs when
        it does not land (cancelled, failed, or the document closed), so that a caller
        that changed the document first (the Crop tool's Content-Aware) can take that back.
        Edit > Fill's path, shared."""
        w = self.window
        session = w.session

        def finished(filled) -> None:
            if session not in w.sessions:
                if ended is not None:
                    ended()
                return  # the document was closed meanwhile
            apply(filled)

        def failed(_message=None) -> None:
            if ended is not None:
                ended()

        job = Job("Content-Aware Fill", lambda progress: run_content_fill(prepared, progress),
                  on_finished=finished, on_failed=failed, on_cancelled=failed)
        return w.jobs.submit(job, canvas=session.canvas, failure_title=failure_title)

    def stroke(self) -> None:
        doc = self.window.doc
        if doc is None:
            return
        on_mask = _mask_targeted(doc)  # the line is drawn in grey on the mask, as Fill's
        try:
            if not on_mask:
                edit_ops.pixel_layer(doc.active, "stroke")
            if edit_ops.selection_region(doc) is None:
                raise DocumentError("Select an area to stroke first (Rectangular "
                                             "Marquee, M).")
        except Exception as exc:
            self.window.report(exc, "Could not stroke")
            return
        dialog = StrokeDialog(self.window)
        if not dialog.exec():
            return
        rgba, width, location = dialog.chosen()
        settings = self.window.settings
        settings.set_value("stroke/width", width)
        settings.set_value("stroke/location", location)
        self._op("Could not stroke", lambda d: edit_ops.stroke(
            d, d.active if on_mask else edit_ops.pixel_layer(d.active, "stroke"), rgba, width,
            location, on_mask=on_mask))

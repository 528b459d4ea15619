"""File > Export > Export As… (Alt+Shift+Ctrl+W) and Layers to Files…, and File > Place
Embedded…: the commands of `editor/model/export_as.py`, `layers_to_files.py` and
`place.py`.

Export As asks its options in a dialog with a live preview (`export_dialogs.py`), then the
file name, and writes on the GUI thread as Save does (the preview's file is reused when
the options did not change since). Layers to Files runs as a job (progress and Cancel in
the status bar), asks before replacing files that exist, and leaves nothing behind when
cancelled. Place Embedded (and Place Linked: the file linked, not embedded, `linked.py`)
reads the file on a worker, adds the smart object layer (one
undo step) and starts Free Transform on it (`tools/place_mode.py`): Enter commits the
place, Esc takes it back. File > Export > Quick Export as PNG is the window's own `export`
(`file_commands.py`).
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Optional

from editor.jobs import Job, operation_job
from editor.model import export_as, layers_to_files, linked, place
from editor.model.export_as import ExportSettings
from editor.model.file_info import METADATA_CHOICES
from editor.model.layers_to_files import LayersToFilesSettings
from editor.model.render import composite_document

from . import dialogs
from .actions import ActionSpec, has_doc
from .export_dialogs import FORMAT_LABELS, ExportAsDialog, LayersToFilesDialog
from .file_commands import WaitCursor
from .tools.place_mode import PlaceTool

if TYPE_CHECKING:
    from .window_api import EditorWindow

EXPORT_FAILURE = "Could not export the image"
LAYERS_FAILURE = "Could not export the layers"
PLACE_FAILURE = "Could not place the file"


class ExportCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.dialog = None  # the last dialog shown (tests, screenshots)

    def action_specs(self) -> list[ActionSpec]:
        return [
            ActionSpec("export_as", "Export &As…", self.export_as, "Alt+Shift+Ctrl+W",
                       enabled=has_doc, menu="export_menu", after="export",
                       tip="The picture as PNG, JPEG, WebP or GIF at a chosen size, with a "
                           "preview of the file and its size"),
            ActionSpec("layers_to_files", "&Layers to Files…", self.layers_to_files,
                       enabled=has_doc, menu="export_menu", after="export_as", separator=True,
                       tip="Each layer written as an image file of its own"),
            ActionSpec("place_embedded", "Place &Embedded…", self.place_embedded,
                       enabled=has_doc, menu="file", after="import_layer",
                       tip="An image or PSD placed as a smart object layer, then transformed"),
            ActionSpec("place_linked", "Place Lin&ked…", self.place_linked,
                       enabled=has_doc, menu="file", after="place_embedded",
                       tip="An image or PSD placed as a smart object that reads the file "
                           "where it is (Update Modified Content reads it again)"),
        ]

    # -- Export As --------------------------------------------------------------------------
    def _front_session(self):
        """The document in front with any transform mode committed first (what an export
        writes), or None."""
        session = self.window.session
        if session is not None:
            self.window.tools.end_mode(commit=True)
        return session

    def _folder(self, session) -> str:
        """Where an export proposes to write: beside the document's file, else the last
        folder used."""
        return os.path.dirname(session.file) if session.file else self.window.settings.last_dir()

    def export_as(self) -> Optional[str]:
        """Returns the path written (None when cancelled or failed)."""
        w = self.window
        session = self._front_session()
        if session is None:
            return None
        settings = w.settings
        fmt = settings.value("export_as/format", "PNG")
        metadata = settings.value("export_as/metadata", "none")
        start = ExportSettings(
            format=fmt if fmt in export_as.FORMATS else "PNG",
            quality=settings.value("export_as/quality", 90, int),
            transparency=settings.value("export_as/transparency", True, bool),
            metadata=metadata if metadata in METADATA_CHOICES else "none",
            xmp=session.doc.xmp, exif=session.doc.exif,
            palette=export_as.palette_setting(session.doc), dpi=session.doc.resolution)
        with WaitCursor():
            pixels = composite_document(session.doc)
        self.dialog = dialog = ExportAsDialog(w, pixels, start,
                                              settings.value("export_as/scale", 100, int))
        if not dialog.exec():
            return None
        chosen = dialog.settings()
        settings.set_value("export_as/format", chosen.format)
        settings.set_value("export_as/quality", chosen.quality)
        settings.set_value("export_as/transparency", dialog.transparency.isChecked())
        settings.set_value("export_as/scale", dialog.scale.value())
        settings.set_value("export_as/metadata", chosen.metadata)
        stem = os.path.splitext(session.title)[0]
        folder = self._folder(session)
        suffix = chosen.suffix
        label = FORMAT_LABELS[chosen.format]
        patterns = "*.jpg *.jpeg" if chosen.format == "JPEG" else f"*{suffix}"
        path = dialogs.ask_save_path(w, os.path.join(folder, stem + suffix), "Export As",
                                     f"{label} image ({patterns})")
        if not path:
            return None
        if os.path.splitext(path)[1].lower() not in ((".jpg", ".jpeg") if suffix == ".jpg"
                                                     else (suffix,)):
            path += suffix  # the name says the format written
        try:
            with WaitCursor():
                data = dialog.file_for(chosen) or export_as.encode(pixels, chosen)
                export_as.write(path, data)
        except Exception as exc:
            w.report(exc, EXPORT_FAILURE)
            return None
        settings.set_last_dir(path)
        w.status(f"Exported {path} ({len(data):,} bytes).")
        return path

    # -- Layers to Files --------------------------------------------------------------------
    def layers_to_files(self) -> Optional[Job]:
        w = self.window
        session = self._front_session()
        if session is None:
            return None
        settings = w.settings
        folder = self._folder(session)
        start = LayersToFilesSettings(
            settings.value("layers_to_files/folder", folder),
            os.path.splitext(session.title)[0],
            settings.value("layers_to_files/visible_only", True, bool),
            settings.value("layers_to_files/format", "PNG"),
            settings.value("layers_to_files/quality", 90, int),
            settings.value("layers_to_files/trim", False, bool))
        self.dialog = dialog = LayersToFilesDialog(w, start)
        if not dialog.exec():
            return None
        chosen = dialog.settings()
        for key, value in (("folder", chosen.folder), ("visible_only", chosen.visible_only),
                           ("format", chosen.format), ("quality", chosen.quality),
                           ("trim", chosen.trim)):
            settings.set_value(f"layers_to_files/{key}", value)
        return self.write_layers(chosen)

    def write_layers(self, chosen: LayersToFilesSettings) -> Optional[Job]:
        """The job that writes the layers of the document in front by `chosen`."""
        w = self.window
        session = w.session
        try:
            prepared = layers_to_files.prepare(session.doc, chosen)
        except Exception as exc:
            w.report(exc, LAYERS_FAILURE)
            return None
        clashes = layers_to_files.existing(prepared)
        if clashes and not dialogs.ask_replace_files(w, chosen.folder, clashes):
            return None

        def publish(done) -> None:
            paths = layers_to_files.publish(done)
            skipped = len(done.names) - len(paths)
            w.status(f"Wrote {len(paths)} layer file{'s' if len(paths) != 1 else ''} to "
                     f"{chosen.folder}" + (f" ({skipped} empty layer"
                                           f"{'s' if skipped != 1 else ''} skipped)."
                                           if skipped else "."))

        job = operation_job(layers_to_files.NAME, layers_to_files.run, prepared,
                            on_finished=publish,
                            on_failed=lambda _m: layers_to_files.discard(prepared),
                            on_cancelled=lambda: layers_to_files.discard(prepared))
        return w.jobs.submit(job, canvas=session.canvas, failure_title=LAYERS_FAILURE)

    # -- Place Embedded ---------------------------------------------------------------------
    def place_embedded(self) -> None:
        self._place("Place Embedded", place.read_contents, place.place_embedded)

    def place_linked(self) -> None:
        """File > Place Linked…: as Place Embedded, the contents linked to the file."""
        self._place("Place Linked", linked.read_linked, linked.place_linked)

    def _place(self, title: str, read, put) -> None:
        w = self.window
        session = w.session
        if session is None:
            return
        paths = dialogs.ask_open_paths(w, w.settings.last_dir(), title, dialogs.IMAGE_FILTER)
        if not paths:
            return
        path = paths[0]
        w.settings.set_last_dir(path)

        def placed(contents) -> None:
            if session not in w.sessions:
                return  # closed while the file was read
            w.show_session(session)
            w.tools.end_mode(commit=True)
            layer = put(session.doc, contents)
            w.tools.start_mode(PlaceTool(w, w.tools, layer))
            if w.canvas is not None:
                w.canvas.setFocus()
            w.status(f"Placed '{os.path.basename(path)}': Enter places it, Esc cancels.")

        w.files.read_then(f"Placing {os.path.basename(path)}…",
                          lambda: read(path), placed, PLACE_FAILURE)

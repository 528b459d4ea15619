"""File work from the window: new, open, import, paste, copy, drop, save, revert, export.

Reading files (open, import) runs on a worker thread so a large PSD does not
freeze the window; the result becomes a tab or a layer on the GUI thread.
Saving runs on the GUI thread (the document must not change while it is
written) behind a wait cursor. Every failure is one dialog and leaves the
document as it was.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable, Optional

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QApplication

from editor.model import Document, DocumentError, Layer, files
from editor.model.background_layer import filled, make_background
from editor.model.revert import revert as revert_document

from . import dialogs, worker
from .qimage import qimage_to_rgba

if TYPE_CHECKING:
    from .window_api import EditorWindow
    from .session import DocumentSession

PSD_EXTENSIONS = (".psd", ".psb")


def _files():
    return files


class WaitCursor:
    def __enter__(self):
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def __exit__(self, *exc):
        QApplication.restoreOverrideCursor()


class FileCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.pending = 0  # reads running on worker threads

    @property
    def settings(self):
        return self.window.settings

    def _run(self, label: str, fn: Callable, done: Callable, title: str) -> None:
        """Runs `fn` on a worker thread, then `done(result)` here; errors become one dialog."""
        self.pending += 1
        self.window.busy(label, True)

        def finished(result) -> None:
            self.pending -= 1
            self.window.busy(label, False)
            try:
                done(result)
            except Exception as exc:  # e.g. a locked target: one dialog, nothing changed
                self.window.report(exc, title)

        def failed(exc: BaseException) -> None:
            self.pending -= 1
            self.window.busy(label, False)
            self.window.report(exc, title)

        worker.start(fn, finished, failed)

    def read_then(self, label: str, fn: Callable, done: Callable, title: str) -> None:
        """Reads on a worker as Open and Import do (`fn`), then `done(result)` here; for
        other modules' file commands (File > Place Embedded)."""
        self._run(label, fn, done, title)

    # -- new and open -----------------------------------------------------------------------
    def new_document(self) -> None:
        current = self.window.session
        size = (current.doc.width, current.doc.height) if current else (1920, 1080)
        # (the current document's resolution, as its size: Photoshop offers the last used)
        spec = dialogs.ask_new_document(self.window, self.window.next_untitled(peek=True), size,
                                        self.window.foreground,
                                        current.doc.resolution if current else 72.0)
        if spec is None:
            return
        self.create_document(spec.width, spec.height, spec.background, spec.name,
                             spec.resolution)

    def create_document(self, width: int, height: int, background: str = "white",
                        name: Optional[str] = None,
                        resolution: float = 72.0) -> "DocumentSession":
        doc = Document(width, height)
        doc.resolution = float(resolution)
        if background == "transparent":
            doc.new_layer("Layer 1")
        else:  # an opaque content: a Background layer, as Photoshop makes it
            color = {"white": QColor("#ffffff"), "background": self.window.background}.get(
                background, self.window.foreground)
            doc.add_layer(make_background(filled(width, height, color.getRgb()[:3])),
                          name="New Document")
        doc.history.clear()  # the starting state is not an undoable step
        return self.window.add_session(doc, name or self.window.next_untitled())

    def open_dialog(self) -> None:
        paths = dialogs.ask_open_paths(self.window, self.settings.last_dir())
        self.open_paths(paths)

    def open_paths(self, paths: list[str]) -> None:
        for path in paths:
            self.open_path(path)

    def open_path(self, path: str) -> None:
        path = os.path.abspath(path)
        existing = next((s for s in self.window.sessions if s.file and
                         os.path.abspath(s.file) == path), None)
        if existing is not None:
            self.window.show_session(existing)
            return
        self.settings.set_last_dir(path)

        def opened(doc: Document) -> None:
            self.settings.add_recent(path)
            self.window.refresh_recent()
            self.window.add_session(doc)
            if doc.warnings:
                self.window.status(" ".join(doc.warnings))

        self._run(f"Opening {os.path.basename(path)}…", lambda: _files().open_document(path),
                  opened, "Could not open the file")

    # -- layers from files and the clipboard ------------------------------------------------------
    def import_dialog(self) -> None:
        paths = dialogs.ask_open_paths(self.window, self.settings.last_dir(), "Import as Layer",
                                       dialogs.IMAGE_FILTER)
        for path in paths:
            self.import_path(path)

    def import_path(self, path: str, session: Optional["DocumentSession"] = None) -> None:
        """Adds the image at `path` as a new layer, centred in the view."""
        session = session or self.window.session
        if session is None:
            self.open_path(path)
            return
        self.settings.set_last_dir(path)
        name = os.path.splitext(os.path.basename(path))[0] or "Layer"

        def loaded(pixels: np.ndarray) -> None:
            if session not in self.window.sessions:
                return
            self.add_pixels(session, pixels, name, "Import Layer")

        self._run(f"Importing {os.path.basename(path)}…", lambda: _files().read_image(path),
                  loaded, "Could not import the image")

    def add_pixels(self, session: "DocumentSession", pixels: np.ndarray, name: str,
                   history_name: str) -> Layer:
        """Adds `pixels` as a layer centred on the view of `session`."""
        h, w = pixels.shape[:2]
        centre = session.canvas.view_center_image() if session.canvas is not None else None
        cx = centre.x() if centre is not None else session.doc.width / 2
        cy = centre.y() if centre is not None else session.doc.height / 2
        layer = session.doc.add_image(pixels, name, round(cx - w / 2), round(cy - h / 2),
                                      history_name=history_name)
        self.window.show_session(session)
        return layer

    def drop(self, paths: list[str]) -> None:
        """Files dropped on the window: PSDs open as documents; images become layers of the
        current document (the first opens as a document when none is open)."""
        images = []
        for path in paths:
            if path.lower().endswith(PSD_EXTENSIONS):
                self.open_path(path)
            else:
                images.append(path)
        if not images:
            return
        if self.window.session is None:
            first, images = images[0], images[1:]
            if images:
                self._open_then_import(first, images)
            else:
                self.open_path(first)
            return
        for path in images:
            self.import_path(path)

    def _open_then_import(self, first: str, rest: list[str]) -> None:
        path = os.path.abspath(first)

        def opened(doc: Document) -> None:
            self.settings.add_recent(path)
            self.window.refresh_recent()
            session = self.window.add_session(doc)
            for other in rest:
                self.import_path(other, session)

        self._run(f"Opening {os.path.basename(path)}…", lambda: _files().open_document(path),
                  opened, "Could not open the file")

    def paste(self) -> None:
        clipboard = QGuiApplication.clipboard()
        mime = clipboard.mimeData()
        image = clipboard.image()
        if image.isNull():
            files = [u.toLocalFile() for u in (mime.urls() if mime is not None else []) if u.isLocalFile()]
            if files:
                self.drop(files)
            else:
                self.window.status("The clipboard holds no image to paste.")
            return
        pixels = qimage_to_rgba(image)
        session = self.window.session
        if session is None:
            session = self.window.add_session(Document(pixels.shape[1], pixels.shape[0]),
                                              self.window.next_untitled())
            session.doc.add_image(pixels, "Pasted Layer", 0, 0, history_name="Paste")
            return
        self.add_pixels(session, pixels, "Pasted Layer", "Paste")

    def copy(self) -> None:
        """Copies the active layer (inside the selection, if any) to the clipboard."""
        self.window.edit_commands.copy()

    # -- saving -------------------------------------------------------------------------------
    def save(self, session: Optional["DocumentSession"] = None) -> bool:
        session = session or self.window.session
        if session is None:
            return False
        if session.doc.contents_of is not None:  # a smart object's contents (Edit Contents)
            return self.window.smart_object_commands.save_contents(session)
        path = session.doc.path
        if not path or not path.lower().endswith(PSD_EXTENSIONS):
            return self.save_as(session)
        return self._write(session, path)

    def save_as(self, session: Optional["DocumentSession"] = None) -> bool:
        session = session or self.window.session
        if session is None:
            return False
        stem = os.path.splitext(session.title)[0]
        folder = os.path.dirname(session.file) if session.file else self.settings.last_dir()
        path = dialogs.ask_save_path(self.window, os.path.join(folder, stem + ".psd"))
        if not path:
            return False
        if not path.lower().endswith(PSD_EXTENSIONS):
            path += ".psd"
        return self._write(session, path)

    def save_copy(self) -> bool:
        """File > Save a Copy… (Alt+Ctrl+S): the document in front written to another file,
        layered (.psd/.psb) or flat (.png, .jpg, ...); its own file, name and unsaved state
        stay as they were."""
        session = self.window.session
        if session is None:
            return False
        stem = os.path.splitext(session.title)[0] + " copy"
        folder = os.path.dirname(session.file) if session.file else self.settings.last_dir()
        path = dialogs.ask_save_path(self.window, os.path.join(folder, stem + ".psd"),
                                     "Save a Copy",
                                     f"{dialogs.SAVE_FILTER};;{dialogs.EXPORT_FILTER}")
        if not path:
            return False
        if session.file and os.path.abspath(path) == os.path.abspath(session.file):
            self.window.report(DocumentError("A copy needs another name than the document's "
                                             "own file (File > Save writes that one)."),
                               "Could not save a copy")
            return False
        self.window.tools.end_mode(commit=True)
        try:
            with WaitCursor():
                _files().save_copy(session.doc, path)
        except Exception as exc:
            self.window.report(exc, "Could not save a copy")
            return False
        self.settings.set_last_dir(path)
        self.window.status(f"Saved a copy to {path}")
        return True

    def _write(self, session: "DocumentSession", path: str) -> bool:
        self.window.tools.end_mode(commit=True)
        try:
            with WaitCursor():
                _files().save_document(session.doc, path)
        except Exception as exc:
            self.window.report(exc, "Could not save the document")
            return False
        session.saved()
        self.settings.add_recent(path)
        self.settings.set_last_dir(path)
        self.window.refresh_recent()
        self.window.document_saved(session)
        self.window.status(f"Saved {path}")
        return True

    def revert(self) -> None:
        """File > Revert (F12): the document in front reloaded from its file, replacing its
        content as one undo step (`editor.model.revert`); the file is read on a worker."""
        session = self.window.session
        path = session.file if session is not None else None
        if not path:
            return
        doc = session.doc
        self.window.tools.end_mode(commit=True)

        def loaded(fresh: Document) -> None:
            if session not in self.window.sessions:
                return  # closed while the file was read
            revert_document(doc, fresh)
            session.saved()
            self.window.status(f"Reverted to {path}")

        self._run(f"Reverting to {os.path.basename(path)}…",
                  lambda: _files().open_document(path), loaded, "Could not revert")

    def export(self) -> None:
        """File > Export > Quick Export as PNG: the picture as it is, to the file chosen
        (a .jpg name writes JPEG at quality 95); Export As… has the options."""
        session = self.window.session
        if session is None:
            return
        stem = os.path.splitext(session.title)[0]
        folder = os.path.dirname(session.file) if session.file else self.settings.last_dir()
        path = dialogs.ask_save_path(self.window, os.path.join(folder, stem + ".png"),
                                     "Quick Export as PNG",
                                     dialogs.EXPORT_FILTER)
        if not path:
            return
        self.window.tools.end_mode(commit=True)
        try:
            with WaitCursor():
                _files().export_image(session.doc, path, quality=95)
        except Exception as exc:
            self.window.report(exc, "Could not export the image")
            return
        self.window.status(f"Exported {path}")

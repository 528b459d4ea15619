"""Autosave to a recovery folder, and restoring that work after a crash.

Every few minutes (Preferences), each open document with unsaved changes is
written as a PSD into this run's folder `<recovery>/session-<pid>-<id>/`,
which a `QLockFile` marks as alive. On start, folders whose lock is stale
(their process died) hold work to offer back; a normal exit deletes its
folder.

The write runs on a worker thread from a *snapshot*: a copy of the layer
tree made on the GUI thread that shares the layers' pixel arrays instead of
copying them (a copy of a 20-layer 12-megapixel document would stall the UI).
Sharing is safe for arrays the model replaces (`set_pixels`, undo of it) but
not for in-place edits (brush strokes and their undo), so while a write runs
the autosaver watches for an in-place edit of a shared array; if one happens
the half-written file is thrown away and the document is written again
later. Files are written under a temporary name and renamed when complete.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal

from editor.model import Document, Group, Layer
from editor.model.errors import describe
from editor.model.files import save_document

from . import worker
from .session import DocumentSession

RETRY_MS = 5000


def snapshot(doc: Document) -> Document:
    """A copy of `doc`'s layer tree that shares the pixel arrays (no pixel copy), made by the
    layers' own `copy`, so that every attribute a layer has reaches the recovery file; and
    its paths (the Paths panel's), patterns and alpha channels."""
    snap = Document(doc.width, doc.height)
    snap.root = Group("root", [child.copy(share=True) for child in doc.root.children])
    snap.paths = doc.paths  # never changed in place: shared
    snap.patterns = doc.patterns  # (likewise)
    snap.channels = doc.channels  # (likewise)
    snap.resolution = doc.resolution
    snap.xmp, snap.exif = doc.xmp, doc.exif  # (File Info's metadata reaches the file too)
    return snap


def _save(doc: Document, path: str) -> None:
    save_document(doc, path)


@dataclass
class RecoveryEntry:
    psd: str
    title: str
    path: Optional[str]         # the PSD the document was saved as, if any
    source_path: Optional[str]  # the flat image it was opened from, if any
    saved: str                  # when it was written, for the user


@dataclass
class Orphan:
    """The recovery folder of a run that did not exit normally."""

    directory: str
    lock: QLockFile
    entries: list[RecoveryEntry] = field(default_factory=list)

    def release(self) -> None:
        self.lock.unlock()

    def discard(self) -> None:
        self.lock.unlock()
        shutil.rmtree(self.directory, ignore_errors=True)


def _lock(directory: str) -> QLockFile:
    lock = QLockFile(os.path.join(directory, "lock"))
    lock.setStaleLockTime(0)  # only a dead owner makes a lock stale, never its age
    return lock


def find_orphans(recovery_dir: str, own: Optional[str] = None) -> list[Orphan]:
    """Recovery folders of runs that crashed (their lock can be taken) with work inside."""
    if not os.path.isdir(recovery_dir):
        return []
    found = []
    for name in sorted(os.listdir(recovery_dir)):
        directory = os.path.join(recovery_dir, name)
        if not name.startswith("session-") or directory == own or not os.path.isdir(directory):
            continue
        lock = _lock(directory)
        if not lock.tryLock(0):
            continue  # another Layered is running with it
        entries = []
        for meta_name in sorted(os.listdir(directory)):
            if not meta_name.endswith(".json"):
                continue
            psd = os.path.join(directory, meta_name[:-5] + ".psd")
            try:
                with open(os.path.join(directory, meta_name), encoding="utf-8") as f:
                    meta = json.load(f)
            except (OSError, ValueError):
                continue
            if os.path.isfile(psd):
                entries.append(RecoveryEntry(psd, str(meta.get("title") or "Untitled"),
                                             meta.get("path"), meta.get("source_path"),
                                             str(meta.get("saved", ""))))
        orphan = Orphan(directory, lock, entries)
        if entries:
            found.append(orphan)
        else:
            orphan.discard()
    return found


class Autosaver(QObject):
    failed = Signal(str)  # a one-line reason, for the status bar

    def __init__(self, settings, sessions: Callable[[], list[DocumentSession]], parent=None):
        super().__init__(parent)
        self.settings = settings
        self._sessions = sessions
        self.directory = os.path.join(settings.recovery_dir,
                                      f"session-{os.getpid()}-{os.urandom(3).hex()}")
        self._lock: Optional[QLockFile] = None
        self._job: Optional[worker.Call] = None
        self._queue: list[DocumentSession] = []
        self._forgotten: set[str] = set()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.save_now)
        self.restart()

    # -- scheduling ------------------------------------------------------------------
    def restart(self) -> None:
        """Applies the interval from the settings."""
        seconds = self.settings.autosave_seconds
        self._timer.stop()
        if seconds > 0:
            self._timer.start(seconds * 1000)

    def needs_save(self, session: DocumentSession) -> bool:
        return session.modified and session.version != session.autosaved_version

    def save_now(self) -> None:
        """Writes every document that changed since its last autosave (one after another)."""
        for session in self._sessions():
            if self.needs_save(session) and session not in self._queue:
                self._queue.append(session)
        self._next()

    def busy(self) -> bool:
        return self._job is not None

    def _next(self) -> None:
        if self._job is not None:
            return
        while self._queue:
            session = self._queue.pop(0)
            if session in self._sessions() and self.needs_save(session):
                self._start(session)
                return

    # -- one write -------------------------------------------------------------------------
    def _paths(self, session: DocumentSession) -> tuple[str, str, str]:
        base = os.path.join(self.directory, session.uid)
        return base + ".psd", base + ".json", base + "-partial.psd"

    def _ensure_directory(self) -> None:
        if self._lock is None:
            os.makedirs(self.directory, exist_ok=True)
            lock = _lock(self.directory)
            if not lock.tryLock(0):
                raise OSError(f"{self.directory}: cannot lock the recovery folder.")
            self._lock = lock

    def _start(self, session: DocumentSession) -> None:
        try:
            self._ensure_directory()
        except OSError as exc:
            self.failed.emit(f"Autosave is off: {exc}")
            return
        doc = session.doc
        snap = snapshot(doc)
        shared = {id(layer.pixels): layer.pixels for layer in snap.layers()}
        state = {"torn": False}

        def watch(node, attr) -> None:
            # An in-place edit of an array the writer may be reading right now.
            if attr == "pixels" and isinstance(node, Layer) and shared.get(id(node.pixels)) is node.pixels:
                state["torn"] = True
            elif attr == "mask_pixels":  # mask strokes edit the (shared) mask array in place
                state["torn"] = True

        doc.node_changed.connect(watch)
        final, meta, partial = self._paths(session)
        version = session.version
        self._forgotten.discard(session.uid)

        def finish() -> None:
            doc.node_changed.disconnect(watch)
            self._job = None

        def done(_result) -> None:
            finish()
            if state["torn"] or session.uid in self._forgotten or session not in self._sessions():
                _remove(partial)
                if state["torn"]:
                    QTimer.singleShot(RETRY_MS, self.save_now)
            else:
                try:
                    os.replace(partial, final)
                    _write_json(meta, {"title": session.title, "path": doc.path,
                                       "source_path": doc.source_path,
                                       "saved": time.strftime("%Y-%m-%d %H:%M:%S")})
                    session.autosaved_version = version
                except OSError as exc:
                    self.failed.emit(f"Autosave failed: {exc}")
            self._next()

        def failed(exc: BaseException) -> None:
            finish()
            _remove(partial)

            self.failed.emit(f"Autosave failed: {describe(exc)}")
            self._next()

        self._job = worker.start(lambda: _save(snap, partial), done, failed)

    # -- clean-up ---------------------------------------------------------------------------
    def forget(self, session: DocumentSession) -> None:
        """The document was saved or closed: its recovery copy is no longer needed."""
        self._forgotten.add(session.uid)
        session.autosaved_version = session.version if not session.modified else -1
        for path in self._paths(session)[:2]:
            _remove(path)

    def adopt(self, session: DocumentSession, entry: RecoveryEntry) -> None:
        """Moves a restored document's recovery file into this run's folder."""
        try:
            self._ensure_directory()
            final, meta, _ = self._paths(session)
            os.replace(entry.psd, final)
            _write_json(meta, {"title": session.title, "path": entry.path,
                               "source_path": entry.source_path, "saved": entry.saved})
            session.autosaved_version = session.version
        except OSError:
            session.autosaved_version = -1  # write it again at the next autosave

    def shutdown(self) -> None:
        """A normal exit: wait for a running write, then delete this run's folder."""
        self._timer.stop()
        self._queue.clear()
        if self._job is not None:
            self._job.wait()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None
        shutil.rmtree(self.directory, ignore_errors=True)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def _write_json(path: str, data: dict) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
    os.replace(tmp, path)

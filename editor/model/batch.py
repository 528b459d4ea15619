"""File > Automate > Batch…: an action of the Actions panel played on every image of a folder.

As Photoshop's Batch: the source folder's image files (those File > Open reads, found by
name; with `subfolders`, those of its subfolders too, sorted by path) are each opened as a
document of the model only (no window, no tab), the action's checked steps are played on it
(`replay.play`, with their recorded settings: a step's dialog toggle is not honoured, as
Photoshop's Batch with its dialogs suppressed), and the result is saved by Destination:

- "none": not saved (Photoshop leaves the documents open; here the caller may open them:
  `Done.documents`);
- "save_close": saved over the file it came from, in its own format (PSD for a PSD, the
  flat picture for the rest);
- "folder": written into `folder` (the subfolder it came from mirrored under it), named
  by `naming`: "document" (the document's name and the extension) or "serial" (a serial
  number from `start` and the extension), as PSD (`format` "psd") or in the file's own
  format ("original").

Every write is `files.save_document` / `files.export_image` (a temporary file renamed into
place), so a cancel or a failure never leaves a half-written file, and the files already
done stay. Errors: "stop" ends the batch at the first failing file (a DocumentError naming
it); "log" writes one line per failed file (`<path>: <reason>`) to `log_path` and goes on.

`prepare` (GUI thread) checks the settings and lists the files; `run` (worker) does the
work, reporting one progress step per file and checking for a cancel between steps. A
played action is silenced (`replay.quiet`, per thread), so the Actions panel does not record
it. No Qt.
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from typing import Callable, Optional

from engine.progress import ProgressFn, no_progress

from . import files, replay
from .action_sets import Action
from .document import Document
from .errors import DocumentError, describe

NAME = "Batch"
DESTINATIONS = {"none": "None", "save_close": "Save and Close", "folder": "Folder"}
NAMINGS = {"document": "Document Name + extension", "serial": "Serial Number + extension"}
FORMATS = {"original": "Original format", "psd": "Photoshop (PSD)"}
ERRORS = {"stop": "Stop for Errors", "log": "Log Errors to File"}


@dataclass(frozen=True)
class BatchSettings:
    source: str
    subfolders: bool = False
    destination: str = "folder"
    folder: str = ""
    naming: str = "document"
    start: int = 1                 # the first serial number
    format: str = "original"
    errors: str = "stop"
    log_path: str = ""


@dataclass
class Prepared:
    settings: BatchSettings
    action: Action                 # a copy: editing the panel meanwhile changes nothing here
    paths: list[str]


@dataclass
class Done:
    written: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)   # (path, reason)
    documents: list[tuple[str, Document]] = field(default_factory=list)  # destination None


def source_files(folder: str, subfolders: bool = False, skip=()) -> list[str]:
    """The image files of `folder` (and its subfolders), by path; `skip` a folder (or
    several) left out (the destination, when it lies inside the source)."""
    skip = {os.path.realpath(f) for f in ([skip] if isinstance(skip, str) else skip) if f}
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and os.path.realpath(os.path.join(root, d)) not in skip)
        found += [os.path.join(root, n) for n in sorted(names) if not n.startswith(".")
                  and os.path.splitext(n)[1].lower() in files.OPEN_SUFFIXES]
        if not subfolders:
            break
    return found


def prepare(settings: BatchSettings, action: Optional[Action]) -> Prepared:
    """Checks the settings (a DocumentError in one line) and lists the files."""
    s = settings
    if action is None:
        raise DocumentError("Choose an action to play (record one in the Actions panel).")
    if not any(step.enabled for step in action.steps):
        raise DocumentError(f"The action '{action.name}' has no checked step to play.")
    if not s.source or not os.path.isdir(s.source):
        raise DocumentError(f"The source folder '{s.source}' does not exist: choose another.")
    if s.destination not in DESTINATIONS or s.naming not in NAMINGS or \
            s.format not in FORMATS or s.errors not in ERRORS:
        raise ValueError(f"unknown batch settings {s}")
    if s.destination == "folder" and (not s.folder or not os.path.isdir(s.folder)):
        raise DocumentError(f"The destination folder '{s.folder}' does not exist: "
                            "choose another.")
    if s.errors == "log" and not s.log_path:
        raise DocumentError("Choose the file the errors are logged to (Save As…).")
    if s.start < 0:
        raise DocumentError("The starting serial number cannot be negative.")
    paths = source_files(s.source, s.subfolders, s.folder if s.destination == "folder" else "")
    if not paths:
        raise DocumentError(f"There are no image files in '{s.source}'" +
                            (" or its subfolders." if s.subfolders else "."))
    return Prepared(s, copy.deepcopy(action), paths)


def target_path(settings: BatchSettings, path: str, number: int) -> str:
    """Where the document from `path` is saved (the `number`th file, from 0)."""
    s = settings
    if s.destination == "save_close":
        return path
    stem, suffix = os.path.splitext(os.path.basename(path))
    if s.format == "psd" or suffix.lower() in files.PSD_SUFFIXES:
        suffix = ".psd" if suffix.lower() != ".psb" else suffix
    name = stem if s.naming == "document" else f"{s.start + number:04d}"
    folder = os.path.join(s.folder, os.path.relpath(os.path.dirname(path), s.source))
    return os.path.normpath(os.path.join(folder, name + suffix))


def play_action(doc: Document, action: Action,
                step_done: Callable[[], None] = lambda: None) -> None:
    """The action's checked steps played on `doc` with their recorded settings; a step that
    cannot apply raises a DocumentError naming it."""
    for i, step in enumerate(action.steps):
        if not step.enabled:
            continue
        try:
            replay.play(doc, step.command, step.settings)
        except Exception as exc:
            raise DocumentError(f"action '{action.name}' stopped at step {i + 1} "
                                f"({step.label}): {describe(exc)}") from None
        step_done()  # (the batch's cancel is checked here)


def _save(doc: Document, target: str) -> None:
    if os.path.splitext(target)[1].lower() in files.PSD_SUFFIXES:
        files.save_document(doc, target)
    else:
        files.export_image(doc, target)


def process(prepared: Prepared, path: str, number: int,
            step_done: Callable[[], None] = lambda: None) -> Optional[str]:
    """One file opened, played and saved; the path written (None for destination None)."""
    s = prepared.settings
    doc = files.open_document(path)
    play_action(doc, prepared.action, step_done)
    if s.destination == "none":
        return None
    target = target_path(s, path, number)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    _save(doc, target)
    return target


def run(prepared: Prepared, progress: ProgressFn = no_progress) -> Done:
    """Every file processed (worker thread); see the module docstring. A cancel (raised by
    `progress`) stops between steps: the files already written stay, nothing is half
    written, and the errors met so far are still logged."""
    s = prepared.settings

    def handle(done: Done, path: str, number: int, step_done: Callable[[], None]) -> None:
        if s.destination == "none":
            doc = files.open_document(path)
            play_action(doc, prepared.action, step_done)
            done.documents.append((path, doc))
        else:
            done.written.append(process(prepared, path, number, step_done))

    return run_files(prepared.paths, handle, progress, s.errors,
                     s.log_path if s.errors == "log" else "")


# handle(done, path, number, step_done): one file's work, adding what it wrote to `done`.
FileHandler = Callable[[Done, str, int, Callable[[], None]], None]


def run_files(paths: list, handle: FileHandler, progress: ProgressFn = no_progress,
              errors: str = "stop", log_path: str = "", log_empty: bool = True) -> Done:
    """The file loop of Batch and of File > Scripts > Image Processor (worker thread):
    `handle` called on each path in turn, one progress step per file, `step_done` (which
    checks for a cancel) for it to call between its own steps. A file that fails is, by
    `errors`, the end of the run ("stop": a DocumentError naming it) or a line of the log
    ("log") and the next file. `log_path` (when given) gets the failures whatever ends the
    run, a cancel included; with `log_empty` off only when there are some."""
    done = Done()
    total = len(paths)
    try:
        for number, path in enumerate(paths):
            progress(number, total)
            try:
                handle(done, path, number, lambda: progress(number, total))
            except (DocumentError, OSError, ValueError, MemoryError) as exc:
                reason = describe(exc)
                if errors == "stop":
                    raise DocumentError(f"{os.path.basename(path)}: {reason}") from None
                done.failed.append((path, reason))
        progress(total, total)
    finally:
        if log_path and (log_empty or done.failed):
            write_log(log_path, done.failed)
    return done


def write_log(path: str, failed: list[tuple[str, str]]) -> None:
    """One line per failed file, `<path>: <reason>` (written even when none failed, so the
    log says so; a temporary file renamed into place, as the saves)."""
    lines = "".join(f"{p}: {' '.join(r.split())}\n" for p, r in failed)
    files.atomic_write(path, lambda f: f.write(lines.encode("utf-8")))

"""File > Scripts > Image Processor…: every image of a folder (or the open documents) saved
as JPEG, PSD and/or TIFF copies, each optionally resized to fit a box, after an action.

As Photoshop's Image Processor script:

- Source: the image files of a folder (those File > Open reads; with `subfolders`, those
  of its subfolders too, their structure kept under each destination), or the open
  documents (copies of them: the open documents stay as they are).
- Destination: "same" (the folder each image came from) or `folder`; either way every
  format goes to its own subfolder, JPEG/, PSD/ and TIFF/, named as the image with the
  format's suffix (an existing file of that name is replaced).
- JPEG: Quality 0..12 (Photoshop's scale, mapped onto the encoder's: `jpeg_quality`),
  Convert Profile to sRGB (the editor converts every image to sRGB when it reads it, so
  the pixels are sRGB already and this changes nothing), Resize to Fit.
- PSD: Maximize Compatibility (our PSD writer always writes the merged image, so the file
  is always "maximized"), Resize to Fit; the layers are kept.
- TIFF: LZW compression (else uncompressed, as Photoshop), Resize to Fit; flat.
- Run Action: the action's checked steps played first (`batch.play_action`).
- Copyright Info: put into the document's own metadata as Photoshop's script does (File
  Info's Copyright Notice, dc:rights, and status Copyrighted: `file_info.with_copyright`),
  so every copy carries it with the rest of the document's XMP and EXIF: the PSD's
  packet, the JPEG's and TIFF's XMP and EXIF Copyright (`images.write_flat`).

Resize to Fit keeps the proportions and makes the image as large as fits W x H (larger or
smaller, as the script's Fit Image does), by Image Size (`image_ops.image_size`).

The file loop, the logging of failures and the cancel are Batch's (`batch.run_files`): one
progress step per file, a cancel checked between steps, every write through
`files.atomic_write` (a temporary file renamed into place), so a cancel or a failure never
leaves a half-written file and the files done stay. A file that fails is logged, one line
(`<path>: <reason>`), to "Image Processor errors.txt" in the destination folder (the
source folder for "same"), and the others are done. No Qt.
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from typing import Callable, Optional

from engine.progress import ProgressFn, no_progress

from . import batch, file_info, files, image_ops
from .action_sets import Action
from .document import Document
from .duplicate import duplicate_document
from .errors import DocumentError
from .images import write_flat
from .render import composite_document

NAME = "Image Processor"
LOG_NAME = "Image Processor errors.txt"
FORMATS = ("jpeg", "psd", "tiff")
SUBFOLDERS = {"jpeg": "JPEG", "psd": "PSD", "tiff": "TIFF"}
SUFFIXES = {"jpeg": ".jpg", "psd": ".psd", "tiff": ".tif"}
MAX_SIDE = 30000


@dataclass(frozen=True)
class Output:
    """One "Save as" row of the dialog."""
    on: bool = False
    resize: bool = False
    width: int = 0
    height: int = 0
    quality: int = 8           # JPEG, 0..12
    to_srgb: bool = True       # JPEG (the pixels are sRGB already)
    maximize: bool = True      # PSD (always written maximized)
    lzw: bool = False          # TIFF


@dataclass(frozen=True)
class ProcessorSettings:
    source: str = ""                 # a folder; "" with `open_documents`
    open_documents: bool = False
    subfolders: bool = False
    destination: str = "same"        # "same" or "folder"
    folder: str = ""
    jpeg: Output = Output(on=True)
    psd: Output = Output()
    tiff: Output = Output()
    copyright: str = ""


@dataclass
class Prepared:
    settings: ProcessorSettings
    action: Optional[Action]         # a copy, or None: no action
    items: list                      # paths, or (name, folder, copy of a document)
    log_path: str


def jpeg_quality(quality: int) -> int:
    """Photoshop's JPEG Quality 0..12 as the encoder's 1..100 (about libjpeg's: 12 is 98,
    8 is 79, 0 is 40)."""
    return round(40 + 58 * max(0, min(12, int(quality))) / 12)


def fit_size(width: int, height: int, box_w: int, box_h: int) -> tuple[int, int]:
    """The size `width` x `height` scales to, proportions kept, to fit box_w x box_h."""
    scale = min(box_w / width, box_h / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _outputs(s: ProcessorSettings) -> list[tuple[str, Output]]:
    return [(kind, getattr(s, kind)) for kind in FORMATS if getattr(s, kind).on]


def prepare(settings: ProcessorSettings, action: Optional[Action],
            documents: Optional[list[tuple[str, Document]]] = None) -> Prepared:
    """Checks the settings (a DocumentError in one line) and lists what to process.
    `documents`: the open documents (name, document), copied here on the GUI thread so
    editing them meanwhile changes nothing."""
    s = settings
    outputs = _outputs(s)
    if not outputs:
        raise DocumentError("Choose a file type to save (JPEG, PSD or TIFF).")
    for kind, out in outputs:
        if out.resize and not (1 <= out.width <= MAX_SIDE and 1 <= out.height <= MAX_SIDE):
            raise DocumentError(f"Resize to Fit ({SUBFOLDERS[kind]}) needs a width and a "
                                f"height of 1..{MAX_SIDE} px.")
        if not 0 <= out.quality <= 12:
            raise DocumentError(f"The JPEG quality is 0..12, not {out.quality}.")
    if action is not None and not any(step.enabled for step in action.steps):
        raise DocumentError(f"The action '{action.name}' has no checked step to play.")
    if s.destination not in ("same", "folder"):
        raise ValueError(f"unknown destination {s.destination!r}")
    if s.destination == "folder" and (not s.folder or not os.path.isdir(s.folder)):
        raise DocumentError(f"The destination folder '{s.folder}' does not exist: "
                            "choose another.")
    if s.open_documents:
        if not documents:
            raise DocumentError("There are no open documents to process.")
        items = []
        for name, doc in documents:
            folder = os.path.dirname(doc.path) if doc.path else ""
            if s.destination == "same" and not folder:
                raise DocumentError(f"'{name}' has never been saved: choose a destination "
                                    "folder (Select Folder).")
            items.append((name, folder, duplicate_document(doc)))
        log_folder = s.folder if s.destination == "folder" else items[0][1]
    else:
        if not s.source or not os.path.isdir(s.source):
            raise DocumentError(f"The source folder '{s.source}' does not exist: "
                                "choose another.")
        roots = [s.folder] if s.destination == "folder" else []
        roots = roots or [s.source]
        # (the JPEG/, PSD/ and TIFF/ folders a previous run made are no source)
        skip = [os.path.join(r, sub) for r in roots for sub in SUBFOLDERS.values()]
        items = batch.source_files(s.source, s.subfolders, skip)
        if not items:
            raise DocumentError(f"There are no image files in '{s.source}'" +
                                (" or its subfolders." if s.subfolders else "."))
        log_folder = s.folder if s.destination == "folder" else s.source
    return Prepared(s, copy.deepcopy(action), items, os.path.join(log_folder, LOG_NAME))


def targets(prepared: Prepared, item) -> dict[str, str]:
    """Where each chosen format of `item` (a path, or an open document's entry) goes."""
    s = prepared.settings
    if isinstance(item, str):
        stem = os.path.splitext(os.path.basename(item))[0]
        from_folder = os.path.dirname(item)
        relative = os.path.relpath(from_folder, s.source)
        root = s.folder if s.destination == "folder" else s.source
    else:
        stem = os.path.splitext(item[0])[0]
        from_folder, relative = item[1], "."
        root = s.folder if s.destination == "folder" else from_folder
    return {kind: os.path.normpath(os.path.join(root, SUBFOLDERS[kind], relative,
                                                stem + SUFFIXES[kind]))
            for kind, _ in _outputs(s)}


def _fitted(doc: Document, out: Output) -> Document:
    """`doc` resized to fit (a copy: the next format starts from the same image)."""
    if not out.resize:
        return doc
    size = fit_size(doc.width, doc.height, out.width, out.height)
    if size == doc.size:
        return doc
    fitted = duplicate_document(doc)
    image_ops.image_size(fitted, *size)
    return fitted


def save(doc: Document, kind: str, out: Output, path: str) -> None:
    """One copy of `doc` written as `kind` to `path` (atomically), with its metadata (its
    packet dated as a save dates it)."""
    doc = _fitted(doc, out)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if kind == "psd":
        files.save_copy(doc, path)
        return
    pixels = composite_document(doc)
    fmt = "JPEG" if kind == "jpeg" else "TIFF"
    files.atomic_write(path, lambda f: write_flat(
        pixels, f, fmt, jpeg_quality(out.quality),
        copyright=file_info.copyright_notice(doc.xmp) or None,
        tiff_compression="tiff_lzw" if out.lzw else None,
        xmp=file_info.stamped(doc.xmp), exif=doc.exif, dpi=doc.resolution))


def process(prepared: Prepared, item, step_done: Callable[[], None] = lambda: None
            ) -> list[str]:
    """One image opened (or its copy taken), the action played, each format saved; the
    paths written."""
    s = prepared.settings
    doc = files.open_document(item) if isinstance(item, str) else item[2]
    if prepared.action is not None:
        batch.play_action(doc, prepared.action, step_done)
    # (a file just opened, or a copy of an open document: the document itself stays)
    doc.xmp = file_info.with_copyright(doc.xmp, s.copyright)
    written = []
    for kind, path in targets(prepared, item).items():
        save(doc, kind, getattr(s, kind), path)
        written.append(path)
        step_done()
    return written


def run(prepared: Prepared, progress: ProgressFn = no_progress) -> batch.Done:
    """Every image processed (worker thread), by Batch's file loop: failures logged and
    the others done; a cancel stops between steps, the files written staying."""
    def handle(done: batch.Done, name: str, number: int, step_done) -> None:
        done.written += process(prepared, prepared.items[number], step_done)

    # (an open document is logged by its name)
    names = [item if isinstance(item, str) else item[0] for item in prepared.items]
    return batch.run_files(names, handle, progress, "log", prepared.log_path,
                           log_empty=False)

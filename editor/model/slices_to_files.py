"""File > Export > Save Slices…: each user slice written as an image of its own.

As Photoshop's Save for Web writes a page's slices (All User Slices): each user slice cut
from the composite as the canvas shows it, written as PNG or JPEG (flattened onto white)
named after the slice (its name in Slice Options, else `<document name>_<number>`, the
number it has on the canvas, as Photoshop numbers it), characters a file name cannot hold
made `_`; a name used twice gets `-2`, `-3`. The composite is made on the GUI thread
(`prepare`, as Export As makes it); the crops are encoded and written by a job (`run`) into
a hidden staging folder inside the destination and moved into place after success by Layers
to Files' own `publish` (a cancelled or failed export leaves no file behind, `discard`).
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field

import numpy as np

from engine.box import Box
from engine.progress import ProgressFn, no_progress

from .document import Document
from .errors import DocumentError, SaveError
from .images import write_flat
from .layers_to_files import FORMATS, discard, existing, publish, safe_name
from .render import composite_document
from .slices import name_of

NAME = "Save Slices"
__all__ = ["NAME", "SlicesToFilesSettings", "prepare", "run", "publish", "discard", "existing"]


@dataclass(frozen=True)
class SlicesToFilesSettings:
    folder: str
    format: str = "PNG"
    quality: int = 90          # JPEG


@dataclass
class Prepared:
    settings: SlicesToFilesSettings
    pixels: np.ndarray                                # the composite, straight RGBA
    boxes: list[Box]                                  # the user slices on the canvas
    names: list[str]                                  # their file names, in order
    staging: str = ""                                 # the hidden folder `run` writes into
    written: list[str] = field(default_factory=list)  # the names `run` staged


def file_names(names: list[str], suffix: str) -> list[str]:
    """`names` as file names ending in `suffix`, each one used once (`-2`, `-3` after)."""
    out, used = [], set()
    for name in names:
        stem, k = safe_name(name), 1
        while (candidate := stem + (f"-{k}" if k > 1 else "") + suffix).lower() in used:
            k += 1
        used.add(candidate.lower())
        out.append(candidate)
    return out


def prepare(doc: Document, settings: SlicesToFilesSettings, base: str) -> Prepared:
    """Checks the settings and makes the composite (GUI thread); `base`: the document's
    name without its extension, for the slices with no name of their own."""
    if settings.format not in FORMATS:
        raise SaveError(f"Save Slices writes PNG or JPEG, not {settings.format!r}.")
    if not 1 <= int(settings.quality) <= 100:
        raise SaveError(f"The quality must be 1..100, not {settings.quality}.")
    if not settings.folder or not os.path.isdir(settings.folder):
        raise SaveError(f"The folder '{settings.folder}' does not exist: choose another.")
    chosen = [i for i, s in enumerate(doc.slices)
              if not s.box.clip(doc.width, doc.height).is_empty()]
    if not chosen:
        raise DocumentError("The document has no slices: draw some with the Slice tool (C).")
    names = [name_of(doc.slices, doc.width, doc.height, base, i) for i in chosen]
    boxes = [doc.slices[i].box.clip(doc.width, doc.height) for i in chosen]
    return Prepared(settings, composite_document(doc), boxes,
                    file_names(names, FORMATS[settings.format]))


def run(prepared: Prepared, progress: ProgressFn = no_progress) -> Prepared:
    """Crops and encodes each slice into the staging folder (worker thread); a cancel
    (raised by `progress`) or a failure removes that folder."""
    s = prepared.settings
    prepared.staging = tempfile.mkdtemp(prefix=".save-slices-", dir=s.folder)
    count = len(prepared.boxes)
    try:
        for i, (box, name) in enumerate(zip(prepared.boxes, prepared.names)):
            progress(i, count)
            with open(os.path.join(prepared.staging, name), "wb") as f:
                write_flat(np.ascontiguousarray(prepared.pixels[box.slices()]), f, s.format,
                           int(s.quality))
            prepared.written.append(name)
        progress(count, count)
    except BaseException:
        discard(prepared)
        raise
    return prepared

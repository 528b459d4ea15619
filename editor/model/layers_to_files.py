"""File > Export > Layers to Files…: each layer written as an image of its own.

As Photoshop's: every layer (or only those shown, with Visible Layers Only), top of the
Layers panel first, each drawn alone on transparency as the canvas shows it (its mask,
vector mask, style and opacity included; the groups around it and the layers it clips to
left out), optionally trimmed to what it draws (Trim Layers), written as PNG or JPEG
(flattened onto white) named `<prefix>_0001_<layer name>.png`, characters a file name
cannot hold made `_`, at the document's resolution (PNG's pHYs, JPEG's density). Adjustment layers draw nothing alone and are skipped, as are layers
that draw nothing when trimmed.

The work is a job: `prepare` (GUI thread) copies the layers, `run` (worker) draws and
writes them into a hidden staging folder inside the destination, and `publish` (GUI thread,
after success) renames them into place; `discard` removes the staging folder after a
cancel or a failure, so a cancelled export leaves no file behind, partial or whole.
Whether to replace files that exist is the caller's question (`existing`).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field

import numpy as np

from engine.box import opaque_bounds
from engine.progress import ProgressFn, no_progress

from .document import Document
from .errors import DocumentError, SaveError
from .images import write_flat
from .layers import Layer
from .render import composite_nodes

NAME = "Layers to Files"
FORMATS = {"PNG": ".png", "JPEG": ".jpg"}
# What Windows, macOS or Linux refuse in a file name, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


@dataclass(frozen=True)
class LayersToFilesSettings:
    folder: str
    prefix: str = ""
    visible_only: bool = True
    format: str = "PNG"
    quality: int = 90          # JPEG
    trim: bool = False


@dataclass
class Prepared:
    settings: LayersToFilesSettings
    stage: Document                                   # the copies, each drawn alone
    names: list[str]                                  # their file names, in order
    staging: str = ""                                 # the hidden folder `run` writes into
    written: list[str] = field(default_factory=list)  # the names `run` staged (not skipped)


def safe_name(name: str) -> str:
    """`name` as a file name's part: unsafe characters `_`, no leading or trailing dots or
    spaces (hidden files, Windows), never empty."""
    return _UNSAFE.sub("_", name).strip(" .") or "Layer"


def file_names(prefix: str, names: list[str], suffix: str) -> list[str]:
    """`<prefix>_0001_<name><suffix>`, numbered from 1 in the order given."""
    lead = f"{safe_name(prefix)}_" if prefix.strip(" .") else ""
    return [f"{lead}{i:04d}_{safe_name(n)}{suffix}" for i, n in enumerate(names, 1)]


def exported_layers(doc: Document, visible_only: bool) -> list[Layer]:
    """The layers Layers to Files writes, top of the stack first."""
    layers = [n for n in doc.layers() if isinstance(n, Layer) and n.kind != "adjustment"]
    if visible_only:
        layers = [n for n in layers if n.is_shown()]
    return layers[::-1]


def prepare(doc: Document, settings: LayersToFilesSettings) -> Prepared:
    """Checks the settings and copies the layers to write (GUI thread)."""
    if settings.format not in FORMATS:
        raise SaveError(f"Layers to Files writes PNG or JPEG, not {settings.format!r}.")
    if not 1 <= int(settings.quality) <= 100:
        raise SaveError(f"The quality must be 1..100, not {settings.quality}.")
    if not settings.folder or not os.path.isdir(settings.folder):
        raise SaveError(f"The folder '{settings.folder}' does not exist: choose another.")
    layers = exported_layers(doc, settings.visible_only)
    if not layers:
        raise DocumentError("There are no layers to export" + (
            " (Visible Layers Only is on and none is shown)." if settings.visible_only else "."))
    # Copies (own pixels: the user may paint while the job runs), each shown and alone, in
    # a document of the same canvas so effects that reach for the canvas find it.
    stage = Document(doc.width, doc.height)
    stage.resolution = doc.resolution  # (each file says it)
    for layer in layers:
        copy = layer.copy()
        copy.visible, copy.clipping = True, False
        copy.parent = stage.root
        stage.root.children.append(copy)
    names = file_names(settings.prefix, [n.name for n in layers], FORMATS[settings.format])
    return Prepared(settings, stage, names)


def existing(prepared: Prepared) -> list[str]:
    """The file names that would replace files already in the folder."""
    folder = prepared.settings.folder
    return [n for n in prepared.names if os.path.exists(os.path.join(folder, n))]


def run(prepared: Prepared, progress: ProgressFn = no_progress) -> Prepared:
    """Draws and encodes each layer into the staging folder (worker thread); a cancel
    (raised by `progress`) or a failure removes that folder."""
    s = prepared.settings
    prepared.staging = tempfile.mkdtemp(prefix=".layers-to-files-", dir=s.folder)
    layers = prepared.stage.root.children
    try:
        for i, (layer, name) in enumerate(zip(layers, prepared.names)):
            progress(i, len(layers))
            pixels = composite_nodes([layer], prepared.stage.canvas)
            if s.trim:
                box = opaque_bounds(pixels)
                if box is None:
                    continue  # draws nothing: no file
                pixels = pixels[box.slices()]
            with open(os.path.join(prepared.staging, name), "wb") as f:
                write_flat(np.ascontiguousarray(pixels), f, s.format, int(s.quality),
                           dpi=prepared.stage.resolution)
            prepared.written.append(name)
        progress(len(layers), len(layers))
    except BaseException:
        discard(prepared)
        raise
    return prepared


def publish(prepared: Prepared) -> list[str]:
    """Moves the staged files into the folder (replacing files of the same names); returns
    their paths. The staging folder is removed, whatever happens."""
    folder = prepared.settings.folder
    done = []
    try:
        for name in prepared.written:
            target = os.path.join(folder, name)
            try:
                os.replace(os.path.join(prepared.staging, name), target)
            except OSError as exc:
                raise SaveError(f"{target}: cannot save: {exc.strerror or exc}; "
                                f"{len(done)} of {len(prepared.written)} files were written.") \
                    from None
            done.append(target)
    finally:
        discard(prepared)
    return done


def discard(prepared: Prepared) -> None:
    """Removes the staging folder and what it holds."""
    if prepared.staging:
        shutil.rmtree(prepared.staging, ignore_errors=True)
        prepared.staging = ""

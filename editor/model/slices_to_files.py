"""File > Export > Save for Web (Legacy)…: the slices written as images, with their HTML page.

As Photoshop's Save for Web writes them, in one of its Formats: Images Only (All User
Slices, or All Slices: the auto slices too), each slice cut from the composite as the
canvas shows it into the chosen folder; or HTML and Images, every slice's image (All
Slices: the page needs them all; a No Image slice has none) in an `images` folder beside
`<document name>.html`, the page that puts them back together with each slice's URL,
Target, Alt Tag, Message Text and background (`slices_html`). Images are PNG or JPEG
(flattened onto white), named after the slice (its name in Slice Options, else
`<document name>_<number>`, the number it has on the canvas, as Photoshop numbers it),
characters a file name cannot hold made `_`; a name used twice gets `-2`, `-3`. The
composite is made on the GUI thread
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
from . import layers_to_files, slices_html
from .layers_to_files import FORMATS, discard, existing, safe_name
from .render import composite_document
from .slices import named

NAME = "Save for Web"
IMAGES = "images"  # Photoshop's Put Images in Folder, beside the HTML page
# Save for Web's Format (Save Optimized As) and Slices choices: (value, Photoshop's name).
OUTPUTS = (("html", "HTML and Images"), ("images", "Images Only"))
WHICH = (("all", "All Slices"), ("user", "All User Slices"))
__all__ = ["NAME", "SlicesToFilesSettings", "prepare", "run", "publish", "discard", "existing"]


@dataclass(frozen=True)
class SlicesToFilesSettings:
    folder: str
    format: str = "PNG"
    quality: int = 90          # JPEG
    output: str = "images"     # OUTPUTS
    which: str = "user"        # WHICH (HTML and Images writes all slices)


@dataclass
class Prepared:
    settings: SlicesToFilesSettings
    pixels: np.ndarray                                # the composite, straight RGBA
    boxes: list[Box]                                  # the slices written as images
    names: list[str]                                  # their file paths in the folder
    html: str = ""                                    # the page (HTML and Images)
    html_name: str = ""                               # its file name
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


def prepare(doc: Document, settings: SlicesToFilesSettings, base: str,
            source: str = "") -> Prepared:
    """Checks the settings and makes the composite (GUI thread); `base`: the document's
    name without its extension, for the slices with no name of their own and the page;
    `source`: the document's file name (in the page's comment)."""
    if settings.format not in FORMATS:
        raise SaveError(f"Save for Web writes PNG or JPEG, not {settings.format!r}.")
    if not 1 <= int(settings.quality) <= 100:
        raise SaveError(f"The quality must be 1..100, not {settings.quality}.")
    if settings.output not in dict(OUTPUTS) or settings.which not in dict(WHICH):
        raise SaveError(f"Unknown output {settings.output!r} / {settings.which!r}.")
    if not settings.folder or not os.path.isdir(settings.folder):
        raise SaveError(f"The folder '{settings.folder}' does not exist: choose another.")
    html = settings.output == "html"
    every = named(doc.width, doc.height, doc.slices, base)
    if not html and settings.which == "user":
        every = [item for item in every if item[1] is not None]
        if not every:
            raise DocumentError("The document has no user slices: draw some with the Slice "
                                "tool (C), or save All Slices.")
    imaged = [(box, name) for box, s, name in every if s is None or s.image]
    suffix = FORMATS[settings.format]
    files = file_names([name for _, name in imaged], suffix)
    if html:
        files = [f"{IMAGES}/{f}" for f in files]
    prepared = Prepared(settings, composite_document(doc), [box for box, _ in imaged], files)
    if html:
        src = iter(files)
        cells = [slices_html.Cell(
            box, safe_name(name), next(src) if s is None or s.image else None,
            *((s.url, s.target, s.alt, s.message,
               slices_html.background_rgb(s.background, s.background_color))
              if s is not None else ()))
            for box, s, name in every]
        prepared.html = slices_html.page(base, source or base, doc.width, doc.height, cells)
        prepared.html_name = safe_name(base) + ".html"
        prepared.names = prepared.names + [prepared.html_name]
    return prepared


def run(prepared: Prepared, progress: ProgressFn = no_progress) -> Prepared:
    """Crops and encodes each slice into the staging folder (worker thread); a cancel
    (raised by `progress`) or a failure removes that folder."""
    s = prepared.settings
    prepared.staging = tempfile.mkdtemp(prefix=".save-slices-", dir=s.folder)
    count = len(prepared.boxes)
    try:
        for i, (box, name) in enumerate(zip(prepared.boxes, prepared.names)):
            progress(i, count)
            path = os.path.join(prepared.staging, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                write_flat(np.ascontiguousarray(prepared.pixels[box.slices()]), f, s.format,
                           int(s.quality))
            prepared.written.append(name)
        if prepared.html_name:
            with open(os.path.join(prepared.staging, prepared.html_name), "w",
                      encoding="utf-8") as f:
                f.write(prepared.html)
            prepared.written.append(prepared.html_name)
        progress(count, count)
    except BaseException:
        discard(prepared)
        raise
    return prepared


def publish(prepared: Prepared) -> list[str]:
    """Layers to Files' `publish`, the `images` folder made first when the page has one."""
    if any(name.startswith(IMAGES + "/") for name in prepared.written):
        os.makedirs(os.path.join(prepared.settings.folder, IMAGES), exist_ok=True)
    return layers_to_files.publish(prepared)

"""File > Place Embedded…: an image file placed as a smart object layer.

As Photoshop's: the file is embedded whole as the smart object's contents (a PNG or JPEG
as its own bytes, a PSD as the PSD, so Edit Contents opens its layers as the PSD smart
objects read from files do: `smart_object.contents_document`; other formats as a PNG of
their pixels), the layer is named after the file, sits above the active layer, and is
centred on the canvas, scaled down to fit inside it when larger (Photoshop's default
"Resize Image During Place"), never up. Free Transform then runs on it in the window
(`editor/ui/export_commands.py`), whose Enter commits the place and Esc takes it back.

`read_contents` runs on a worker (it reads the file); `place_embedded` is one undo step.
"""
from __future__ import annotations

import os
from typing import Optional

from .document import Document
from .errors import DocumentError
from .files import read_head, read_image
from .smart_object import SmartContents, SmartObjectLayer, _limit, rect_quad

NAME = "Place Embedded"
# Files embedded as they are (a PSD by its signature), by the first bytes.
_EMBEDDED = ((b"\x89PNG", "png"), (b"\xff\xd8\xff", "jpg"))


def read_contents(path: str | os.PathLike, *, max_pixels: Optional[int] = None
                  ) -> SmartContents:
    """The smart object contents of the file at `path` (its pixels read as Import reads
    them, the file itself kept where Photoshop's smart objects can hold it)."""
    path = os.fspath(path)
    pixels = read_image(path, max_pixels=max_pixels)
    name = os.path.basename(path)
    head = read_head(path, 6)
    if head[:4] == b"8BPS":  # version 2: a PSB
        filetype = "8bpb" if head[4:6] == b"\x00\x02" else "8bps"
    else:
        filetype = next((t for sig, t in _EMBEDDED if head.startswith(sig)), None)
    if filetype is None:
        return SmartContents(pixels, os.path.splitext(name)[0] + ".png")
    with open(path, "rb") as f:
        data = f.read()
    return SmartContents(pixels, name, data, filetype)


def fitted_placement(doc: Document, width: int, height: int):
    """The contents' corners centred on the canvas, scaled down to fit inside it."""
    scale = min(1.0, doc.width / width, doc.height / height)
    w, h = width * scale, height * scale
    x, y = (doc.width - w) / 2, (doc.height - h) / 2
    if scale == 1.0:  # on whole pixels, so the contents are drawn as they are
        x, y = float((doc.width - width) // 2), float((doc.height - height) // 2)
    return rect_quad(x, y, w, h)


def place_embedded(doc: Document, contents: SmartContents,
                   name: Optional[str] = None, step: str = NAME) -> SmartObjectLayer:
    """Adds `contents` as a smart object layer above the active node, centred and fitted
    to the canvas; one undo step named `step` (Place Embedded; Place Linked: `linked.py`)."""
    if contents.width == 0 or contents.height == 0:
        raise DocumentError(f"'{contents.filename}' is empty: there is nothing to place.")
    stem = os.path.splitext(contents.filename)[0]
    layer = SmartObjectLayer.placed(name or stem or "Placed", contents,
                                    fitted_placement(doc, contents.width, contents.height),
                                    _limit(doc))
    doc.add_layer(layer, name=step)
    return layer

"""Linked smart objects: contents read from a file that stays outside the document.

File > Place Linked… places a file as Place Embedded does (`place.py`), but its contents
remember the file's absolute path and modification time (`SmartContents.link`,
`.modified`) instead of being the document's own: a PSD keeps the path in Photoshop's
'lnkE' block (`psd_smart.py`), so Photoshop and Layered find the file again, and the
layer's pixels are what the file showed when last read. Layer > Smart Objects then has:

- Update Modified Content (`update_modified`): the linked files changed on disk since
  they were read are read again, each drawn within its old placement (Replace Contents'
  fit: a file of the same size keeps the placement as it is);
- Relink to File… (`relink`): another file, linked, fitted the same way;
- Embed Linked (`embed_linked`): the contents become the document's own (the file's
  bytes embedded as Place Embedded embeds them);
- Convert to Linked… (`convert_to_linked`): an embedded smart object's file written out
  (`linked_suffixes`: the kinds it can be written as) and linked.

Each is one undo step, for every layer sharing the contents (Photoshop's instances). The
file written by Convert to Linked stays when the step is undone, as in Photoshop.
"""
from __future__ import annotations

import dataclasses
import io
import os
from typing import TYPE_CHECKING, Iterable, Optional

import numpy as np

from .errors import DocumentError
from .smart_object import SmartContents, SmartObjectLayer, check_smart_object, put_contents

if TYPE_CHECKING:
    from .document import Document

PLACE_LINKED = "Place Linked"
UPDATE = "Update Modified Content"
RELINK = "Relink to File"
EMBED = "Embed Linked"
CONVERT = "Convert to Linked"


def read_linked(path: str | os.PathLike, *, max_pixels: Optional[int] = None
                ) -> SmartContents:
    """The contents of the file at `path`, linked to it (read as Place Embedded reads)."""
    from .place import read_contents

    path = os.path.abspath(os.fspath(path))
    modified = os.stat(path).st_mtime  # (before reading: a write meanwhile reads again)
    contents = read_contents(path, max_pixels=max_pixels)
    return dataclasses.replace(contents, filename=os.path.basename(path), link=path,
                               modified=modified)


def place_linked(doc: "Document", contents: SmartContents) -> SmartObjectLayer:
    """File > Place Linked…: `contents` (`read_linked`) placed as Place Embedded places
    them; one undo step."""
    from .place import place_embedded

    return place_embedded(doc, contents, step=PLACE_LINKED)


def is_linked(layer) -> bool:
    return isinstance(layer, SmartObjectLayer) and layer.contents.link is not None


def file_changed(contents: SmartContents) -> bool:
    """Whether a linked file is not what its contents were read from (changed since, or
    missing)."""
    try:
        return os.stat(contents.link).st_mtime != contents.modified
    except OSError:
        return True


def update_modified(doc: "Document", layers: Optional[Iterable] = None) -> int:
    """Layer > Smart Objects > Update Modified Content: each linked smart object among
    `layers` (None: the whole document's) whose file changed is read again; one step for
    all. The number of contents read again (0: all were up to date, no step)."""
    chosen = list(doc.layers() if layers is None else layers)
    stale: dict[int, SmartObjectLayer] = {}
    for layer in chosen:
        if is_linked(layer) and doc.contains(layer) and file_changed(layer.contents):
            stale.setdefault(id(layer.contents), layer)
    if not stale:
        return 0
    fresh = []
    for layer in stale.values():
        link = layer.contents.link
        if not os.path.exists(link):
            raise DocumentError(f"The linked file of '{layer.name}' is missing ({link}): "
                                f"use Layer > Smart Objects > Relink to File….")
        fresh.append((layer, read_linked(link)))
    with doc.history.macro(UPDATE):
        for layer, contents in fresh:
            # (the same uid: the file is the same one, read again)
            put_contents(doc, layer, dataclasses.replace(contents, uid=layer.contents.uid),
                         UPDATE)
    return len(fresh)


def relink(doc: "Document", layer, path: str | os.PathLike) -> None:
    """Layer > Smart Objects > Relink to File…: the smart object (and the layers sharing its
    contents) linked to the file at `path` instead, fitted within its placement; one
    step."""
    check_smart_object(doc, layer, "relink it")
    put_contents(doc, layer, read_linked(path), RELINK)


def embed_linked(doc: "Document", layer) -> None:
    """Layer > Smart Objects > Embed Linked: the linked contents become the document's own
    (the file's bytes as read, else a PNG of the pixels); the pixels do not change; one
    step."""
    check_smart_object(doc, layer, "embed it")
    old = layer.contents
    if old.link is None:
        raise DocumentError(f"'{layer.name}' is not a linked smart object: it is embedded "
                            f"already.")
    filename = old.filename
    if old.data is None:  # (a kind kept as a PNG of its pixels once embedded: so named)
        filename = os.path.splitext(filename)[0] + ".png"
    put_contents(doc, layer, dataclasses.replace(old, filename=filename, link=None,
                                                 modified=None), EMBED)


# The file kinds an embedded smart object is written as, by suffix: its own file (a PNG,
# a JPEG, a PSD or PSB as embedded) or, for any contents, a PNG of its pixels.
_OWN_SUFFIXES = {"png": (".png",), "jpg": (".jpg", ".jpeg"), "8bps": (".psd",),
                 "8bpb": (".psb",)}


def linked_suffixes(contents: SmartContents) -> tuple[str, ...]:
    """The suffixes Convert to Linked writes these contents as, the first proposed."""
    own = _OWN_SUFFIXES.get(contents.filetype, ()) if contents.data is not None else ()
    return own + tuple(s for s in (".png",) if s not in own)


def convert_to_linked(doc: "Document", layer, path: str | os.PathLike) -> None:
    """Layer > Smart Objects > Convert to Linked…: the embedded contents written to `path`
    (their own file, or a PNG of their pixels: `linked_suffixes`), then linked to it; the
    pixels do not change; one step."""
    from .files import atomic_write
    from .images import write_flat

    check_smart_object(doc, layer, "convert it to linked")
    old = layer.contents
    if old.link is not None:
        raise DocumentError(f"'{layer.name}' is linked already (to {old.link}).")
    path = os.path.abspath(os.fspath(path))
    suffix = os.path.splitext(path)[1].lower()
    suffixes = linked_suffixes(old)
    if suffix not in suffixes:
        raise DocumentError(f"The contents of '{layer.name}' can be written as "
                            f"{', '.join(suffixes)}, not as '{suffix or path}'.")
    doc._check_unlocked(layer)
    if suffix in _OWN_SUFFIXES.get(old.filetype, ()) and old.data is not None:
        data = old.data
        atomic_write(path, lambda f: f.write(data))
        filetype = old.filetype
    else:
        out = io.BytesIO()
        write_flat(np.ascontiguousarray(old.pixels), out, "PNG", 95)
        data = out.getvalue()
        atomic_write(path, lambda f: f.write(data))
        filetype = "png"
    contents = dataclasses.replace(old, filename=os.path.basename(path), data=data,
                                   filetype=filetype, link=path,
                                   modified=os.stat(path).st_mtime)
    put_contents(doc, layer, contents, CONVERT)

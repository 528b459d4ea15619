"""Smart object layers in PSD files (`smart_object.py`'s `SmartObjectLayer`).

Photoshop keeps a smart object in three places: the layer's 'SoLd' block (a descriptor:
'Idnt' the unique id of the embedded file, 'placed' the id of this placement, 'Trnf'
and 'nonAffineTransform' the four corners of the contents on the canvas as eight
doubles, top-left first and clockwise, 'Sz  ' the contents' size, 'warp' with its warp),
the older 'PlLd' block beside it (the same id and corners, which psd-tools'
`transform_box` reads), and, after the layers, the document's 'lnk2' block: one entry per
embedded file (kind 'liFD', the id, the file name, its type code such as 'png ', and the
file's bytes), which `Idnt` names. The layer's own pixels are what Photoshop rendered.

A linked smart object (File > Place Linked…, `linked.py`) has its entry in the
document's 'lnkE' block instead (kind 'liFE': the file's name, an 'ExternalFileLink'
descriptor with its 'fullPath' URL, 'originalPath' and 'relPath', its date and size).

Reading (`read_smart_object`): an embedded PNG, JPEG (or another image Pillow decodes) or
PSD/PSB (its composite) becomes the contents, and the corners the placement; the layer
shows the pixels Photoshop stored until it is transformed. A linked file found at its
full path or beside the PSD (`read_external`) is read, and the layer stays linked to it.
A linked file that is missing, a warp, smart filters or contents that cannot be decoded
leave a pixel layer with Photoshop's pixels, and the reason (the reader warns, as before).

Writing (`smart_blocks`, `linked_layers`, `external_layers`): our smart objects are
written as Photoshop writes them: 'SoLd' and 'PlLd' on the layer, one 'lnk2' entry per
embedded contents (layers that share contents share the entry), the contents' own file
as read, or a PNG of them; one 'lnkE' entry per linked file.
"""
from __future__ import annotations

import dataclasses
import io
import os
import tempfile
import uuid
from typing import Optional, Union

import numpy as np

from .limits import check_pixel_limit
from .smart_object import SmartContents, SmartObjectLayer

# Photoshop's 4-letter type codes of the files we write, by our `filetype`.
_TYPE_CODES = {"png": b"png ", "jpg": b"JPEG", "jpeg": b"JPEG", "8bps": b"8BPS", "8bpb": b"8BPB"}
# ... and of linked files, by their suffix ("    ": another kind, as Photoshop writes it).
_SUFFIX_CODES = {".png": b"png ", ".jpg": b"JPEG", ".jpeg": b"JPEG", ".psd": b"8BPS",
                 ".psb": b"8BPB", ".tif": b"TIFF", ".tiff": b"TIFF", ".gif": b"GIFf",
                 ".bmp": b"BMP "}
_PSD_TYPES = ("8bps", "8bpb", "8bpsd", "psd", "psb")


def read_smart_object(item, path: str, limit: int, decode: bool = True
                      ) -> Union[tuple[SmartContents, tuple, tuple], str]:
    """A psd-tools smart object layer's (contents, placement, smart filters), or why it stays
    pixels. Without `decode` (a description of the file: `info`), the contents hold no
    pixels."""
    try:
        so = item.smart_object
        kind = so.kind
    except (ValueError, KeyError, AttributeError):
        return "its embedded file is missing"
    if kind not in ("data", "external"):
        return f"its contents are an {kind}, not embedded"
    config = so._config.data if so._config is not None else {}
    if not _unwarped(config.get(b"warp")):
        return "it is warped"
    filters: tuple = ()
    if b"filterFX" in config:  # Photoshop's smart filters (psd_smart_filters)
        from .psd_smart_filters import read_filter_fx

        filters = read_filter_fx(config[b"filterFX"])
        if isinstance(filters, str):
            return filters
    corners = _corners(config.get(b"nonAffineTransform")) or _corners(config.get(b"Trnf")) \
        or _corners(so.transform_box)
    if corners is None:
        return "its placement is missing"
    if kind == "external":  # a linked file: read from where it is now, if it is there
        contents = read_external(so._data, path, limit, decode)
        return contents if isinstance(contents, str) else (contents, corners, filters)
    data = so.data
    filetype = (so.filetype or so.detected_filetype or "").lower()
    if not decode and not _undecoded(data, filetype):
        return SmartContents(np.zeros((0, 0, 4), np.uint8), so.filename or "Contents", None,
                             filetype, so.unique_id or str(uuid.uuid4())), corners, filters
    try:
        pixels = _decode(data, filetype, path, limit)
    except Exception as exc:  # (any decoder's failure: the stored pixels stay)
        return f"its {filetype or 'embedded'} contents could not be read: {exc}"
    if pixels is None:
        return f"its contents are {filetype or 'a file'} Layered does not decode"
    contents = SmartContents(pixels, so.filename or "Contents", bytes(data),
                             "8bps" if filetype in _PSD_TYPES else filetype,
                             so.unique_id or str(uuid.uuid4()))
    return contents, corners, filters


def read_external(entry, path: str, limit: int, decode: bool = True
                  ) -> Union[SmartContents, str]:
    """A linked smart object's contents ('lnkE' entry `entry`) read from its file, found as
    Photoshop finds it: at its full path, else at its path relative to the PSD (`path`),
    else by its name next to the PSD; or why they stay pixels (the file missing). When the
    file is not the one the PSD recorded (its size or date differ), its contents are marked
    changed, so Update Modified Content reads it again (the layer shows Photoshop's pixels
    until then, as Photoshop shows a changed link until updated)."""
    from .linked import read_linked

    found = linked_path(entry, path)
    name = _link_name(entry)
    if found is None:
        return f"its linked file '{name}' is missing"
    if not decode:
        return SmartContents(np.zeros((0, 0, 4), np.uint8), os.path.basename(found), None,
                             "", entry.uuid or str(uuid.uuid4()), link=found)
    try:
        contents = read_linked(found, max_pixels=limit)
    except Exception as exc:  # (any decoder's failure: the stored pixels stay)
        return f"its linked file '{found}' could not be read: {exc}"
    same = _recorded_date(entry) is not None and entry.filesize == os.path.getsize(found) \
        and abs(_recorded_date(entry) - contents.modified) < 2.0
    return dataclasses.replace(contents, uid=entry.uuid or contents.uid,
                               modified=contents.modified if same else None)


def _text(descriptor, key: bytes) -> str:
    try:
        value = descriptor[key]
    except (KeyError, TypeError):
        return ""
    return str(getattr(value, "value", value)).replace("\x00", "")


def _link_name(entry) -> str:
    return _text(entry.linked_file, b"Nm  ") or (entry.filename or "").strip("\x00")


def linked_path(entry, path: str) -> Optional[str]:
    """Where a 'lnkE' entry's file is now (see `read_external`), or None."""
    from urllib.parse import unquote, urlparse

    here = os.path.dirname(os.path.abspath(path)) if path else os.getcwd()
    full = _text(entry.linked_file, b"fullPath")
    if full.startswith("file:"):
        full = unquote(urlparse(full).path)
        if os.name == "nt" and full[:1] == "/" and full[2:3] == ":":  # file:///C:/...
            full = full[1:]
    candidates = [full, _text(entry.linked_file, b"originalPath")]
    relative = _text(entry.linked_file, b"relPath")
    if relative:
        candidates.append(os.path.join(here, relative))
    name = _link_name(entry)
    if name:
        candidates.append(os.path.join(here, os.path.basename(name)))
    for candidate in candidates:
        if candidate and os.path.isabs(candidate) and os.path.isfile(candidate):
            return os.path.abspath(candidate)
    return None


def _recorded_date(entry) -> Optional[float]:
    """The linked file's modification date the 'lnkE' entry records, as a POSIX time."""
    import calendar

    try:
        year, month, day, hour, minute, seconds = entry.timestamp
        return calendar.timegm((year, month, day, hour, minute, 0)) + seconds
    except (TypeError, ValueError, OverflowError):
        return None


def _unwarped(warp) -> bool:
    """Whether a smart object's 'warp' leaves it unbent: no warp, or a custom warp whose
    mesh is the regular grid over its bounds (what Photoshop keeps after a warp was
    undone, or for a file placed in a newer version)."""
    if warp is None:
        return True
    style = getattr(warp.get(b"warpStyle"), "enum", b"warpNone")
    if style == b"warpNone":
        return True
    if style != b"warpCustom":
        return False
    try:
        mesh = warp[b"customEnvelopeWarp"][b"meshPoints"]
        xs = [float(getattr(v, "value", v)) for v in mesh[b"Hrzn"]]
        ys = [float(getattr(v, "value", v)) for v in mesh[b"Vrtc"]]
        bounds = warp[b"bounds"]
        left, top, right, bottom = (float(getattr(bounds[k], "value", bounds[k]))
                                    for k in (b"Left", b"Top ", b"Rght", b"Btom"))
        nu, nv = int(warp[b"uOrder"]), int(warp[b"vOrder"])
    except (KeyError, TypeError, ValueError):
        return False
    if len(xs) != nu * nv or len(ys) != nu * nv or nu < 2 or nv < 2:
        return False
    tolerance = 1e-3 * max(1.0, right - left, bottom - top)
    return all(abs(xs[i] - (left + (i % nu) * (right - left) / (nu - 1))) <= tolerance
               and abs(ys[i] - (top + (i // nu) * (bottom - top) / (nv - 1))) <= tolerance
               for i in range(nu * nv))


def _corners(values) -> Optional[tuple]:
    if values is None:
        return None
    try:
        v = [float(getattr(x, "value", x)) for x in values]
    except (TypeError, ValueError):
        return None
    if len(v) != 8 or not all(np.isfinite(v)):
        return None
    return ((v[0], v[1]), (v[2], v[3]), (v[4], v[5]), (v[6], v[7]))


def read_embedded_psd(data: bytes, limit: Optional[int] = None):
    """An embedded PSD or PSB (a smart object's contents) as a Document."""
    from .limits import pixel_limit
    from .psd import read_psd

    # (psd-tools reads files: the embedded one goes through a temporary file)
    fd, temp = tempfile.mkstemp(suffix=".psd")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        doc = read_psd(temp, pixel_limit() if limit is None else limit)
    finally:
        os.remove(temp)
    doc.path = doc.source_path = None
    return doc


def _undecoded(data: bytes, filetype: str) -> bool:
    """Contents we do not decode: vector files (PDF, Illustrator's)."""
    return filetype in ("pdf", "ai") or data[:5] == b"%PDF-"


def _decode(data: bytes, filetype: str, path: str, limit: int) -> Optional[np.ndarray]:
    """The embedded file's straight RGBA pixels; None for a kind we do not decode (PDF,
    Illustrator's)."""
    if data[:4] == b"8BPS" or filetype in _PSD_TYPES:
        from .render import composite_document

        return composite_document(read_embedded_psd(data, limit))
    if _undecoded(data, filetype):
        return None
    from PIL import Image

    from .images import _to_rgba, _upright

    with Image.open(io.BytesIO(data)) as image:
        check_pixel_limit(path, image.width, image.height, limit, "a smart object's contents")
        image.load()
        return _to_rgba(_upright(image), path, [])


# -- writing -----------------------------------------------------------------------------

def smart_blocks(layer: SmartObjectLayer) -> list:
    """The layer's 'SoLd' and 'PlLd' blocks (TaggedBlock), as Photoshop writes them."""
    from psd_tools.constants import PlacedLayerType, Tag
    from psd_tools.psd.descriptor import (Descriptor, DescriptorBlock, DescriptorBlock2, Double,
                                          Enumerated, Integer, List, String, UnitFloat)
    from psd_tools.psd.tagged_blocks import PlacedLayerData, SmartObjectLayerData, TaggedBlock
    from psd_tools.terminology import Unit

    contents = layer.contents
    w, h = contents.width, contents.height
    corners = [float(v) for point in layer.placement for v in point]

    def warp(block):
        warp = block(classID=b"warp")
        warp[b"warpStyle"] = Enumerated(b"warpStyle", b"warpNone")
        warp[b"warpValue"] = Double(0.0)
        warp[b"warpPerspective"] = Double(0.0)
        warp[b"warpPerspectiveOther"] = Double(0.0)
        warp[b"warpRotate"] = Enumerated(b"Ornt", b"Hrzn")
        bounds = Descriptor(classID=b"Rctn")
        for key, value in ((b"Top ", 0.0), (b"Left", 0.0), (b"Btom", float(h)),
                           (b"Rght", float(w))):
            bounds[key] = UnitFloat(unit=Unit.Pixels, value=value)
        warp[b"bounds"] = bounds
        warp[b"uOrder"] = Integer(4)
        warp[b"vOrder"] = Integer(4)
        return warp

    def ratio(numerator: int, denominator: int):
        d = Descriptor(classID=b"null")
        d[b"numerator"] = Integer(numerator)
        d[b"denominator"] = Integer(denominator)
        return d

    data = DescriptorBlock(classID=b"null")
    # (Photoshop's strings end with a null character: its own files' ids do)
    data[b"Idnt"] = String(contents.uid + "\x00")
    data[b"placed"] = String(f"{placed_id(layer)}\x00")
    data[b"PgNm"] = Integer(1)
    data[b"totalPages"] = Integer(1)
    data[b"Crop"] = Integer(1)
    data[b"frameStep"] = ratio(0, 600)
    data[b"duration"] = ratio(0, 600)
    data[b"frameCount"] = Integer(1)
    data[b"Annt"] = Integer(16)
    data[b"Type"] = Integer(2)
    data[b"Trnf"] = List([Double(v) for v in corners])
    data[b"nonAffineTransform"] = List([Double(v) for v in corners])
    data[b"warp"] = warp(Descriptor)
    size = Descriptor(classID=b"Pnt ")
    size[b"Wdth"] = Double(float(w))
    size[b"Hght"] = Double(float(h))
    data[b"Sz  "] = size
    data[b"Rslt"] = UnitFloat(unit=Unit.Density, value=72.0)
    if getattr(layer, "filters", ()):  # Photoshop's smart filters, where it has them all
        from .psd_smart_filters import filter_fx

        fx = filter_fx(layer.filters, mask=layer.filter_mask)
        if fx is not None:
            data[b"filterFX"] = fx
    data[b"comp"] = Integer(-1)
    comp = Descriptor(classID=b"null")
    comp[b"compID"] = Integer(-1)
    comp[b"originalCompID"] = Integer(-1)
    data[b"compInfo"] = comp
    placed = PlacedLayerData(kind=b"plcL", version=3, uuid=contents.uid.encode("macroman"),
                             page=1, total_pages=1, anti_alias=16,
                             layer_type=PlacedLayerType.RASTER, transform=tuple(corners),
                             warp=warp(lambda **kw: DescriptorBlock2(version=0, **kw)))
    # (in Photoshop's order: 'PlLd' first)
    return [TaggedBlock(key=Tag.PLACED_LAYER2, data=placed),
            TaggedBlock(key=Tag.SMART_OBJECT_LAYER_DATA1,
                        data=SmartObjectLayerData(kind=b"soLD", version=4, data=data))]


def placed_id(layer: SmartObjectLayer) -> str:
    """The id of the layer's placement ('SoLd' 'placed', which the document's 'FEid' names):
    one per layer, made from the layer's."""
    return str(uuid.uuid5(uuid.NAMESPACE_OID, f"{layer.contents.uid}/{layer.id}"))


def _contents(layers, linked: bool) -> dict[str, SmartContents]:
    """The contents of the smart objects in `layers` (shared contents once), by id: the
    linked ones, or the embedded ones."""
    seen: dict[str, SmartContents] = {}
    for layer in layers:
        if isinstance(layer, SmartObjectLayer) and (layer.contents.link is not None) == linked:
            seen.setdefault(layer.contents.uid, layer.contents)
    return seen


def linked_layers(layers) -> Optional[object]:
    """The document's 'lnk2' data: one embedded file per contents of the embedded smart
    objects in `layers` (shared contents once); None without any."""
    from psd_tools.constants import LinkedLayerType
    from psd_tools.psd.descriptor import Descriptor, DescriptorBlock, Integer
    from psd_tools.psd.linked_layer import LinkedLayer, LinkedLayers

    seen = _contents(layers, linked=False)
    if not seen:
        return None
    items = []
    for contents in seen.values():
        data, filetype = contents.encoded()
        opened = DescriptorBlock(classID=b"null")
        comp = Descriptor(classID=b"null")
        comp[b"compID"] = Integer(-1)
        comp[b"originalCompID"] = Integer(-1)
        opened[b"compInfo"] = comp
        items.append(LinkedLayer(
            kind=LinkedLayerType.DATA, version=7, uuid=contents.uid,
            filename=contents.filename + "\x00", filetype=_TYPE_CODES.get(filetype, b"png "),
            creator=b"\0\0\0\0", open_file=opened, data=data, child_id="\x00", mod_time=0.0,
            lock_state=0))
    return LinkedLayers(items)


def external_layers(layers, folder: Optional[str] = None) -> Optional[object]:
    """The document's 'lnkE' data: one external file entry ('liFE') per contents of the
    linked smart objects in `layers`, as Photoshop writes them: the file's name, its full
    path (a file:// URL), its path relative to `folder` (the PSD's), its date and size, no
    copy of its bytes; None without linked smart objects."""
    import time
    from pathlib import Path

    from psd_tools.constants import LinkedLayerType
    from psd_tools.psd.descriptor import Descriptor, DescriptorBlock, Integer, String
    from psd_tools.psd.linked_layer import LinkedLayer, LinkedLayers

    seen = _contents(layers, linked=True)
    if not seen:
        return None
    items = []
    for contents in seen.values():
        link = contents.link
        name = os.path.basename(link)
        try:
            stat = os.stat(link)
            size, when = stat.st_size, stat.st_mtime
        except OSError:  # (missing now: what was read is recorded)
            size = len(contents.data) if contents.data is not None else 0
            when = contents.modified or 0.0
        try:
            relative = os.path.relpath(link, folder).replace(os.sep, "/") if folder else name
        except ValueError:  # (another drive)
            relative = name
        described = DescriptorBlock(classID=b"ExternalFileLink")
        described[b"descVersion"] = Integer(2)
        described[b"Nm  "] = String(name + "\x00")
        described[b"fullPath"] = String(Path(link).as_uri() + "\x00")
        described[b"originalPath"] = String(link + "\x00")
        described[b"relPath"] = String(relative + "\x00")
        opened = DescriptorBlock(classID=b"null")
        comp = Descriptor(classID=b"null")
        comp[b"compID"] = Integer(-1)
        comp[b"originalCompID"] = Integer(-1)
        opened[b"compInfo"] = comp
        utc = time.gmtime(when)
        stamp = (utc.tm_year, utc.tm_mon, utc.tm_mday, utc.tm_hour, utc.tm_min,
                 utc.tm_sec + (when % 1.0))
        # (the file's own kind, by its name: its contents may be decoded from any image)
        code = _SUFFIX_CODES.get(os.path.splitext(name)[1].lower(), b"    ")
        items.append(LinkedLayer(
            kind=LinkedLayerType.EXTERNAL, version=7, uuid=contents.uid,
            filename=name + "\x00", filetype=code,
            creator=b"\0\0\0\0", filesize=size, open_file=opened, linked_file=described,
            timestamp=stamp, data=b"", child_id="\x00", mod_time=0.0, lock_state=0))
    return LinkedLayers(items)

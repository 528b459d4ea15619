"""Paths in PSD files: a layer's vector mask ('vmsk'/'vsms', with the live shape's blocks
beside it) read and written, and the document's own paths (the Paths panel's: image
resources 2000.. and the Work Path, 0x0401).
"""
from __future__ import annotations

import numpy as np

from engine.box import Box

from .document import Document
from .errors import SaveError
from . import path_edit
from .psd_source import _why
from .vector_mask import Subpath, VectorMask


def _vector_tags() -> set:
    """The blocks of a layer's path: the path itself, and the live shape it was drawn as."""
    from psd_tools.constants import Tag

    return {Tag.VECTOR_MASK_SETTING1, Tag.VECTOR_MASK_SETTING2, Tag.VECTOR_ORIGINATION_DATA,
            Tag.VECTOR_ORIGINATION_UNKNOWN, Tag.VECTOR_MASK_AS_GLOBAL_MASK}


def _vector_setting(record):
    """psd-tools' parsed path of a layer record (VectorMaskSetting), or None."""
    from psd_tools.constants import Tag

    for key in (Tag.VECTOR_MASK_SETTING1, Tag.VECTOR_MASK_SETTING2):
        setting = record.tagged_blocks.get_data(key)
        if setting is not None:
            return setting
    return None


def read_vector_path(setting, width: int, height: int, blocks: list) -> VectorMask:
    """Our vector mask from psd-tools' VectorMaskSetting (its parsed path): knots in
    fractions of the document (y first) become canvas pixels (x, y)."""
    subpaths, initial = read_subpaths(setting.path, width, height)
    return VectorMask(subpaths, Box(0, 0, width, height), initial_fill=initial,
                      inverted=setting.invert, enabled=not setting.disable,
                      linked=not setting.not_link, source=setting, blocks=blocks)


def read_subpaths(path, width: int, height: int) -> tuple[list[Subpath], int]:
    """The subpaths of psd-tools' Path (knots in fractions of the document, y first) in
    canvas pixels (x, y), and its initial fill rule."""
    from psd_tools.psd.vector import InitialFillRule, Knot, Subpath as PsdSubpath

    subpaths, initial = [], 0
    scale = np.array([width, height], np.float64)
    for entry in path or ():
        if isinstance(entry, InitialFillRule):
            initial = int(entry.value)
        elif isinstance(entry, PsdSubpath):
            knots = [k for k in entry if isinstance(k, Knot)]
            values = np.array([[p[::-1] for p in (k.preceding, k.anchor, k.leaving)]
                               for k in knots], np.float64).reshape(-1, 3, 2) * scale
            # (The record's flags, psd-tools' `_unknown1`: 2 for a non-zero fill rule, as
            # ag-psd reads them; 1 otherwise, even-odd.)
            subpaths.append(Subpath(values, entry.is_closed(), int(entry.operation),
                                    getattr(entry, "_unknown1", 1) == 2))
    return subpaths, initial


def vector_path_blocks(vector: VectorMask, width: int, height: int) -> list:
    """The tagged blocks of `vector` for a layer record: psd-tools' path as read, its knots
    at the path's place now in fractions of the document, its flags; the other path
    blocks as read, except the live shape's description once the path has moved (it
    would place the shape where it was)."""
    import copy

    from psd_tools.constants import Tag
    from psd_tools.psd.tagged_blocks import TaggedBlock
    from psd_tools.psd.vector import InitialFillRule, Knot, Path, Subpath as PsdSubpath

    setting = copy.deepcopy(vector.source) if vector.source is not None else _new_path(vector)
    records = [entry for entry in setting.path or () if isinstance(entry, PsdSubpath)]
    if [(len([k for k in r if isinstance(k, Knot)]), r.is_closed(), int(r.operation))
            for r in records] != [(len(s.knots), s.closed, s.operation) for s in vector.subpaths]:
        # Anchors or subpaths added or removed (Pen, Direct Selection): new subpath records
        # after the path's others as read (fill rule, initial fill, clipboard).
        kept = [entry for entry in setting.path or () if not isinstance(entry, PsdSubpath)]
        setting.path = Path(items=kept + _subpath_records(vector))
    if vector.edited:
        rules = [entry for entry in setting.path or () if isinstance(entry, InitialFillRule)]
        for entry in rules:
            entry.value = vector.initial_fill
        if not rules and vector.initial_fill:
            setting.path = Path(items=[InitialFillRule(vector.initial_fill), *(setting.path or ())])
    moved = vector.offset != (0, 0) or vector.edited \
        or (width, height) != (vector.canvas.w, vector.canvas.h)
    _place_knots(setting.path, vector, width, height)
    setting.flags = (setting.flags & ~7) | (1 if vector.inverted else 0) \
        | (0 if vector.linked else 2) | (0 if vector.enabled else 4)
    out = []
    for block in vector.blocks or [TaggedBlock(key=Tag.VECTOR_MASK_SETTING1, data=setting)]:
        if block.key in (Tag.VECTOR_MASK_SETTING1, Tag.VECTOR_MASK_SETTING2):
            out.append(TaggedBlock(key=block.key, data=setting))
        elif not (moved and block.key == Tag.VECTOR_ORIGINATION_DATA):
            out.append(block)
    return out


def _place_knots(path, vector: VectorMask, width: int, height: int) -> None:
    """Puts the knots of psd-tools' Path (its subpath records, one per subpath of `vector`)
    where `vector`'s are now, in fractions of the document."""
    from psd_tools.psd.vector import Knot, Subpath as PsdSubpath

    scale = np.array([width, height], np.float64)
    fixed = float(1 << 24)
    subpaths = iter(vector.moved_knots())
    for entry in path or ():
        if isinstance(entry, PsdSubpath):
            values = next(subpaths) / scale
            # On psd-tools' 8.24 fixed-point grid (it truncates): the nearest point to ours.
            values = np.round(values * fixed) / fixed
            for knot, (pre, anchor, leave) in zip((k for k in entry if isinstance(k, Knot)),
                                                  values):
                knot.preceding, knot.anchor, knot.leaving = (
                    (float(p[1]), float(p[0])) for p in (pre, anchor, leave))


def _new_path(vector: VectorMask):
    """psd-tools' VectorMaskSetting for a path made in Layered (no file behind it): the
    knots' places are filled in by `vector_path_blocks`."""
    from psd_tools.psd.vector import InitialFillRule, Path, PathFillRule, VectorMaskSetting

    items = [PathFillRule(), InitialFillRule(vector.initial_fill), *_subpath_records(vector)]
    return VectorMaskSetting(version=3, flags=0, path=Path(items=items))


def _subpath_records(vector: VectorMask) -> list:
    """psd-tools' subpath records for the path's subpaths, their knots at (0, 0) (placed
    by `vector_path_blocks`): a knot is 'linked' (Photoshop's smooth point, its handles
    turning together) where its handles lie opposite on one line."""
    from psd_tools.psd.vector import (ClosedKnotLinked, ClosedKnotUnlinked, ClosedPath,
                                      OpenKnotLinked, OpenKnotUnlinked, OpenPath)

    out = []
    zero = (0.0, 0.0)
    for sub in vector.subpaths:
        path_class, linked, unlinked = ((ClosedPath, ClosedKnotLinked, ClosedKnotUnlinked)
                                        if sub.closed else
                                        (OpenPath, OpenKnotLinked, OpenKnotUnlinked))
        out.append(path_class(items=[(linked if path_edit.is_smooth(k) else unlinked)(
            preceding=zero, anchor=zero, leaving=zero) for k in sub.knots],
            operation=sub.operation))
    return out


# -- the document's paths: image resources ----------------------------------------------

WORK_PATH_RESOURCE = 0x0401                   # Photoshop's Work Path
SAVED_PATH_RESOURCES = range(2000, 2998)      # saved paths, in the Paths panel's order


def path_resources(doc: Document) -> tuple[list, dict[str, str]]:
    """The document's paths as Photoshop's image resources (the path records of a vector
    mask without its version and flags; a saved path's name is the resource's): and the
    full names of the paths whose name the resource's MacRoman Pascal string cannot hold,
    by resource id (for our XMP packet)."""
    from psd_tools.psd.image_resources import ImageResource

    saved = [p for p in doc.paths if not p.work]
    if len(saved) > len(SAVED_PATH_RESOURCES):
        raise SaveError(f"A PSD holds at most {len(SAVED_PATH_RESOURCES)} saved paths, not "
                        f"{len(saved)}.")
    resources, names = [], {}
    ids = iter(SAVED_PATH_RESOURCES)
    for path in doc.paths:
        key = WORK_PATH_RESOURCE if path.work else next(ids)
        name = "" if path.work else path.name
        legacy = name.encode("macroman", "replace")[:255].decode("macroman")
        if legacy != name:
            names[str(key)] = name
        setting = _new_path(path.vector)
        _place_knots(setting.path, path.vector, doc.width, doc.height)
        resources.append(ImageResource(key=key, name=legacy, data=setting.path))
    return resources, names


def read_path_resources(psd, names: dict, warn) -> list:
    """The document paths (`paths.DocPath`) of psd-tools' image resources: the saved paths
    by resource id, then the Work Path; a damaged one is left out (`warn` says so)."""
    from psd_tools.psd.vector import Path

    from .paths import WORK_PATH, DocPath

    found = []
    for key, resource in psd.image_resources.items():
        key = int(getattr(key, "value", key))
        if key != WORK_PATH_RESOURCE and key not in SAVED_PATH_RESOURCES:
            continue
        data = resource.data
        try:
            path = data if isinstance(data, Path) else Path.frombytes(bytes(data))
            subpaths, initial = read_subpaths(path, psd.width, psd.height)
        except Exception as exc:
            warn(f"path '{resource.name}' is damaged and was left out ({_why(exc)})")
            continue
        vector = VectorMask(subpaths, Box(0, 0, psd.width, psd.height), initial_fill=initial)
        work = key == WORK_PATH_RESOURCE
        name = WORK_PATH if work else names.get(str(key), resource.name) or f"Path {key - 1999}"
        found.append((work, key, DocPath(name, vector, work=work)))
    return [path for _, _, path in sorted(found, key=lambda item: item[:2])]

"""Photoshop's custom shape files (.csh) read into our custom shapes: the Custom Shape
picker's Import Shapes… and the Preset Manager's Load… for Custom Shapes.

A .csh is 'cush', version 2 and a count, then each shape: its name (UTF-16), padding to 4
bytes, version 1, the size of the rest, an id (a Pascal string), its bounds in pixels
(top, left, bottom, right) and the path records of a vector mask (as a layer's 'vmsk'
holds them, without version and flags; knots in fractions of the bounds). The records are
read by psd-tools and made into subpaths by `psd_paths.read_subpaths`, as a layer's
vector mask is; `custom_shapes.normalized` then fits each shape to the unit box,
remembering the bounds' proportions. The layout follows ag-psd's `readCsh` (MIT).
No Qt.
"""
from __future__ import annotations

import io
import os
import struct
from dataclasses import dataclass

from .custom_shapes import CustomShape, normalized
from . import preset_file
from .errors import DocumentError


@dataclass
class CshShape:
    """One shape as the file has it: name, id, bounds' width and height (px) and its
    subpaths in pixels of those bounds."""
    name: str
    id: str
    width: int
    height: int
    subpaths: list


def parse(data: bytes) -> list[CshShape]:
    """The shapes of a .csh; one that is not whole raises DocumentError (why, one line)."""
    from psd_tools.psd.vector import Path

    from .psd_paths import read_subpaths

    if data[:4] != b"cush":
        raise DocumentError("it is not a Photoshop custom shapes file")
    at = 4

    def take(n: int) -> bytes:
        nonlocal at
        if at + n > len(data):
            raise DocumentError("the file ends too early")
        at += n
        return data[at - n:at]

    def uint() -> int:
        return struct.unpack(">I", take(4))[0]

    version = uint()
    if version != 2:
        raise DocumentError(f"its version {version} is not one Layered reads")
    shapes = []
    for _ in range(uint()):
        name = take(2 * uint()).decode("utf-16-be", "replace").rstrip("\x00")
        at += (-at) % 4
        if uint() != 1:
            raise DocumentError(f"the shape '{name}' has a version Layered does not read")
        size = uint()
        end = at + size
        if end > len(data):
            raise DocumentError(f"the shape '{name}' runs past the end")
        shape_id = take(take(1)[0]).decode("latin-1")
        top, left, bottom, right = struct.unpack(">4i", take(16))
        width, height = right - left, bottom - top
        if width <= 0 or height <= 0:
            raise DocumentError(f"the shape '{name}' has bounds {width} × {height}")
        try:
            path = Path.read(io.BytesIO(data[at:end]))
        except Exception as exc:  # psd-tools raises what its reads meet (Value, struct...)
            raise DocumentError(f"the outline of '{name}' could not be read ({exc})") from None
        subpaths, _ = read_subpaths(path, width, height)
        shapes.append(CshShape(name, shape_id, width, height, subpaths))
        at = end
    return shapes


def shapes_of(found: list[CshShape], taken: set[str]) -> tuple[list[CustomShape], list[str]]:
    """Our custom shapes (fitted to the unit box, the bounds' proportions kept) and notes:
    a shape without an outline is skipped; a name in `taken` (a built-in shape's) gets a
    number."""
    out, skipped = [], []
    names = set(taken)
    for s in found:
        if not any(len(sub.knots) for sub in s.subpaths):
            skipped.append(s.name)
            continue
        name, n = s.name or "Shape", 1
        while name in names:
            n += 1
            name = f"{s.name or 'Shape'} {n}"
        names.add(name)
        try:
            out.append(normalized(name, s.subpaths, s.width / s.height))
        except DocumentError:
            skipped.append(s.name)
    notes = [f"Skipped {len(skipped)} shape{'s' * (len(skipped) > 1)} without an outline: "
             f"{', '.join(skipped)}."] if skipped else []
    return out, notes


def read(path: str, taken: set[str] = frozenset()) -> tuple[list[CustomShape], list[str]]:
    """The shapes of the .csh at `path` as our custom shapes, and notes; a file Layered
    cannot read raises DocumentError in one line."""
    name = os.path.basename(path)
    data = preset_file.photoshop_bytes(path)
    try:
        shapes, notes = shapes_of(parse(data), set(taken))
    except DocumentError as exc:
        raise DocumentError(f"{name} could not be read as Photoshop custom shapes: {exc}.") \
            from None
    if not shapes:
        raise DocumentError(f"{name} holds no custom shapes.")
    return shapes, notes

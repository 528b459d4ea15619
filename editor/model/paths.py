"""The document's paths, as Photoshop's Paths panel keeps them: saved paths, each with a
name, and the Work Path (unsaved: the Pen draws into it when no path is chosen, and a new
one replaces it), beside the layers' vector masks. The operations of the panel, each one
undo step (`commands.SetPaths` swaps the whole, immutable list): New, Save, Duplicate,
Rename and Delete Path; Load Path as Selection and Make Work Path from Selection (the
selection's edge traced with OpenCV's contours and simplified within a tolerance: corner
anchors); Fill Path and Stroke Path (the brush's dabs) on a layer; and Layer > Vector
Mask > Current Path.

A path's geometry is a `VectorMask` (subpaths in canvas pixels, never changed in place),
so the path tools' geometry (`path_edit`), the fill (`VectorMask.raster`) and the PSD
writer serve document paths and vector masks alike. Which path the path tools edit is
`Document.path_target`: a path's `uid` (kept by its renamed and reshaped copies), the
active node's vector mask (VECTOR_MASK), or None.
"""
from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from engine.box import mask_bounds

from . import commands as cmds
from . import path_edit
from .dabs import line_coverage
from .document import VECTOR_MASK_TARGET as VECTOR_MASK, Document, copy_name
from .edit_ops import paint_coverage, pixel_layer
from .errors import DocumentError
from .layers import Node
from .mask_ops import SELECTION_STEP_NAMES, delete_vector_mask
from .selection_ops import current_mask, select_mask
from .vector_mask import Subpath, VectorMask, flatten

WORK_PATH = "Work Path"
DEFAULT_TOLERANCE = 2.0          # px: Make Work Path's, as Photoshop's
TOLERANCE_RANGE = (0.5, 10.0)    # px: what Photoshop's dialog takes
_uids = itertools.count(1)


@dataclass(frozen=True)
class DocPath:
    """A path of the document: its name, its geometry, whether it is the Work Path, and a
    `uid` its changed copies keep (what `Document.path_target` names)."""

    name: str
    vector: VectorMask
    work: bool = False
    uid: int = field(default_factory=lambda: next(_uids))

    def replaced(self, **changes) -> "DocPath":
        return dataclasses.replace(self, **changes)


def empty_path(doc: Document) -> VectorMask:
    """A path without subpaths (New Path's)."""
    return VectorMask([], doc.canvas)


# -- reading -------------------------------------------------------------------------------
def find(doc: Document, uid) -> Optional[DocPath]:
    return next((p for p in doc.paths if p.uid == uid), None)


def work_path(doc: Document) -> Optional[DocPath]:
    return next((p for p in doc.paths if p.work), None)


def target_path(doc: Document) -> Optional[DocPath]:
    """The document path the path tools edit, or None (none chosen, or a vector mask)."""
    return find(doc, doc.path_target) if doc.path_target != VECTOR_MASK else None


def target_vector(doc: Document) -> Optional[VectorMask]:
    """The geometry of the path chosen in the Paths panel: a document path's, or the active
    node's vector mask when that row is chosen; None when nothing is chosen."""
    chosen = target_path(doc)
    if chosen is not None:
        return chosen.vector
    if doc.path_target == VECTOR_MASK and doc.active is not None:
        return getattr(doc.active, "vector_mask", None)
    return None


def _require_target(doc: Document, what: str) -> VectorMask:
    vector = target_vector(doc)
    if vector is None:
        raise DocumentError(f"Choose a path in the Paths panel to {what}.")
    return vector


def next_path_name(doc: Document) -> str:
    """"Path 1", then one more than the highest "Path N" (as Photoshop names them)."""
    numbers = [int(p.name[5:]) for p in doc.paths
               if p.name.startswith("Path ") and p.name[5:].isdigit()]
    return f"Path {max(numbers, default=0) + 1}"


def _push(doc: Document, paths, target, name: str) -> None:
    doc.history.push(cmds.SetPaths(tuple(paths), target, name))


def _swapped(doc: Document, old: DocPath, new: DocPath) -> list[DocPath]:
    return [new if p.uid == old.uid else p for p in doc.paths]


# -- the panel's commands ------------------------------------------------------------------
def new_path(doc: Document, name: Optional[str] = None) -> DocPath:
    """New Path: an empty saved path, chosen (the Pen then draws into it)."""
    path = DocPath(_name(name) if name is not None else next_path_name(doc), empty_path(doc))
    _push(doc, [*doc.paths, path], path.uid, "New Path")
    return path


def save_work_path(doc: Document, name: Optional[str] = None) -> DocPath:
    """Save Path: the Work Path becomes a saved path ("Path 1") in its place."""
    work = work_path(doc)
    if work is None:
        raise DocumentError("There is no Work Path to save: draw one with the Pen tool in "
                            "Path mode.")
    saved = work.replaced(name=_name(name) if name is not None else next_path_name(doc),
                          work=False)
    _push(doc, _swapped(doc, work, saved), saved.uid, "Save Path")
    return saved


def rename_path(doc: Document, uid, name: str) -> None:
    path = _find_or_raise(doc, uid)
    if path.work:
        raise DocumentError("Save the Work Path to name it.")
    name = _name(name)
    if name != path.name:
        _push(doc, _swapped(doc, path, path.replaced(name=name)), doc.path_target, "Rename Path")


def duplicate_path(doc: Document, target=None) -> DocPath:
    """Duplicate Path: a saved copy of a saved path ("Path 1 copy") or of the active node's
    vector mask ("Layer 1 Vector Mask copy"), after it, chosen."""
    target = doc.path_target if target is None else target
    taken = {p.name for p in doc.paths}
    if target == VECTOR_MASK:
        vector = target_vector(doc)
        if vector is None:
            raise DocumentError("The active layer has no vector mask to duplicate.")
        # The geometry alone: a mask's flags (inverted, disabled...) are not a path's.
        copy = DocPath(copy_name(f"{doc.active.name} Vector Mask", taken),
                       VectorMask(path_edit.current_subpaths(vector), doc.canvas,
                                  initial_fill=vector.initial_fill))
        paths = [*doc.paths, copy]
    else:
        path = _find_or_raise(doc, target)
        if path.work:
            raise DocumentError("Save the Work Path (Save Path) rather than duplicate it.")
        copy = DocPath(copy_name(path.name, taken), path.vector)
        paths = list(doc.paths)
        paths.insert(paths.index(path) + 1, copy)
    _push(doc, paths, copy.uid, "Duplicate Path")
    return copy


def delete_path(doc: Document, target=None) -> None:
    """Delete Path: the chosen document path goes; on the vector mask's row, the vector mask
    (as Photoshop deletes it from the Paths panel)."""
    target = doc.path_target if target is None else target
    if target == VECTOR_MASK:
        delete_vector_mask(doc, doc.active)
        return
    path = _find_or_raise(doc, target)
    _push(doc, [p for p in doc.paths if p.uid != path.uid], None, "Delete Path")


def add_subpath(doc: Document, knots: np.ndarray, closed: bool) -> DocPath:
    """The Pen's finished subpath in Path mode (knots (n, 3, 2) in canvas pixels): into the
    chosen document path, combined with what it holds; with none chosen, a new Work Path
    holding it, which replaces the old one (Photoshop forgets an unsaved Work Path so)."""
    if len(knots) < 2:
        raise DocumentError("A path needs at least two anchor points.")
    chosen = target_path(doc)
    if chosen is None:
        return _new_work_path(doc, path_edit.with_new_subpath(None, knots, closed,
                                                               doc.canvas), "New Work Path")
    changed = chosen.replaced(vector=path_edit.with_new_subpath(chosen.vector, knots, closed,
                                                                 doc.canvas))
    _push(doc, _swapped(doc, chosen, changed), chosen.uid, "Add Path")
    return changed


def _new_work_path(doc: Document, vector: VectorMask, name: str) -> DocPath:
    """A new Work Path holding `vector`, chosen, in place of the old one (one undo step)."""
    new = DocPath(WORK_PATH, vector, work=True)
    old = work_path(doc)
    paths = _swapped(doc, old, new) if old is not None else [*doc.paths, new]
    _push(doc, paths, new.uid, name)
    return new


def path_settings(vector: VectorMask) -> list[dict]:
    """A path's subpaths as plain JSON, where they are drawn (the Actions panel's Insert
    Path records them)."""
    return [{"knots": knots.tolist(), "closed": bool(sub.closed),
             "operation": int(sub.operation), "non_zero": bool(sub.non_zero)}
            for sub, knots in zip(vector.subpaths, vector.moved_knots())]


def set_work_path(doc: Document, subpaths: list) -> DocPath:
    """Insert Path's step played (Photoshop's "Set Work Path"): the Work Path becomes the
    recorded subpaths (`path_settings`), chosen."""
    try:
        subs = [Subpath(np.asarray(s["knots"], np.float64).reshape(-1, 3, 2),
                        bool(s["closed"]), int(s.get("operation", 1)),
                        bool(s.get("non_zero", False))) for s in subpaths]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DocumentError(f"Set Work Path: the recorded path is damaged ({exc}).") from None
    if not subs:
        raise DocumentError("Set Work Path: the recorded path is empty.")
    vector = VectorMask(subs, doc.canvas)
    vector.edited = True
    return _new_work_path(doc, vector, "Set Work Path")


def reshape_path(doc: Document, uid, vector: VectorMask, name: str) -> None:
    """The path replaced by `vector`, a reshaped copy (Direct Selection, the anchor tools)."""
    path = _find_or_raise(doc, uid)
    _push(doc, _swapped(doc, path, path.replaced(vector=vector)), doc.path_target, name)


def map_paths(doc: Document, change, name: str) -> None:
    """Every document path through `change` (VectorMask -> VectorMask), as part of an
    image operation's step (Image Size, Canvas Size, Crop, Rotate or Flip Canvas)."""
    if doc.paths:
        _push(doc, [p.replaced(vector=change(p.vector)) for p in doc.paths], doc.path_target,
              name)


# -- paths and selections -----------------------------------------------------------------
def coverage(doc: Document, vector: VectorMask) -> np.ndarray:
    """The path's area over the canvas (uint8, 255 inside; anti-aliased edges)."""
    return vector.raster().raw_crop(doc.canvas)


def load_selection(doc: Document, op: str = "replace", vector: Optional[VectorMask] = None
                   ) -> None:
    """Load Path as Selection (Ctrl+Enter, Ctrl+click on the path's row; with Shift, Alt:
    add, subtract, intersect): the chosen path's area (or `vector`'s) becomes the
    selection. One step."""
    vector = vector if vector is not None else _require_target(doc, "load as a selection")
    name = "Load Path as Selection" if op == "replace" else \
        SELECTION_STEP_NAMES[op].format("Path")
    select_mask(doc, coverage(doc, vector), op, name)


def trace(mask: np.ndarray, tolerance: float = DEFAULT_TOLERANCE) -> list[Subpath]:
    """The edges of the selected pixels of `mask` (uint8; 128 and over counts as selected,
    as Photoshop's Make Work Path takes a soft edge) as closed subpaths of corner anchors:
    OpenCV's contours (pixel centres) simplified by Douglas-Peucker within `tolerance`
    pixels, then moved half a pixel outward (inward around holes) onto the pixels' edges,
    so that a rectangle traced and filled again selects the same pixels. All subpaths are
    one component, filled even-odd: holes and islands in holes come out as they were."""
    import cv2

    binary = np.ascontiguousarray(mask >= 128).astype(np.uint8)
    contours, hierarchy = cv2.findContours(binary, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    subpaths: list[Subpath] = []
    for i, contour in enumerate(contours):
        points = cv2.approxPolyDP(contour, float(tolerance), True).reshape(-1, 2)
        hole = hierarchy[0][i][3] >= 0
        corners = _on_pixel_edges(points.astype(np.float64) + 0.5, hole)
        if corners is None:
            continue
        knots = np.repeat(corners[:, None, :], 3, axis=1)
        subpaths.append(Subpath(knots, True, 1 if not subpaths else -1))
    return subpaths


def _on_pixel_edges(centres: np.ndarray, hole: bool) -> Optional[np.ndarray]:
    """A contour through boundary pixels' centres moved half a pixel away from the selected
    pixels: each corner along the mitre of its two edges' normals (exact for the straight
    and 45-degree edges of pixels). A contour of one or two points (a lone pixel, a line
    one pixel thick) becomes the box around its pixels."""
    if len(centres) < 3:
        if hole:
            return None
        lo, hi = centres.min(axis=0) - 0.5, centres.max(axis=0) + 0.5
        return np.array([lo, (hi[0], lo[1]), hi, (lo[0], hi[1])], np.float64)
    x, y = centres[:, 0], centres[:, 1]
    area = float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))
    # Outward normal of an edge (dx, dy): (dy, -dx) for a positive area, else (-dy, dx).
    sign = 1.0 if area > 0 else -1.0
    before = centres - np.roll(centres, 1, axis=0)
    after = np.roll(centres, -1, axis=0) - centres

    def normals(edges: np.ndarray) -> np.ndarray:
        length = np.maximum(np.hypot(*edges.T), 1e-9)[:, None]
        return sign * np.column_stack([edges[:, 1], -edges[:, 0]]) / length

    n1, n2 = normals(before), normals(after)
    # The mitre: half a pixel from both edges; a spike (edges turning back) moves less.
    mitre = (n1 + n2) / np.maximum(1.0 + (n1 * n2).sum(axis=1), 0.5)[:, None]
    return centres + (-0.5 if hole else 0.5) * mitre


def work_path_from_selection(doc: Document, tolerance: float = DEFAULT_TOLERANCE) -> DocPath:
    """Make Work Path from the selection: its edge traced (`trace`) into a new Work Path,
    which replaces the old one and is chosen. One step."""
    low, high = TOLERANCE_RANGE
    if not low <= float(tolerance) <= high:
        raise DocumentError(f"The tolerance must be {low:g} to {high:g} pixels.")
    mask = current_mask(doc)
    if mask is None:
        raise DocumentError("Select an area first: Make Work Path traces the selection's edge.")
    subpaths = trace(mask, tolerance)
    if not subpaths:
        raise DocumentError("The selection is too faint to trace (nothing is selected by half "
                            "or more).")
    vector = VectorMask(subpaths, doc.canvas)
    new = DocPath(WORK_PATH, vector, work=True)
    old = work_path(doc)
    paths = _swapped(doc, old, new) if old is not None else [*doc.paths, new]
    _push(doc, paths, new.uid, "Make Work Path")
    return new


# -- paths on layers -----------------------------------------------------------------------
def fill_path(doc: Document, node: Optional[Node], rgba: tuple[int, int, int, int],
              vector: Optional[VectorMask] = None) -> None:
    """Fill Path: the chosen path's area (or `vector`'s) painted with `rgba` (its alpha: the
    opacity) on the active pixel layer, or in grey on its layer mask when that is the
    target (as Edit > Fill). The selection does not limit it (Photoshop's). One step."""
    vector = vector if vector is not None else _require_target(doc, "fill")
    node = _paint_target(doc, node, "fill the path")
    values = coverage(doc, vector)
    box = mask_bounds(values)
    if box is None:
        raise DocumentError("The path encloses no area to fill.")
    paint_coverage(doc, node, box, values[box.slices()].astype(np.float32) / 255.0, rgba,
                   "Fill Path", on_mask=doc.mask_targeted)


def stroke_path(doc: Document, node: Optional[Node], rgba: tuple[int, int, int, int],
                size: float, hardness: float = 1.0,
                vector: Optional[VectorMask] = None) -> None:
    """Stroke Path: the brush's round dabs (`size` px, `hardness` 0..1) along every subpath
    of the chosen path (or `vector`), in `rgba` (its alpha: the brush's opacity), on the
    active pixel layer or its targeted layer mask. One step."""
    vector = vector if vector is not None else _require_target(doc, "stroke")
    node = _paint_target(doc, node, "stroke the path")
    if size < 1:
        raise DocumentError("The brush must be at least 1 px wide.")
    lines = [flatten(s.knots, s.closed) for s in path_edit.current_subpaths(vector)
             if len(s.knots) >= 2]
    if not lines:
        raise DocumentError("The path has no segment to stroke.")
    box, values = line_coverage(lines, float(size), float(hardness), doc.canvas)
    if box.is_empty() or not values.any():
        raise DocumentError("The path lies outside the canvas: there is nothing to stroke.")
    paint_coverage(doc, node, box, values, rgba, "Stroke Path", on_mask=doc.mask_targeted)


def vector_mask_from_path(doc: Document, node: Optional[Node],
                          vector: Optional[VectorMask] = None) -> VectorMask:
    """Layer > Vector Mask > Current Path: the node gets a vector mask shaped as the chosen
    document path (a copy: editing one leaves the other). One step."""
    if vector is None:
        chosen = target_path(doc)
        if chosen is None:
            raise DocumentError("Choose a saved path or the Work Path in the Paths panel first.")
        vector = chosen.vector
    if node is None or node is doc.root or not doc.contains(node):
        raise DocumentError("Select a layer or group first.")
    if node.vector_mask is not None:
        raise DocumentError(f"'{node.name}' already has a vector mask.")
    if node.is_locked():
        raise DocumentError(f"Layer '{node.name}' is locked.")
    mask = VectorMask(path_edit.current_subpaths(vector), doc.canvas,
                      initial_fill=vector.initial_fill)
    mask.edited = True
    doc.history.push(cmds.SetAttr(node, "vector_mask", mask, "Add Vector Mask (Current Path)"))
    return mask


def _paint_target(doc: Document, node: Optional[Node], what: str) -> Node:
    """The node Fill or Stroke Path paints: its layer mask when targeted, else its pixels."""
    if node is not None and node is doc.active and doc.targeted_mask() is not None:
        return node  # (its layer mask or a smart object's Smart Filters mask)
    return pixel_layer(node, what)


def _find_or_raise(doc: Document, uid) -> DocPath:
    path = find(doc, uid)
    if path is None:
        raise DocumentError("Choose a path in the Paths panel first.")
    return path


def _name(name: str) -> str:
    name = str(name).strip()
    if not name:
        raise DocumentError("A path name cannot be empty.")
    return name


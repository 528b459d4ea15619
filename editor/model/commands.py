"""The undoable commands that change a document.

Each command changes the document only through its low-level mutators, which
emit the signals the canvas and panels observe. Pixel commands keep only what
they need to go back: a swapped array (`SetPixels`) or the touched 64x64
tiles (`PixelEdit`), never a whole document. The History panel's snapshots
(snapshots.py) share the arrays too, and keep their own copies of the tiles
`PixelEdit` changes, saved right before it writes them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Hashable, Iterator, Optional

import numpy as np

from engine.box import Box

from .history import Command
from .layers import Group, Layer, LayerMask, Node

if TYPE_CHECKING:
    from .document import Document

TILE = 64


def tiles_under(box: Box) -> Iterator[tuple[int, int]]:
    """The (tx, ty) keys of the TILE x TILE tiles that array-local `box` (not empty) touches."""
    for ty in range(box.y // TILE, (box.y1 - 1) // TILE + 1):
        for tx in range(box.x // TILE, (box.x1 - 1) // TILE + 1):
            yield tx, ty


def tile(array: np.ndarray, key: tuple[int, int]) -> np.ndarray:
    """The view of tile `key` of `array` (smaller at its right and bottom edges)."""
    tx, ty = key
    return array[ty * TILE:(ty + 1) * TILE, tx * TILE:(tx + 1) * TILE]


def paste_tiles(out: np.ndarray, tiles: dict, box: Box) -> None:
    """Pastes saved `tiles` ((tx, ty) -> the tile's pixels, as `tile` cut them) over `out`,
    a copy of array-local `box` of the array they came from (`box` may reach beyond the
    array: no tile lies there)."""
    if not tiles or box.is_empty():
        return
    for key in tiles_under(box):
        saved = tiles.get(key)
        if saved is None:
            continue
        at = Box(key[0] * TILE, key[1] * TILE, saved.shape[1], saved.shape[0])
        inter = at.intersect(box)
        if not inter.is_empty():
            out[inter.translate(-box.x, -box.y).slices()] = \
                saved[inter.translate(-at.x, -at.y).slices()]


class InsertNode(Command):
    """Adds `node` to `parent` at `index` and makes it the active node."""

    def __init__(self, node: Node, parent: Group, index: int, name: str = "New Layer"):
        self.node, self.parent, self.index, self.name = node, parent, index, name
        self._previous_active: Optional[Node] = None

    def redo(self, doc: "Document") -> None:
        self._previous_active = doc.active
        doc._insert(self.node, self.parent, self.index)
        doc.set_active(self.node)

    def undo(self, doc: "Document") -> None:
        doc._remove(self.node)
        doc.set_active(self._previous_active if doc.contains(self._previous_active) else None)


class RemoveNode(Command):
    def __init__(self, node: Node, name: str = "Delete Layer"):
        self.node, self.name = node, name
        self._where: Optional[tuple[Group, int]] = None
        self._was_active = False

    def redo(self, doc: "Document") -> None:
        self._was_active = doc.active is self.node
        self._where = doc._remove(self.node)
        if self._was_active or not doc.contains(doc.active):
            parent, index = self._where
            siblings = parent.children
            fallback = siblings[min(index, len(siblings) - 1)] if siblings else (
                parent if parent is not doc.root else None)
            doc.set_active(fallback)

    def undo(self, doc: "Document") -> None:
        assert self._where is not None
        doc._insert(self.node, *self._where)
        if self._was_active:
            doc.set_active(self.node)

    def nbytes(self) -> int:
        return _node_bytes(self.node)


class MoveNode(Command):
    """Moves `node` to `parent` at `index` (index counted after removal)."""

    def __init__(self, node: Node, parent: Group, index: int, name: str = "Reorder Layers"):
        self.node, self.parent, self.index, self.name = node, parent, index, name
        self._old: Optional[tuple[Group, int]] = None

    def redo(self, doc: "Document") -> None:
        active = doc.active
        self._old = doc._remove(self.node)
        doc._insert(self.node, self.parent, self.index)
        doc.set_active(active)  # a moved layer stays the active one (the removal cleared it)

    def undo(self, doc: "Document") -> None:
        assert self._old is not None
        active = doc.active
        doc._remove(self.node)
        doc._insert(self.node, *self._old)
        doc.set_active(active)

    def is_noop(self) -> bool:
        return self._old == (self.parent, self.index)


class SetAttr(Command):
    """Sets one property of a node (name, visible, opacity, blend_mode, locked, recipe, expanded)."""

    def __init__(self, node: Node, attr: str, value: Any, name: Optional[str] = None,
                 merge_key: Optional[Hashable] = None):
        self.node, self.attr, self.value = node, attr, value
        self.old = getattr(node, attr)
        self.name = name or f"Change {attr.replace('_', ' ').title()}"
        self.merge_key = merge_key

    def redo(self, doc: "Document") -> None:
        doc._set_attr(self.node, self.attr, self.value)

    def undo(self, doc: "Document") -> None:
        doc._set_attr(self.node, self.attr, self.old)

    def merge(self, newer: Command) -> bool:
        if not (isinstance(newer, SetAttr) and newer.node is self.node and newer.attr == self.attr):
            return False
        self.value = newer.value
        return True

    def is_noop(self) -> bool:
        return self.old == self.value


class Translate(Command):
    """Moves a layer by (dx, dy) pixels; consecutive moves of one drag merge."""

    def __init__(self, layer: Layer, dx: int, dy: int, name: str = "Move",
                 merge_key: Optional[Hashable] = None):
        self.layer, self.dx, self.dy, self.name, self.merge_key = layer, int(dx), int(dy), name, merge_key

    def redo(self, doc: "Document") -> None:
        doc._set_offset(self.layer, self.layer.x + self.dx, self.layer.y + self.dy)

    def undo(self, doc: "Document") -> None:
        doc._set_offset(self.layer, self.layer.x - self.dx, self.layer.y - self.dy)

    def merge(self, newer: Command) -> bool:
        if not (isinstance(newer, Translate) and newer.layer is self.layer):
            return False
        self.dx += newer.dx
        self.dy += newer.dy
        return True

    def is_noop(self) -> bool:
        return self.dx == 0 and self.dy == 0


class SetPixels(Command):
    """Replaces a layer's whole pixel array and offset (transform, filters, generated pixels)."""

    def __init__(self, layer: Layer, pixels: np.ndarray, x: int, y: int, name: str = "Edit Pixels"):
        self.layer, self.name = layer, name
        self._other = (pixels, int(x), int(y))

    def _swap(self, doc: "Document") -> None:
        current = (self.layer.pixels, self.layer.x, self.layer.y)
        doc._set_pixels(self.layer, *self._other)
        self._other = current

    redo = _swap
    undo = _swap

    def nbytes(self) -> int:
        return int(self._other[0].nbytes)


class PixelEdit(Command):
    """An in-place edit of a layer's pixels (a brush or eraser stroke), kept as touched tiles.

    Use: `edit = PixelEdit(layer, "Brush")`, then for every dab
    `edit.apply(doc, box, fn)` where `fn(view)` changes the (H, W, 4) view of
    the layer's pixels inside the layer-local `box`; finally
    `doc.history.push(edit, applied=True)`. Undo swaps the saved tiles back.

    The array is edited in place even when a History snapshot shares it: right before a
    tile changes (a dab, an undo, a redo) every snapshot sharing the array that lacks that
    tile keeps a copy of it as it is (`Snapshots.before_write`), so a first stroke after a
    snapshot copies only the tiles it touches, never the whole array.
    """

    def __init__(self, layer: Layer, name: str = "Brush"):
        self.layer, self.name = layer, name
        self._tiles: dict[tuple[int, int], np.ndarray] = {}
        self._box = Box(0, 0, 0, 0)
        # Set by the Background Eraser, which erases to transparency even where Lock
        # Transparent Pixels is on, as Photoshop's does.
        self.overrides_transparency_lock = False
        # One Lab channel targeted ("Lightness", "a", "b"; `Document.begin_pixel_edit` sets
        # it): what `fn` paints is kept in that channel only (`color_modes.only_channel`).
        self.channel: Optional[str] = None

    def _array(self) -> np.ndarray:
        """The array the stroke edits in place."""
        return self.layer.pixels

    def _edited(self, doc: "Document", box: Box) -> None:
        doc._pixels_edited(self.layer, box)

    def apply(self, doc: "Document", box: Box, fn: Callable[[np.ndarray], None]) -> Box:
        """Saves the tiles under local `box`, runs `fn` on that region, notifies the document."""
        pixels = self._array()
        box = box.clip(pixels.shape[1], pixels.shape[0])
        if box.is_empty():
            return box
        keys = list(tiles_under(box))
        # A snapshot sharing the array keeps these tiles as they are before they change.
        doc.snapshots.before_write(pixels, keys)
        for key in keys:
            if key not in self._tiles:
                self._tiles[key] = tile(pixels, key).copy()
        view = pixels[box.slices()]
        channel = self.channel if view.ndim == 3 else None
        if self._keeps_alpha():
            # Lock Transparent Pixels: `fn` paints as if the pixels were opaque (a dab mixes
            # its colour with theirs by its own strength, as Photoshop paints there) and
            # only the colours are kept; alpha stays what it was.
            work = view.copy()
            work[..., 3] = 255
            fn(work)
            work[..., 3] = view[..., 3]
        elif channel is not None:
            work = view.copy()
            fn(work)
        else:
            fn(view)
            work = None
        if work is not None:
            if channel is not None:
                # From the pixels before the edit (not before this dab): a stroke laid
                # again and again does not drift through repeated Lab round trips.
                from .color_modes import only_channel

                work = only_channel(self.original(box), work, channel)
            view[...] = work
        self._box = self._box.union(box)
        self._edited(doc, box)
        return box

    @property
    def box(self) -> Box:
        """The local box the edit has changed so far (Edit > Fade's region)."""
        return self._box

    @property
    def shape(self) -> tuple[int, int]:
        """The height and width of the array the edit changes."""
        return self._array().shape[:2]

    def original(self, box: Box) -> np.ndarray:
        """A copy of the pixels inside local `box` as they were before this edit."""
        out = self._array()[box.slices()].copy()
        paste_tiles(out, self._tiles, box)
        return out

    def _keeps_alpha(self) -> bool:
        # Masks (a layer's, Quick Mask's) are one channel: no lock touches them.
        return self._array().ndim == 3 and self.layer.transparency_locked() \
            and not self.overrides_transparency_lock

    def _swap(self, doc: "Document") -> None:
        pixels = self._array()
        doc.snapshots.before_write(pixels, self._tiles.keys())
        for key, saved in self._tiles.items():
            region = tile(pixels, key)
            current = region.copy()
            region[...] = saved
            self._tiles[key] = current
        self._edited(doc, self._box)

    redo = _swap
    undo = _swap

    def nbytes(self) -> int:
        return sum(t.nbytes for t in self._tiles.values())

    def is_noop(self) -> bool:
        return not self._tiles


class LayerMaskEdit(PixelEdit):
    """A stroke on a node's layer mask (its (H, W) uint8 array), kept as touched tiles;
    used like `PixelEdit` with mask-local boxes."""

    def __init__(self, node: Node, name: str = "Brush", which: str = "mask"):
        super().__init__(node, name)  # type: ignore[arg-type]
        self.which = which  # "mask", or "filter_mask": a smart object's Smart Filters mask

    def _array(self) -> np.ndarray:
        mask = getattr(self.layer, self.which)
        assert mask is not None
        return mask.pixels

    def _edited(self, doc: "Document", box: Box) -> None:
        doc._mask_pixels_edited(self.layer, box, self.which)


class SetMask(Command):
    """Adds, replaces or removes (None) a node's layer mask."""

    def __init__(self, node: Node, mask: Optional[LayerMask], name: str = "Add Layer Mask",
                 which: str = "mask"):
        self.node, self.name, self.which = node, name, which
        self._other = mask

    def _swap(self, doc: "Document") -> None:
        current = getattr(self.node, self.which)
        doc._set_mask(self.node, self._other, self.which)
        self._other = current

    redo = _swap
    undo = _swap

    def nbytes(self) -> int:
        return int(self._other.pixels.nbytes) if self._other is not None else 0


class SetMaskAttr(Command):
    """Sets one property of a node's mask (enabled, linked, density, feather)."""

    def __init__(self, node: Node, attr: str, value: Any, name: Optional[str] = None,
                 merge_key: Optional[Hashable] = None, which: str = "mask"):
        mask = getattr(node, which)
        assert mask is not None
        self.node, self.attr, self.value, self.which = node, attr, value, which
        self.old = getattr(mask, attr)
        self.name = name or f"Change Mask {attr.title()}"
        self.merge_key = merge_key

    def redo(self, doc: "Document") -> None:
        doc._set_mask_attr(self.node, self.attr, self.value, self.which)

    def undo(self, doc: "Document") -> None:
        doc._set_mask_attr(self.node, self.attr, self.old, self.which)

    def merge(self, newer: Command) -> bool:
        if not (isinstance(newer, SetMaskAttr) and newer.node is self.node
                and newer.attr == self.attr and newer.which == self.which):
            return False
        self.value = newer.value
        return True

    def is_noop(self) -> bool:
        return self.old == self.value


class MaskEdit(PixelEdit):
    """A stroke on the document's painted selection mask (Quick Mask), kept as touched tiles
    by `PixelEdit`'s own bookkeeping (one tile-undo for pixels, layer masks and this).

    Like `PixelEdit`: `edit.apply(doc, box, fn)` for every dab, where `fn(view)`
    changes the (h, w) uint8 view of the mask inside canvas `box`; then
    `doc.history.push(edit, applied=True)`. The first stroke creates the mask;
    undoing it takes the mask away again.
    """

    def __init__(self, doc: "Document", name: str = "Quick Mask"):
        super().__init__(None, name)  # type: ignore[arg-type]  (no layer: the document's mask)
        self.doc = doc
        self.created = doc.selection_mask is None
        if self.created:
            doc._set_selection_mask(np.zeros((doc.height, doc.width), np.uint8))

    def _array(self) -> np.ndarray:
        return self.doc.selection_mask

    def _edited(self, doc: "Document", box: Box) -> None:
        doc._mask_edited(box)

    def redo(self, doc: "Document") -> None:
        if self.created:
            doc._set_selection_mask(np.zeros((doc.height, doc.width), np.uint8))
        self._swap(doc)

    def undo(self, doc: "Document") -> None:
        self._swap(doc)
        if self.created:
            doc._set_selection_mask(None)


class SetSelectionMask(Command):
    """Replaces the painted selection mask (None clears it)."""

    def __init__(self, mask: Optional[np.ndarray], name: str = "Clear Quick Mask"):
        self.mask, self.name = mask, name

    def _swap(self, doc: "Document") -> None:
        old = doc.selection_mask
        doc._set_selection_mask(self.mask)
        self.mask = old

    redo = _swap
    undo = _swap

    def nbytes(self) -> int:
        return int(self.mask.nbytes) if self.mask is not None else 0


class SetSelection(Command):
    def __init__(self, box: Optional[Box], name: Optional[str] = None):
        self.box = box
        self.name = name or ("Rectangular Marquee" if box is not None else "Deselect")
        self._old: Optional[Box] = None

    def redo(self, doc: "Document") -> None:
        self._old = doc.selection
        doc._set_selection(self.box)

    def undo(self, doc: "Document") -> None:
        doc._set_selection(self._old)

    def is_noop(self) -> bool:
        return False


class SetGuides(Command):
    """New Guide, moving or removing one, Clear Guides: the whole list before and after."""

    def __init__(self, guides: tuple, name: str):
        self.guides, self.name = guides, name
        self._old: tuple = ()

    def redo(self, doc: "Document") -> None:
        self._old = doc.guides
        doc._set_guides(self.guides)

    def undo(self, doc: "Document") -> None:
        doc._set_guides(self._old)


class SetSlices(Command):
    """A slice made, moved, resized, divided, deleted or its options set: the whole list of
    user slices before and after."""

    def __init__(self, slices: tuple, name: str):
        self.slices, self.name = slices, name
        self._old: tuple = ()

    def redo(self, doc: "Document") -> None:
        self._old = doc.slices
        doc._set_slices(self.slices)

    def undo(self, doc: "Document") -> None:
        doc._set_slices(self._old)


class SetPaths(Command):
    """Replaces the document's paths (a tuple of immutable `paths.DocPath`s) and sets the
    path the path tools edit (`target`); undo brings back both."""

    def __init__(self, paths, target, name: str):
        self.name = name
        self._other = (tuple(paths), target)

    def _swap(self, doc: "Document") -> None:
        current = (doc.paths, doc.path_target)
        doc._set_paths(*self._other)
        self._other = current

    redo = _swap
    undo = _swap


class SetChannels(Command):
    """Replaces the document's alpha channels (a tuple of immutable
    `channels.AlphaChannel`s); undo brings back the tuple it replaced."""

    def __init__(self, channels, name: str):
        self.name = name
        self._other = tuple(channels)
        self._bytes = 0

    def _swap(self, doc: "Document") -> None:
        current = doc.channels
        doc._set_channels(self._other)
        self._other = current
        # What this step alone keeps alive: the values the document no longer holds (a
        # rename or a delete keeps arrays the document shares, or none).
        shared = {id(c.pixels) for c in doc.channels}
        self._bytes = sum(int(c.pixels.nbytes) for c in current if id(c.pixels) not in shared)

    redo = _swap
    undo = _swap

    def nbytes(self) -> int:
        return self._bytes


class SetCanvasSize(Command):
    """Changes the canvas size; the selection (box and mask) is dropped with it, and comes
    back on undo. Layers move and change in commands of their own, in the same macro."""

    def __init__(self, width: int, height: int, name: str = "Canvas Size"):
        self.name = name
        self._other = (int(width), int(height), None, None)

    def _swap(self, doc: "Document") -> None:
        current = (doc.width, doc.height, doc.selection, doc.selection_mask)
        width, height, selection, mask = self._other
        doc._set_size(width, height)
        doc._set_selection(selection)
        doc._set_selection_mask(mask)
        self._other = current

    redo = _swap
    undo = _swap

    def nbytes(self) -> int:
        mask = self._other[3]
        return int(mask.nbytes) if mask is not None else 0


def _node_bytes(node: Node) -> int:
    own = int(node.mask.pixels.nbytes) if node.mask is not None else 0
    if isinstance(node, Layer):
        return own + int(node.pixels.nbytes)
    if isinstance(node, Group):
        return own + sum(_node_bytes(n) for n in node.children)
    return own


class SetLayerComps(Command):
    """Replaces the document's layer comps (an immutable `comp_state.CompsState`); undo
    brings back the state it replaced."""

    def __init__(self, state, name: str):
        self.name = name
        self._other = state

    def _swap(self, doc: "Document") -> None:
        current = doc.layer_comps
        doc._set_layer_comps(self._other)
        self._other = current

    redo = _swap
    undo = _swap

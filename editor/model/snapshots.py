"""History snapshots (Photoshop's History panel): named states of a document to go back to.

`Snapshots.take` keeps the document's state as it is now: its layer tree, canvas size,
selection, guides, paths, patterns, alpha channels, layer comps and slices. The tree is copied by the layers' own
`copy(share=True)` (as autosave's), so a snapshot shares the pixel arrays with the
document instead of copying them, and is copy-on-write per 64x64 tile (`commands.TILE`,
the tiles of `PixelEdit`'s own undo). The commands that change pixels wholesale put a new
array in (`SetPixels`, a layer's growth), so the array a snapshot holds is no longer
written; the in-place edits (strokes, filters: `PixelEdit` and its kin, their undo and
redo included) hand every snapshot sharing the array the tiles they are about to change,
as they are, right before the first write to each (`Snapshots.before_write`). A snapshot's
pixels are so its arrays as they are now with its saved tiles pasted over them
(`State.as_taken`, `State.canvas_crop`), and it costs pixel memory only for the tiles
changed in place since it was taken (`Snapshots.nbytes`; two snapshots lacking a tile
share one copy of it). `bench/bench_snapshot_memory.py` (2026-12-01): after a snapshot, the
first stroke on a 4000x3000 layer has the snapshot save 0.34 MB of tiles and takes 11-24 ms,
as the next stroke does (10-11 ms), where copying the whole layer kept 46 MB and took
19-117 ms (143 ms cold).

Restoring a snapshot (`Snapshots.restore`) is one undoable step, `RestoreState`: it puts
fresh copies of the snapshot's nodes in the document, their pixels as they were when it was
taken (an array changed since is copied then, with the saved tiles pasted: restores are
rare; one unchanged is shared, and sharing it the snapshot saves its tiles as before), and
keeps the document's own nodes, which its undo puts back, so every earlier step stays
reachable.

The History Brush paints from the snapshot chosen as its source (`Snapshots.source`: the
opening snapshot unless the user chose another); a node and its copies in snapshots share
a `lineage`, which is how the brush finds a layer's corresponding layer. Snapshots are
kept in memory only: they are not saved in a PSD.
"""
from __future__ import annotations

import dataclasses
import re
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator, Optional

import numpy as np

from engine.box import Box

from .commands import paste_tiles, tile
from .history import Command
from .layers import Group, Layer, Node
from .signals import Signal

if TYPE_CHECKING:
    from .document import Document


def lineage(node: Node) -> int:
    """Which layer `node` is, across snapshots: the id of the node it was copied from."""
    return node.lineage if node.lineage is not None else node.id


def _walk(nodes: Iterable[Node]) -> Iterator[Node]:
    for node in nodes:
        yield node
        if isinstance(node, Group):
            yield from node.walk()


def _arrays(nodes: Iterable[Node]) -> Iterator[np.ndarray]:
    """The pixel arrays (a layer's, a mask's) held by `nodes` and what they contain."""
    for node in _walk(nodes):
        if isinstance(node, Layer):
            yield node.pixels
        if node.mask is not None:
            yield node.mask.pixels


def _shared_copy(node: Node) -> Node:
    """A copy of `node` (and what it contains) sharing its pixel arrays and its lineage."""
    out = node.copy(share=True)
    for a, b in zip(_walk([node]), _walk([out])):
        b.lineage = lineage(a)
    return out


@dataclass(frozen=True)
class State:
    """A document's state as a snapshot keeps it (the nodes are copies, never in a document)."""
    width: int
    height: int
    nodes: tuple            # the root's children, bottom first
    selection: Optional[Box]
    selection_mask: Optional[np.ndarray]
    guides: tuple
    paths: tuple
    path_target: object
    patterns: tuple
    active: Optional[int]   # the active node's lineage
    channels: tuple = ()    # the alpha channels (immutable, shared)
    layer_comps: object = None  # the layer comps (comp_state.CompsState, immutable)
    slices: tuple = ()      # the user slices (slices.Slice, immutable)
    # The tiles of its arrays changed in place since it was taken, as they were:
    # id(array) -> {(tx, ty): pixels}. The arrays themselves (which the state holds, so
    # the ids stay theirs) are the document's and go on changing.
    saved: dict = field(default_factory=dict, compare=False, repr=False)

    def find(self, key: int) -> Optional[Node]:
        """The node of lineage `key` (None: the state has no such node)."""
        return next((n for n in _walk(self.nodes) if lineage(n) == key), None)

    def arrays(self) -> Iterator[np.ndarray]:
        yield from _arrays(self.nodes)
        if self.selection_mask is not None:
            yield self.selection_mask

    def as_taken(self, array: np.ndarray) -> np.ndarray:
        """`array` (one this state holds) as it was when the state was taken: the array
        itself when none of it has changed since, else a copy with the saved tiles pasted."""
        tiles = self.saved.get(id(array))
        if not tiles:
            return array
        out = array.copy()
        for key, saved in tiles.items():
            tile(out, key)[...] = saved
        return out

    def canvas_crop(self, layer: Layer, box: Box) -> np.ndarray:
        """`layer` (one of this state's nodes) inside canvas box `box` as it was when the
        state was taken, transparent where it had no pixels; reads only that region."""
        out = layer.canvas_crop(box)
        paste_tiles(out, self.saved.get(id(layer.pixels), {}), box.translate(-layer.x, -layer.y))
        return out


def capture(doc: "Document") -> State:
    """`doc`'s state now, sharing its pixel arrays."""
    return State(doc.width, doc.height, tuple(_shared_copy(n) for n in doc.root.children),
                 doc.selection, doc.selection_mask, doc.guides, doc.paths, doc.path_target,
                 doc.patterns, lineage(doc.active) if doc.active is not None else None,
                 doc.channels, doc.layer_comps, doc.slices)


# New Snapshot's From: (Photoshop's names) what of the document a snapshot keeps.
FROM_CHOICES = (("full", "Full Document"), ("merged", "Merged Layers"),
                ("layer", "Current Layer"))


def capture_from(doc: "Document", source: str = "full") -> State:
    """`doc`'s state now as New Snapshot's From: keeps it: every layer ("full"), one layer
    of what the canvas shows ("merged", the picture Flatten Image makes), or the active
    layer alone ("layer"); the selection, guides, paths and the rest come along alike."""
    state = capture(doc)
    if source == "full":
        return state
    if source == "merged":
        from .render import composite_document
        node: Node = Layer("Merged Layers", composite_document(doc).copy(), 0, 0)
    elif source == "layer":
        if doc.active is None:
            raise ValueError("There is no current layer to take a snapshot of.")
        node = _shared_copy(doc.active)
    else:
        raise ValueError(f"unknown snapshot source {source!r}")
    return dataclasses.replace(state, nodes=(node,), active=lineage(node))


def _taken_copy(state: State, node: Node) -> Node:
    """A copy of `node` (one of `state`'s) with its pixels as `state` was taken: sharing the
    arrays that have not changed since, a copy of each that has (as rare as a restore)."""
    out = _shared_copy(node)
    for n in _walk([out]):
        if isinstance(n, Layer):
            n.pixels = state.as_taken(n.pixels)
        if n.mask is not None:  # the copy's own LayerMask object, sharing the array
            n.mask.pixels = state.as_taken(n.mask.pixels)
    return out


class RestoreState(Command):
    """Puts a snapshot's state back (fresh copies of its nodes, their pixels as they were
    when it was taken); undo puts back the document's own. Like `SetPixels`, redo and undo
    swap what is in the document with what the command keeps."""

    def __init__(self, state: State, name: str):
        self.name = name
        self._state = weakref.ref(state)  # which snapshot it restored (not kept alive by it)
        nodes = tuple(_taken_copy(state, n) for n in state.nodes)
        active = next((n for n in _walk(nodes) if lineage(n) == state.active), None)
        mask = state.as_taken(state.selection_mask) if state.selection_mask is not None else None
        self._other = (state.width, state.height, nodes, state.selection, mask,
                       state.guides, state.paths, state.path_target, state.patterns, active,
                       state.channels, state.layer_comps, state.slices)
        self._bytes = 0

    def _swap(self, doc: "Document") -> None:
        current = (doc.width, doc.height, tuple(doc.root.children), doc.selection,
                   doc.selection_mask, doc.guides, doc.paths, doc.path_target, doc.patterns,
                   doc.active, doc.channels, doc.layer_comps, doc.slices)
        width, height, nodes, selection, mask, guides, paths, target, patterns, active, \
            channels, comps, slices = self._other
        for node in reversed(current[2]):
            doc._remove(node)
        if (width, height) != (doc.width, doc.height):
            doc._set_size(width, height)
        for i, node in enumerate(nodes):
            doc._insert(node, doc.root, i)
        doc._set_selection(selection)
        doc._set_selection_mask(mask)
        doc._set_guides(guides)
        doc._set_paths(paths, target)
        doc._set_patterns(patterns)
        doc._set_channels(channels)
        if comps is not None:
            doc._set_layer_comps(comps)
        if slices != doc.slices:
            doc._set_slices(slices)
        doc.set_active(active)
        self._other = current
        # What this step alone keeps alive: the arrays of the nodes it took out that the
        # document does not hold too (most are shared with it or with a snapshot).
        kept = {id(a) for a in _arrays(nodes)}
        self._bytes = sum(int(a.nbytes) for a in _arrays(current[2]) if id(a) not in kept)

    redo = _swap
    undo = _swap

    def nbytes(self) -> int:
        return self._bytes

    def restored(self, state: State) -> bool:
        """Whether this step restored `state`."""
        return self._state() is state


class Snapshot:
    """A named state of the document (the History panel's rows above the steps)."""

    def __init__(self, name: str, state: State, opening: bool = False):
        self.name = name
        self.state = state
        self.opening = opening  # the document's state as it was opened (the first row)

    def __repr__(self) -> str:
        return f"<Snapshot {self.name!r}>"


class Snapshots:
    """A document's snapshots, oldest first, and the History Brush's source among them."""

    def __init__(self, doc: "Document"):
        self._doc = doc
        self.items: list[Snapshot] = []
        self.source: Optional[Snapshot] = None
        self.changed = Signal()  # () a snapshot was made, renamed or deleted, or the source
        # id(array) -> the states holding it (so the ids stay theirs while they are listed).
        self._holders: dict[int, list[State]] = {}

    def take(self, name: Optional[str] = None, *, opening: bool = False,
             source: str = "full") -> Snapshot:
        """A snapshot of the document as it is now (Photoshop's New Snapshot): "Snapshot N"
        unless named, of what `source` says (`capture_from`); the first one becomes the
        History Brush's source."""
        snap = Snapshot(name or self.next_name(), capture_from(self._doc, source), opening)
        self.items.append(snap)
        if self.source is None:
            self.source = snap
        self._update()
        return snap

    def next_name(self) -> str:
        """One more than the highest "Snapshot N" (as Photoshop counts)."""
        numbers = [int(m.group(1)) for s in self.items
                   if (m := re.fullmatch(r"Snapshot (\d+)", s.name))]
        return f"Snapshot {max(numbers, default=0) + 1}"

    def rename(self, snap: Snapshot, name: str) -> None:
        name = name.strip()
        if name and name != snap.name:
            snap.name = name
            self.changed.emit()

    def delete(self, snap: Snapshot) -> None:
        """Forgets `snap` (its arrays go with it unless something else holds them); the
        History Brush then paints from the first snapshot left."""
        self.items.remove(snap)
        if self.source is snap:
            self.source = self.items[0] if self.items else None
        self._update()

    def set_source(self, snap: Snapshot) -> None:
        if snap is not self.source:
            self.source = snap
            self.changed.emit()

    def restore(self, snap: Snapshot) -> None:
        """Returns the document to `snap`'s state as one undoable step (none when the
        newest step already did: a second click on its row)."""
        if self.current() is snap:
            return
        self._doc.history.push(RestoreState(snap.state, f"Restore {snap.name}"))

    def current(self) -> Optional[Snapshot]:
        """The snapshot the newest applied step restored (None: it restored none)."""
        top = self._doc.history.current()
        if not isinstance(top, RestoreState):
            return None
        return next((s for s in self.items if top.restored(s.state)), None)

    def shares(self, array: np.ndarray) -> bool:
        """Whether a snapshot holds `array` (see `before_write` for changing it in place)."""
        return id(array) in self._holders

    def before_write(self, array: np.ndarray, keys: Iterable[tuple[int, int]]) -> None:
        """Call right before changing tiles `keys` ((tx, ty), `commands.tiles_under`) of
        `array` in place: every snapshot holding `array` that has not saved a tile yet
        saves it as it is now (one copy, shared by all that lacked it: the tile has not
        changed since any of them was taken)."""
        states = self._holders.get(id(array))
        if not states:
            return
        saved = [s.saved.setdefault(id(array), {}) for s in states]
        for key in keys:
            copy = None
            for tiles in saved:
                if key not in tiles:
                    if copy is None:
                        copy = tile(array, key).copy()
                    tiles[key] = copy

    def nbytes(self) -> int:
        """The pixel memory the snapshots cost beyond the document's arrays: their saved
        tiles, a tile shared by several counted once."""
        unique = {id(t): t for s in self.items for tiles in s.state.saved.values()
                  for t in tiles.values()}
        return sum(int(t.nbytes) for t in unique.values())

    def _update(self) -> None:
        holders: dict[int, list[State]] = {}
        for snap in self.items:
            for array in {id(a): a for a in snap.state.arrays()}.values():
                holders.setdefault(id(array), []).append(snap.state)
        self._holders = holders
        self.changed.emit()

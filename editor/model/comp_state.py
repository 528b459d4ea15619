"""What a layer comp is (`layer_comps` has the operations): the state it recorded of each
node, the comp, and the document's comps as one immutable value (`Document.layer_comps`).
Apart from the operations so that the document can hold them without importing them."""
from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import Mapping, Optional

_uids = itertools.count(1)


@dataclass(frozen=True)
class NodeState:
    """What a comp recorded of one node. `x`, `y`: a layer's offset (None: a group, which
    has no position of its own; its layers have). `effects_on`: whether its layer style
    was on (None: it had none)."""

    visible: bool
    x: Optional[int]
    y: Optional[int]
    blend_mode: str
    opacity: int
    fill_opacity: int
    effects_on: Optional[bool]


@dataclass(frozen=True)
class LayerComp:
    """A comp: its name, which of the recorded states Apply restores, a comment, and the
    states by node (`snapshots.lineage`: a node a History snapshot restored
    counts as the node it was copied from). Never changed in place: Update makes a new one that
    keeps the `uid`. `file_id`: the id the file it was read from gave it (Photoshop's
    'compID'), kept so that saving it back keeps it (None: made here)."""

    name: str
    visibility: bool = True
    position: bool = True
    appearance: bool = True
    comment: str = ""
    states: Mapping[int, NodeState] = field(default_factory=dict, compare=False, repr=False)
    uid: int = field(default_factory=lambda: next(_uids))
    file_id: Optional[int] = field(default=None, compare=False)

    def replaced(self, **changes) -> "LayerComp":
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class CompsState:
    """The document's comps in the panel's order, the uid of the comp applied last (None:
    the Last Document State row is the current one) and that Last Document State (None
    until a comp is applied)."""

    comps: tuple = ()
    applied: Optional[int] = None
    last: Optional[LayerComp] = None

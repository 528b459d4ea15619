"""Photoshop's Layer Comps: named snapshots of how the layers look, to switch between.

A comp records, for every layer and group of the document when it is made or updated,
its visibility, its position (a layer's offset) and its appearance (blending mode,
opacity, fill opacity, whether its layer style is on); its Apply To flags say which of
the three applying it restores. Applying a comp restores exactly that for every node it
knows: nodes added since are left as they are, nodes deleted since are ignored (as
Photoshop does). The state before the comps were applied, with any edits made since the
last one was, is kept as the "Last Document State", which can be applied back.

The document keeps the whole of it as one immutable `CompsState` (`Document.layer_comps`);
each operation below is one undo step (`commands.SetLayerComps` swaps the state, in the
same macro as the layer changes of an Apply). Comps are saved in our XMP packet
(`to_json`/`from_json`, keyed by the file's layer ids) and, for Photoshop, in its own
resource 1065 and each layer's 'cmls' metadata (`psd_comps`).
"""
from __future__ import annotations

import dataclasses
from typing import Mapping, Optional

from . import commands as cmds
from .comp_state import CompsState, LayerComp, NodeState
from .document import Document
from .errors import DocumentError
from .layers import BLEND_MODES, GROUP_BLEND_MODES, Layer, Node
from .snapshots import lineage

APPLY_STEP = "Apply Layer Comp"
LAST_STATE = "Last Document State"


# -- reading -------------------------------------------------------------------------------
def find(doc: Document, uid) -> Optional[LayerComp]:
    return next((c for c in doc.layer_comps.comps if c.uid == uid), None)


def _require(doc: Document, uid) -> LayerComp:
    comp = find(doc, uid)
    if comp is None:
        raise DocumentError("Choose a layer comp in the Layer Comps panel first.")
    return comp


def next_comp_name(doc: Document) -> str:
    """"Layer Comp 1", then one more than the highest "Layer Comp N" (as Photoshop)."""
    stem = "Layer Comp "
    numbers = [int(c.name[len(stem):]) for c in doc.layer_comps.comps
               if c.name.startswith(stem) and c.name[len(stem):].isdigit()]
    return f"{stem}{max(numbers, default=0) + 1}"


def capture(doc: Document) -> dict[int, NodeState]:
    """The state of every layer and group of `doc` now, by lineage."""
    return {lineage(n): state_of(n) for n in doc.nodes()}


def state_of(n: Node) -> NodeState:
    """The state of one layer or group now."""
    return NodeState(
        visible=bool(n.visible),
        x=int(n.x) if isinstance(n, Layer) else None,
        y=int(n.y) if isinstance(n, Layer) else None,
        blend_mode=n.blend_mode, opacity=int(n.opacity), fill_opacity=int(n.fill_opacity),
        effects_on=None if n.effects is None else bool(n.effects.enabled))


# -- the operations (each one undo step) ---------------------------------------------------
def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise DocumentError("A layer comp needs a name.")
    return name


def _set(doc: Document, name: str, **changes) -> None:
    doc.history.push(cmds.SetLayerComps(dataclasses.replace(doc.layer_comps, **changes), name))


def new_comp(doc: Document, name: Optional[str] = None, *, visibility: bool = True,
             position: bool = True, appearance: bool = True, comment: str = "") -> LayerComp:
    """New Layer Comp: the layers as they are now, added at the end of the list and made
    the current comp."""
    comp = LayerComp(_name(name if name is not None else next_comp_name(doc)),
                     bool(visibility), bool(position), bool(appearance), comment,
                     capture(doc))
    _set(doc, "New Layer Comp", comps=doc.layer_comps.comps + (comp,), applied=comp.uid)
    return comp


def update_comp(doc: Document, uid) -> LayerComp:
    """Update Layer Comp: the comp records the layers as they are now (its name, flags
    and comment stay) and becomes the current one."""
    comp = _require(doc, uid).replaced(states=capture(doc))
    _set(doc, "Update Layer Comp", comps=_replacing(doc, comp), applied=comp.uid)
    return comp


def set_options(doc: Document, uid, name: str, *, visibility: Optional[bool] = None,
                position: Optional[bool] = None, appearance: Optional[bool] = None,
                comment: Optional[str] = None, step: str = "Layer Comp Options") -> LayerComp:
    """Renames the comp and changes its Apply To flags or comment (None: kept)."""
    comp = _require(doc, uid)
    changed = comp.replaced(
        name=_name(name),
        visibility=comp.visibility if visibility is None else bool(visibility),
        position=comp.position if position is None else bool(position),
        appearance=comp.appearance if appearance is None else bool(appearance),
        comment=comp.comment if comment is None else comment)
    if changed != comp:
        _set(doc, step, comps=_replacing(doc, changed))
    return changed


def rename_comp(doc: Document, uid, name: str) -> LayerComp:
    return set_options(doc, uid, name, step="Rename Layer Comp")


def delete_comp(doc: Document, uid) -> None:
    comp = _require(doc, uid)
    state = doc.layer_comps
    _set(doc, "Delete Layer Comp", comps=tuple(c for c in state.comps if c is not comp),
         applied=None if state.applied == comp.uid else state.applied)


def apply_comp(doc: Document, uid) -> None:
    """Apply Layer Comp (`uid` None: the Last Document State), one step. The layers as they
    are before it become the Last Document State, unless the step before this one was
    itself an Apply (switching between comps keeps the state from before the first)."""
    state = doc.layer_comps
    if uid is None:
        if state.last is None:
            raise DocumentError("No layer comp has been applied: the document is in its "
                                "last state.")
        comp = state.last
    else:
        comp = _require(doc, uid)
    last = state.last
    current = doc.history.current()
    if uid is not None and (last is None or current is None or current.name != APPLY_STEP):
        last = LayerComp(LAST_STATE, states=capture(doc))
    nodes = {lineage(n): n for n in doc.nodes()}
    with doc.history.macro(APPLY_STEP):
        for key, recorded in comp.states.items():
            node = nodes.get(key)
            if node is not None:  # (a node deleted since: ignored)
                _restore(doc, node, recorded, comp)
        doc.history.push(cmds.SetLayerComps(
            dataclasses.replace(state, applied=uid, last=last), APPLY_STEP))


def step_comp(doc: Document, direction: int) -> None:
    """The Previous (-1) and Next (+1) arrows: applies the comp before or after the current
    one, round the list (from the Last Document State: the first or the last)."""
    comps = doc.layer_comps.comps
    if not comps:
        raise DocumentError("There are no layer comps: make one with New Layer Comp.")
    at = next((i for i, c in enumerate(comps) if c.uid == doc.layer_comps.applied), None)
    i = (0 if direction > 0 else len(comps) - 1) if at is None \
        else (at + direction) % len(comps)
    apply_comp(doc, comps[i].uid)


def _restore(doc: Document, node: Node, s: NodeState, comp: LayerComp) -> None:
    """Pushes the commands that bring `node` back to `s` as far as `comp` applies (only
    what differs: the others would be empty steps)."""
    push = doc.history.push
    if comp.visibility and node.visible != s.visible:
        push(cmds.SetAttr(node, "visible", s.visible, APPLY_STEP))
    if comp.position and isinstance(node, Layer) and s.x is not None \
            and (node.x, node.y) != (s.x, s.y):
        push(cmds.Translate(node, s.x - node.x, s.y - node.y, APPLY_STEP))
    if comp.appearance:
        modes = BLEND_MODES if isinstance(node, Layer) else GROUP_BLEND_MODES
        for attr in ("blend_mode", "opacity", "fill_opacity"):
            value = getattr(s, attr)
            if getattr(node, attr) != value and (attr != "blend_mode" or value in modes):
                push(cmds.SetAttr(node, attr, value, APPLY_STEP))
        effects = node.effects
        if effects is not None and s.effects_on is not None and effects.enabled != s.effects_on:
            push(cmds.SetAttr(node, "effects", effects.with_enabled(s.effects_on), APPLY_STEP))


def _replacing(doc: Document, comp: LayerComp) -> tuple:
    return tuple(comp if c.uid == comp.uid else c for c in doc.layer_comps.comps)


# -- in a file (our XMP packet) -------------------------------------------------------------
_FIELDS = ("visible", "x", "y", "blend_mode", "opacity", "fill_opacity", "effects_on")


def to_json(doc: Document, file_ids: Mapping[int, int], comp_ids: Mapping[int, int]) -> list:
    """The comps as JSON values; each node's state under the layer id it is written with
    (`file_ids`: node lineage -> the file's layer id; a node not written is left out), each
    comp with the id Photoshop's copy of it has in the file (`comp_ids`: uid -> 'compID')."""
    out = []
    for comp in doc.layer_comps.comps:
        layers = {str(file_ids[key]): [getattr(s, f) for f in _FIELDS]
                  for key, s in comp.states.items() if key in file_ids}
        out.append({"name": comp.name, "visibility": comp.visibility,
                    "position": comp.position, "appearance": comp.appearance,
                    "comment": comp.comment, "id": comp_ids[comp.uid], "layers": layers})
    return out


def from_json(value, by_file_id: Mapping[int, Node]) -> CompsState:
    """The comps `to_json` wrote, their states keyed by the nodes read (`by_file_id`: the
    file's layer id -> node); anything malformed is skipped."""
    comps = []
    for entry in value if isinstance(value, list) else ():
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        states = {}
        for file_id, fields in (entry.get("layers") or {}).items():
            node = by_file_id.get(int(file_id)) if str(file_id).isdigit() else None
            if node is None or not isinstance(fields, list) or len(fields) != len(_FIELDS):
                continue
            s = NodeState(*fields)
            if _well_formed(s):
                states[lineage(node)] = s
        file_id = entry.get("id")
        comps.append(LayerComp(entry["name"], bool(entry.get("visibility", True)),
                               bool(entry.get("position", True)),
                               bool(entry.get("appearance", True)),
                               str(entry.get("comment", "")), states,
                               file_id=file_id if type(file_id) is int else None))
    return CompsState(tuple(comps))


def _well_formed(s: NodeState) -> bool:
    def whole(v):
        return isinstance(v, int) and not isinstance(v, bool)

    return (isinstance(s.visible, bool) and isinstance(s.blend_mode, str)
            and whole(s.opacity) and whole(s.fill_opacity)
            and ((s.x is None and s.y is None) or (whole(s.x) and whole(s.y)))
            and (s.effects_on is None or isinstance(s.effects_on, bool)))

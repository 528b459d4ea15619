"""Photoshop's own layer comps in a PSD: read (`read_photoshop_comps`) and written
(`comps_resource`, `write_layer_settings`), in the one layout below.

Photoshop keeps the list in image resource 1065 ('Layer Comps', a 'CompList' descriptor:
each comp a 'Comp' with 'Nm  ', 'comment' (when it has one), 'compID' and 'capturedInfo' —
1 visibility, 2 position, 4 appearance — then the list's 'lastAppliedComp') and each layer's
state in its 'shmd' metadata block, under 'cmls' ('LyrI', the layer's id, and a list of
'layerSettings', each for the comps its 'compList' names, with 'enab' (visible), 'Ofst' (the
position, as an offset from where the layer is saved), 'FXRefPoint' (where its layer style
is anchored then) and 'blendOptions' ('Md  ', 'Opct' and 'fillOpacity' in per cent)). A
layer with no setting for a comp is not in it (applying the comp leaves it as it is).

We write that as Photoshop CC does (`psd_tools_files/artboard-bgcolor.psd`: every key of a
setting, one setting per comp, and a last one for comp id 0 with the layer as saved, which
both Photoshop files known here end with; that one comes out byte for byte as Photoshop's,
and resource 1065 of `ag_psd_files/layer-comps.psd`, a CS6 file, saved back is byte for
byte the same), so Photoshop sees comps made here; a comp read from a file keeps its id
(`LayerComp.file_id`). Our XMP packet keeps the comps as well (`layer_comps.to_json`, with
what Photoshop has no key for: whether a layer style was on); opening a file with both,
ours are taken while resource 1065 lists the same comps (`chosen_comps`). The layer
style's on/off per comp is neither read from nor written to 'cmls' (Photoshop's key for
it is not known here).
"""
from __future__ import annotations

import dataclasses
from typing import Mapping

from .comp_state import CompsState, LayerComp, NodeState
from .layer_comps import state_of
from .layers import GROUP_BLEND_MODES, Layer, Node
from .psd_effects import _EFFECT_MODE_CODES
from .snapshots import lineage

# Photoshop's 'BlnM' enumeration -> our blend mode (a group's Pass Through too).
_MODES = {code: mode for mode, code in _EFFECT_MODE_CODES.items()}
_MODES.update({b"passThrough": "pass_through", b"Dslv": "dissolve"})
_CODES = {mode: code for code, mode in _MODES.items()}
_CAPTURED = {"visibility": 1, "position": 2, "appearance": 4}

# Photoshop's keys, for the reader and the writer alike.
COMPS, COMP, NAME, COMMENT, COMP_ID, CAPTURED, LAST_APPLIED = (
    b"CompList", b"Comp", b"Nm  ", b"comment", b"compID", b"capturedInfo", b"lastAppliedComp")
LIST = b"list"
CMLS, LAYER_ID, SETTINGS, COMP_LIST, VISIBLE, OFFSET, FX_REF, BLEND = (
    b"cmls", b"LyrI", b"layerSettings", b"compList", b"enab", b"Ofst", b"FXRefPoint",
    b"blendOptions")
H, V, MODE, OPACITY, FILL = b"Hrzn", b"Vrtc", b"Md  ", b"Opct", b"fillOpacity"
SAVED_STATE = 0  # the 'compList' id of the setting Photoshop ends each layer's list with


def read_photoshop_comps(psd, by_id: Mapping[int, Node]) -> CompsState:
    """The comps of `psd` (psd-tools' PSDImage) on the nodes read (`by_id`: the file's
    layer ids -> nodes); empty when it has none. Anything malformed is skipped."""
    from psd_tools.constants import Resource

    data = psd.image_resources.get_data(Resource.LAYER_COMPS)
    entries = list(data.get(LIST, [])) if hasattr(data, "get") else []
    if not entries:
        return CompsState()
    settings = _layer_settings(psd, by_id)
    comps = []
    for entry in entries:
        try:
            comp_id = int(entry.get(COMP_ID))
            captured = int(entry.get(CAPTURED, 0))
        except (TypeError, ValueError):
            continue
        states = {}
        for node, node_settings in settings:
            chosen = next((s for s in node_settings if comp_id in _ids(s)), None)
            if chosen is not None:
                states[lineage(node)] = _state(node, chosen)
        flags = {attr: bool(captured & bit) for attr, bit in _CAPTURED.items()}
        comps.append(LayerComp(_text(entry.get(NAME), "Layer Comp"), **flags,
                               comment=_text(entry.get(COMMENT), ""), states=states,
                               file_id=comp_id))
    last = _number(data.get(LAST_APPLIED), None)
    applied = next((c.uid for c in comps if c.file_id == last), None)
    return CompsState(tuple(comps), applied=applied)


def chosen_comps(ours: CompsState, theirs: CompsState) -> CompsState:
    """The comps a file opens with, from our XMP packet's (`ours`) and Photoshop's
    (`theirs`): ours while Photoshop's list says the same (they also know whether a layer
    style was on), with the comp Photoshop's list names as applied last; Photoshop's when
    the lists differ (a file of ours whose comps were changed in Photoshop since, or one
    Photoshop made) unless it has none."""
    if not theirs.comps:
        return ours
    if _listed(ours) != _listed(theirs):
        return theirs
    applied = next((o.uid for o, t in zip(ours.comps, theirs.comps) if t.uid == theirs.applied),
                   None)
    return dataclasses.replace(ours, applied=applied)


def _listed(state: CompsState) -> list:
    """What resource 1065 says of each comp."""
    return [(c.file_id, c.name, c.visibility, c.position, c.appearance, c.comment)
            for c in state.comps]


def _layer_settings(psd, by_id: Mapping[int, Node]) -> list:
    """(node, its 'cmls' layerSettings) of each layer that has them."""
    from psd_tools.constants import Tag

    out = []
    for item in psd.descendants():
        node = by_id.get(item.layer_id) if isinstance(item.layer_id, int) else None
        if node is None:
            continue
        for meta in item._record.tagged_blocks.get_data(Tag.METADATA_SETTING) or ():
            if getattr(meta, "key", None) == CMLS and hasattr(meta.data, "get"):
                out.append((node, list(meta.data.get(SETTINGS, []))))
    return out


def _ids(setting) -> set:
    try:
        return {int(i) for i in setting.get(COMP_LIST, [])}
    except (TypeError, ValueError):
        return set()


def _text(value, default: str) -> str:
    value = getattr(value, "value", value)  # (psd-tools' String)
    return value.rstrip("\x00") if isinstance(value, str) else default


def _number(value, default):
    value = getattr(value, "value", value)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def _byte(percent: float) -> int:
    """A percentage as 0..255, half up (50 % is 128, as in a layer record)."""
    return int(max(0.0, min(100.0, percent)) * 255 / 100 + 0.5)


def _state(node: Node, s) -> NodeState:
    """What the setting `s` says of `node`; what it does not say is as the node is saved."""
    visible = getattr(s.get(VISIBLE), "value", s.get(VISIBLE))
    x = y = None
    if isinstance(node, Layer):
        offset = s.get(OFFSET) or {}
        x = node.x + int(_number(offset.get(H), 0))
        y = node.y + int(_number(offset.get(V), 0))
    blend = s.get(BLEND) or {}
    mode = _MODES.get(getattr(blend.get(MODE), "enum", None), node.blend_mode)
    if mode == "pass_through" and isinstance(node, Layer) or mode not in GROUP_BLEND_MODES:
        mode = node.blend_mode
    opacity = _number(blend.get(OPACITY), None)
    fill = _number(blend.get(FILL), None)
    return NodeState(
        visible=bool(visible) if isinstance(visible, bool) else node.visible, x=x, y=y,
        blend_mode=mode,
        opacity=node.opacity if opacity is None else _byte(opacity),
        fill_opacity=node.fill_opacity if fill is None else _byte(fill),
        effects_on=None)


def _percent(byte: int) -> float:
    """A 0..255 value in per cent (`_byte` turns it back into the same value)."""
    return byte * 100 / 255


# -- writing ----------------------------------------------------------------------------------
_MAX_ID = 2**31 - 1  # ('compID' is a signed 32-bit 'long')


def comp_ids(comps) -> dict[int, int]:
    """The id each comp is written with, by uid: the one its file gave it while that is free,
    else the next free one from 1 (0 is the saved state's)."""
    ids: dict[int, int] = {}
    for comp in comps:
        if isinstance(comp.file_id, int) and 0 < comp.file_id <= _MAX_ID \
                and comp.file_id not in ids.values():
            ids[comp.uid] = comp.file_id
    used, free = set(ids.values()), 1
    for comp in comps:
        if comp.uid not in ids:
            while free in used:
                free += 1
            ids[comp.uid] = free
            used.add(free)
    return ids


def comps_resource(state: CompsState, ids: Mapping[int, int]):
    """Image resource 1065 for the comps of `state` (`ids`: `comp_ids`); None without comps."""
    from psd_tools.constants import Resource
    from psd_tools.psd.descriptor import DescriptorBlock, Integer, List
    from psd_tools.psd.image_resources import ImageResource

    if not state.comps:
        return None
    block = DescriptorBlock(classID=COMPS, name="\x00")
    block[LIST] = List([_comp(c, ids[c.uid]) for c in state.comps])
    if state.applied in ids:
        block[LAST_APPLIED] = Integer(ids[state.applied])
    return ImageResource(key=Resource.LAYER_COMPS, data=block)


def _comp(comp: LayerComp, comp_id: int):
    from psd_tools.psd.descriptor import Descriptor, Integer, String

    d = Descriptor(classID=COMP, name="\x00")
    d[NAME] = String(comp.name + "\x00")  # (Photoshop's strings end with their NUL)
    if comp.comment:
        d[COMMENT] = String(comp.comment + "\x00")
    d[COMP_ID] = Integer(comp_id)
    d[CAPTURED] = Integer(sum(bit for attr, bit in _CAPTURED.items() if getattr(comp, attr)))
    return d


def write_layer_settings(record, node: Node, layer_id: int, comps,
                         ids: Mapping[int, int]) -> None:
    """Puts `node`'s 'cmls' (its state in each of `comps` that has it) into the 'shmd' block of
    its layer record (written as `layer_id`), beside what else that block holds (a carried
    record's); nothing without comps."""
    from psd_tools.constants import Tag
    from psd_tools.psd.descriptor import DescriptorBlock, Integer, List
    from psd_tools.psd.tagged_blocks import MetadataSetting, MetadataSettings

    if not comps:
        return
    key = lineage(node)
    settings = [_setting(node, ids[c.uid], c.states[key]) for c in comps if key in c.states]
    settings.append(_setting(node, SAVED_STATE, state_of(node)))
    data = DescriptorBlock(classID=b"null", name="\x00")
    data[LAYER_ID] = Integer(layer_id)
    data[SETTINGS] = List(settings)
    kept = [m for m in record.tagged_blocks.get_data(Tag.METADATA_SETTING) or ()
            if getattr(m, "key", None) != CMLS]
    record.tagged_blocks.set_data(Tag.METADATA_SETTING, MetadataSettings(
        kept + [MetadataSetting(key=CMLS, data=data)]))


def _setting(node: Node, comp_id: int, s: NodeState):
    """One 'layerSettings' entry: every key, in Photoshop CC's order."""
    from psd_tools.psd.descriptor import Bool, Descriptor, Enumerated, Integer, List, UnitFloat
    from psd_tools.terminology import Unit

    def point(x, y):
        p = Descriptor(classID=b"null", name="\x00")
        p[H], p[V] = Integer(x), Integer(y)
        return p

    d = Descriptor(classID=b"null", name="\x00")
    d[COMP_LIST] = List([Integer(comp_id)])
    d[VISIBLE] = Bool(s.visible)
    moved = isinstance(node, Layer) and s.x is not None
    dx, dy = (s.x - node.x, s.y - node.y) if moved else (0, 0)
    d[OFFSET] = point(dx, dy)
    # (the layer's top left there, as Photoshop writes it; a group's is 0, 0)
    d[FX_REF] = point(s.x, s.y) if moved else point(0, 0)
    blend = Descriptor(classID=b"null", name="\x00")
    blend[MODE] = Enumerated(b"BlnM", _CODES.get(s.blend_mode, _CODES["normal"]))
    blend[OPACITY] = UnitFloat(unit=Unit.Percent, value=_percent(s.opacity))
    blend[FILL] = UnitFloat(unit=Unit.Percent, value=_percent(s.fill_opacity))
    d[BLEND] = blend
    return d

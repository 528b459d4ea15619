"""Photoshop's own layer comps, read from a PSD another program wrote.

Photoshop keeps the list in image resource 1065 ('Layer Comps', a 'CompList' descriptor:
each comp's 'Nm  ', 'compID', 'capturedInfo' — 1 visibility, 2 position, 4 appearance —
and 'comment') and each layer's state in its 'shmd' metadata block, under 'cmls': a list
of 'layerSettings', each for the comps its 'compList' names, with 'enab' (visible),
'Ofst' (the position, as an offset from where the layer is saved) and 'blendOptions'
('Md  ', 'Opct' and 'fillOpacity' in per cent). A layer with no setting for a comp is
not in it (applying the comp leaves it as it is).

Only read: our own files keep the comps in our XMP packet (`layer_comps.to_json`), and
saving does not write 1065 or 'cmls', so Photoshop does not see comps made here. The
layer style's on/off per comp is not read (Photoshop's key for it is not known here).
"""
from __future__ import annotations

from typing import Mapping

from .comp_state import CompsState, LayerComp, NodeState
from .layers import GROUP_BLEND_MODES, Layer, Node
from .psd_effects import _EFFECT_MODE_CODES
from .snapshots import lineage

# Photoshop's 'BlnM' enumeration -> our blend mode (a group's Pass Through too).
_MODES = {code: mode for mode, code in _EFFECT_MODE_CODES.items()}
_MODES.update({b"passThrough": "pass_through", b"Dslv": "dissolve"})
_CAPTURED = {"visibility": 1, "position": 2, "appearance": 4}


def read_photoshop_comps(psd, by_id: Mapping[int, Node]) -> CompsState:
    """The comps of `psd` (psd-tools' PSDImage) on the nodes read (`by_id`: the file's
    layer ids -> nodes); empty when it has none. Anything malformed is skipped."""
    from psd_tools.constants import Resource

    data = psd.image_resources.get_data(Resource.LAYER_COMPS)
    entries = list(data.get(b"list", [])) if hasattr(data, "get") else []
    if not entries:
        return CompsState()
    settings = _layer_settings(psd, by_id)
    comps = []
    for entry in entries:
        try:
            comp_id = int(entry.get(b"compID"))
            captured = int(entry.get(b"capturedInfo", 0))
        except (TypeError, ValueError):
            continue
        states = {}
        for node, node_settings in settings:
            chosen = next((s for s in node_settings if comp_id in _ids(s)), None)
            if chosen is not None:
                states[lineage(node)] = _state(node, chosen)
        flags = {attr: bool(captured & bit) for attr, bit in _CAPTURED.items()}
        comps.append(LayerComp(_text(entry.get(b"Nm  "), "Layer Comp"), **flags,
                               comment=_text(entry.get(b"comment"), ""), states=states))
    return CompsState(tuple(comps))


def _layer_settings(psd, by_id: Mapping[int, Node]) -> list:
    """(node, its 'cmls' layerSettings) of each layer that has them."""
    from psd_tools.constants import Tag

    out = []
    for item in psd.descendants():
        node = by_id.get(item.layer_id) if isinstance(item.layer_id, int) else None
        if node is None:
            continue
        for meta in item._record.tagged_blocks.get_data(Tag.METADATA_SETTING) or ():
            if getattr(meta, "key", None) == b"cmls" and hasattr(meta.data, "get"):
                out.append((node, list(meta.data.get(b"layerSettings", []))))
    return out


def _ids(setting) -> set:
    try:
        return {int(i) for i in setting.get(b"compList", [])}
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
    visible = getattr(s.get(b"enab"), "value", s.get(b"enab"))
    x = y = None
    if isinstance(node, Layer):
        offset = s.get(b"Ofst") or {}
        x = node.x + int(_number(offset.get(b"Hrzn"), 0))
        y = node.y + int(_number(offset.get(b"Vrtc"), 0))
    blend = s.get(b"blendOptions") or {}
    mode = _MODES.get(getattr(blend.get(b"Md  "), "enum", None), node.blend_mode)
    if mode == "pass_through" and isinstance(node, Layer) or mode not in GROUP_BLEND_MODES:
        mode = node.blend_mode
    opacity = _number(blend.get(b"Opct"), None)
    fill = _number(blend.get(b"fillOpacity"), None)
    return NodeState(
        visible=bool(visible) if isinstance(visible, bool) else node.visible, x=x, y=y,
        blend_mode=mode,
        opacity=node.opacity if opacity is None else _byte(opacity),
        fill_opacity=node.fill_opacity if fill is None else _byte(fill),
        effects_on=None)

"""Layered's own data in a PSD's XMP packet (image resource 1060, our namespace): by
layer id each layer's recipe, a name too long for its record, whether its mask is
linked, the layers linked together (Link Layers), its source kind, a text layer's settings and a
smart object's stack mode (`stack_modes`); the full names of the
document's paths; the layer comps, each layer's state in them by layer id; and the
character and paragraph styles (`type_styles`), a type layer's styles' names by its id. Written with the file, applied to the layers when it is read.
Our property goes into the document's own packet (`Document.xmp`, File Info's and other
programs' metadata, edited in place by `xmp.set_property`), which is kept whole.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Optional
from xml.sax.saxutils import escape

from . import layer_comps
from .document import Document
from .layers import Layer, Node
from .psd_type import _make_text_layer, _prefer_entry
from .text_layer import TextLayer


XMP_NAMESPACE = "urn:layered-editor:xmp:1.0/"
XMP_PROPERTY = "layers"


def _written_by_us(psd) -> bool:
    """Our files always carry our XMP packet (a document may have no layers at all)."""
    from psd_tools.constants import Resource

    return _parse_xmp(psd.image_resources.get_data(Resource.XMP_METADATA)) is not None


def _apply_metadata(psd, doc: Document, by_id: dict[int, Node]) -> None:
    """Restores recipes (and names too long for PSD) onto the layers they belong to."""
    from psd_tools.constants import Resource

    entries = _parse_xmp(psd.image_resources.get_data(Resource.XMP_METADATA))
    if not entries:
        return
    by_name: dict[str, list[Node]] = {}
    for node in doc.nodes():
        by_name.setdefault(node.name, []).append(node)
    stacked: dict = {}  # (contents shared by several layers: made anew once)
    for key, entry in entries.items():
        if not isinstance(entry, dict):
            continue
        node = by_id.get(int(key)) if str(key).isdigit() else None
        if node is None:  # renumbered by another program: a unique name still finds it
            candidates = by_name.get(str(entry.get("short_name", "")), [])
            node = candidates[0] if len(candidates) == 1 else None
        if node is None:
            continue
        if isinstance(entry.get("name"), str) and entry["name"].startswith(node.name):
            node.name = entry["name"]
        if node.mask is not None and isinstance(entry.get("mask_linked"), bool):
            node.mask.linked = entry["mask_linked"]
        if isinstance(entry.get("link_group"), int) and entry["link_group"] > 0:
            node.link_group = entry["link_group"]  # Link Layers as we saved them before psd_links
        if isinstance(node, Layer):
            if isinstance(entry.get("recipe"), dict):
                node.recipe = entry["recipe"]
            if isinstance(entry.get("source_kind"), str):
                node.source_kind = entry["source_kind"]
            # A smart object's smart filters and their mask (`smart_filters.as_entry`).
            if isinstance(entry.get("smart_filters"), list) and hasattr(node, "filters"):
                from .smart_filters import from_entry

                # (its pixels as saved show them: nothing to render again)
                node.filters = from_entry(entry["smart_filters"])
                if node.filters:
                    from .smart_filters import mask_from_entry

                    node.filter_mask = mask_from_entry(entry.get("smart_filters_mask_values"),
                                                       entry.get("smart_filters_mask", 255))
            if isinstance(entry.get("stack_mode"), str) and hasattr(node, "contents"):
                _apply_stack_mode(node, entry["stack_mode"], stacked)
            if isinstance(entry.get("text"), dict):
                if isinstance(node, TextLayer):  # read from its 'TySh'
                    _prefer_entry(node, entry["text"])
                elif node.kind == "pixel":  # (a file of ours from before 'TySh' was written)
                    _make_text_layer(node, entry["text"])
            styles = entry.get("type_styles")
            if isinstance(node, TextLayer) and isinstance(styles, list) and len(styles) == 2:
                node.paragraph_style, node.character_style = (
                    s if isinstance(s, str) else None for s in styles)


def _apply_stack_mode(node, mode: str, stacked: dict) -> None:
    """An image stack's Stack Mode applied again to its contents as read (their pixels
    are the embedded PSD's composite; the layer's own pixels as saved already show the
    statistic). An unknown mode or unreadable contents leave them as read."""
    import dataclasses

    from .smart_object import embedded_document
    from .stack_modes import MODES, stack_pixels

    old = node.contents
    if mode not in MODES or old.data is None or old.filetype not in ("8bps", "8bpb") \
            or old.width == 0:
        return
    if old not in stacked:
        try:
            pixels = stack_pixels(embedded_document(old), mode)
        except Exception:  # (any reader's failure: the contents stay as read)
            return
        if pixels.shape[:2] != (old.height, old.width):
            return
        stacked[old] = dataclasses.replace(old, pixels=pixels, stack_mode=mode)
    node.contents = stacked[old]


def _parse_xmp(data) -> Optional[dict]:
    """Our entries by layer id; None when the file has no packet of ours."""
    value = _xmp_value(data)
    if value is None:
        return None
    layers = value.get("layers")
    return layers if isinstance(layers, dict) else {}


def _xmp_path_names(psd) -> dict:
    """The full names of the paths, by resource id, that our XMP packet keeps."""
    from psd_tools.constants import Resource

    value = _xmp_value(psd.image_resources.get_data(Resource.XMP_METADATA)) or {}
    names = value.get("paths")
    return {str(k): v for k, v in names.items() if isinstance(v, str)} \
        if isinstance(names, dict) else {}


def _xmp_layer_comps(psd, by_id: dict[int, Node]):
    """The layer comps our XMP packet keeps (`layer_comps.from_json`), their states on the
    nodes read (`by_id`: the file's layer ids)."""
    from psd_tools.constants import Resource

    value = _xmp_value(psd.image_resources.get_data(Resource.XMP_METADATA)) or {}
    return layer_comps.from_json(value.get("layer_comps"), by_id)


def _xmp_type_styles(psd):
    """The character and paragraph styles our XMP packet keeps (`TypeStyles.from_json`;
    none when it has none)."""
    from psd_tools.constants import Resource

    from .type_styles import TypeStyles

    value = _xmp_value(psd.image_resources.get_data(Resource.XMP_METADATA)) or {}
    return TypeStyles.from_json(value.get("type_styles"))


def _xmp_value(data) -> Optional[dict]:
    """The JSON object of our XMP packet; None when the file has none."""
    if not data:
        return None
    try:
        root = ET.fromstring(bytes(data).strip(b"\x00 \n\r\t"))
    except ET.ParseError:
        return None
    element = root.find(f".//{{{XMP_NAMESPACE}}}{XMP_PROPERTY}")
    if element is None or not element.text:
        return None
    try:
        value = json.loads(element.text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else {}


def document_packet(psd, warn) -> Optional[bytes]:
    """The file's XMP packet less our own property (`Document.xmp`: File Info's and other
    programs' metadata); None when it holds nothing else, or is damaged (one warning)."""
    from psd_tools.constants import Resource

    from . import xmp
    from .file_info import checked_packet

    packet = checked_packet(psd.image_resources.get_data(Resource.XMP_METADATA), warn)
    if packet is None or XMP_NAMESPACE.encode() not in packet:
        return packet
    return xmp.without(packet, XMP_NAMESPACE)


def _xmp_packet(layers: dict, path_names: Optional[dict] = None,
                comps: Optional[list] = None, base: Optional[bytes] = None,
                type_styles: Optional[list] = None) -> bytes:
    """Our packet: `base` (the document's own, `Document.xmp`) with our property set in
    it, every other property kept; without one, a packet of ours alone."""
    from . import xmp

    value = {"version": 1, "layers": layers}
    if path_names:
        value["paths"] = path_names  # names a path resource's Pascal string cannot hold
    if comps:
        value["layer_comps"] = comps  # (layer_comps.to_json; Photoshop's copy: psd_comps)
    if type_styles:
        value["type_styles"] = type_styles  # (type_styles.py; not Photoshop's 'Txt2' sheets)
    payload = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    if base:
        try:
            return xmp.set_property(base, XMP_NAMESPACE, XMP_PROPERTY, payload)
        except xmp.XmpError:  # (checked when read: only a packet set by hand gets here)
            pass
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        f'  <rdf:Description rdf:about="" xmlns:layered="{XMP_NAMESPACE}">\n'
        f'   <layered:{XMP_PROPERTY}>{escape(payload)}</layered:{XMP_PROPERTY}>\n'
        '  </rdf:Description>\n'
        ' </rdf:RDF>\n'
        '</x:xmpmeta>\n'
        '<?xpacket end="w"?>'
    ).encode("utf-8")

"""Fill and shape layers in PSD files: a fill layer's settings from its block ('SoCo',
'GdFl', 'PtFl', or Photoshop CC's 'vscg' holding one), a shape's vector stroke ('vstk')
read and written, and a linked Pattern fill's anchor (the layer's 'fxrp').
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from . import adjustments
from .layers import FillLayer
from .psd_adjustments import adjustment_blocks
from .psd_effects import _fxrp
from .psd_fills import _rgb, read_gradient, read_pattern_fill
from .shape_stroke import ShapeStroke


def read_pattern_anchor(item, node: FillLayer) -> None:
    """A Pattern fill linked with its shape layer draws its tiles from the layer's
    reference point 'fxrp', not its path's corner: in patterns.psd (Photoshop's) each of
    six shapes has 'fxrp' at its path's corner + (1, 0), and Photoshop's tiles lie
    exactly there (ours at the corner were off by that pixel). Kept as the settings'
    `anchor`, relative to the path's box, so it moves with the shape. A Pattern fill
    without a path does the same from the canvas's corner: Aspose's FillLayersTest.psd
    (Photoshop's) has one, masked, with 'fxrp' (-83, -116), its tiles there (0.3 levels
    off its merged image; from the canvas's corner 40)."""
    settings = node.settings
    if not isinstance(settings, adjustments.PatternFill) or not settings.align:
        return
    point = item.tagged_blocks.get_data(_fxrp())
    # Without a path the frame is the canvas, at (0, 0) (not yet known while reading).
    x0, y0, w, _ = node.frame() if node.vector_mask is not None else (0.0, 0.0, 1.0, 1.0)
    try:
        anchor = (float(point[0]) - x0, float(point[1]) - y0)
    except (TypeError, IndexError, ValueError):
        return
    if anchor != (0.0, 0.0) and w > 0 and max(map(abs, anchor)) < 1e6:
        node.settings = dataclasses.replace(settings, anchor=anchor)


def pattern_anchor_block(node) -> Optional[object]:
    """The 'fxrp' block of a linked Pattern fill's `anchor` (`read_pattern_anchor`) for a
    layer whose style writes none; None when there is nothing to write."""
    from psd_tools.psd.tagged_blocks import ReferencePoint, TaggedBlock

    settings = getattr(node, "settings", None)
    if not isinstance(settings, adjustments.PatternFill) or settings.anchor == (0.0, 0.0) \
            or (node.effects is not None and node.effects.reference_point is not None):
        return None
    frame = node.frame()
    point = ReferencePoint([frame[0] + settings.anchor[0], frame[1] + settings.anchor[1]])
    return TaggedBlock(key=_fxrp(), data=point)


def read_fill(item, patterns: Optional[dict] = None) -> Optional[adjustments.Adjustment]:
    """Our settings for a Solid Color, Gradient or Pattern fill layer: psd-tools'
    SolidColorFill, GradientFill or PatternFill, or its ShapeLayer with a 'SoCo', 'GdFl' or
    'PtFl' block (or 'vscg' holding one) and no stroke or one we draw (Photoshop's shape
    layer: the fill and its path; the stroke is read by `_Reader.read_stroke`); None for
    anything else (other fills, a colour not stored as RGB, a pattern not
    among `patterns` (the file's, by id), a gradient or pattern stroke: psd-tools draws
    those)."""
    from psd_tools.api.layers import FillLayer as PsdFill, ShapeLayer
    from psd_tools.constants import Tag

    if not isinstance(item, (PsdFill, ShapeLayer)):
        return None
    blocks = item.tagged_blocks
    stroke = blocks.get_data(Tag.VECTOR_STROKE_DATA)
    if stroke is not None and bool(stroke.get(b"strokeEnabled", False)) \
            and read_stroke(stroke) is None:
        return None  # a stroke we do not draw (a gradient or pattern, a blend mode)
    # Photoshop CC keeps a stroked shape's fill in 'vscg' (its key: the fill's block's).
    content = blocks.get_data(Tag.VECTOR_STROKE_CONTENT_DATA)
    gradient = blocks.get_data(Tag.GRADIENT_FILL_SETTING)
    if gradient is None and content is not None and content.key == b"GdFl":
        gradient = content
    if gradient is not None:
        return read_gradient(gradient)
    pattern = blocks.get_data(Tag.PATTERN_FILL_SETTING)
    if pattern is not None:
        return read_pattern_fill(pattern, patterns or {})
    desc = blocks.get_data(Tag.SOLID_COLOR_SHEET_SETTING)
    if desc is None and content is not None and content.key == b"SoCo":
        desc = content
    if desc is None:
        return None
    values = _rgb(desc.get(b"Clr "))
    return adjustments.SolidColor(values) if values is not None else None


# -- shape strokes: ours <-> Photoshop's 'vstk' descriptor ('strokeStyle') ----------------

_STROKE_ENUMS = {  # our names -> (key, the enumeration's type, its values by our names)
    "alignment": (b"strokeStyleLineAlignment", {"inside": b"strokeStyleAlignInside",
                                                "center": b"strokeStyleAlignCenter",
                                                "outside": b"strokeStyleAlignOutside"}),
    "cap": (b"strokeStyleLineCapType", {"butt": b"strokeStyleButtCap",
                                        "round": b"strokeStyleRoundCap",
                                        "square": b"strokeStyleSquareCap"}),
    "join": (b"strokeStyleLineJoinType", {"miter": b"strokeStyleMiterJoin",
                                          "round": b"strokeStyleRoundJoin",
                                          "bevel": b"strokeStyleBevelJoin"}),
}


def read_stroke(desc) -> Optional[ShapeStroke]:
    """Our stroke from a 'vstk' descriptor, absent keys taken as Photoshop's defaults; None
    for a stroke we do not draw (not a solid RGB colour, a blend mode other than Normal).
    A width in points is turned into pixels at the descriptor's resolution."""
    from psd_tools.terminology import Unit

    def number(key: bytes, default: float) -> float:
        value = desc.get(key)
        try:
            return float(getattr(value, "value", value)) if value is not None else default
        except (TypeError, ValueError):
            return default

    content = desc.get(b"strokeStyleContent")
    color = _rgb(content.get(b"Clr ")) if content is not None \
        and getattr(content, "classID", None) == b"solidColorLayer" else None
    mode = desc.get(b"strokeStyleBlendMode")
    if color is None or getattr(mode, "enum", b"Nrml") != b"Nrml":
        return None
    choices = {}
    for name, (key, values) in _STROKE_ENUMS.items():
        found = getattr(desc.get(key), "enum", None)
        choices[name] = next((ours for ours, theirs in values.items() if theirs == found),
                             {"alignment": "inside", "cap": "butt", "join": "miter"}[name])
    width = number(b"strokeStyleLineWidth", 1.0)
    if getattr(desc.get(b"strokeStyleLineWidth"), "unit", None) == Unit.Points:
        width *= number(b"strokeStyleResolution", 72.0) / 72
    dashes = []
    for dash in desc.get(b"strokeStyleLineDashSet") or ():
        try:
            dashes.append(float(getattr(dash, "value", dash)))
        except (TypeError, ValueError):
            pass
    try:
        return ShapeStroke(enabled=bool(desc.get(b"strokeEnabled", True)),
                           fill=bool(desc.get(b"fillEnabled", True)),
                           width=width, color=color,
                           opacity=number(b"strokeStyleOpacity", 100.0),
                           miter_limit=number(b"strokeStyleMiterLimit", 100.0),
                           dashes=tuple(dashes),
                           dash_offset=number(b"strokeStyleLineDashOffset", 0.0),
                           descriptor=desc, **choices)
    except ValueError:  # a width beyond what a stroke has, a negative dash
        return None


def stroke_blocks(stroke: ShapeStroke, settings: adjustments.Adjustment) -> list:
    """The 'vstk' block of `stroke` as (key, data): the descriptor it was read from with
    only the keys whose value changed written anew (the others, and keys Layered does not
    know, exactly as read), or Photoshop's full descriptor for a stroke made here; and,
    when the fill was read from 'vscg', that block again with the fill's descriptor."""
    import copy

    from psd_tools.constants import Tag
    from psd_tools.psd.descriptor import Bool, Descriptor, Double, Enumerated, List, UnitFloat
    from psd_tools.psd.vector import VectorStrokeContentSetting
    from psd_tools.terminology import Unit

    def enum(name: str, value: str) -> Enumerated:
        key, values = _STROKE_ENUMS[name]
        return Enumerated(typeID=key, enum=values[value])

    def content() -> Descriptor:
        color = Descriptor(classID=b"RGBC")
        for key, value in zip((b"Rd  ", b"Grn ", b"Bl  "), stroke.color):
            color[key] = Double(float(value))
        out = Descriptor(classID=b"solidColorLayer")
        out[b"Clr "] = color
        return out

    fields = {  # our field -> (key, its value as Photoshop writes it)
        "enabled": (b"strokeEnabled", lambda: Bool(stroke.enabled)),
        "fill": (b"fillEnabled", lambda: Bool(stroke.fill)),
        "width": (b"strokeStyleLineWidth", lambda: UnitFloat(unit=Unit.Pixels,
                                                             value=stroke.width)),
        "miter_limit": (b"strokeStyleMiterLimit", lambda: Double(stroke.miter_limit)),
        "cap": (b"strokeStyleLineCapType", lambda: enum("cap", stroke.cap)),
        "join": (b"strokeStyleLineJoinType", lambda: enum("join", stroke.join)),
        "alignment": (b"strokeStyleLineAlignment", lambda: enum("alignment", stroke.alignment)),
        "opacity": (b"strokeStyleOpacity", lambda: UnitFloat(unit=Unit.Percent,
                                                             value=stroke.opacity)),
        "color": (b"strokeStyleContent", content),
        # Dashes in stroke widths (Photoshop's unit-less numbers), the offset as it writes it.
        "dashes": (b"strokeStyleLineDashSet", lambda: List([UnitFloat(unit=Unit._None, value=d)
                                                            for d in stroke.dashes])),
        "dash_offset": (b"strokeStyleLineDashOffset",
                        lambda: UnitFloat(unit=Unit.Points, value=stroke.dash_offset)),
    }
    if stroke.descriptor is not None:
        desc = copy.deepcopy(stroke.descriptor)
        old = read_stroke(stroke.descriptor)
        for name, (key, value) in fields.items():
            if old is None or getattr(old, name) != getattr(stroke, name):
                desc[key] = value()
    else:  # Photoshop's keys, in its order
        from psd_tools.psd.descriptor import DescriptorBlock, Integer

        desc = DescriptorBlock(classID=b"strokeStyle")
        desc[b"strokeStyleVersion"] = Integer(2)
        for name in ("enabled", "fill", "width"):
            desc[fields[name][0]] = fields[name][1]()
        desc[fields["dash_offset"][0]] = fields["dash_offset"][1]()
        for name in ("miter_limit", "cap", "join", "alignment"):
            desc[fields[name][0]] = fields[name][1]()
        desc[b"strokeStyleScaleLock"] = Bool(False)
        desc[b"strokeStyleStrokeAdjust"] = Bool(False)
        desc[fields["dashes"][0]] = fields["dashes"][1]()
        desc[b"strokeStyleBlendMode"] = Enumerated(typeID=b"BlnM", enum=b"Nrml")
        for name in ("opacity", "color"):
            desc[fields[name][0]] = fields[name][1]()
        desc[b"strokeStyleResolution"] = Double(72.0)
    out = [(Tag.VECTOR_STROKE_DATA, desc)]
    if stroke.content_block:
        (key, fill), = [(k, d) for k, d in adjustment_blocks(settings)
                        if k in (Tag.SOLID_COLOR_SHEET_SETTING, Tag.GRADIENT_FILL_SETTING)]
        block = VectorStrokeContentSetting(key=key.value, version=16, classID=fill.classID)
        for k, v in fill.items():
            block[k] = v
        out.append((Tag.VECTOR_STROKE_CONTENT_DATA, block))
    return out

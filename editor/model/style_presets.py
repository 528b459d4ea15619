"""The Styles panel's presets (Photoshop's Styles): named layer styles, each a layer's
effects (`layer_effects.LayerEffects`) and, when the style was made with "Include Layer
Blending Options", its blending (mode, opacity, fill, Advanced Blending).

The effects are kept as Photoshop keeps them in its .asl style files and in a PSD: the
'lfx2' effects descriptor, written and read by psd_effects (`effect_blocks`,
`read_layer_effects`: the one place that maps our effects to Photoshop's keys), here as
the tagged block's bytes in base64 inside styles.json. So a style keeps whatever the
descriptor holds, drawn or not, exactly as a saved PSD would. A Pattern Overlay names
its pattern by id only (as in a PSD, whose patterns the file holds): a style made from one
finds the pattern only in a document that has it (`resolved`, when the style is applied;
an .asl's own patterns join the document as its styles are imported). Styles are the user's, not a
document's: saved beside the settings, no undo step. No Qt.
"""
from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import Optional

from . import preset_file
from .adjustments import GradientFill
from .errors import DocumentError
from .layer_effects import (EDITABLE, BevelEmboss, ColorOverlay, DropShadow, GradientOverlay,
                            InnerGlow, InnerShadow, LayerEffects, OuterGlow, Satin, Stroke)
from .layers import BLENDING_OPTIONS, GROUP_BLEND_MODES, KNOCKOUTS

# What "Include Layer Blending Options" takes from a layer, by attribute: mode, opacity
# and fill (0..255), knockout, channels, then Advanced Blending's flags.
BLENDING_ATTRS = ("blend_mode", "opacity", "fill_opacity", "knockout", "channels",
                  *(attr for attr, _, _, _ in BLENDING_OPTIONS))


@dataclass
class Style:
    name: str
    effects: LayerEffects
    # None: the style leaves a layer's blending as it is (made without blending options).
    blending: Optional[dict] = field(default=None)


def blending_of(node) -> dict:
    """`node`'s blending options, as a style keeps them."""
    return {attr: getattr(node, attr) for attr in BLENDING_ATTRS}


def style_effects(effects: LayerEffects) -> LayerEffects:
    """A layer's effects as a style keeps them: without the layer's reference point (its
    'fxrp', where that layer's linked patterns start), which a style applied to another
    layer must not carry (there the layer's own box places them, as for a new style)."""
    from psd_tools.constants import Tag

    return replace(effects, reference_point=None,
                   blocks=tuple(b for b in effects.blocks if b.key != Tag.REFERENCE_POINT))


def added(effects: Optional[LayerEffects], style: LayerEffects) -> LayerEffects:
    """Shift+click in Photoshop's Styles: the style's effects added to a layer's, each kind
    the style has taking the place of the layer's of that kind, the others kept."""
    if effects is None:
        return style
    return replace(effects, enabled=True, **{kind: getattr(style, kind)
                                             for kind, _, _ in EDITABLE if getattr(style, kind)})


# -- the effects as bytes: psd_effects' descriptor ----------------------------------------------
def effects_to_text(effects: LayerEffects) -> str:
    """The effects' tagged blocks (the 'lfx2' descriptor PSD files hold), base64."""
    from psd_tools.psd.tagged_blocks import TaggedBlocks

    from .psd_effects import effect_blocks

    blocks = TaggedBlocks()
    for block in effect_blocks(effects):
        blocks[block.key] = block
    out = io.BytesIO()
    blocks.write(out, version=1, padding=4)
    return base64.b64encode(out.getvalue()).decode("ascii")


def effects_from_text(text: str) -> LayerEffects:
    """`effects_to_text`'s effects back, read as a PSD's are (`effects_from_blocks`)."""
    from psd_tools.psd.tagged_blocks import TaggedBlocks

    return effects_from_blocks(TaggedBlocks.read(io.BytesIO(base64.b64decode(text, validate=True)),
                                                 version=1, padding=4))


def effects_from_blocks(blocks, patterns: Optional[dict] = None) -> LayerEffects:
    """The effects of psd-tools' tagged blocks (a style's 'lfx2'), read as a PSD's are
    (psd-tools' Effects over the blocks, then `read_layer_effects`); `patterns` by id for
    a Pattern Overlay's (an .asl's own)."""
    from psd_tools.api.effects import Effects
    from psd_tools.psd.image_resources import ImageResources

    from .psd_effects import read_layer_effects

    # psd-tools reads a layer's effects through its tagged blocks and the file's
    # resources (the global light); a style has no file, so no global light.
    layer = SimpleNamespace(tagged_blocks=blocks,
                            _psd=SimpleNamespace(image_resources=ImageResources()))
    return read_layer_effects(SimpleNamespace(effects=Effects(layer)), tuple(blocks.values()),
                              patterns)


def resolved(effects: LayerEffects, patterns) -> LayerEffects:
    """`effects` read again with `patterns` (a document's, by id) when that finds a
    Pattern Overlay's or a pattern Stroke's pattern they lacked: a style keeps only the
    pattern's id, so it draws the pattern in a document that holds it."""
    from psd_tools.psd.tagged_blocks import TaggedBlocks

    if not patterns or not effects.blocks:
        return effects
    blocks = TaggedBlocks()
    for block in effects.blocks:
        blocks[block.key] = block
    again = effects_from_blocks(blocks, dict(patterns))
    found = (len(again.pattern_overlays) > len(effects.pattern_overlays)
             or len(again.strokes) > len(effects.strokes))
    return replace(again, enabled=effects.enabled) if found else effects


# -- the default set ------------------------------------------------------------------------------
def _gradient(stops, angle=90.0, style="linear") -> GradientFill:
    return GradientFill(stops=tuple(stops), angle=angle, style=style)


def default_styles() -> list[Style]:
    """Ten styles of Layered's own (Photoshop ships its own sets; these are not copies)."""
    chrome = _gradient([(0.0, (90, 96, 108)), (48.0, (235, 240, 248)), (52.0, (120, 126, 138)),
                        (100.0, (220, 226, 236))])
    sunset = _gradient([(0.0, (255, 94, 58)), (100.0, (255, 205, 80))], angle=60.0)
    return [
        Style("Soft Shadow", LayerEffects(drop_shadows=(
            DropShadow(opacity=60.0, distance=4.0, size=7.0),))),
        Style("Neon Glow", LayerEffects(
            color_overlays=(ColorOverlay(color=(40, 255, 230)),),
            outer_glows=(OuterGlow(color=(0, 255, 220), opacity=90.0, size=10.0,
                                   spread=10.0),),
            inner_glows=(InnerGlow(color=(255, 255, 255), opacity=70.0, size=4.0),))),
        Style("Bevel Button", LayerEffects(
            gradient_overlays=(GradientOverlay(opacity=100.0, gradient=_gradient(
                [(0.0, (40, 90, 200)), (100.0, (120, 180, 255))])),),
            bevels=(BevelEmboss(size=5.0, soften=1.0),),
            drop_shadows=(DropShadow(opacity=50.0, distance=2.0, size=4.0),))),
        Style("Outline", LayerEffects(
            color_overlays=(ColorOverlay(color=(255, 255, 255)),),
            strokes=(Stroke(position="inside", size=3.0, color=(20, 20, 20)),))),
        Style("Chrome", LayerEffects(
            gradient_overlays=(GradientOverlay(gradient=chrome),),
            bevels=(BevelEmboss(technique="chisel_soft", size=4.0, depth=150.0),),
            strokes=(Stroke(position="outside", size=1.0, color=(60, 64, 72)),))),
        Style("Inset", LayerEffects(
            color_overlays=(ColorOverlay(color=(200, 204, 210)),),
            inner_shadows=(InnerShadow(opacity=70.0, distance=3.0, size=6.0),))),
        Style("Sunset", LayerEffects(
            gradient_overlays=(GradientOverlay(gradient=sunset),),
            drop_shadows=(DropShadow(color=(120, 30, 0), opacity=45.0, distance=3.0,
                                     size=5.0),))),
        Style("Red Stamp", LayerEffects(
            color_overlays=(ColorOverlay(color=(200, 30, 40)),),
            bevels=(BevelEmboss(style="pillow_emboss", size=4.0),))),
        Style("Satin Gold", LayerEffects(
            color_overlays=(ColorOverlay(color=(222, 170, 60)),),
            satins=(Satin(color=(120, 70, 0), opacity=60.0, distance=8.0, size=10.0),),
            bevels=(BevelEmboss(size=3.0, highlight_color=(255, 240, 200)),))),
        Style("Double Ring", LayerEffects(strokes=(
            Stroke(position="outside", size=4.0, color=(255, 140, 0)),),
            inner_glows=(InnerGlow(color=(255, 140, 0), blend_mode="normal", opacity=90.0,
                                   size=6.0),),
            drop_shadows=(DropShadow(opacity=40.0, distance=2.0, size=3.0),))),
    ]


# -- styles.json ----------------------------------------------------------------------------------
def to_json(styles: list[Style]) -> dict:
    def blending(b):
        return None if b is None else {**b, "channels": list(b["channels"])}

    return {"version": 1, "styles": [{"name": s.name, "effects": effects_to_text(s.effects),
                                      "blending": blending(s.blending)} for s in styles]}


def _blending_from(data) -> Optional[dict]:
    if data is None:
        return None
    b = {attr: data[attr] for attr in BLENDING_ATTRS}
    b["channels"] = tuple(bool(c) for c in b["channels"])
    if b["blend_mode"] not in GROUP_BLEND_MODES or b["knockout"] not in KNOCKOUTS \
            or len(b["channels"]) != 3:
        raise ValueError("unknown blending options")
    for attr in ("opacity", "fill_opacity"):
        b[attr] = max(0, min(255, int(b[attr])))
    for attr, _, _, _ in BLENDING_OPTIONS:
        b[attr] = bool(b[attr])
    return b


def from_json(data) -> list[Style]:
    try:
        if data.get("version") != 1:
            raise ValueError(f"version {data.get('version')!r}")
        return [Style(str(s["name"]), effects_from_text(s["effects"]),
                      _blending_from(s.get("blending"))) for s in data["styles"]]
    except (AttributeError, KeyError, TypeError, ValueError, binascii.Error, IOError,
            AssertionError) as exc:
        raise DocumentError(f"The styles file is damaged ({exc}).") from None


def load(path: str) -> list[Style]:
    return from_json(preset_file.read_json(path))


def save(path: str, styles: list[Style]) -> None:
    """Writes the styles (atomically: a failed write keeps the old file; SaveError)."""
    preset_file.write_json(path, to_json(styles))

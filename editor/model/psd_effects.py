"""Layer effects in PSD files: the effect blocks ('lfx2', 'lmfx', 'lrFX', 'fxrp') kept as
read, the effects Layered draws read from them (`read_layer_effects`) and written back
into their descriptors (`effect_blocks`), with their contours ('ShpC'), colours and the
document's global light.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from .document import Document
from . import layer_effects
from .layers import BLEND_MODES
from .psd_fills import (EFFECT_METHOD_KEY, GRADIENT_METHODS, METHOD_TYPE, _rgb, _text,
                        gradient_descriptor, pattern_descriptor, read_gradient,
                        read_gradient_method, read_pattern_fill)


# -- layer effects: kept blocks, the effects we draw read from them -------------------

def _effect_tags() -> set:
    from psd_tools.constants import Tag

    return {Tag.OBJECT_BASED_EFFECTS_LAYER_INFO, Tag.OBJECT_BASED_EFFECTS_LAYER_INFO_V0,
            Tag.OBJECT_BASED_EFFECTS_LAYER_INFO_V1, Tag.EFFECTS_LAYER, Tag.REFERENCE_POINT}


def _light_resources() -> tuple:
    from psd_tools.constants import Resource

    return Resource.GLOBAL_ANGLE, Resource.GLOBAL_ALTITUDE


def global_angle(doc: Document) -> Optional[float]:
    """The document's global light angle (Photoshop's, kept from its file), None if it has
    none: a shadow's "Use Global Light" takes it."""
    from psd_tools.constants import Resource

    resource = (doc.global_light or {}).get(Resource.GLOBAL_ANGLE)
    return float(resource.data) if resource is not None else None


def _fxrp():
    from psd_tools.constants import Tag

    return Tag.REFERENCE_POINT


# psd-tools' effect class names -> what Photoshop's Layer Style dialog calls them.
_EFFECT_LABELS = {"DropShadow": "Drop Shadow", "InnerShadow": "Inner Shadow",
                  "OuterGlow": "Outer Glow", "InnerGlow": "Inner Glow",
                  "ColorOverlay": "Color Overlay", "GradientOverlay": "Gradient Overlay",
                  "PatternOverlay": "Pattern Overlay", "Stroke": "Stroke",
                  "BevelEmboss": "Bevel & Emboss", "Satin": "Satin"}


def _listed_before_present(blocks: tuple) -> bool:
    """Marks 'present' the enabled effects of a style written before Photoshop had that key
    (which lists an effect in the Layers panel): such a Photoshop drew every enabled effect
    its descriptor holds, while psd-tools reads only those marked present. In place; True
    if any was marked. (Written back, the key is what Photoshop writes today.)"""
    from psd_tools.psd.descriptor import Bool, Descriptor, List

    marked = False
    for block in blocks:
        data = block.data
        if not isinstance(data, Descriptor):
            continue
        for value in data.values():
            for entry in (value if isinstance(value, List) else [value]):
                if isinstance(entry, Descriptor) and b"enab" in entry \
                        and b"present" not in entry:
                    entry[b"present"] = Bool(bool(entry[b"enab"]))
                    marked = True
    return marked


def read_layer_effects(item, blocks: tuple,
                       patterns: Optional[dict] = None) -> layer_effects.LayerEffects:
    """`item`'s effects (psd-tools' reading of its 'lfx2'/'lmfx' descriptor) with `blocks`,
    the tagged blocks they came from, kept to be written back; `patterns` the file's, by
    id (a Pattern Overlay's)."""
    fx = item.effects
    found: dict = {kind: [] for kind, _, _ in layer_effects.EDITABLE}
    others = []
    for effect in fx:
        ours = _read_effect(effect, patterns)
        if ours is not None:
            found[ours[0]].append(ours[1])
        elif effect.enabled:
            kind = type(effect).__name__
            label = _EFFECT_LABELS.get(kind, kind)
            if kind == "Stroke":
                label = "Stroke (gradient or pattern)"
            if label not in others:
                others.append(label)
    enabled = fx.enabled if any(b.key != _fxrp() and isinstance(b.data, _descriptor_type())
                                for b in blocks) else True
    point = next((b.data for b in blocks if b.key == _fxrp()), None)
    try:
        reference = (float(point[0]), float(point[1])) if point is not None else None
    except (TypeError, IndexError, ValueError):
        reference = None
    return layer_effects.LayerEffects(enabled, others=tuple(others), blocks=blocks,
                                      reference_point=reference,
                                      **{kind: tuple(found[kind]) for kind in found})


_STROKE_POSITIONS = {"outside": b"OutF", "inside": b"InsF", "center": b"CtrF"}


def _read_effect(effect, patterns: Optional[dict] = None) -> Optional[tuple]:
    """(LayerEffects field, our effect) for psd-tools' `effect`; None for one we do not draw
    (another kind, a colour not in RGB, a mode we lack, a pattern not among
    `patterns`)."""
    kind = type(effect).__name__
    if kind == "BevelEmboss":
        return _read_bevel(effect)
    mode = _effect_mode(effect)
    if kind == "PatternOverlay" and mode:
        # The same keys as a Pattern fill layer's 'PtFl'.
        pattern = read_pattern_fill(effect.descriptor, patterns or {})
        if pattern is None:
            return None
        return "pattern_overlays", layer_effects.PatternOverlay(
            effect.enabled, mode, effect.opacity, pattern)
    if kind == "GradientOverlay" and mode:
        # The same keys as a Gradient fill layer's 'GdFl' (a noise gradient too).
        gradient = read_gradient(effect.descriptor)
        if gradient is None:
            return None
        return "gradient_overlays", layer_effects.GradientOverlay(
            effect.enabled, mode, effect.opacity, gradient)
    color = _rgb(getattr(effect, "color", None))
    glow_gradient = None
    if color is None and kind == "OuterGlow" and b"Grad" in effect.descriptor:
        # A gradient glow: its gradient's keys as a Gradient fill layer's 'GdFl' (the
        # colour, unused then, its first stop's). An Inner Glow's is not drawn (no file
        # of Photoshop's at hand to place its gradient by).
        glow_gradient = read_gradient(effect.descriptor)
        if glow_gradient is not None:
            color = glow_gradient.stops[0][1]
    if color is None or not mode:
        return None
    # Its contour ('TrnS'; a satin's 'MpgS'): None for one we cannot read (not drawn).
    contour = read_contour(getattr(effect, "contour", None))
    if contour is None:
        return None
    if kind == "DropShadow":
        return "drop_shadows", layer_effects.DropShadow(
            effect.enabled, color, effect.opacity, float(effect.angle),
            float(effect.distance), float(effect.choke), float(effect.size), mode,
            bool(effect.use_global_light), contour=contour)
    paint = _read_stroke_paint(effect.descriptor, patterns) if kind == "Stroke" else None
    if kind == "Stroke" and paint is not None:
        position = {"OUTSIDE": "outside", "INSIDE": "inside", "CENTER": "center"}.get(
            getattr(effect.position, "name", ""), "outside")
        return "strokes", layer_effects.Stroke(effect.enabled, position, float(effect.size),
                                               color, effect.opacity, mode, **paint)
    if kind == "ColorOverlay":
        return "color_overlays", layer_effects.ColorOverlay(effect.enabled, color,
                                                            effect.opacity, mode)
    if kind == "InnerShadow":
        return "inner_shadows", layer_effects.InnerShadow(
            effect.enabled, color, effect.opacity, float(effect.angle),
            float(effect.distance), float(effect.choke), float(effect.size), mode,
            bool(effect.use_global_light), contour=contour)
    if kind == "OuterGlow":
        # Its spread is the descriptor's 'Ckmt' (psd-tools' `choke`; its `spread` reads
        # 'ShdN', the jitter).
        return "outer_glows", layer_effects.OuterGlow(
            effect.enabled, color, effect.opacity, mode, float(effect.choke),
            float(effect.size), float(effect.quality_range), contour=contour,
            gradient=glow_gradient)
    if kind == "Satin":
        return "satins", layer_effects.Satin(
            effect.enabled, color, effect.opacity, mode, float(effect.angle),
            float(effect.distance), float(effect.size), bool(effect.inverted),
            contour=contour)
    if kind == "InnerGlow":
        source = "center" if getattr(effect.glow_source, "name", "") == "CENTER" else "edge"
        return "inner_glows", layer_effects.InnerGlow(
            effect.enabled, color, effect.opacity, mode, source, float(effect.choke),
            float(effect.size), float(effect.quality_range), contour=contour)
    return None


# A Stroke's Fill Type ('PntT', enumeration 'FrFl') by ours; its Shape Burst gradient
# style ('Type' in the 'GrdT' enumeration, a stroke's only).
_STROKE_FILL_TYPES = {"color": b"SClr", "gradient": b"GrFl", "pattern": b"Ptrn"}
_SHAPE_BURST = b"shapeburst"


def _read_stroke_paint(desc, patterns: Optional[dict]) -> Optional[dict]:
    """A Stroke entry's paint as Stroke's fields (fill_type, gradient, pattern,
    shape_burst): its colour (no 'PntT': Photoshop's default), a gradient as a Gradient
    Overlay's keys (`read_gradient`; Shape Burst read as the rest of it), a pattern as a
    Pattern Overlay's (`read_pattern_fill`; Photoshop writes a stroke's Link with Layer as
    'Lnkd'); None for one we do not draw (a pattern the file lacks)."""
    import copy

    code = getattr(desc.get(b"PntT"), "enum", _STROKE_FILL_TYPES["color"])
    if code == _STROKE_FILL_TYPES["color"]:
        return {}
    if code == _STROKE_FILL_TYPES["gradient"]:
        burst = getattr(desc.get(b"Type"), "enum", None) == _SHAPE_BURST
        source = desc
        if burst:  # read as the other styles are, its own descriptor kept for writing
            source = copy.deepcopy(desc)
            del source[b"Type"]
        gradient = read_gradient(source)
        if gradient is None:
            return None
        return {"fill_type": "gradient", "shape_burst": burst,
                "gradient": dataclasses.replace(gradient, descriptor=desc)}
    if code == _STROKE_FILL_TYPES["pattern"]:
        pattern = read_pattern_fill(desc, patterns or {})
        if pattern is None:
            return None
        if b"Lnkd" in desc:
            pattern = dataclasses.replace(pattern, align=bool(desc[b"Lnkd"]))
        return {"fill_type": "pattern", "pattern": pattern}
    return None


def _effect_method(entry, method: str) -> None:
    """An effect's gradient interpolation method into its entry ('gs99', where Photoshop
    keeps an effect's): as read where it is the one read (or absent: Classic)."""
    from psd_tools.psd.descriptor import Enumerated

    if method != read_gradient_method(entry):
        entry[EFFECT_METHOD_KEY] = Enumerated(METHOD_TYPE, GRADIENT_METHODS[method])


def _fill_stroke_paint(entry, stroke: layer_effects.Stroke) -> None:
    """A gradient or pattern stroke's keys into its 'FrFX' entry (the writers of Gradient
    and Pattern Overlay's keys: `gradient_descriptor`, `pattern_descriptor`); the other
    paint's keys, as Photoshop does, kept where the entry has them."""
    from psd_tools.psd.descriptor import Bool, Enumerated

    if stroke.fill_type == "gradient":
        written = gradient_descriptor(stroke.gradient)
        for key in (b"Grad", b"Angl", b"Type", b"Rvrs", b"Dthr", b"Scl ", b"Algn", b"Ofst"):
            if key in written:
                entry[key] = written[key]
        _effect_method(entry, stroke.gradient.method)
        if stroke.shape_burst:
            entry[b"Type"] = Enumerated(b"GrdT", _SHAPE_BURST)
    elif stroke.fill_type == "pattern":
        written = pattern_descriptor(stroke.pattern)
        for key in (b"Ptrn", b"Scl ", b"phase", b"Angl"):
            if key != b"Angl" or key in entry or stroke.pattern.angle:
                entry[key] = written[key]
        entry[b"Lnkd"] = Bool(stroke.pattern.align)


# Bevel & Emboss: our names <-> the descriptor's enumerations (style 'bvlS', technique
# 'bvlT', direction 'bvlD': Photoshop's Up is 'In  ').
_BEVEL_STYLES = {"inner_bevel": b"InrB", "outer_bevel": b"OtrB", "emboss": b"Embs",
                 "pillow_emboss": b"PlEb", "stroke_emboss": b"strokeEmboss"}
_BEVEL_TECHNIQUES = {"smooth": b"SfBL", "chisel_hard": b"PrBL", "chisel_soft": b"Slmt"}
_BEVEL_DIRECTIONS = {"up": b"In  ", "down": b"Out "}


def _read_bevel(effect) -> Optional[tuple]:
    """("bevels", our BevelEmboss) for psd-tools' BevelEmboss; None for one we do not draw
    (a style or technique code we do not know, colours not in RGB,
    modes we lack). With "Use Global Light" its angle (psd-tools') and altitude are the
    document's."""
    from psd_tools.constants import Resource

    def name(key: bytes, names: dict, default: str) -> Optional[str]:
        # The descriptor's own code (psd-tools reads one it does not know as absent): ours,
        # Photoshop's default where there is none, None for a code we do not know.
        value = effect.descriptor.get(key)
        if value is None:
            return default
        code = getattr(value, "enum", None)
        return next((k for k, v in names.items() if v == code), None)

    style = name(b"bvlS", _BEVEL_STYLES, "inner_bevel")
    technique = name(b"bvlT", _BEVEL_TECHNIQUES, "smooth")
    direction = name(b"bvlD", _BEVEL_DIRECTIONS, "up")
    modes = [getattr(m, "name", "").lower() for m in (effect.highlight_mode,
                                                      effect.shadow_mode)]
    colors = [_rgb(effect.highlight_color), _rgb(effect.shadow_color)]
    if style is None or technique is None or direction is None \
            or None in colors or any(m not in BLEND_MODES for m in modes):
        return None
    gloss = read_contour(effect.contour)  # its gloss contour ('TrnS')
    if gloss is None:
        return None
    altitude = float(effect.altitude)
    if effect.use_global_light:
        # psd-tools reads the global angle only; the altitude is in the same resources.
        resources = getattr(effect, "_image_resources", None)
        if resources is not None:
            altitude = float(resources.get_data(Resource.GLOBAL_ALTITUDE, altitude))
    return "bevels", layer_effects.BevelEmboss(
        effect.enabled, style, technique, float(effect.depth), direction, float(effect.size),
        float(effect.soften), float(effect.angle), altitude, bool(effect.use_global_light),
        modes[0], colors[0], float(effect.highlight_opacity), modes[1], colors[1],
        float(effect.shadow_opacity), gloss_contour=gloss)


def _descriptor_type():
    from psd_tools.psd.descriptor import Descriptor

    return Descriptor


def _effect_mode(effect) -> Optional[str]:
    """The effect's blend mode as ours, None when Layered has no such mode."""
    name = getattr(getattr(effect, "blend_mode", None), "name", "").lower()
    return name if name in BLEND_MODES else None


def effect_blocks(effects: layer_effects.LayerEffects, light=None) -> list:
    """The tagged blocks to write for `effects`: as read, with what Layered changed written
    into each descriptor ('lfx2', 'lmfx'): the master switch, and the effects we model
    (`_write_drawn`; every other effect and key as read). A layer without a
    descriptor gets a new 'lfx2'. `light` is the document's global light (psd-tools'
    ImageResources: a shadow that uses it is read at its angle).

    A legacy 'lrFX' block is dropped once an effect was changed: it would contradict the
    descriptor, Photoshop since 6.0 reads the descriptor, and rewriting lrFX would need
    its binary form of every effect (bevels, satin...) from ours, which hold only some."""
    import copy

    from psd_tools.constants import Tag
    from psd_tools.psd.descriptor import Bool
    from psd_tools.psd.image_resources import ImageResources
    from psd_tools.psd.tagged_blocks import TaggedBlock

    light = light if light is not None else ImageResources()
    out, changed, described = [], False, False
    for block in effects.blocks:
        data = block.data
        if block.key == _fxrp() and effects.reference_point is not None \
                and tuple(float(v) for v in data) != tuple(effects.reference_point):
            block = copy.deepcopy(block)  # the layer moved: its reference point with it
            block.data[0], block.data[1] = (float(v) for v in effects.reference_point)
        if isinstance(data, _descriptor_type()) and block.key != _fxrp():
            described = True
            block = copy.deepcopy(block)
            if bool(block.data.get(b"masterFXSwitch", True)) != effects.enabled:
                block.data[b"masterFXSwitch"] = Bool(effects.enabled)
            changed |= _write_drawn(block.data, effects, light)
        out.append(block)
    if not described and _has_drawn(effects):
        data = _new_effects_descriptor(effects.enabled)
        _write_drawn(data, effects, light)
        out.append(TaggedBlock(key=Tag.OBJECT_BASED_EFFECTS_LAYER_INFO, data=data))
        changed = True
    if changed:
        out = [b for b in out if b.key != Tag.EFFECTS_LAYER]
    return out


def _has_drawn(effects: layer_effects.LayerEffects) -> bool:
    return bool(effects.all())


# Per LayerEffects field: the class of its entries in the descriptor, the key Photoshop
# gives one of them and the key of a list of several (None: Photoshop has one at most).
_DESCRIPTOR_KEYS = {"drop_shadows": (b"DrSh", b"DrSh", b"dropShadowMulti"),
                    "strokes": (b"FrFX", b"FrFX", b"frameFXMulti"),
                    "color_overlays": (b"SoFi", b"SoFi", b"solidFillMulti"),
                    "outer_glows": (b"OrGl", b"OrGl", None),
                    "inner_shadows": (b"IrSh", b"IrSh", b"innerShadowMulti"),
                    "inner_glows": (b"IrGl", b"IrGl", None),
                    "gradient_overlays": (b"GrFl", b"GrFl", b"gradientFillMulti"),
                    "pattern_overlays": (b"patternFill", b"patternFill", None),
                    "bevels": (b"ebbl", b"ebbl", None),
                    "satins": (b"ChFX", b"ChFX", None)}

# Our blend modes as Photoshop writes them in an effect's 'Md  ' ('BlnM' enumeration).
_EFFECT_MODE_CODES = {
    "normal": b"Nrml", "multiply": b"Mltp", "screen": b"Scrn", "overlay": b"Ovrl",
    "darken": b"Drkn", "lighten": b"Lghn", "color_dodge": b"CDdg", "color_burn": b"CBrn",
    "hard_light": b"HrdL", "soft_light": b"SftL", "difference": b"Dfrn", "exclusion": b"Xclu",
    "linear_dodge": b"linearDodge", "linear_burn": b"linearBurn",
    "vivid_light": b"vividLight", "linear_light": b"linearLight", "pin_light": b"pinLight",
    "hard_mix": b"hardMix", "subtract": b"blendSubtraction", "divide": b"blendDivide",
    "hue": b"H   ", "saturation": b"Strt", "color": b"Clr ", "luminosity": b"Lmns",
    "darker_color": b"darkerColor", "lighter_color": b"lighterColor", "dissolve": b"Dslv"}


def _new_effects_descriptor(enabled: bool):
    """An empty 'lfx2' descriptor as Photoshop starts one: scale 100 %, the master switch."""
    from psd_tools.psd.descriptor import Bool, DescriptorBlock2, UnitFloat
    from psd_tools.terminology import Unit

    data = DescriptorBlock2(classID=b"null", name="\x00", version=0)
    data[b"Scl "] = UnitFloat(unit=Unit.Percent, value=100.0)
    data[b"masterFXSwitch"] = Bool(enabled)
    return data


def _psd_effect(entry, light):
    """psd-tools' view of one descriptor entry we may draw (None for another class)."""
    from psd_tools.api import effects as api

    kls = {b"DrSh": api.DropShadow, b"FrFX": api.Stroke, b"SoFi": api.ColorOverlay,
           b"OrGl": api.OuterGlow, b"IrSh": api.InnerShadow, b"IrGl": api.InnerGlow,
           b"GrFl": api.GradientOverlay, b"patternFill": api.PatternOverlay,
           b"ebbl": api.BevelEmboss, b"ChFX": api.Satin}.get(
        getattr(entry, "classID", None))
    return kls(entry, light) if kls is not None else None


def _write_drawn(data, effects: layer_effects.LayerEffects, light) -> bool:
    """Writes our effects (each kind of `_DESCRIPTOR_KEYS`) into the effects descriptor
    `data`, in place: the n-th of a kind into the n-th present entry psd-tools reads as it
    (read_layer_effects' order), an entry left as it is where ours equals it; one more
    than the file had takes an entry Photoshop keeps but does not list ('present' off) or
    a new one; one fewer is no longer listed. True if anything changed."""
    from psd_tools.psd.descriptor import Bool, List

    # A Pattern Overlay is read with its pattern: ours (the file's where they are the same).
    patterns = {o.pattern.pattern.id: o.pattern.pattern for o in effects.pattern_overlays
                if o.pattern.pattern is not None}
    patterns.update({s.pattern.pattern.id: s.pattern.pattern for s in effects.strokes
                     if s.fill_type == "pattern" and s.pattern.pattern is not None})
    changed = False
    for kind, (class_id, single, multi) in _DESCRIPTOR_KEYS.items():
        ours = list(getattr(effects, kind))
        entries, spare = [], []
        for key in list(data.keys()):
            value = data[key]
            for entry in (value if isinstance(value, List) else [value]):
                if getattr(entry, "classID", None) != class_id:
                    continue
                psd_effect = _psd_effect(entry, light)
                if not bool(entry.get(b"present", False)):
                    spare.append(entry)
                elif _read_effect(psd_effect, patterns) is not None:
                    entries.append(entry)
        for i, effect in enumerate(ours):
            if i < len(entries):
                entry = entries[i]
                if _read_effect(_psd_effect(entry, light), patterns)[1] == effect:
                    continue
            elif spare:
                entry = spare.pop(0)
            elif multi is None and single in data:
                break  # a kind Photoshop has one of: the rest are not written
            else:
                from psd_tools.psd.descriptor import Descriptor

                entry = Descriptor(classID=class_id)
                if multi in data:
                    data[multi].append(entry)
                elif single in data:  # one already: Photoshop's list of several
                    data[multi] = List([data[single], entry])
                    del data[single]
                else:
                    data[single] = entry
            _fill_entry(entry, effect, light)
            changed = True
        for entry in entries[len(ours):]:
            entry[b"present"] = Bool(False)
            entry[b"enab"] = Bool(False)
            changed = True
    return changed


def _fill_entry(entry, effect, light) -> None:
    """Our `effect`'s settings into its descriptor `entry` (in place, as Photoshop writes
    an effect: keys it holds already keep their place, the contour and noise of a new
    shadow are Photoshop's defaults); a colour that reads as ours is kept as it is
    (Photoshop's fractions)."""
    from psd_tools.constants import Resource
    from psd_tools.psd.descriptor import Bool, Enumerated, UnitFloat
    from psd_tools.terminology import Unit

    def put(key, value) -> None:
        entry[key] = value

    put(b"enab", Bool(effect.enabled))
    put(b"present", Bool(True))
    put(b"showInDialog", Bool(True))
    if isinstance(effect, layer_effects.BevelEmboss):
        _fill_bevel(entry, effect, light)
        return
    if isinstance(effect, layer_effects.Satin):
        _fill_satin(entry, effect)
        return
    if isinstance(effect, layer_effects.Stroke):
        put(b"Styl", Enumerated(b"FStl", _STROKE_POSITIONS[effect.position]))
        put(b"PntT", Enumerated(b"FrFl", _STROKE_FILL_TYPES[effect.fill_type]))
    put(b"Md  ", Enumerated(b"BlnM", _EFFECT_MODE_CODES[effect.blend_mode]))
    if isinstance(effect, layer_effects.GradientOverlay):
        put(b"Opct", UnitFloat(unit=Unit.Percent, value=float(effect.opacity)))
        # A Gradient fill layer's keys (one writer: `gradient_descriptor`), in Photoshop's
        # order where the entry has none yet.
        written = gradient_descriptor(effect.gradient)
        for key in (b"Grad", b"Angl", b"Type", b"Rvrs", b"Dthr", b"Algn", b"Scl ", b"Ofst"):
            put(key, written[key])
        _effect_method(entry, effect.gradient.method)
        return
    if isinstance(effect, layer_effects.PatternOverlay):
        put(b"Opct", UnitFloat(unit=Unit.Percent, value=float(effect.opacity)))
        written = pattern_descriptor(effect.pattern)  # a Pattern fill layer's keys
        for key in (b"Ptrn", b"Scl ", b"Algn", b"phase", b"Angl"):
            if key != b"Angl" or key in entry or effect.pattern.angle:  # (older files: none)
                put(key, written[key])
        return
    if isinstance(effect, layer_effects.OuterGlow) and effect.gradient is not None:
        # A gradient glow: its 'Grad' (a Gradient fill layer's), no 'Clr ' beside it.
        put(b"Grad", gradient_descriptor(effect.gradient)[b"Grad"])
        entry.pop(b"Clr ", None)
    else:
        _effect_color(entry, b"Clr ", effect.color)
    put(b"Opct", UnitFloat(unit=Unit.Percent, value=float(effect.opacity)))
    if isinstance(effect, layer_effects.Stroke):
        put(b"Sz  ", UnitFloat(unit=Unit.Pixels, value=float(effect.size)))
        _fill_stroke_paint(entry, effect)
        if b"overprint" not in entry:
            put(b"overprint", Bool(False))
    shadow = isinstance(effect, (layer_effects.DropShadow, layer_effects.InnerShadow))
    if shadow:
        # "Use Global Light" only where the global angle is this shadow's: psd-tools (and
        # Photoshop) read a shadow that uses it at the document's angle.
        global_angle = float(light.get_data(Resource.GLOBAL_ANGLE, 30.0))
        put(b"uglg", Bool(effect.use_global_light and abs(global_angle - effect.angle) < 1e-6))
        put(b"lagl", UnitFloat(unit=Unit.Angle, value=float(effect.angle)))
        put(b"Dstn", UnitFloat(unit=Unit.Pixels, value=float(effect.distance)))
    glow = isinstance(effect, (layer_effects.OuterGlow, layer_effects.InnerGlow))
    if glow and b"GlwT" not in entry:
        put(b"GlwT", Enumerated(b"BETE", b"SfBL"))  # technique Softer
    if shadow or glow:
        # Spread (choke), a percentage, in the unit Photoshop writes.
        spread = effect.spread if hasattr(effect, "spread") else effect.choke
        put(b"Ckmt", UnitFloat(unit=Unit.Pixels, value=float(spread)))
        put(b"blur", UnitFloat(unit=Unit.Pixels, value=float(effect.size)))
        if b"Nose" not in entry:  # a new one: Photoshop's defaults of what we do not model
            put(b"Nose", UnitFloat(unit=Unit.Percent, value=0.0))
            if glow:
                put(b"ShdN", UnitFloat(unit=Unit.Percent, value=0.0))
            put(b"AntA", Bool(False))
            put(b"TrnS", _linear_contour())
            if isinstance(effect, layer_effects.DropShadow):
                put(b"layerConceals", Bool(True))
        _put_contour(entry, b"TrnS", effect.contour)
    if glow:
        put(b"Inpr", UnitFloat(unit=Unit.Percent, value=float(effect.range)))
    if isinstance(effect, layer_effects.InnerGlow):
        put(b"glwS", Enumerated(b"IGSr", b"SrcC" if effect.source == "center" else b"SrcE"))


def _fill_satin(entry, satin: layer_effects.Satin) -> None:
    """A Satin's settings into its 'ChFX' entry, in Photoshop's order of keys; its
    anti-aliasing and contour kept (a new one: off, Linear)."""
    from psd_tools.psd.descriptor import Bool, Enumerated, UnitFloat
    from psd_tools.terminology import Unit

    entry[b"Md  "] = Enumerated(b"BlnM", _EFFECT_MODE_CODES[satin.blend_mode])
    _effect_color(entry, b"Clr ", satin.color)
    if b"AntA" not in entry:
        entry[b"AntA"] = Bool(False)
    entry[b"Invr"] = Bool(satin.invert)
    entry[b"Opct"] = UnitFloat(unit=Unit.Percent, value=float(satin.opacity))
    entry[b"lagl"] = UnitFloat(unit=Unit.Angle, value=float(satin.angle))
    entry[b"Dstn"] = UnitFloat(unit=Unit.Pixels, value=float(satin.distance))
    entry[b"blur"] = UnitFloat(unit=Unit.Pixels, value=float(satin.size))
    if b"MpgS" not in entry:
        entry[b"MpgS"] = _linear_contour()
    _put_contour(entry, b"MpgS", satin.contour)


def _linear_contour():
    """Photoshop's Linear contour ('ShpC'), as it writes a new effect's."""
    from psd_tools.psd.descriptor import Descriptor, Double, List, String

    contour = Descriptor(classID=b"ShpC")
    contour[b"Nm  "] = String("Linear\x00")
    points = List()
    for x in (0.0, 255.0):
        point = Descriptor(classID=b"CrPt")
        point[b"Hrzn"] = Double(x)
        point[b"Vrtc"] = Double(x)
        points.append(point)
    contour[b"Crv "] = points
    return contour


def read_contour(desc) -> Optional[layer_effects.Contour]:
    """A contour descriptor ('ShpC': its name 'Nm  ', its points 'Crv ', each 'Hrzn',
    'Vrtc' 0..255 and 'Cnty', off for a corner) as ours; Linear where there is none, None
    where its points are not a curve (fewer than two, inputs not rising, beyond 0..255)."""
    if desc is None:
        return layer_effects.LINEAR
    try:
        curve = list(desc[b"Crv "])
        points = tuple((float(p[b"Hrzn"]), float(p[b"Vrtc"])) for p in curve)
        corners = tuple(not bool(p.get(b"Cnty", True)) for p in curve)
    except (KeyError, TypeError, ValueError):
        return None
    if len(points) < 2 or any(b[0] <= a[0] for a, b in zip(points, points[1:])) \
            or any(not (0 <= v <= 255) for p in points for v in p):
        return None
    name = desc.get(b"Nm  ")
    name = _text(name).rstrip("\x00") if name is not None else "Custom"
    return layer_effects.Contour(points, corners, name)


def contour_descriptor(contour: layer_effects.Contour, old=None):
    """`contour` as a 'ShpC' descriptor: `old` itself where it reads as it (its name and
    keys kept), else a new one as Photoshop writes it (its name, its points; each point's
    'Cnty' only where some point is a corner)."""
    from psd_tools.psd.descriptor import Bool, Descriptor, Double, List, String

    if old is not None and read_contour(old) == contour:
        return old
    desc = Descriptor(classID=b"ShpC")
    desc[b"Nm  "] = String(contour.name + "\x00")
    points = List()
    for i, (x, y) in enumerate(contour.points):
        point = Descriptor(classID=b"CrPt")
        point[b"Hrzn"], point[b"Vrtc"] = Double(x), Double(y)
        if contour.corners:
            point[b"Cnty"] = Bool(not contour.corners[i])
        points.append(point)
    desc[b"Crv "] = points
    return desc


def _put_contour(entry, key: bytes, contour: layer_effects.Contour) -> None:
    """`contour` into `entry[key]` unless what is there reads as it (nothing written for
    Linear where the entry has none: Photoshop reads none as Linear)."""
    old = entry.get(key)
    if old is None and contour.is_linear():
        return
    new = contour_descriptor(contour, old)
    if new is not old:
        entry[key] = new


def _effect_color(entry, key: bytes, color: tuple) -> None:
    """`color` into `entry[key]` as an 'RGBC' descriptor, unless what is there reads as it
    (Photoshop's fractions kept)."""
    from psd_tools.psd.descriptor import Descriptor, Double

    if _rgb(entry.get(key)) != tuple(color):
        value = Descriptor(classID=b"RGBC")
        for k, v in zip((b"Rd  ", b"Grn ", b"Bl  "), color):
            value[k] = Double(float(v))
        entry[key] = value


def _fill_bevel(entry, bevel: layer_effects.BevelEmboss, light) -> None:
    """A Bevel & Emboss's settings into its 'ebbl' entry, in Photoshop's order of keys; its
    contour, gloss and texture keys kept (a new one: Photoshop's defaults)."""
    from psd_tools.constants import Resource
    from psd_tools.psd.descriptor import Bool, Enumerated, UnitFloat
    from psd_tools.terminology import Unit

    entry[b"hglM"] = Enumerated(b"BlnM", _EFFECT_MODE_CODES[bevel.highlight_mode])
    _effect_color(entry, b"hglC", bevel.highlight_color)
    entry[b"hglO"] = UnitFloat(unit=Unit.Percent, value=float(bevel.highlight_opacity))
    entry[b"sdwM"] = Enumerated(b"BlnM", _EFFECT_MODE_CODES[bevel.shadow_mode])
    _effect_color(entry, b"sdwC", bevel.shadow_color)
    entry[b"sdwO"] = UnitFloat(unit=Unit.Percent, value=float(bevel.shadow_opacity))
    entry[b"bvlT"] = Enumerated(b"bvlT", _BEVEL_TECHNIQUES[bevel.technique])
    entry[b"bvlS"] = Enumerated(b"BESl", _BEVEL_STYLES[bevel.style])
    # "Use Global Light" only where the document's light is this bevel's (it is read so).
    angle = float(light.get_data(Resource.GLOBAL_ANGLE, 30.0))
    altitude = float(light.get_data(Resource.GLOBAL_ALTITUDE, 30.0))
    entry[b"uglg"] = Bool(bevel.use_global_light and abs(angle - bevel.angle) < 1e-6
                          and abs(altitude - bevel.altitude) < 1e-6)
    entry[b"lagl"] = UnitFloat(unit=Unit.Angle, value=float(bevel.angle))
    entry[b"Lald"] = UnitFloat(unit=Unit.Angle, value=float(bevel.altitude))
    entry[b"srgR"] = UnitFloat(unit=Unit.Percent, value=float(bevel.depth))
    entry[b"blur"] = UnitFloat(unit=Unit.Pixels, value=float(bevel.size))
    entry[b"bvlD"] = Enumerated(b"BESs", _BEVEL_DIRECTIONS[bevel.direction])
    if b"TrnS" not in entry:  # a new one: Photoshop's Linear gloss contour
        entry[b"TrnS"] = _linear_contour()
        entry[b"antialiasGloss"] = Bool(False)
    _put_contour(entry, b"TrnS", bevel.gloss_contour)
    entry[b"Sftn"] = UnitFloat(unit=Unit.Pixels, value=float(bevel.soften))
    for key in (b"useShape", b"useTexture"):
        if key not in entry:
            entry[key] = Bool(False)

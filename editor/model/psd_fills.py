"""Fill descriptors in PSD files, read and written: colours ('RGBC', 'HSBC'), gradients
('GdFl': stops and midpoints, the interpolation method, noise gradients), pattern fills
('PtFl') and the file's patterns ('Patt', 'Pat2', 'Pat3'). Fill layers, Gradient and
Pattern Overlays, effect strokes and Gradient Maps share them.
"""
from __future__ import annotations

import logging
from typing import Optional

import numpy as np

from .document import Document
from . import adjustments, gradients, psd_colour
from .layers import FillLayer


_log = logging.getLogger(__name__)


def _rgb(color) -> Optional[tuple[int, int, int]]:
    """An 'RGBC' colour descriptor's (r, g, b) 0..255 (its 'Rd  '.. 0..255 or 'redFloat'..
    0..1), an 'HSBC' one's (hue in degrees, saturation and brightness in percent: Photoshop
    writes shapes' colours so at times, psd-tools'
    stroke-color-descriptors-hsb-with-rgb-mode.psd) or a 'CMYC' one's (inks in percent);
    None for any other."""
    if getattr(color, "classID", None) == b"HSBC":
        import colorsys

        try:
            hsv = (float(color[b"H   "]) / 360.0 % 1.0, float(color[b"Strt"]) / 100.0,
                   float(color[b"Brgh"]) / 100.0)
        except (KeyError, TypeError, ValueError):
            return None
        return tuple(int(round(min(255.0, max(0.0, 255.0 * v))))
                     for v in colorsys.hsv_to_rgb(*hsv))
    if getattr(color, "classID", None) == b"CMYC":
        # Photoshop's CMYK colours (a layer style's gradient stops in an RGB document:
        # Aspose's iphone15snapcase.psd) converted the naive way, without a press profile.
        from .swatch_book import _cmyk

        try:
            return _cmyk(*(float(color[key]) / 100.0
                           for key in (b"Cyn ", b"Mgnt", b"Ylw ", b"Blck")))
        except (KeyError, TypeError, ValueError):
            return None
    if color is None or getattr(color, "classID", None) != b"RGBC":
        return None
    keys, scale = (b"Rd  ", b"Grn ", b"Bl  "), 1.0
    if b"Rd  " not in color and b"redFloat" in color:
        # Photoshop 2022+ writes some colours (a layer style's gradient stops: Aspose's
        # iphone15snapcase.psd) as 'redFloat'.. 0..1, a hair outside at times (-0.0002,
        # 1.000002), as ag-psd's descriptor.ts reads them.
        keys, scale = (b"redFloat", b"greenFloat", b"blueFloat"), 255.0
    try:
        return tuple(int(round(min(255.0, max(0.0, scale * float(color[key])))))
                     for key in keys)
    except (KeyError, TypeError, ValueError):
        return None


# Photoshop's gradient styles ('GrdT' enumeration) by our names.
GRADIENT_TYPES = {"linear": b"Lnr ", "radial": b"Rdl ", "angle": b"Angl",
                  "reflected": b"Rflc", "diamond": b"Dmnd"}
LOCATION_STEPS = 4096  # a stop's 'Lctn': 0..4096 from the gradient's start to its end
# Photoshop 23's interpolation method: the 'GdFl' key and its enumeration. 'Lnr ' is read
# from Photoshop's adjustment_clipping.psd (psd-tools' tests); 'Gcls' and 'Perc' are the
# codes Photoshop wrote for the same menu in the Gradient Map blocks of psd-tools'
# gradient-map-v3-classic/-perceptual.psd (Aspose.PSD's documentation lists the same).
# A file without the key is Classic; Photoshop 2026's Smooth ('Smoo') and Stripes
# ('GIMs') are not drawn: read as Classic, their code written back as it was.
METHOD_KEY, METHOD_TYPE = b"gradientsInterpolationMethod", b"gradientInterpolationMethodType"
GRADIENT_METHODS = {"classic": b"Gcls", "perceptual": b"Perc", "linear": b"Lnr "}
# The same method in a layer effect's gradient (a Gradient Overlay's, a gradient Stroke's):
# 'gs99', of the same enumeration (ag-psd's descriptor.ts reads it as the effect's
# interpolationMethod). ag-psd's gradient-overlay.psd has 'Lnr ' there: drawn Classic it was
# 1.84 levels off Photoshop's merged image on average (21 at most), Linear 0.98 (6).
EFFECT_METHOD_KEY = b"gs99"


def _number(value, default: float) -> float:
    """A descriptor's number (Double, UnitFloat, Integer) as a float; `default` if absent."""
    try:
        return float(getattr(value, "value", value)) if value is not None else default
    except (TypeError, ValueError):
        return default


def read_gradient(desc) -> Optional[adjustments.GradientFill]:
    """Our settings from a 'GdFl' descriptor (Photoshop's Gradient Fill: 'Grad' with its
    colour stops 'Clrs' and opacity stops 'Trns', each with its midpoint 'Mdpn', 'Type',
    'Angl', 'Scl ', 'Rvrs', 'Dthr', 'Algn', 'Ofst', the method METHOD_KEY), absent keys
    taken as Photoshop's defaults (psd-tools' for the angle: 0; Classic for the method);
    None for what we cannot draw (colours not stored as RGB, HSB or CMYK: `_rgb`). A
    noise gradient ('GrdF' 'ClNs') is read as its `gradients.Noise` (`read_noise`) in
    place of stops. The descriptor is kept in the settings for the fields they do not
    hold."""
    grad = desc.get(b"Grad")
    kind = desc.get(b"Type")
    style = next((name for name, code in GRADIENT_TYPES.items()
                  if kind is not None and getattr(kind, "enum", None) == code),
                 "linear" if kind is None else None)
    form = getattr(grad.get(b"GrdF"), "enum", None) if grad is not None else None
    if style is None or form not in (b"CstS", b"ClNs"):
        return None
    noise = None
    if form == b"ClNs":
        noise = read_noise(grad)
        if noise is None:
            return None
    stops, midpoints = [], []
    for stop in grad.get(b"Clrs") or ():
        color = _rgb(stop.get(b"Clr "))
        if color is None:
            return None
        stops.append((_location(_number(stop.get(b"Lctn"), 0)), color))
        midpoints.append(_number(stop.get(b"Mdpn"), 50.0))
    opacities = [(_location(_number(stop.get(b"Lctn"), 0)), _number(stop.get(b"Opct"), 100))
                 for stop in grad.get(b"Trns") or ()]
    opacity_midpoints = [_number(stop.get(b"Mdpn"), 50.0) for stop in grad.get(b"Trns") or ()]
    if not stops and noise is None:
        return None
    offset = desc.get(b"Ofst")
    try:
        return adjustments.GradientFill(
            stops=tuple(stops) or adjustments.DEFAULT_STOPS,
            opacity_stops=tuple(opacities) or adjustments.OPAQUE, noise=noise,
            smoothness=_number(grad.get(b"Intr"), LOCATION_STEPS) / LOCATION_STEPS * 100,
            style=style, angle=_number(desc.get(b"Angl"), 0.0),
            scale=_number(desc.get(b"Scl "), 100.0), reverse=bool(desc.get(b"Rvrs", False)),
            dither=bool(desc.get(b"Dthr", False)), align=bool(desc.get(b"Algn", True)),
            offset=(0.0, 0.0) if offset is None else (_number(offset.get(b"Hrzn"), 0.0),
                                                      _number(offset.get(b"Vrtc"), 0.0)),
            method=read_gradient_method(desc), midpoints=tuple(midpoints),
            opacity_midpoints=tuple(opacity_midpoints), descriptor=desc)
    except ValueError:  # a scale or style out of what a gradient has
        return None


# A noise gradient's colour model ('ClrS') by ours (gradients.NOISE_MODELS).
NOISE_MODELS = {"rgb": b"RGBC", "hsb": b"HSBl", "lab": b"LbCl"}


def read_noise(grad) -> Optional[gradients.Noise]:
    """A noise gradient's settings from its 'Grdn' descriptor ('GrdF' 'ClNs': 'RndS' the
    seed, 'Smth' the roughness 0..4096, 'ClrS' the colour model, 'Mnm '/'Mxm ' four
    percentages each, 'ShTr' Add Transparency, 'VctC' Restrict Colors); None for one we
    cannot read."""
    model = next((name for name, code in NOISE_MODELS.items()
                  if getattr(grad.get(b"ClrS"), "enum", b"RGBC") == code), None)
    try:
        low = [float(getattr(v, "value", v)) for v in grad.get(b"Mnm ") or (0,) * 4]
        high = [float(getattr(v, "value", v)) for v in grad.get(b"Mxm ") or (100,) * 4]
        return gradients.Noise(
            seed=int(_number(grad.get(b"RndS"), 0)),
            roughness=_number(grad.get(b"Smth"), LOCATION_STEPS / 2) / LOCATION_STEPS * 100,
            model=model, minimum=tuple(low), maximum=tuple(high),
            transparency=bool(grad.get(b"ShTr", False)), restrict=bool(grad.get(b"VctC", False)))
    except (TypeError, ValueError):
        return None


def noise_grad(noise, old_grad):
    """The 'Grdn' descriptor of a noise gradient: `old_grad` (the one read) as it was when
    it holds these settings, else written anew (its name and unknown keys kept)."""
    from psd_tools.psd.descriptor import Bool, Descriptor, Enumerated, Integer, List, String

    if old_grad is not None and getattr(old_grad.get(b"GrdF"), "enum", None) == b"ClNs" \
            and read_noise(old_grad) == noise:
        return old_grad
    grad = Descriptor(classID=b"Grdn", name="Gradient\x00")
    grad[b"Nm  "] = old_grad.get(b"Nm  ") if old_grad is not None and b"Nm  " in old_grad \
        else String("Custom\x00")
    grad[b"GrdF"] = Enumerated(b"GrdF", b"ClNs")
    grad[b"ShTr"] = Bool(noise.transparency)
    grad[b"VctC"] = Bool(noise.restrict)
    grad[b"ClrS"] = Enumerated(b"ClrS", NOISE_MODELS[noise.model])
    grad[b"RndS"] = Integer(noise.seed)
    grad[b"Smth"] = Integer(int(round(noise.roughness / 100 * LOCATION_STEPS)))
    grad[b"Mnm "] = List([Integer(int(round(v))) for v in noise.minimum])
    grad[b"Mxm "] = List([Integer(int(round(v))) for v in noise.maximum])
    for key, value in (old_grad.items() if old_grad is not None else ()):
        if key not in grad and key not in (b"Intr", b"Clrs", b"Trns"):
            grad[key] = value
    return grad


def read_gradient_method(desc) -> str:
    """The interpolation method of a 'GdFl' descriptor or an effect's gradient entry (its
    `EFFECT_METHOD_KEY`), or None's: Classic when it has none, or one we do not know."""
    code = None
    for key in (METHOD_KEY, EFFECT_METHOD_KEY) if desc is not None else ():
        code = code or getattr(desc.get(key), "enum", None)
    return next((name for name, known in GRADIENT_METHODS.items() if known == code), "classic")


def _text(value) -> str:
    """A descriptor's String without the NUL Photoshop ends it with."""
    return str(getattr(value, "value", value) or "").rstrip("\x00")


def _whole(value) -> float:
    """A pattern's phase component rounded to whole pixels, as Photoshop lays the tiles:
    its Pattern fill at phase (-46.06, -44.77) in Aspose's PatternFillLayerWide_0.psd lies
    at (-46, -45) (0.05 levels off its merged image; floored or ceiled 58, as stored 36)."""
    return float(np.floor(_number(value, 0.0) + 0.5))


def read_pattern_fill(desc, patterns: dict) -> Optional[adjustments.PatternFill]:
    """Our settings from a 'PtFl' descriptor ('Ptrn' with 'Idnt' and 'Nm  ', 'Scl ', 'Angl',
    'Algn', 'phase' with 'Hrzn'/'Vrtc'; absent keys Photoshop's defaults), with the pattern
    of that id in `patterns`; None when the file does not hold it. The descriptor is kept
    in the settings for the keys they do not hold."""
    reference = desc.get(b"Ptrn")
    pattern = patterns.get(_text(reference.get(b"Idnt"))) if reference is not None else None
    if pattern is None:
        return None
    phase = desc.get(b"phase")
    try:
        return adjustments.PatternFill(
            pattern=pattern, scale=_number(desc.get(b"Scl "), 100.0),
            angle=_number(desc.get(b"Angl"), 0.0), align=bool(desc.get(b"Algn", True)),
            phase=(0.0, 0.0) if phase is None else (_whole(phase.get(b"Hrzn")),
                                                    _whole(phase.get(b"Vrtc"))),
            descriptor=desc)
    except ValueError:  # a scale out of what a pattern fill has
        return None


def _fill_block(source, ours: dict):
    """A fill layer's descriptor block: the one it was read from (`source`, or None) with
    our values (`ours`, by key) in place of its own, in the order it was read (keys we do
    not model kept as read), then our keys it did not have."""
    from psd_tools.psd.descriptor import DescriptorBlock

    fill = DescriptorBlock(classID=b"null")
    for key, value in (source.items() if source is not None else ()):
        fill[key] = ours.pop(key, value)
    for key, value in ours.items():
        fill[key] = value
    return fill


def pattern_descriptor(settings: adjustments.PatternFill):
    """The 'PtFl' descriptor of our settings, as Photoshop writes it; keys of the
    descriptor they were read from that they do not hold are written back from it."""
    from psd_tools.psd.descriptor import Bool, Descriptor, Double, String, UnitFloat
    from psd_tools.terminology import Unit

    pattern = settings.pattern
    reference = Descriptor(classID=b"Ptrn")
    reference[b"Nm  "] = String(pattern.name + "\x00")
    reference[b"Idnt"] = String(pattern.id + "\x00")
    phase = Descriptor(classID=b"Pnt ")
    phase[b"Hrzn"] = Double(settings.phase[0])
    phase[b"Vrtc"] = Double(settings.phase[1])
    ours = {b"Ptrn": reference, b"Angl": UnitFloat(unit=Unit.Angle, value=settings.angle),
            b"Scl ": UnitFloat(unit=Unit.Percent, value=settings.scale),
            b"Algn": Bool(settings.align), b"phase": phase}
    source = settings.descriptor
    return _fill_block(source, ours)


def read_patterns(psd, warn, convert=None) -> dict:
    """The file's patterns ('Patt', 'Pat2', 'Pat3' after the layers) by id, as ours
    (`patterns.Pattern`, its name as stored less the final NUL); those in a mode we do
    not read (CMYK, Lab...) or damaged are left out, and said once. `convert`:
    the document's RGB -> sRGB (`psd_colour.transform`) for its RGB patterns, or None."""
    from psd_tools.constants import Tag

    blocks = psd.tagged_blocks
    records = [record for key in (Tag.PATTERNS1, Tag.PATTERNS2, Tag.PATTERNS3)
               for record in ((blocks.get_data(key) or ()) if blocks is not None else ())]
    found, skipped = patterns_of(records, convert)
    if skipped:
        warn(f"{skipped} pattern(s) of the file are in a form Layered does not read; "
             f"pattern fills using them stay as they were drawn")
    return found


def patterns_of(records, convert=None) -> tuple[dict, int]:
    """psd-tools pattern records (a PSD's 'Patt', a .pat's, an .asl's) as ours by id, and
    how many were left out (a mode we do not read: CMYK, Lab...; damaged)."""
    from psd_tools.constants import ColorMode

    from .patterns import Pattern

    found: dict = {}
    skipped = 0
    for record in records:
        if record.image_mode not in (ColorMode.RGB, ColorMode.GRAYSCALE, ColorMode.INDEXED):
            skipped += 1
            continue
        try:
            pixels = _pattern_pixels(record)
            if convert is not None and record.image_mode == ColorMode.RGB:
                pixels = psd_colour.convert_pixels(pixels, convert)
            found[record.pattern_id] = Pattern(record.name.rstrip("\x00"), pixels,
                                               record.pattern_id)
        except Exception as exc:  # a damaged pattern: the layers using it stay as they are
            _log.info("pattern %r not read: %s", record.name, exc)
            skipped += 1
    return found, skipped


def _pattern_pixels(record) -> np.ndarray:
    """A psd-tools pattern record's pixels as straight RGBA uint8 (colour planes first,
    transparency in the last slot, as psd-tools decodes them)."""
    from psd_tools.api.numpy_io import get_pattern, get_pattern_color_channels

    from psd_tools.constants import ColorMode

    planes = get_pattern(record)
    colours = get_pattern_color_channels(record)
    out = np.empty(planes.shape[:2] + (4,), np.uint8)
    if record.image_mode == ColorMode.INDEXED:
        # One plane of indices into the record's colour table (Photoshop's patterns of an
        # indexed image, e.g. Aspose's PSDNET-1234/test.psd).
        table = np.zeros((256, 3), np.uint8)
        table[:len(record.color_table)] = np.asarray(record.color_table, np.uint8)[:256]
        out[..., :3] = table[np.rint(planes[..., 0] * 255).astype(np.uint8)]
    else:
        rgb = planes[..., :colours]
        if colours == 1:
            rgb = np.repeat(rgb, 3, axis=-1)
        out[..., :3] = np.rint(np.clip(rgb[..., :3], 0, 1) * 255)
    out[..., 3] = np.rint(np.clip(planes[..., -1], 0, 1) * 255) if planes.shape[2] > colours \
        else 255
    return out


def pattern_records(patterns) -> list:
    """psd-tools pattern records of our patterns, as Photoshop writes them in an 8-bit RGB
    document: 24 colour slots and two more, red, green and blue written (RLE), the last
    slot the transparency where a pattern has any."""
    from psd_tools.constants import ColorMode
    from psd_tools.psd.patterns import Pattern as Record, VirtualMemoryArray, VirtualMemoryArrayList

    records = []
    for pattern in patterns:
        h, w = pattern.height, pattern.width
        channels = [VirtualMemoryArray() for _ in range(24 + 2)]
        planes = [0, 1, 2] + ([3] if (pattern.pixels[..., 3] < 255).any() else [])
        for plane in planes:
            slot = channels[-1] if plane == 3 else channels[plane]
            slot.set_data((w, h), np.ascontiguousarray(pattern.pixels[..., plane]).tobytes(), 8, 1)
        records.append(Record(version=1, image_mode=ColorMode.RGB, point=(h, w),
                              name=pattern.name + "\x00", pattern_id=pattern.id,
                              data=VirtualMemoryArrayList(version=3, rectangle=(0, 0, h, w),
                                                          channels=channels)))
    return records


def used_patterns(doc: Document) -> list:
    """The patterns a PSD of `doc` holds: the document's, then those its pattern fill
    layers use that it does not keep (a layer pasted from another document), by id."""
    found = {p.id: p for p in doc.patterns}
    for node in doc.nodes():
        pattern = getattr(getattr(node, "settings", None), "pattern", None)
        if isinstance(node, FillLayer) and pattern is not None:
            found.setdefault(pattern.id, pattern)
        for overlay in (node.effects.pattern_overlays if node.effects is not None else ()):
            if overlay.pattern.pattern is not None:  # a Pattern Overlay's
                found.setdefault(overlay.pattern.pattern.id, overlay.pattern.pattern)
        for stroke in (node.effects.strokes if node.effects is not None else ()):
            if stroke.fill_type == "pattern" and stroke.pattern.pattern is not None:
                found.setdefault(stroke.pattern.pattern.id, stroke.pattern.pattern)
    return list(found.values())


def _location(steps: float) -> float:
    """A stop's 'Lctn' (0..4096) in percent, as the shortest decimal that is stored as it
    (1638 is 40 %, which is 1638.4 steps)."""
    for digits in (0, 1, 2):
        percent = round(steps / LOCATION_STEPS * 100, digits)
        if round(percent / 100 * LOCATION_STEPS) == steps:
            return percent
    return steps / LOCATION_STEPS * 100


def gradient_descriptor(settings: adjustments.GradientFill):
    """The 'GdFl' descriptor of our settings, as Photoshop writes it; what the descriptor
    they were read from holds beyond them (keys we do not know, the gradient's name, the
    stops' kinds where a stop is as it was read) is written back from it, and so are the
    method and midpoints where they are as read (a gradient that was never Linear or
    Perceptual is written without the method, as Photoshop before 23 wrote it)."""
    from psd_tools.psd.descriptor import (Bool, Descriptor, Double, Enumerated,
                                          Integer, List, String, UnitFloat)
    from psd_tools.terminology import Unit

    source = settings.descriptor
    old_grad = source.get(b"Grad") if source is not None else None
    old_colors = list(old_grad.get(b"Clrs") or ()) if old_grad is not None else []
    old_opacities = list(old_grad.get(b"Trns") or ()) if old_grad is not None else []

    def location(percent: float) -> Integer:
        return Integer(int(round(percent / 100 * LOCATION_STEPS)))

    def kept(old: list, i: int, key: bytes, default, same: bool):
        """A stop's field as it was read, when the stop is the one read (else `default`)."""
        if same and i < len(old) and len(old) == count and key in old[i]:
            return old[i][key]
        return default

    def midpoint(old: list, i: int, midpoints: tuple) -> Integer:
        """A stop's 'Mdpn' (whole percent): as it was read when it holds our value."""
        value = int(round(midpoints[i] if midpoints else 50.0))
        if i < len(old) and b"Mdpn" in old[i] and _number(old[i][b"Mdpn"], -1) == value:
            return old[i][b"Mdpn"]
        return Integer(value)

    colors = List()
    count = len(settings.stops)
    for i, (at, rgb) in enumerate(settings.stops):
        same = (i < len(old_colors) and read_gradient_stop(old_colors[i]) == (at, rgb))
        color = Descriptor(classID=b"RGBC")
        for key, value in zip((b"Rd  ", b"Grn ", b"Bl  "), rgb):
            color[key] = Double(float(value))
        stop = Descriptor(classID=b"Clrt")
        stop[b"Clr "] = kept(old_colors, i, b"Clr ", color, same)
        stop[b"Type"] = kept(old_colors, i, b"Type", Enumerated(b"Clry", b"UsrS"), same)
        stop[b"Lctn"] = location(at)
        stop[b"Mdpn"] = midpoint(old_colors, i, settings.midpoints)
        colors.append(stop)
    opacities = List()
    for i, (at, opacity) in enumerate(settings.opacity_stops):
        stop = Descriptor(classID=b"TrnS")
        stop[b"Opct"] = UnitFloat(unit=Unit.Percent, value=float(opacity))
        stop[b"Lctn"] = location(at)
        stop[b"Mdpn"] = midpoint(old_opacities, i, settings.opacity_midpoints)
        opacities.append(stop)

    if settings.noise is not None:
        grad = noise_grad(settings.noise, old_grad)
    else:
        grad = Descriptor(classID=b"Grdn", name="Gradient\x00")
        grad[b"Nm  "] = old_grad.get(b"Nm  ") if old_grad is not None and b"Nm  " in old_grad \
            else String("Custom\x00")
        grad[b"GrdF"] = Enumerated(b"GrdF", b"CstS")
        grad[b"Intr"] = Double(settings.smoothness / 100 * LOCATION_STEPS)
        grad[b"Clrs"] = colors
        grad[b"Trns"] = opacities
        noise_only = (b"ShTr", b"VctC", b"ClrS", b"RndS", b"Smth", b"Mnm ", b"Mxm ")
        for key, value in (old_grad.items() if old_grad is not None else ()):
            if key not in grad and key not in noise_only:
                grad[key] = value
    offset = Descriptor(classID=b"Pnt ")
    offset[b"Hrzn"] = UnitFloat(unit=Unit.Percent, value=settings.offset[0])
    offset[b"Vrtc"] = UnitFloat(unit=Unit.Percent, value=settings.offset[1])
    ours = {b"Dthr": Bool(settings.dither), b"Rvrs": Bool(settings.reverse),
            b"Angl": UnitFloat(unit=Unit.Angle, value=settings.angle),
            b"Type": Enumerated(b"GrdT", GRADIENT_TYPES[settings.style]),
            b"Algn": Bool(settings.align),
            b"Scl ": UnitFloat(unit=Unit.Percent, value=settings.scale),
            b"Ofst": offset, b"Grad": grad}
    if settings.method != read_gradient_method(source):  # (else kept as read, or absent)
        ours[METHOD_KEY] = Enumerated(METHOD_TYPE, GRADIENT_METHODS[settings.method])
    return _fill_block(source, ours)


def read_gradient_stop(stop) -> Optional[tuple[float, tuple[int, int, int]]]:
    """A 'Clrt' colour stop as our (location %, (r, g, b))."""
    color = _rgb(stop.get(b"Clr "))
    at = stop.get(b"Lctn")
    if color is None or at is None:
        return None
    return min(100.0, max(0.0, _location(float(getattr(at, "value", at))))), color

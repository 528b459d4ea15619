"""Adjustment layers in PSD files: our settings from the tagged blocks Photoshop writes
and back (Brightness/Contrast, its legacy form too, Levels, Curves, Hue/Saturation, Color
Balance, Exposure, Vibrance, Black & White, Photo Filter, Channel Mixer, Invert,
Posterize, Threshold, Gradient Map, Selective Color, Color Lookup), and the blocks of Solid
Color, Gradient and Pattern fill layers.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from . import adjustments, gradients
from .psd_fills import LOCATION_STEPS, _location, gradient_descriptor, pattern_descriptor
from .psd_source import _low_level


# -- adjustment layers: our settings <-> Photoshop's tagged blocks ----------------------

def _adjustment_tags() -> set:
    from psd_tools.constants import Tag

    tonal = {Tag.INVERT, Tag.POSTERIZE, Tag.THRESHOLD, Tag.GRADIENT_MAP}  # (`tonal_blocks`)
    return tonal | {Tag.BRIGHTNESS_AND_CONTRAST, Tag.CONTENT_GENERATOR_EXTRA_DATA, Tag.LEVELS,
            Tag.CURVES, Tag.HUE_SATURATION, Tag.COLOR_BALANCE, Tag.EXPOSURE,
            Tag.SOLID_COLOR_SHEET_SETTING, Tag.GRADIENT_FILL_SETTING, Tag.PATTERN_FILL_SETTING}


def _more_adjustment_tags() -> set:
    """The blocks of Vibrance, Black & White, Photo Filter, Channel Mixer and Selective Color."""
    from psd_tools.constants import Tag

    return {Tag.VIBRANCE, Tag.BLACK_AND_WHITE, Tag.PHOTO_FILTER, Tag.CHANNEL_MIXER,
            Tag.SELECTIVE_COLOR, Tag.COLOR_LOOKUP}


def read_adjustment(item) -> Optional[adjustments.Adjustment]:
    """Our settings for one of psd-tools' adjustment layers (its public API), or None for
    a kind or a variant we do not draw (Brightness/Contrast on Lab's lightness, Curves
    drawn as a free map...): those stay carried."""
    kind = item.kind
    if kind in TONAL_KINDS:
        return read_tonal_adjustment(item)
    try:
        if kind == "brightnesscontrast":
            from psd_tools.constants import Tag

            if item.tagged_blocks.get_data(Tag.CONTENT_GENERATOR_EXTRA_DATA) is None:
                return read_legacy_brightness_contrast(item)
            if item.lab:
                return None
            return adjustments.BrightnessContrast(int(item.brightness), int(item.contrast),
                                                  bool(item.use_legacy))
        if kind == "levels":
            records = list(item.data or [])[:4]
            if not records:
                return None
            values = [(r.input_floor, r.input_ceiling, round(r.gamma / 100.0, 2), r.output_floor,
                       r.output_ceiling) for r in records]
            values = [adjustments.LEVELS_IDENTITY if v == (0, 0, 0.0, 0, 0) else v for v in values]
            values += [adjustments.LEVELS_IDENTITY] * (4 - len(values))
            return adjustments.Levels(*values)
        if kind == "curves":
            return _read_curves(item)
        if kind == "huesaturation":
            if item.data is None or len(item.data) != 6:
                return None
            ranges = tuple((tuple(int(c) for c in corners), tuple(int(v) for v in edit))
                           for corners, edit in item.data)
            if any(len(c) != 4 or len(e) != 3 for c, e in ranges):
                return None
            (ch, cs, cl), (h, s, light) = item.colorization, item.master
            return adjustments.HueSaturation(int(h), int(s), int(light), bool(item.enable_colorization),
                                             int(ch) % 360, int(cs), int(cl), ranges)
        if kind == "colorbalance":
            if item.shadows is None:
                return None
            return adjustments.ColorBalance(tuple(map(int, item.shadows)),
                                            tuple(map(int, item.midtones)),
                                            tuple(map(int, item.highlights)),
                                            bool(item.luminosity))
        if kind == "exposure":
            if item.exposure is None:
                return None
            return adjustments.Exposure(round(item.exposure, 2), round(item.exposure_offset, 4),
                                        round(item.gamma, 2))
        if kind in ("vibrance", "blackandwhite", "photofilter", "channelmixer",
                    "selectivecolor", "colorlookup"):
            return read_more_adjustment(item)
    except (TypeError, ValueError, AttributeError):
        return None  # settings we cannot make sense of: carried, as unknown kinds
    return None


def read_more_adjustment(item) -> Optional[adjustments.Adjustment]:
    """Vibrance ('vibA': 'vibrance' and 'Strt'; an empty descriptor is all zero), Black &
    White ('blwh': the six sliders, 'useTint', 'tintColor' as RGB), Photo Filter ('phfl':
    version 2 with an RGB or Lab colour, density %, Preserve Luminosity; version 3's XYZ
    colour is carried, not drawn) and Channel Mixer ('mixr': per output channel five
    shorts, red, green, blue, (CMYK's black), constant, and a fourth record; Monochrome)
    as our settings."""
    kind = item.kind
    if kind == "vibrance":
        return adjustments.Vibrance(int(item.vibrance), int(item.saturation))
    if kind == "blackandwhite":
        color = item.tint_color
        tint = adjustments.BlackWhite.tint_color if color is None else tuple(
            min(255, max(0, int(round(float(color.get(key, 0)))))) for key in
            (b"Rd  ", b"Grn ", b"Bl  "))
        return adjustments.BlackWhite(int(item.red), int(item.yellow), int(item.green),
                                      int(item.cyan), int(item.blue), int(item.magenta),
                                      bool(item.use_tint), tint)
    if kind == "photofilter":
        data = item._data
        if data is None or data.version != 2 or data.color_components is None:
            return None
        color = _psd_color_rgb(data.color_space, data.color_components)
        if color is None:
            return None
        return adjustments.PhotoFilter(color, int(data.density), bool(data.luminosity))
    if kind == "channelmixer":
        data = item._data
        if data is None:
            return None
        values = list(data.data) + [int(v) for v in np.frombuffer(
            bytes(data.unknown)[:30], ">i2")]
        if len(values) < 15:
            return None
        rows = [tuple(values[5 * c + i] for i in (0, 1, 2, 4)) for c in range(3)]
        return adjustments.ChannelMixer(*rows, monochrome=bool(data.monochrome))
    if kind == "selectivecolor":
        return _read_selective_color(item._data)
    if kind == "colorlookup":
        return _read_color_lookup(item._data)
    return None


# Color Lookup ('clrL'): Photoshop's descriptor holds the 3D LUT file itself
# ('LUT3DFileData', its format in 'LUTFormat'), its path, Dither, and a device-link ICC
# profile it built from the file ('profile'). We draw the file; the profile is kept and
# written back as read (we cannot make one: a layer made here is saved without it).
LUT_FORMATS = {"cube": b"LUTFormatCUBE", "3dl": b"LUTFormat3DL"}


def _read_color_lookup(data) -> Optional[adjustments.ColorLookup]:
    """Our Color Lookup from a 'clrL' descriptor; None (carried, not drawn) for an abstract
    or device-link profile, a .look file, or a LUT that does not parse."""
    from .color_lookup import LutError

    if data is None:
        return None
    try:
        kind = data.get(b"lookupType")
        if kind is not None and kind.enum != b"3DLUT":
            return None
        raw = data.get(b"LUT3DFileData")
        if raw is None:
            return adjustments.ColorLookup()  # a new layer with no file chosen yet
        code = data.get(b"LUTFormat")
        fmt = next((f for f, c in LUT_FORMATS.items() if code is not None and code.enum == c),
                   None)
        if fmt is None:
            return None
        name = data.get(b"LUT3DFileName") or data.get(b"Nm  ")
        name = str(getattr(name, "value", "") or "").rstrip("\x00")
        name = name.replace("\\", "/").rsplit("/", 1)[-1]
        profile = data.get(b"profile")
        dither = data.get(b"Dthr")
        return adjustments.ColorLookup(
            name=name, data=bytes(raw.value), format=fmt,
            dither=bool(dither.value) if dither is not None else True,
            profile=bytes(profile.value) if profile is not None else b"")
    except (LutError, TypeError, ValueError, AttributeError):
        return None


def _color_lookup_block(settings: adjustments.ColorLookup):
    """The 'clrL' descriptor Photoshop writes (its keys in its order)."""
    from psd_tools.psd.adjustments import ColorLookup as Block
    from psd_tools.psd.descriptor import Bool, Enumerated, RawData, String

    data = Block(version=1, data_version=16)
    data[b"lookupType"] = Enumerated(b"colorLookupType", b"3DLUT")
    data[b"Nm  "] = String(settings.name)
    data[b"Dthr"] = Bool(settings.dither)
    if settings.profile:
        data[b"profile"] = RawData(settings.profile)
    if settings.data:
        data[b"LUTFormat"] = Enumerated(b"LUTFormatType", LUT_FORMATS[settings.format])
        data[b"dataOrder"] = Enumerated(b"colorLookupOrder", b"rgbOrder")
        data[b"tableOrder"] = Enumerated(b"colorLookupOrder", b"bgrOrder")
        data[b"LUT3DFileData"] = RawData(settings.data)
        data[b"LUT3DFileName"] = String(settings.name)
    return data


def _read_selective_color(data) -> Optional[adjustments.SelectiveColor]:
    """Selective Color ('selc': version 1, the method (0 Relative, 1 Absolute), then ten
    records of cyan, magenta, yellow, black as signed shorts: the first unused, then Reds ..
    Blacks); None for another version or method, or values out of -100..100."""
    if data is None or data.version != 1 or data.method not in (0, 1) or len(data.data) != 10:
        return None
    rows = [tuple(int(v) for v in record) for record in data.data[1:]]
    return adjustments.SelectiveColor(*rows, absolute=bool(data.method))


def _psd_color_rgb(space: int, components) -> Optional[tuple]:
    """An 8-bit sRGB colour of a PSD colour structure: RGB (space 0, 0..65535) or Lab
    (space 7: L 0..10000, a and b -12800..12700 as signed shorts; D50, through Bradford to
    sRGB and clipped, as Photoshop shows the Photo Filter's Lab presets: Warming Filter (85),
    Lab 67.06 / 32 / 120, is (236, 138, 0)). None for other spaces."""
    if space == 0:
        return tuple(int(round(int(c) / 257)) for c in components[:3])
    if space != 7:
        return None
    a, b = (((int(c) + 0x8000) & 0xFFFF) - 0x8000 for c in components[1:3])
    rgb = gradients.lab_to_srgb(np.array([int(components[0]) / 100.0, a / 100, b / 100]))
    return tuple(int(v) for v in np.rint(rgb))


def more_adjustment_blocks(settings: adjustments.Adjustment) -> Optional[list]:
    """`adjustment_blocks` of Vibrance, Black & White, Photo Filter, Channel Mixer and
    Selective Color (as `read_more_adjustment` reads them; Photo Filter's colour as RGB);
    None for other kinds."""
    from psd_tools.constants import Tag
    from psd_tools.psd import adjustments as blocks
    from psd_tools.psd.descriptor import Bool, Descriptor, DescriptorBlock, Double, Integer, String

    if isinstance(settings, adjustments.Vibrance):
        data = DescriptorBlock(classID=b"null")
        data[b"vibrance"] = Integer(settings.vibrance)
        data[b"Strt"] = Integer(settings.saturation)
        return [(Tag.VIBRANCE, data)]
    if isinstance(settings, adjustments.BlackWhite):
        data = DescriptorBlock(classID=b"null")
        for key, name in zip((b"Rd  ", b"Yllw", b"Grn ", b"Cyn ", b"Bl  ", b"Mgnt"),
                             adjustments.BLACK_WHITE_FIELDS):
            data[key] = Integer(getattr(settings, name))
        data[b"useTint"] = Bool(settings.tint)
        color = Descriptor(classID=b"RGBC")
        for key, value in zip((b"Rd  ", b"Grn ", b"Bl  "), settings.tint_color):
            color[key] = Double(float(value))
        data[b"tintColor"] = color
        data[b"bwPresetKind"] = Integer(1)
        data[b"blackAndWhitePresetFileName"] = String("")
        return [(Tag.BLACK_AND_WHITE, data)]
    if isinstance(settings, adjustments.PhotoFilter):
        return [(Tag.PHOTO_FILTER, blocks.PhotoFilter(
            version=2, xyz=None, color_space=0,
            color_components=tuple(c * 257 for c in settings.color) + (0,),
            density=settings.density, luminosity=int(settings.preserve_luminosity)))]
    if isinstance(settings, adjustments.ChannelMixer):
        rows = [(*row[:3], 0, row[3]) for row in (settings.red, settings.green, settings.blue)]
        # Four records as Photoshop writes them (the fourth, CMYK's black, its identity).
        rest = np.array([v for row in rows[1:] for v in row] + [0, 0, 0, 100, 0], ">i2")
        return [(Tag.CHANNEL_MIXER, blocks.ChannelMixer(
            version=1, monochrome=int(settings.monochrome), data=list(rows[0]),
            unknown=rest.tobytes()))]
    if isinstance(settings, adjustments.SelectiveColor):
        rows = [getattr(settings, name) for name in adjustments.SELECTIVE_FIELDS]
        return [(Tag.SELECTIVE_COLOR, blocks.SelectiveColor(
            version=1, method=int(settings.absolute), data=[adjustments.NO_CHANGE] + rows))]
    if isinstance(settings, adjustments.ColorLookup):
        return [(Tag.COLOR_LOOKUP, _color_lookup_block(settings))]
    return None


def read_legacy_brightness_contrast(item) -> Optional[adjustments.BrightnessContrast]:
    """A Brightness/Contrast layer from before Photoshop CS3: only its 'brit' block (no
    'CgEd' descriptor; psd-tools sees a pixel layer without pixels). Drawn with the legacy
    formula; None for any other layer, and for one limited to Lab's lightness."""
    from psd_tools.constants import Tag

    blocks = _low_level(item)[0].tagged_blocks
    data = blocks.get_data(Tag.BRIGHTNESS_AND_CONTRAST)
    if data is None or blocks.get_data(Tag.CONTENT_GENERATOR_EXTRA_DATA) is not None \
            or getattr(data, "lab_only", 0):
        return None

    def signed(value) -> int:
        value = int(value) & 0xFFFF
        return value - 0x10000 if value >= 0x8000 else value

    return adjustments.BrightnessContrast(signed(data.brightness), signed(data.contrast),
                                          legacy=True)


def _read_curves(item) -> Optional[adjustments.Curves]:
    data = item.data
    if data is None or data.is_map:
        return None
    by_channel: dict[int, list] = {}
    if item.extra is not None:
        for entry in item.extra:
            by_channel[int(entry.channel_id)] = list(entry.points)
    else:
        channels = [i for i in range(32) if data.count_map >> i & 1] if data.version == 1 \
            else list(range(len(data.data)))
        by_channel = dict(zip(channels, data.data))
    curves = []
    for channel in range(4):
        points = by_channel.get(channel)
        if not points:
            curves.append(adjustments.CURVE_IDENTITY)
            continue
        if isinstance(points[0], int):
            return None  # a free-drawn map
        # Stored as (output, input) pairs; ours are (input, output).
        curves.append(adjustments.parse_points(" ".join(f"{x},{y}" for y, x in points)))
    return adjustments.Curves(*curves)


def adjustment_blocks(settings: adjustments.Adjustment) -> list:
    """The tagged blocks Photoshop writes for an adjustment layer, as (key, data)."""
    from psd_tools.constants import Tag
    from psd_tools.psd import adjustments as blocks
    from psd_tools.psd.descriptor import Bool, DescriptorBlock, Integer

    if type(settings).kind in TONAL_KINDS.values():
        return tonal_blocks(settings)
    if isinstance(settings, adjustments.BrightnessContrast):
        legacy = blocks.BrightnessContrast(settings.brightness & 0xFFFF,
                                           settings.contrast & 0xFFFF, 127, 0)
        modern = DescriptorBlock(classID=b"null")
        for key, value in ((b"Vrsn", Integer(1)), (b"Brgh", Integer(settings.brightness)),
                           (b"Cntr", Integer(settings.contrast)), (b"means", Integer(127)),
                           (b"Lab ", Bool(False)), (b"useLegacy", Bool(settings.legacy)),
                           (b"Auto", Bool(False))):
            modern[key] = value
        return [(Tag.BRIGHTNESS_AND_CONTRAST, legacy), (Tag.CONTENT_GENERATOR_EXTRA_DATA, modern)]
    if isinstance(settings, adjustments.Levels):
        records = [blocks.LevelRecord(in_b, in_w, out_b, out_w, int(round(gamma * 100)))
                   for in_b, in_w, gamma, out_b, out_w in
                   (settings.rgb, settings.red, settings.green, settings.blue)]
        records += [blocks.LevelRecord(0, 255, 0, 255, 100) for _ in range(25)]
        return [(Tag.LEVELS, blocks.Levels(version=2, items=records))]
    if isinstance(settings, adjustments.Curves):
        curves = [(i, [(y, x) for x, y in points]) for i, points in
                  enumerate((settings.rgb, settings.red, settings.green, settings.blue))
                  if i == 0 or points != adjustments.CURVE_IDENTITY]
        extra = blocks.CurvesExtraMarker(version=4, items=[
            blocks.CurvesExtraItem(channel_id=i, points=points) for i, points in curves])
        return [(Tag.CURVES, blocks.Curves(is_map=False, version=1,
                                           count_map=sum(1 << i for i, _ in curves),
                                           data=[points for _, points in curves], extra=extra))]
    if isinstance(settings, adjustments.HueSaturation):
        hue = (settings.colorize_hue + 180) % 360 - 180  # stored -180..180
        return [(Tag.HUE_SATURATION, blocks.HueSaturation(
            version=2, enable=int(settings.colorize),
            colorization=(hue, settings.colorize_saturation, settings.colorize_lightness),
            master=(settings.hue, settings.saturation, settings.lightness),
            items=[[corners, edit] for corners, edit in settings.ranges]))]
    if isinstance(settings, adjustments.ColorBalance):
        return [(Tag.COLOR_BALANCE, blocks.ColorBalance(
            settings.shadows, settings.midtones, settings.highlights,
            int(settings.preserve_luminosity)))]
    if isinstance(settings, adjustments.Exposure):
        return [(Tag.EXPOSURE, blocks.Exposure(1, settings.exposure, settings.offset,
                                               settings.gamma))]
    more = more_adjustment_blocks(settings)
    if more is not None:
        return more
    if isinstance(settings, adjustments.SolidColor):
        from psd_tools.psd.descriptor import Descriptor, Double

        color = Descriptor(classID=b"RGBC")
        for key, value in zip((b"Rd  ", b"Grn ", b"Bl  "), settings.color):
            color[key] = Double(float(value))
        fill = DescriptorBlock(classID=b"null")
        fill[b"Clr "] = color
        return [(Tag.SOLID_COLOR_SHEET_SETTING, fill)]
    if isinstance(settings, adjustments.GradientFill):
        return [(Tag.GRADIENT_FILL_SETTING, gradient_descriptor(settings))]
    if isinstance(settings, adjustments.PatternFill) and settings.pattern is not None:
        return [(Tag.PATTERN_FILL_SETTING, pattern_descriptor(settings))]
    raise ValueError(f"no PSD form for {settings!r}")


# -- Invert ('nvrt'), Posterize ('post'), Threshold ('thrs'), Gradient Map ('grdm') -----------
# psd-tools' kind -> ours.
TONAL_KINDS = {"invert": "invert", "posterize": "posterize", "threshold": "threshold",
               "gradientmap": "gradient_map"}
# A Gradient Map's method as its 'grdm' block (version 3) stores it.
MAP_METHODS = {"classic": b"Gcls", "linear": b"Lnr ", "perceptual": b"Perc"}


def read_tonal_adjustment(item) -> Optional[adjustments.Adjustment]:
    """Our Invert, Posterize, Threshold or Gradient Map from psd-tools' layer; None (the
    layer carried, not drawn) for what we do not draw: a noise gradient, a stop not in RGB
    (a 'grdm' colour: space 0 is RGB, its three 16-bit components first), a method we do
    not know, numbers out of range."""
    kind = TONAL_KINDS[item.kind]
    try:
        if kind == "invert":
            return adjustments.Invert()
        if kind == "posterize":
            return adjustments.Posterize(min(255, max(2, int(item.posterize))))
        if kind == "threshold":
            return adjustments.Threshold(min(255, max(1, int(item.threshold))))
        data = item._data
        method = next((name for name, code in MAP_METHODS.items() if code == data.method), None)
        if data.mode != 0 or method is None or not data.color_stops \
                or any(stop.mode != 0 for stop in data.color_stops):
            return None
        stops = tuple((_location(stop.location), tuple(int(round(c / 257)) for c in stop.color[:3]))
                      for stop in data.color_stops)
        opacities = tuple((_location(stop.location), stop.opacity / 255 * 100)
                          for stop in data.transparency_stops)
        return adjustments.GradientMap(
            stops=stops, opacity_stops=opacities or adjustments.OPAQUE,
            smoothness=_location(data.interpolation), method=method,  # (0..4096 too)
            midpoints=tuple(float(stop.midpoint) for stop in data.color_stops),
            opacity_midpoints=tuple(float(stop.midpoint) for stop in data.transparency_stops),
            reverse=bool(data.is_reversed), dither=bool(data.is_dithered), source=data)
    except (TypeError, ValueError, AttributeError):
        return None


def tonal_blocks(settings: adjustments.Adjustment) -> list:
    """The block Photoshop writes for an Invert (empty), a Posterize or a Threshold (a
    number) or a Gradient Map ('grdm': version 1, or 3 with a method other than Classic or
    when read so; its name, noise settings and seed written back from the record read)."""
    import copy

    from psd_tools.constants import Tag
    from psd_tools.psd import adjustments as blocks
    from psd_tools.psd.base import EmptyElement, ShortIntegerElement

    if isinstance(settings, adjustments.Invert):
        return [(Tag.INVERT, EmptyElement())]
    if isinstance(settings, adjustments.Posterize):
        return [(Tag.POSTERIZE, ShortIntegerElement(settings.levels))]
    if isinstance(settings, adjustments.Threshold):
        return [(Tag.THRESHOLD, ShortIntegerElement(settings.level))]
    source = settings.source
    data = copy.deepcopy(source) if source is not None else blocks.GradientMap(
        version=1, name="Custom\x00", use_vector_color=1, roughness=2048, color_model=3,
        minimum_color=[0, 0, 0, 0], maximum_color=[32768, 32768, 32768, 32768])
    midpoints = settings.midpoints or (50.0,) * len(settings.stops)
    opacity_midpoints = settings.opacity_midpoints or (50.0,) * len(settings.opacity_stops)
    old = list(source.color_stops) if source is not None else []

    def colour(i: int, rgb: tuple) -> tuple:
        """A stop's 16-bit colour: as read while the stop holds the colour read (our 8 bits
        would move 31610 to 31611), else ours."""
        if len(old) == len(settings.stops) and old[i].mode == 0 \
                and tuple(int(round(c / 257)) for c in old[i].color[:3]) == rgb:
            return tuple(old[i].color)
        return tuple(c * 257 for c in rgb) + (0,)

    data.color_stops = [blocks.ColorStop(int(round(at / 100 * LOCATION_STEPS)), int(round(m)), 0,
                                         colour(i, rgb))
                        for i, ((at, rgb), m) in enumerate(zip(settings.stops, midpoints))]
    data.transparency_stops = [
        blocks.TransparencyStop(int(round(at / 100 * LOCATION_STEPS)), int(round(m)),
                                int(round(opacity * 2.55)))
        for (at, opacity), m in zip(settings.opacity_stops, opacity_midpoints)]
    data.interpolation = int(round(settings.smoothness / 100 * LOCATION_STEPS))
    data.is_reversed, data.is_dithered = int(settings.reverse), int(settings.dither)
    data.method = MAP_METHODS[settings.method]
    if settings.method != "classic":
        data.version = 3
    data.mode = 0
    return [(Tag.GRADIENT_MAP, data)]

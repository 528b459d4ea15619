"""The colours a PSD file holds outside its pixels, brought to sRGB as its pixels are.

Layered works in sRGB: on opening, the pixels of an RGB document whose colour profile is
not sRGB (Adobe RGB, ProPhoto...) go through that profile to sRGB (psd-tools' `topil`
with `apply_icc`, Little CMS through Pillow). The colours Photoshop keeps in descriptors
are in the document's RGB space too: a Solid Color fill ('SoCo'), a gradient's stops
('GdFl', a Gradient Overlay's and a gradient stroke's 'Grad'), every layer effect's 'Clr '
('lfx2': shadows, glows, overlays, strokes, a bevel's highlight and shadow), a shape's
stroke ('vstk'), an artboard's background, Black & White's tint... (each an 'RGBC' or
'HSBC' descriptor), and in two binary blocks: a Gradient Map's stops ('grdm', 16-bit RGB)
and a Photo Filter's colour ('phfl', colour space 0: 16-bit RGB; a Lab one is device
independent and left alone). The file's RGB patterns ('Patt', `convert_pixels`) too.

`convert_records` rewrites all of those in the layer records, in place, right after the
file is read and before anything reads them, through the very transform the pixels take
(`_to_srgb`: psd-tools' own `_apply_icc` on an image of the colours, so a colour and a
pixel of the same value land on the same sRGB value). Everything downstream (our fills,
gradients, effects, the layers psd-tools draws, told not to apply the profile again) then
sees sRGB, and the blocks we keep and write back as read hold sRGB too.

Saving: Layered writes no colour profile (an untagged file is read as sRGB, by us and by
Photoshop's default "sRGB IEC61966-2.1" working space), and every colour it writes, kept
or its own, is sRGB: open -> save -> open gives the same colours. The document's original
space is not kept: a file saved by Layered is an sRGB document. Colours outside sRGB's
gamut are clipped by the conversion (as the pixels are); 16-bit values go through 8 bits
(as the pixels of 16-bit documents do). Not converted: the legacy effects block 'lrFX'
(written beside 'lfx2' by old Photoshops, which newer ones and we read instead), colours
inside type layers' engine data (we show a type layer's stored pixels).
"""
from __future__ import annotations

import colorsys
import io
from typing import Callable, Optional

import numpy as np

Converter = Callable[[np.ndarray], np.ndarray]


def _needs_icc(psd) -> bool:
    """Apply the document's colour profile only when it is not sRGB (saves a transform)."""
    from psd_tools.constants import ColorMode, Resource

    profile = psd.image_resources.get_data(Resource.ICC_PROFILE)
    if not profile:
        return False
    if psd.color_mode != ColorMode.RGB:
        return True
    try:
        import io

        from PIL import ImageCms

        description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(profile)))
        return "srgb" not in (description or "").lower()
    except Exception:
        return False


def transform(psd) -> Optional[Converter]:
    """The document's RGB -> sRGB as a function of uint8 (..., 3) arrays, or None when
    its colours need no conversion (not an RGB document, or its profile is sRGB or
    absent: `_needs_icc`)."""
    from psd_tools.constants import ColorMode, Resource

    if psd.color_mode != ColorMode.RGB or not _needs_icc(psd):
        return None
    profile = psd.image_resources.get_data(Resource.ICC_PROFILE)

    def convert(rgb: np.ndarray) -> np.ndarray:
        return _to_srgb(np.asarray(rgb, np.uint8), profile)

    return convert


def _to_srgb(rgb: np.ndarray, profile: bytes) -> np.ndarray:
    """uint8 (..., 3) through `profile` to sRGB by psd-tools' own `_apply_icc`: the
    transform the pixels of the document take (`topil(apply_icc=True)`)."""
    from PIL import Image
    from psd_tools.api.pil_io import _apply_icc

    flat = np.ascontiguousarray(rgb.reshape(-1, 3))
    if not len(flat):
        return rgb.copy()
    image = _apply_icc(Image.fromarray(flat[None, :, :], "RGB"), profile)
    return np.asarray(image.convert("RGB"), np.uint8).reshape(rgb.shape)


def convert_records(psd, convert: Converter) -> int:
    """Every colour of the layer records' blocks (see the module's docstring) through
    `convert`, in place; the number of colours converted. All are gathered first and
    converted as one image (one transform for the whole file)."""
    from psd_tools.psd.descriptor import Descriptor

    setters: list = []  # (rgb 0..255 floats, a function writing the converted rgb back)
    seen: set = set()

    def walk(value) -> None:
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, Descriptor):
            if value.classID in (b"RGBC", b"HSBC"):
                _gather_descriptor(value, setters)
                return
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)) or type(value).__name__ in ("List", "ObjectArray"):
            for item in value:
                walk(item)

    records = getattr(getattr(psd._record.layer_and_mask_information, "layer_info", None),
                      "layer_records", None) or ()
    for record in records:
        for block in record.tagged_blocks.values():
            data = getattr(block, "data", None)
            kind = type(data).__name__
            if kind == "GradientMap":
                _gather_gradient_map(data, setters)
            elif kind == "PhotoFilter":
                _gather_photo_filter(data, setters)
            else:
                walk(data)
    if not setters:
        return 0
    colours = np.array([rgb for rgb, _ in setters], np.float64)
    converted = convert(np.rint(np.clip(colours, 0, 255)).astype(np.uint8)[None])[0]
    for (_, write), rgb in zip(setters, converted):
        write(tuple(int(c) for c in rgb))
    return len(setters)


def convert_pixels(pixels: np.ndarray, convert: Converter) -> np.ndarray:
    """Straight RGBA uint8 pixels (a pattern's) with their colours converted."""
    out = pixels.copy()
    out[..., :3] = convert(pixels[..., :3])
    return out


def _gather_descriptor(color, setters: list) -> None:
    """An 'RGBC' (Rd, Grn, Bl 0..255) or 'HSBC' (H degrees, Strt and Brgh %) colour."""
    from psd_tools.psd.descriptor import Double, UnitFloat

    def number(key: bytes) -> float:
        return float(getattr(color[key], "value", color[key]))

    def put(key: bytes, value: float) -> None:
        old = color[key]
        color[key] = UnitFloat(unit=old.unit, value=value) if isinstance(old, UnitFloat) \
            else Double(value)

    try:
        if color.classID == b"RGBC":
            rgb = tuple(number(key) for key in (b"Rd  ", b"Grn ", b"Bl  "))

            def write(new: tuple) -> None:
                for key, value in zip((b"Rd  ", b"Grn ", b"Bl  "), new):
                    put(key, float(value))
        else:
            hsv = (number(b"H   ") / 360.0 % 1.0, number(b"Strt") / 100.0,
                   number(b"Brgh") / 100.0)
            rgb = tuple(255.0 * c for c in colorsys.hsv_to_rgb(*hsv))

            def write(new: tuple) -> None:
                h, s, v = colorsys.rgb_to_hsv(*(c / 255.0 for c in new))
                put(b"H   ", h * 360.0)
                put(b"Strt", s * 100.0)
                put(b"Brgh", v * 100.0)
    except (KeyError, TypeError, ValueError):
        return  # not a colour we read either: left as it is
    setters.append((rgb, write))


def _gather_gradient_map(data, setters: list) -> None:
    """A 'grdm' block's RGB stops (mode 0: three 16-bit components, then a fourth)."""
    for stop in data.color_stops or ():
        if stop.mode != 0 or len(stop.color) < 3:
            continue

        def write(new: tuple, stop=stop) -> None:
            stop.color = tuple(c * 257 for c in new) + tuple(stop.color[3:])
        setters.append((tuple(c / 257 for c in stop.color[:3]), write))


def _gather_photo_filter(data, setters: list) -> None:
    """A 'phfl' block's colour when it is RGB (colour space 0, 16-bit components)."""
    if data.color_space != 0 or not data.color_components or len(data.color_components) < 3:
        return

    def write(new: tuple) -> None:
        data.color_components = tuple(c * 257 for c in new) + tuple(data.color_components[3:])
    setters.append((tuple(c / 257 for c in data.color_components[:3]), write))


def profile_name(psd) -> str:
    """The description of the document's colour profile ('' when it has none)."""
    from psd_tools.constants import Resource

    profile = psd.image_resources.get_data(Resource.ICC_PROFILE)
    if not profile:
        return ""
    try:
        from PIL import ImageCms

        return ImageCms.getProfileDescription(
            ImageCms.ImageCmsProfile(io.BytesIO(profile))).strip()
    except Exception:  # noqa: BLE001 - a name only
        return ""

"""Flat image files through Pillow: PNG, JPEG, WebP, TIFF and BMP in, 8-bit straight RGBA out.

Reading checks the size from the header before decoding anything (the
decompression-bomb guard), decodes fully so that a truncated file fails here
and not later, turns the picture upright by its EXIF orientation (as cameras
and Photoshop expect), converts an embedded colour profile other than sRGB to
sRGB, and widens every mode (grey, palette, CMYK, 16-bit, float) to RGBA.
"""
from __future__ import annotations

import io
import re
import struct
import warnings
from typing import IO, Optional

import numpy as np

from .errors import FileFormatError, ImageTooLarge
from .limits import check_pixel_limit, read_head
from .resolution import of_image, save_options

JPEG_MARKER_BYTES = 65533  # the most an APP marker's data may hold
# Pillow format names we open ("MPO" is how Pillow names many camera JPEGs).
READ_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "MPO": "JPEG", "WEBP": "WebP", "TIFF": "TIFF",
                "BMP": "BMP", "DIB": "BMP"}


def read_flat(path: str, limit: int) -> tuple[np.ndarray, list[str]]:
    """Decodes an image file to (pixels RGBA uint8, warnings). Raises FileFormatError/ImageTooLarge."""
    from PIL import Image, UnidentifiedImageError

    read_head(path, 1)  # one clear message for missing/unreadable files
    notes: list[str] = []
    _raise_pillow_guard(limit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(path)
        except Image.DecompressionBombError as exc:
            found = re.search(r"\((\d+) pixels\)", str(exc))
            size = f" ({int(found[1]) / 1e6:.0f} million pixels)" if found else ""
            raise ImageTooLarge(f"{path}: the image{size} has more pixels than the limit of "
                                f"{limit / 1e6:.0f} million (refused as a possible "
                                f"decompression bomb).") from None
        except UnidentifiedImageError:
            if _png_is_empty(path):
                raise FileFormatError(f"{path}: the image is empty (0 pixels wide or high).") from None
            raise FileFormatError(f"{path}: not an image Layered can open (or it is damaged); "
                                  f"open PNG, JPEG, WebP, TIFF, BMP, PSD or PSB files.") from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise FileFormatError(f"{path}: the image is damaged ({_why(exc)}).") from None
        with image:
            kind = READ_FORMATS.get(image.format or "")
            if kind is None:
                raise FileFormatError(f"{path}: {image.format} images are not supported; "
                                      f"open PNG, JPEG, WebP, TIFF, BMP, PSD or PSB files.")
            width, height = image.size
            if width <= 0 or height <= 0:
                raise FileFormatError(f"{path}: the image is empty ({width}x{height} pixels).")
            check_pixel_limit(path, width, height, limit)
            if getattr(image, "n_frames", 1) > 1:
                notes.append(f"{path}: only the first of {image.n_frames} frames/pages was read.")
            try:
                image.load()
                pixels = _to_rgba(_upright(image), path, notes)
            except (OSError, SyntaxError, ValueError, EOFError, IndexError) as exc:
                raise FileFormatError(f"{path}: the image data is damaged or truncated "
                                      f"({_why(exc)}).") from None
    return pixels, notes


def write_flat(pixels: np.ndarray, f: IO[bytes], fmt: str, quality: int, *,
               transparency: bool = True, copyright: Optional[str] = None,
               tiff_compression: Optional[str] = "tiff_adobe_deflate",
               palette=None, xmp: Optional[bytes] = None,
               exif: Optional[bytes] = None, dpi: Optional[float] = None) -> None:
    """Encodes straight RGBA pixels; JPEG and BMP (no transparency) are flattened onto white,
    as is every format with `transparency` off. `copyright` (Export As' Metadata:
    Copyright): a PNG text chunk or EXIF's Copyright tag. `xmp`, `exif`: the document's
    metadata (File Info, the camera's EXIF block), written where Pillow writes them: XMP in
    JPEG, PNG (iTXt), TIFF (tag 700) and WebP, EXIF in JPEG, PNG and WebP (in a JPEG only
    what fits one 64 KB marker). Without those nothing but the pixels is written. `tiff_compression`: Pillow's name for a
    TIFF's ("tiff_lzw"; None: uncompressed). `palette` (GIF, PNG): an Indexed Color
    document's ((r, g, b), ...): the file is paletted with it (PNG-8). `dpi`: the
    document's resolution, written in JPEG, PNG and TIFF (`resolution.save_options`)."""
    from PIL import Image

    if palette is not None:
        from .color_modes import paletted

        image = paletted(pixels if transparency else _opaque(flatten_on_white(pixels)),
                         palette)
    elif fmt in ("JPEG", "BMP") or not transparency:
        image = Image.fromarray(flatten_on_white(pixels), "RGB")
    else:
        image = Image.fromarray(pixels, "RGBA")
    options: dict = {}
    if fmt == "JPEG":
        # 4:4:4 at high quality keeps coloured edges of layers crisp, as Photoshop does.
        options = {"quality": quality, "subsampling": 0 if quality >= 90 else 2, "optimize": True}
    elif fmt == "WEBP":
        options = {"quality": quality, "lossless": quality >= 100, "exact": True}
    elif fmt == "TIFF":
        options = {"compression": tiff_compression or "raw"}
    elif fmt == "GIF":
        # Pillow picks an adaptive palette; alpha 0 becomes the palette's transparent entry.
        options = {"optimize": True}
    camera = None
    if fmt == "JPEG":  # (one JPEG marker holds 64 KB; Pillow writes no Extended XMP)
        xmp = xmp if xmp and len(xmp) <= JPEG_MARKER_BYTES - 29 else None
        exif = exif if exif and len(exif) <= JPEG_MARKER_BYTES - 6 else None
    if exif and fmt in ("JPEG", "PNG", "WEBP"):  # (Pillow's TIFF writer drops its sub-IFD)
        from .file_info import load_exif

        camera = load_exif(exif)
    if copyright and fmt in ("JPEG", "WEBP", "TIFF"):
        camera = camera if camera is not None else Image.Exif()
        camera[0x8298] = copyright  # EXIF Copyright
    if camera is not None:
        options["exif"] = camera
    if fmt == "PNG" and (copyright or xmp):
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        if copyright:
            info.add_text("Copyright", copyright)
        if xmp:  # (where Photoshop and Pillow look for it)
            info.add_itxt("XML:com.adobe.xmp", bytes(xmp).decode("utf-8", "replace"))
        options["pnginfo"] = info
    elif fmt in ("JPEG", "WEBP") and xmp:
        options["xmp"] = bytes(xmp)
    elif fmt == "TIFF" and xmp:
        # XMP's TIFF tag; given tags replace the `exif` ones, so the copyright goes here too.
        options["tiffinfo"] = {700: bytes(xmp), **({0x8298: copyright} if copyright else {})}
    if copyright and fmt == "GIF":
        options["comment"] = copyright.encode("utf-8")
    options.update(save_options(fmt, dpi))
    image.save(f, fmt, **options)


def read_resolution(path: str) -> Optional[float]:
    """The pixels per inch a flat file says it has (Pillow's `info["dpi"]`), from its
    header; None without one or when it cannot be read."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            return of_image(image.info)
    except Exception:  # (read_flat has said what is wrong with the file, if anything)
        return None


def read_metadata(path: str) -> tuple[Optional[bytes], Optional[bytes]]:
    """(XMP packet, EXIF block) of an image file as Pillow finds them (JPEG, PNG, TIFF,
    WebP), from its header (no pixel is decoded); None for what it lacks or what cannot be
    read. The EXIF block is TIFF-structured, its Orientation 1 (`read_flat` turned the
    pixels upright); a TIFF's own tags (strips, sizes) are left out of it."""
    from PIL import Image

    from .file_info import EXIF_IFD, upright_exif

    try:
        with Image.open(path) as image:
            packet = image.info.get("xmp")
            exif = image.getexif()
            if image.format == "TIFF" and len(exif):  # (its first IFD is the image's own)
                camera = Image.Exif()
                for tag in (0x010F, 0x0110, 0x0131, 0x0132, 0x8298):  # make ... copyright
                    if tag in exif:
                        camera[tag] = exif[tag]
                sub = exif.get_ifd(EXIF_IFD)
                if sub:
                    camera.get_ifd(EXIF_IFD).update(sub)
                exif = camera
    except Exception:  # (read_flat has said what is wrong with the file, if anything)
        return None, None
    if isinstance(packet, str):
        packet = packet.encode("utf-8")
    return packet or None, upright_exif(exif)


def _opaque(rgb: np.ndarray) -> np.ndarray:
    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])


def flatten_on_white(pixels: np.ndarray) -> np.ndarray:
    """Straight RGBA uint8 over an opaque white backdrop -> RGB uint8 (rounded)."""
    if pixels[..., 3].min() == 255:
        return np.ascontiguousarray(pixels[..., :3])
    out = np.empty(pixels.shape[:2] + (3,), np.uint8)
    rows = 64  # blocks that stay in the cache: 2-3x faster than whole-image temporaries
    for y in range(0, pixels.shape[0], rows):
        part = pixels[y:y + rows]
        # round((c*a + 255*(255 - a)) / 255) in 16-bit integers: the sum is at most 255*255,
        # and (x + 128 + ((x + 128) >> 8)) >> 8 divides by 255 with rounding, exactly, there.
        # (c - 255) * a wraps around in uint16; adding 255*255 + 128 brings it back.
        x = part[..., :3].astype(np.uint16)
        x -= 255
        x *= part[..., 3:4]
        x += 255 * 255 + 128
        x += x >> 8
        x >>= 8
        out[y:y + rows] = x
    return out


# -- helpers ------------------------------------------------------------------------------

def _raise_pillow_guard(limit: int) -> None:
    """Pillow refuses images over twice its own limit; our header check replaces that guard,
    so raise Pillow's to ours (never lower it: other code may rely on it)."""
    from PIL import Image

    if Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS < limit:
        Image.MAX_IMAGE_PIXELS = limit


def _png_is_empty(path: str) -> bool:
    """Pillow refuses PNGs of width or height 0 as unidentified; say what is wrong instead."""
    with open(path, "rb") as f:
        head = f.read(24)
    return (head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
            and 0 in struct.unpack(">II", head[16:24]))


def _upright(image):
    from PIL import ImageOps

    orientation = image.getexif().get(0x0112, 1) if hasattr(image, "getexif") else 1
    if orientation in (None, 1):
        return image
    return ImageOps.exif_transpose(image)


def _to_rgba(image, path: str, notes: list[str]) -> np.ndarray:
    """Any Pillow mode -> (H, W, 4) uint8 straight RGBA, in sRGB where a profile says otherwise."""
    mode = image.mode
    if mode.startswith("I;16") or mode == "I":
        grey = np.asarray(image).astype(np.float32)
        if mode == "I" and grey.max(initial=0) <= 255:
            scale = 1.0
        else:
            scale = 255.0 / 65535.0
        return _grey_to_rgba(np.clip(np.rint(grey * scale), 0, 255).astype(np.uint8))
    if mode == "F":
        grey = np.asarray(image, np.float32)
        scale = 255.0 if grey.max(initial=0) <= 1.0 else 1.0
        return _grey_to_rgba(np.clip(np.rint(grey * scale), 0, 255).astype(np.uint8))
    image = _to_srgb(image, path, notes)
    if image.mode != "RGBA":
        if image.mode == "P" and "transparency" not in image.info:
            image = image.convert("RGB")
        image = image.convert("RGBA")
    return np.array(image, dtype=np.uint8)


def _grey_to_rgba(grey: np.ndarray) -> np.ndarray:
    out = np.empty(grey.shape + (4,), np.uint8)
    out[..., :3] = grey[..., None]
    out[..., 3] = 255
    return out


def _to_srgb(image, path: str, notes: list[str]):
    """Applies an embedded ICC profile (other than sRGB) to RGB, RGBA and CMYK images."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image.convert("RGB") if image.mode == "CMYK" else image
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        description = (ImageCms.getProfileDescription(source) or "").strip()
        if "srgb" in description.lower() and image.mode != "CMYK":
            return image
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        srgb = ImageCms.createProfile("sRGB")
        return ImageCms.profileToProfile(image, source, srgb, outputMode=output_mode)
    except Exception as exc:  # a broken profile must not stop the picture from opening
        notes.append(f"{path}: its colour profile could not be applied ({_why(exc)}); "
                     f"colours may look different.")
        return image.convert("RGB") if image.mode == "CMYK" else image


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.rstrip(".")

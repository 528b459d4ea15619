"""File > Export > Export As…: what the document shows, written as PNG, JPEG, WebP or GIF,
at a chosen size, with or without transparency and the document's metadata.

As Photoshop's Export As: the canvas stays as it is (no Canvas Size here), the picture is
resized with proportions kept by Image Size's Automatic resampling
(`image_resample.resize_pixels`: Bicubic Sharper when shrinking, Preserve Details 2.0 when
enlarging, on premultiplied alpha), the pixels are
sRGB already (the editor converts on reading), and Metadata is the document's own (File
Info): None (nothing but the pixels; the document's resolution is written in a PNG or JPEG
all the same, as Save As writes it), Copyright and Contact Info (a packet with the
copyright notice, status, URL and authors only, the notice also as EXIF Copyright or a PNG
text) or All (the whole packet and the camera's EXIF), picked by
`file_info.exported_metadata` and dated by `file_info.stamped`. `encode` makes the file's bytes, which the dialog's preview also
uses for the size it shows; `write` puts them on disk through `files.atomic_write`, so a
failed export leaves any old file as it was and no half-written one.

Qt-free; the dialog is `editor/ui/export_commands.py`.
"""
from __future__ import annotations

import dataclasses
import io
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import numpy as np

from engine.box import Box

from .errors import SaveError
from .file_info import METADATA_CHOICES, copyright_notice, exported_metadata, stamped
from .files import atomic_write
from .image_resample import resize_pixels
from .images import write_flat
from .limits import pixel_count, pixel_limit
from .render import composite_document

if TYPE_CHECKING:
    from .document import Document

# Format -> its file suffix; the formats that keep transparency.
FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "GIF": ".gif"}
TRANSPARENT = ("PNG", "WEBP", "GIF")
QUALITY_FORMATS = ("JPEG", "WEBP")
MAX_SIDE = 30000


@dataclass(frozen=True)
class ExportSettings:
    """What the Export As dialog chose. `width`/`height` None: the canvas' size."""

    format: str = "PNG"
    quality: int = 90                 # JPEG and WebP, 1..100
    transparency: bool = True         # PNG, WebP, GIF (JPEG is always flattened onto white)
    width: Optional[int] = None
    height: Optional[int] = None
    metadata: str = "none"            # file_info.METADATA_CHOICES: none, copyright, all
    xmp: Optional[bytes] = None       # the document's packet and EXIF block (File Info)
    exif: Optional[bytes] = None
    # An Indexed Color document's palette ((r, g, b), ...): GIF and PNG (PNG-8) are written
    # with it (color_modes.paletted); None: GIF gets an adaptive palette, PNG is 32-bit.
    palette: Optional[tuple] = None
    # The document's resolution (px/in), written in a PNG's pHYs and a JPEG's JFIF density
    # as Save As writes it (`resolution.save_options`); None: none written.
    dpi: Optional[float] = None

    def check(self) -> None:
        if self.format not in FORMATS:
            raise SaveError(f"Export As writes {', '.join(FORMATS)}, not {self.format!r}.")
        if self.metadata not in METADATA_CHOICES:
            raise SaveError(f"Metadata is one of {', '.join(METADATA_CHOICES)}, "
                            f"not {self.metadata!r}.")
        if not 1 <= int(self.quality) <= 100:
            raise SaveError(f"The quality must be 1..100, not {self.quality}.")
        for side in (self.width, self.height):
            if side is not None and not 1 <= int(side) <= MAX_SIDE:
                raise SaveError(f"The image size must be 1..{MAX_SIDE} px a side, not {side}.")

    @property
    def suffix(self) -> str:
        return FORMATS[self.format]


def scaled_size(width: int, height: int, percent: float) -> tuple[int, int]:
    """A `width` x `height` picture scaled by `percent`, at least a pixel a side."""
    return max(1, round(width * percent / 100)), max(1, round(height * percent / 100))


def resized(pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    """Straight RGBA `pixels` resampled to exactly `width` x `height` (Image Size's way)."""
    h, w = pixels.shape[:2]
    if (w, h) == (width, height):
        return pixels
    out = np.zeros((height, width, 4), np.uint8)
    scaled, x, y = resize_pixels(pixels, width / w, height / h, 0.0, 0.0, "automatic", 0.0,
                                 Box(0, 0, width, height))
    out[y:y + scaled.shape[0], x:x + scaled.shape[1]] = scaled
    return out


def encode(pixels: np.ndarray, settings: ExportSettings) -> bytes:
    """The exported file's bytes from the document's composite `pixels` (straight RGBA)."""
    settings.check()
    h, w = pixels.shape[:2]
    width, height = settings.width or w, settings.height or h
    if width * height > pixel_limit():  # (the limit files are read with)
        raise SaveError(f"{width} × {height} px is more than the {pixel_count(pixel_limit())} "
                        f"pixels an image may have: choose a smaller size.")
    picture = resized(pixels, width, height)
    packet, exif = exported_metadata(settings.xmp, settings.exif, settings.metadata)
    notice = copyright_notice(packet) if settings.metadata != "none" else ""
    out = io.BytesIO()
    write_flat(np.ascontiguousarray(picture), out, settings.format, int(settings.quality),
               transparency=settings.transparency and settings.format in TRANSPARENT,
               copyright=notice or None, xmp=stamped(packet), exif=exif,
               palette=settings.palette if settings.format in ("GIF", "PNG") else None,
               dpi=settings.dpi)
    return out.getvalue()


def palette_setting(doc: "Document") -> Optional[tuple]:
    """`ExportSettings.palette` for `doc`: its palette in Indexed Color mode, else None."""
    if doc.color_mode != "indexed" or doc.palette is None:
        return None
    return tuple(tuple(int(v) for v in c) for c in doc.palette)


def write(path: str | os.PathLike, data: bytes) -> None:
    """`data` written to `path` all at once (a temporary file renamed over it)."""
    atomic_write(os.fspath(path), lambda f: f.write(data))


def export_as(doc: "Document", path: str | os.PathLike, settings: ExportSettings) -> int:
    """What `doc` shows, exported to `path` by `settings`; returns the bytes written."""
    if doc.color_mode == "indexed" and settings.palette is None:
        settings = dataclasses.replace(settings, palette=palette_setting(doc))
    settings = dataclasses.replace(settings, xmp=doc.xmp, exif=doc.exif, dpi=doc.resolution)
    data = encode(composite_document(doc), settings)
    write(path, data)
    return len(data)

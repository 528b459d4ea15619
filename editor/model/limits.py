"""Limits on what a file may hold, and the first read of a file: shared by files, images and psd.

Decompression bombs are refused before any pixel is decoded: image sizes come
from the file header. The limit (pixels per image, default 200 million) is
`set_max_pixels(n)`, else the environment variable `LAYERED_MAX_PIXELS`, else
`DEFAULT_MAX_PIXELS`. A leaf module (it imports only the errors), so that
`files` (the entry point) and the format modules it calls need not import
each other.
"""
from __future__ import annotations

import os
import stat
from typing import Optional

from .errors import FileFormatError, ImageTooLarge

DEFAULT_MAX_PIXELS = 200_000_000
MAX_PIXELS_ENV = "LAYERED_MAX_PIXELS"
# All the layers of a PSD together may hold this many times the limit per image (a
# 20-layer 4000x3000 document holds 240 million pixels); checked from the layer
# records, before any pixel is decoded.
LAYERS_LIMIT_FACTOR = 4

_max_pixels: Optional[int] = None


def set_max_pixels(limit: Optional[int]) -> None:
    """Sets the pixel limit for every later open/import (None: back to env/default)."""
    global _max_pixels
    if limit is not None and int(limit) <= 0:
        raise ValueError("the pixel limit must be positive")
    _max_pixels = None if limit is None else int(limit)


def pixel_limit() -> int:
    """The pixel limit in force: set_max_pixels, else $LAYERED_MAX_PIXELS, else the default."""
    if _max_pixels is not None:
        return _max_pixels
    text = os.environ.get(MAX_PIXELS_ENV, "").strip().replace("_", "")
    if text:
        try:
            value = int(float(text))
        except ValueError:
            value = 0
        if value > 0:
            return value
    return DEFAULT_MAX_PIXELS


def check_pixel_limit(path: str, width: int, height: int, limit: int, what: str = "The image") -> None:
    """Refuses sizes over the limit (called with header sizes, before decoding)."""
    if width * height > limit:
        raise ImageTooLarge(
            f"{path}: {what} is {width}x{height} = {pixel_count(width * height)} pixels, "
            f"more than the limit of {pixel_count(limit)} (refused as a possible "
            f"decompression bomb; raise the limit with {MAX_PIXELS_ENV} if you trust the file).")


def pixel_count(n: int) -> str:
    """A number of pixels in words: '180 million', '12.5 million', '1,204'."""
    if n >= 10_000_000:
        return f"{n / 1e6:.0f} million"
    if n >= 1_000_000:
        return f"{n / 1e6:.1f} million"
    return f"{n:,}"


def read_head(path: str, n: int) -> bytes:
    """The first `n` bytes of a file, with one clear error for missing or unreadable files."""
    try:
        # Checked before opening: opening a FIFO blocks until someone writes to it.
        if not stat.S_ISREG(os.stat(path).st_mode) and not os.path.isdir(path):
            raise FileFormatError(f"{path}: is not a regular file (a pipe, socket or "
                                  f"device); open an image file.")
        with open(path, "rb") as f:
            head = f.read(n)
    except FileNotFoundError:
        raise FileFormatError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise FileFormatError(f"{path}: is a folder, not an image file.") from None
    except PermissionError:
        raise FileFormatError(f"{path}: permission denied (cannot read the file).") from None
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if not head and n > 0:
        raise FileFormatError(f"{path}: the file is empty (0 bytes).")
    return head

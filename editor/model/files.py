"""Opening, importing, saving and exporting documents: the one entry point for files.

- `open_document(path)`: PSD/PSB as a layered document; PNG, JPEG, WebP,
  TIFF and BMP as a one-layer document.
- `read_image(path)`: the pixels of any of those files (a PSD's composite),
  for Import as Layer.
- `save_document(doc, path)`: PSD, or PSB for `.psb` names.
- `export_image(doc, path)`: the flattened picture as PNG, JPEG, WebP, TIFF or BMP, with
  the document's metadata (File Info's XMP, the camera's EXIF) where the format holds it.
  Every save dates the document's packet, when it has one (`file_info.stamped`): Save
  keeps the dates in the document (xmp:CreateDate stays from the first save), a copy or
  an export only in the file.

The format is recognised from the file's first bytes, not its name. Every
failure raises one `DocumentError` subclass whose message names the file and
the reason; nothing is changed before a file has been read completely, and
writes go to a temporary file next to the target that replaces it only when
complete, so a failed save leaves the old file as it was.

Opening a flat image sets `doc.source_path`, not `doc.path`: as in Photoshop
once layers are involved, the first Save asks for a PSD name (the editor
suggests the image's name with `.psd`) instead of flattening the user's
layers into the PNG they came from.

Decompression bombs are refused before any pixel is decoded: image sizes come
from the file header. The limit (pixels per image, default 200 million) is
`set_max_pixels(n)`, else the environment variable `LAYERED_MAX_PIXELS`, else
`DEFAULT_MAX_PIXELS`; each call can also pass `max_pixels`. The layers of a PSD
together may hold `LAYERS_LIMIT_FACTOR` times that, checked from the layer
records before any layer is decoded.
"""
from __future__ import annotations

import errno
import os
import re
import secrets
import signal
import threading
import time
from contextlib import contextmanager
from typing import Callable, IO, Optional

import numpy as np

from engine.box import Box

from .document import Document
from .background_layer import can_be_background, make_background
from .errors import DocumentError, FileFormatError, SaveError, describe
from .file_info import checked_packet, stamped
from .images import read_flat, read_metadata, read_resolution, write_flat
from .layers import Layer
# The pixel limit and the header read live in `limits` (images and psd need them too);
# they stay importable from here, the entry point for files.
from .limits import (DEFAULT_MAX_PIXELS, LAYERS_LIMIT_FACTOR, MAX_PIXELS_ENV,  # noqa: F401
                     check_pixel_limit, pixel_count, pixel_limit, read_head, set_max_pixels)
from . import psd
from .render import composite_document

PSD_SUFFIXES = (".psd", ".psb")
EXPORT_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP",
                  ".tif": "TIFF", ".tiff": "TIFF", ".bmp": "BMP"}
OPEN_SUFFIXES = PSD_SUFFIXES + tuple(EXPORT_FORMATS)

# Temporary files of saves older than this process are left over from a killed save.
_PROCESS_START = time.time()


# -- reading ----------------------------------------------------------------------------

def open_document(path: str | os.PathLike, *, max_pixels: Optional[int] = None,
                  pixels: bool = True) -> Document:
    """Reads a file as a new document (history clean). Raises DocumentError subclasses.

    `pixels=False` reads a PSD's structure only: its layers get read-only placeholder
    pixels of their declared size, which is all a description of the file needs."""
    path = os.fspath(path)
    limit = _limit(max_pixels)
    if _is_psd(path):
        doc = psd.read_psd(path, limit, pixels)
        doc.path = os.path.abspath(path)
        return doc

    pixels, warnings = read_flat(path, limit)
    doc = Document(pixels.shape[1], pixels.shape[0])
    # Without transparency it opens as Photoshop opens it: a Background layer.
    layer = make_background(pixels) if can_be_background(pixels, doc.width, doc.height) \
        else Layer(_stem(path), pixels)
    layer.parent = doc.root
    doc.root.children.append(layer)
    doc.active = layer
    doc.warnings = warnings
    # File Info's metadata (XMP) and Camera Data (EXIF) as the file has them.
    packet, doc.exif = read_metadata(path)
    doc.xmp = checked_packet(packet, lambda text: warnings.append(f"{path}: {text}."),
                             upright=True)
    doc.resolution = read_resolution(path) or doc.resolution  # (its DPI; none: 72)
    doc.source_path = os.path.abspath(path)
    return doc


def read_image(path: str | os.PathLike, *, max_pixels: Optional[int] = None) -> np.ndarray:
    """The pixels of an image file as straight RGBA uint8 (a PSD's composite of its layers)."""
    path = os.fspath(path)
    limit = _limit(max_pixels)
    if _is_psd(path):
        return composite_document(psd.read_psd(path, limit))

    return read_flat(path, limit)[0]


def _limit(max_pixels: Optional[int]) -> int:
    if max_pixels is None:
        return pixel_limit()
    if int(max_pixels) <= 0:
        raise ValueError("max_pixels must be positive")
    return int(max_pixels)


def _is_psd(path: str) -> bool:
    """True when the file starts with the PSD/PSB signature (after checking it can be read)."""
    return read_head(path, 4) == b"8BPS"


def _stem(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0] or "Background"


# -- writing ----------------------------------------------------------------------------

def save_document(doc: Document, path: str | os.PathLike) -> None:
    """Saves `doc` as PSD (PSB for a `.psb` name); on success sets doc.path and marks it clean."""
    path = os.fspath(path)
    before = doc.xmp
    doc.xmp = stamped(doc.xmp)  # (the dates go with the document: CreateDate stays)
    try:
        _write_layered(doc, path)
    except BaseException:
        doc.xmp = before
        raise
    doc.path = os.path.abspath(path)
    doc.history.mark_clean()


def save_copy(doc: Document, path: str | os.PathLike, *, quality: int = 95) -> None:
    """File > Save a Copy: the document written to `path` (layered for .psd/.psb, else the
    flat picture by suffix), the document itself untouched: its file, name and unsaved
    state stay as they were."""
    path = os.fspath(path)
    if os.path.splitext(path)[1].lower() in PSD_SUFFIXES:
        before = doc.xmp
        doc.xmp = stamped(doc.xmp)  # (the copy's dates only: the document stays as it was)
        try:
            _write_layered(doc, path)
        finally:
            doc.xmp = before
    else:
        export_image(doc, path, quality=quality)


def _write_layered(doc: Document, path: str) -> None:
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in PSD_SUFFIXES:
        raise SaveError(f"{path}: documents are saved as .psd or .psb; "
                        f"use Export for {suffix or 'flat'} images.")
    psd.check_psd_size(path, doc, big=suffix == ".psb")
    # The compositor loads Qt on first use. Loaded here, before the temporary file
    # exists: an interrupt (Ctrl+C, SIGTERM) landing inside PySide6's start-up aborts
    # the process instead of raising, which would leave the temporary behind.
    composite_document(doc, Box(0, 0, 1, 1))
    folder = os.path.dirname(os.path.abspath(path))
    atomic_write(path, lambda f: psd.write_psd(doc, f, big=suffix == ".psb", folder=folder))


def write_document(doc: Document, path: str | os.PathLike, *, quality: int = 95) -> None:
    """What a command line verb's `-o` writes: the layered document for a .psd or .psb
    name (`save_document`), else the flat picture (`export_image`, by suffix)."""
    if os.path.splitext(os.fspath(path))[1].lower() in PSD_SUFFIXES:
        save_document(doc, path)
    else:
        export_image(doc, path, quality=quality)


def export_image(doc: Document, path: str | os.PathLike, *, quality: int = 95) -> None:
    """Writes what the document shows as a flat PNG, JPEG, WebP, TIFF or BMP (by suffix)."""
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1].lower()
    fmt = EXPORT_FORMATS.get(suffix)
    if fmt is None:
        raise SaveError(f"{path}: cannot export '{suffix or 'no suffix'}' files; "
                        f"use .png, .jpg, .webp, .tif or .bmp.")
    if not 1 <= int(quality) <= 100:
        raise SaveError(f"{path}: quality must be 1..100, not {quality}.")

    pixels = composite_document(doc)
    atomic_write(path, lambda f: write_flat(pixels, f, fmt, int(quality), xmp=stamped(doc.xmp),
                                            exif=doc.exif, dpi=doc.resolution))


def atomic_write(path: str, write: Callable[[IO[bytes]], None]) -> None:
    """Runs `write(file)` on a temporary file next to `path`, then renames it over `path`.

    The old file survives any failure (disk full, crash, an exception in
    `write`); errors become one SaveError naming the file and the reason.
    """
    target = os.path.realpath(path)  # replace a symlink's target, not the link
    folder = os.path.dirname(target) or "."
    if os.path.isdir(target):
        raise SaveError(f"{path}: is a folder.")
    if not os.path.isdir(folder):
        raise SaveError(f"{path}: cannot save: the folder {folder} does not exist.")
    remove_stale_temporaries(target)
    temp = os.path.join(folder, f".{os.path.basename(target)}.{secrets.token_hex(4)}.part")
    try:
        # Created like any new file (0666 less the umask), then given the old file's mode.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise SaveError(f"{path}: cannot save: {_reason(exc)}.") from None
    try:
        with _terminate_as_interrupt():
            with os.fdopen(fd, "wb") as f:
                write(f)
                f.flush()
                os.fsync(f.fileno())
            if os.path.exists(target):
                _copy_mode(target, temp)
            os.replace(temp, target)
    except BaseException as exc:
        _remove_quietly(temp)
        if isinstance(exc, DocumentError):
            raise
        if isinstance(exc, OSError):
            raise SaveError(f"{path}: cannot save: {_reason(exc)}; "
                            f"any existing file is unchanged.") from None
        if isinstance(exc, Exception):
            raise SaveError(f"{path}: cannot save: {describe(exc)}; "
                            f"any existing file is unchanged.") from None
        raise
    _sync_folder(folder)


def remove_stale_temporaries(target: str) -> list[str]:
    """Removes `.<name>.<hex>.part` files of `target` left by a save that was killed
    (SIGKILL, power loss): those last written before this process started."""
    folder = os.path.dirname(target) or "."
    pattern = re.compile(r"\." + re.escape(os.path.basename(target)) + r"\.[0-9a-f]{8}\.part")
    removed = []
    try:
        names = [e.name for e in os.scandir(folder) if pattern.fullmatch(e.name)]
    except OSError:
        return removed
    for name in names:
        path = os.path.join(folder, name)
        try:
            if os.lstat(path).st_mtime < _PROCESS_START:
                os.remove(path)
                removed.append(path)
        except OSError:
            pass
    return removed


@contextmanager
def _terminate_as_interrupt():
    """SIGTERM during a save is handled like Ctrl+C: the exception unwinds the save,
    which removes its temporary file (where the default action would leave it)."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"terminated (signal {signum})")

    installed = False
    if threading.current_thread() is threading.main_thread():
        try:
            installed = signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
            if installed:
                signal.signal(signal.SIGTERM, interrupt)
        except (ValueError, OSError, AttributeError):
            installed = False
    try:
        yield
    finally:
        if installed:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    return (exc.strerror or str(exc)).rstrip(".").lower() if exc.strerror else str(exc)


def _copy_mode(source: str, dest: str) -> None:
    try:
        os.chmod(dest, os.stat(source).st_mode & 0o7777)
    except OSError:
        pass


def _remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def _sync_folder(folder: str) -> None:
    """Makes the rename itself durable (where the platform allows opening folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

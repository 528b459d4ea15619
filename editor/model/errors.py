"""User-facing errors of the document model and a one-line description of any failure.

`DocumentError` carries a message that names the file and the reason. The
editor shows it in a dialog and the command line prints it on stderr; no
traceback reaches the user.
"""
from __future__ import annotations

import errno

from engine.errors import EngineError


class DocumentError(Exception):
    """A failure the user can understand: bad file, refused image, failed save."""


class FileFormatError(DocumentError):
    """The file is missing, unreadable, corrupt or not an image we can open."""


class ImageTooLarge(DocumentError):
    """The image has more pixels than the configured limit (decompression-bomb guard)."""


class SaveError(DocumentError):
    """The document could not be written; the old file (if any) is untouched."""


def describe(exc: BaseException, *, editor: bool = False) -> str:
    """One line for the user, whatever the exception; `editor`: for someone in the editor
    (an error's `editor_hint` names the dialog to use rather than a command)."""
    if editor and getattr(exc, "editor_hint", None) and isinstance(exc, (EngineError,
                                                                        DocumentError)):
        return f"{exc.message if isinstance(exc, EngineError) else exc} {exc.editor_hint}"
    if isinstance(exc, (DocumentError, EngineError)):
        return str(exc)
    if isinstance(exc, FileNotFoundError):
        return f"{exc.filename or 'file'}: no such file."
    if isinstance(exc, PermissionError):
        return f"{exc.filename or 'file'}: permission denied."
    if isinstance(exc, IsADirectoryError):
        return f"{exc.filename}: is a folder, not a file."
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return f"{exc.filename or 'file'}: the disk is full."
    if isinstance(exc, OSError) and exc.strerror:
        name = f"{exc.filename}: " if exc.filename else ""
        return f"{name}{exc.strerror}."
    if isinstance(exc, MemoryError):
        return "Not enough memory for this operation."
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__

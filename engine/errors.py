"""Errors the engine raises, written for the person using the program.

Every message says what went wrong and, where it can, what to do about it.
The editor shows `str(error)` in a dialog; the command line prints it on one
line. `Cancelled` is not an error: it is how a job stops when asked to.
"""
from __future__ import annotations


class EngineError(Exception):
    """Base class: a failure that is explained to the user."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class InvalidInput(EngineError, ValueError):
    """The request itself is wrong (empty box, missing prompt, image too small...)."""


class ModelError(EngineError):
    """A model could not be found, loaded or run."""


class MissingModel(ModelError):
    """A model that is not on this computer. `editor_hint` says what to do in the editor
    (where the user has the Models dialog rather than a command line)."""

    def __init__(self, message: str, hint: str | None = None, editor_hint: str | None = None):
        super().__init__(message, hint)
        self.editor_hint = editor_hint


class UnsafeWeights(ModelError):
    """A weights file is in a pickle-based format, which is never loaded."""


class OutOfMemory(EngineError):
    """The device ran out of memory; the hint says what to change."""


class Cancelled(Exception):
    """Raised inside a job when the user cancelled it. Not shown as an error."""

"""Verbs on files: info, convert, new (filled in by the document-files work)."""
from __future__ import annotations


def register(sub) -> None:
    pass

"""Photoshop's pattern files (.pat) read into a document's patterns: Edit > Presets >
Import Patterns… (`import_into`).

A .pat is '8BPT', a version (1), the number of patterns, then each pattern as a PSD's
'Patt' block holds it (version, image mode, size, name, id, the colour table of an
indexed one, its channels as a virtual memory array list), one after another without a
length. The records are read by psd-tools and turned into ours by `psd_fills.patterns_of`
(the one reader of Photoshop's pattern records: RGB, grey and indexed; CMYK, Lab and
the others are skipped with a note). Layered keeps patterns per document (Edit > Define
Pattern), not as user presets, so an imported pattern joins the current document's, in
one undo step; those whose id the document has already are skipped. A damaged file is
refused in one line and changes nothing. No Qt.
"""
from __future__ import annotations

import io
import struct
from typing import TYPE_CHECKING

from . import preset_file
from .errors import DocumentError

if TYPE_CHECKING:
    from .document import Document
    from .patterns import Pattern


def read(path: str) -> tuple[list["Pattern"], list[str]]:
    """The patterns of the .pat at `path` and notes on those left out; a file Layered cannot
    read raises DocumentError (one line: why)."""
    return preset_file.read_photoshop(path, "patterns", parse)


def parse(data: bytes) -> tuple[list["Pattern"], list[str]]:
    from psd_tools.psd.patterns import Pattern as Record

    if len(data) < 10 or data[:4] != b"8BPT":
        raise DocumentError("it is not a Photoshop pattern file")
    version, count = struct.unpack(">HI", data[4:10])
    if version != 1:
        raise DocumentError(f"its version {version} is not one Layered reads")
    return _patterns(io.BytesIO(data[10:]), count, Record)


def _patterns(f, count: int, Record) -> tuple[list, list[str]]:
    from .psd_fills import patterns_of

    records = []
    for i in range(count):
        try:
            records.append(Record.read(f))
        except Exception as exc:  # psd-tools raises what the bytes make it raise
            raise DocumentError(f"its pattern {i + 1} of {count} is damaged "
                                f"({type(exc).__name__})") from None
    found, skipped = patterns_of(records)
    notes = [f"{skipped} pattern(s) were skipped: CMYK, Lab or another mode Layered does "
             "not read, or damaged."] if skipped else []
    return list(found.values()), notes


def import_into(doc: "Document", patterns: list["Pattern"]) -> int:
    """`patterns` added to `doc`'s (those whose id it has skipped), one undo step
    "Import Patterns"; returns how many were added."""
    from .patterns import SetPatterns

    have = {p.id for p in doc.patterns}
    new = [p for p in patterns if p.id not in have]
    if new:
        doc.history.push(SetPatterns(doc.patterns + tuple(new), "Import Patterns"))
    return len(new)

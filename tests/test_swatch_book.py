"""The swatch files without the window: a hand-built .ase (Gray, a group, an unknown
model skipped) and a damaged one refused."""
from __future__ import annotations

import struct

import pytest

from editor.model import swatch_book as sb
from editor.model.errors import DocumentError


def _name(text: str) -> bytes:
    raw = text.encode("utf-16-be") + b"\0\0"
    return struct.pack(">H", len(raw) // 2) + raw


def _block(kind: int, body: bytes) -> bytes:
    return struct.pack(">HI", kind, len(body)) + body


def test_a_hand_built_ase_reads_gray_groups_and_skips_an_unknown_model():
    blocks = [_block(1, _name("Mid") + b"Gray" + struct.pack(">fH", 0.5, 2)),
              _block(0xC001, _name("Warm")),
              _block(1, _name("Orange") + b"RGB " + struct.pack(">3fH", 1.0, 0.5, 0.0, 0)),
              _block(1, _name("Odd") + b"XYZ?" + struct.pack(">3fH", 0, 0, 0, 0)),
              _block(0xC002, b"")]
    data = b"ASEF" + struct.pack(">HHI", 1, 0, len(blocks)) + b"".join(blocks)
    book, notes = sb.read_ase(data)
    assert book.loose == [sb.Swatch("Mid", (128, 128, 128))]
    assert [(g.name, g.swatches) for g in book.groups] == [("Warm", [sb.Swatch("Orange", (255, 128, 0))])]
    assert notes == ["1 swatch in colour model XYZ? skipped."]
    with pytest.raises(DocumentError, match="not an Adobe Swatch Exchange file"):
        sb.read_ase(data[:-10])

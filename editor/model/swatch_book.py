"""The Swatches panel's colours: loose swatches and one level of groups (Photoshop CC's
folders), kept as JSON, and Photoshop's two swatch file formats.

.aco (Color Swatches, Photoshop's own): a version 1 block (count, then each colour as a
colour space and four 16-bit values) followed by a version 2 block (the same colours,
each with its name in UTF-16). We write both, in RGB (space 0), as Photoshop does; we
read version 2 when it is there, else version 1 (its swatches named "Swatch 1", ...).
Read spaces: RGB (0), HSB (1), CMYK (2, 0 = full ink), Lab (7, D50), Grayscale (8,
0..10000 of black), wide CMYK (9, 0..10000 of ink); CMYK is converted naively (no
profile), the others exactly; any other space is skipped with a one-line note.

.ase (Adobe Swatch Exchange): "ASEF", version 1.0, then blocks: group start (0xC001,
its name), colour (0x0001: name, model "RGB " / "Gray" / "CMYK" / "LAB ", big-endian
floats, a type) and group end (0xC002). We write RGB colours and the groups; we read
RGB, Gray, CMYK (naively) and Lab entries.

Everything here is Qt-free: colours are (r, g, b) tuples of 0..255 ints.
"""
from __future__ import annotations

import colorsys
import os
import struct
from dataclasses import dataclass, field
from typing import Optional, Union

from . import preset_file
from .errors import DocumentError

RGB = tuple[int, int, int]


@dataclass
class Swatch:
    name: str
    rgb: RGB


@dataclass
class Group:
    name: str
    swatches: list[Swatch] = field(default_factory=list)
    open: bool = True  # shown unfolded in the panel


@dataclass
class Book:
    """What the panel shows: loose swatches first, then the groups, in order."""
    loose: list[Swatch] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)

    def all_swatches(self) -> list[Swatch]:
        return self.loose + [s for g in self.groups for s in g.swatches]


# -- the default set (our own choice of colours and names) ---------------------------------
def default_book() -> Book:
    greys = [Swatch(f"Grey {p} %", (round(255 * (100 - p) / 100),) * 3)
             for p in (10, 25, 40, 50, 60, 75, 90)]
    return Book(
        loose=[Swatch("Black", (0, 0, 0)), Swatch("White", (255, 255, 255))],
        groups=[
            Group("Primaries", [Swatch("Red", (255, 0, 0)), Swatch("Green", (0, 255, 0)),
                                Swatch("Blue", (0, 0, 255)), Swatch("Cyan", (0, 255, 255)),
                                Swatch("Magenta", (255, 0, 255)),
                                Swatch("Yellow", (255, 255, 0))]),
            Group("Greys", greys),
            Group("Pastels", [Swatch("Blush", (248, 187, 196)), Swatch("Apricot", (251, 206, 168)),
                              Swatch("Butter", (253, 240, 170)), Swatch("Mint", (189, 236, 200)),
                              Swatch("Sky", (176, 216, 240)), Swatch("Lilac", (207, 190, 236))]),
            Group("Deep", [Swatch("Brick", (150, 40, 30)), Swatch("Forest", (30, 90, 45)),
                           Swatch("Navy", (25, 35, 100)), Swatch("Plum", (95, 30, 85)),
                           Swatch("Umber", (100, 70, 40)), Swatch("Olive", (110, 110, 30))]),
        ])


# -- JSON (the panel's own file) ---------------------------------------------------------
def _rgb(value) -> RGB:
    r, g, b = (int(v) for v in value)
    if not all(0 <= v <= 255 for v in (r, g, b)):
        raise ValueError("colour out of range")
    return r, g, b


def to_json(book: Book) -> dict:
    def swatches(items):
        return [{"name": s.name, "rgb": list(s.rgb)} for s in items]

    return {"version": 1, "swatches": swatches(book.loose),
            "groups": [{"name": g.name, "open": g.open, "swatches": swatches(g.swatches)}
                       for g in book.groups]}


def from_json(data) -> Book:
    try:
        def swatches(items):
            return [Swatch(str(s["name"]), _rgb(s["rgb"])) for s in items]

        return Book(swatches(data.get("swatches", [])),
                    [Group(str(g["name"]), swatches(g.get("swatches", [])), bool(g.get("open", True)))
                     for g in data.get("groups", [])])
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise DocumentError(f"The swatches file is damaged ({exc}).") from None


def load(path: str) -> Book:
    return from_json(preset_file.read_json(path))


def save(path: str, book: Book) -> None:
    """Writes the book (atomically: a failed write keeps the old file; SaveError)."""
    preset_file.write_json(path, to_json(book))


# -- colour conversions for the files' other spaces ------------------------------------------
def _clamp8(v: float) -> int:
    return max(0, min(255, round(v * 255)))


def _cmyk(c: float, m: float, y: float, k: float) -> RGB:
    """Ink fractions -> RGB, the naive way (no press profile)."""
    return tuple(_clamp8((1 - x) * (1 - k)) for x in (c, m, y))  # type: ignore[return-value]


def _lab(l_: float, a: float, b: float) -> RGB:
    """CIE L*a*b* (D50, Photoshop's) -> sRGB: XYZ, Bradford-adapted matrix to linear sRGB."""
    fy = (l_ + 16) / 116
    fx, fz = fy + a / 500, fy - b / 200
    d = 6 / 29

    def finv(t):
        return t ** 3 if t > d else 3 * d * d * (t - 4 / 29)

    x, y, z = 0.96422 * finv(fx), finv(fy), 0.82521 * finv(fz)
    lin = (3.1338561 * x - 1.6168667 * y - 0.4906146 * z,
           -0.9787684 * x + 1.9161415 * y + 0.0334540 * z,
           0.0719453 * x - 0.2289914 * y + 1.4052427 * z)

    def encode(c):
        c = max(0.0, min(1.0, c))
        return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055

    return tuple(_clamp8(encode(c)) for c in lin)  # type: ignore[return-value]


# -- .aco ---------------------------------------------------------------------------------
ACO_SPACES = {0: "RGB", 1: "HSB", 2: "CMYK", 7: "Lab", 8: "Grayscale", 9: "wide CMYK"}


def _aco_rgb(space: int, w: int, x: int, y: int, z: int) -> Optional[RGB]:
    if space == 0:
        return w >> 8, x >> 8, y >> 8
    if space == 1:
        r, g, b = colorsys.hsv_to_rgb(w / 65536, x / 65535, y / 65535)
        return _clamp8(r), _clamp8(g), _clamp8(b)
    if space == 2:  # 0 is full ink
        return _cmyk(*(1 - v / 65535 for v in (w, x, y, z)))
    if space == 7:  # L 0..10000, a and b signed hundredths
        return _lab(w / 100, struct.unpack(">h", struct.pack(">H", x))[0] / 100,
                    struct.unpack(">h", struct.pack(">H", y))[0] / 100)
    if space == 8:  # 0..10000 of black
        return (_clamp8(1 - min(w, 10000) / 10000),) * 3
    if space == 9:
        return _cmyk(*(min(v, 10000) / 10000 for v in (w, x, y, z)))
    return None


def read_aco(data: bytes, name: str = "the file") -> tuple[list[Swatch], list[str]]:
    """The swatches of an .aco file and notes on the entries skipped. Raises DocumentError
    (one line) for a file that is not a whole .aco."""
    def bad(why: str) -> DocumentError:
        return DocumentError(f"{name} is not a Photoshop swatches file (.aco): {why}.")

    if len(data) < 4:
        raise bad("too short")
    version, count = struct.unpack_from(">HH", data, 0)
    if version not in (1, 2):
        raise bad(f"version {version}")
    pos = 4
    if version == 1:
        need = pos + 10 * count
        if len(data) < need:
            raise bad("it ends inside its colours")
        colours = [struct.unpack_from(">5H", data, pos + 10 * i) for i in range(count)]
        pos = need
        if len(data) < pos + 4:  # version 1 only: no names
            return _named(colours, [f"Swatch {i + 1}" for i in range(count)])
        version, count = struct.unpack_from(">HH", data, pos)
        if version != 2:
            raise bad(f"a block of version {version} after version 1")
        pos += 4
    colours, names = [], []
    for i in range(count):
        if len(data) < pos + 14:
            raise bad("it ends inside its colours")
        colours.append(struct.unpack_from(">5H", data, pos))
        length = struct.unpack_from(">I", data, pos + 10)[0]  # UTF-16 units, with the 0
        pos += 14
        if len(data) < pos + 2 * length:
            raise bad("it ends inside a name")
        names.append(data[pos:pos + 2 * length].decode("utf-16-be", "replace").rstrip("\0")
                     or f"Swatch {i + 1}")
        pos += 2 * length
    return _named(colours, names)


def _named(colours, names) -> tuple[list[Swatch], list[str]]:
    swatches, skipped = [], {}
    for (space, *values), swatch_name in zip(colours, names):
        rgb = _aco_rgb(space, *values)
        if rgb is None:
            skipped[space] = skipped.get(space, 0) + 1
        else:
            swatches.append(Swatch(swatch_name, rgb))
    notes = [f"{n} swatch{'es' if n > 1 else ''} in colour space {space} skipped "
             f"(not one Layered reads)." for space, n in skipped.items()]
    return swatches, notes


def write_aco(swatches: list[Swatch]) -> bytes:
    """Version 1 then version 2 (with names), all in RGB, as Photoshop writes them."""
    def colour(s: Swatch) -> bytes:
        return struct.pack(">5H", 0, *(v * 257 for v in s.rgb), 0)

    out = [struct.pack(">HH", 1, len(swatches))] + [colour(s) for s in swatches]
    out.append(struct.pack(">HH", 2, len(swatches)))
    for s in swatches:
        text = s.name.encode("utf-16-be") + b"\0\0"
        out += [colour(s), struct.pack(">I", len(text) // 2), text]
    return b"".join(out)


# -- .ase ---------------------------------------------------------------------------------
def _ase_name(data: bytes, pos: int, end: int) -> tuple[str, int]:
    length = struct.unpack_from(">H", data, pos)[0]
    pos += 2
    if pos + 2 * length > end:
        raise ValueError("a name runs past its block")
    return data[pos:pos + 2 * length].decode("utf-16-be", "replace").rstrip("\0"), pos + 2 * length


def read_ase(data: bytes, name: str = "the file") -> tuple[Book, list[str]]:
    """An .ase file's loose swatches and groups, and notes on entries skipped."""
    def bad(why: str) -> DocumentError:
        return DocumentError(f"{name} is not an Adobe Swatch Exchange file (.ase): {why}.")

    if len(data) < 12 or data[:4] != b"ASEF":
        raise bad("no ASEF signature")
    count = struct.unpack_from(">I", data, 8)[0]
    book, group, pos, skipped = Book(), None, 12, {}
    try:
        for _ in range(count):
            kind, length = struct.unpack_from(">HI", data, pos)
            pos += 6
            end = pos + length
            if end > len(data):
                raise ValueError("a block runs past the end")
            if kind == 0xC001:
                group = Group(_ase_name(data, pos, end)[0])
                book.groups.append(group)
            elif kind == 0xC002:
                group = None
            elif kind == 0x0001:
                entry, p = _ase_name(data, pos, end)
                model = data[p:p + 4].decode("latin-1")
                p += 4
                n = {"RGB ": 3, "Gray": 1, "CMYK": 4, "LAB ": 3}.get(model)
                if n is None:
                    skipped[model.strip()] = skipped.get(model.strip(), 0) + 1
                else:
                    v = struct.unpack_from(f">{n}f", data, p)
                    rgb = (tuple(_clamp8(c) for c in v) if n == 3 and model == "RGB "
                           else (_clamp8(v[0]),) * 3 if n == 1
                           else _cmyk(*v) if n == 4 else _lab(v[0] * 100, v[1], v[2]))
                    (group.swatches if group is not None else book.loose).append(
                        Swatch(entry or f"Swatch {len(book.all_swatches()) + 1}", rgb))
            pos = end
    except (struct.error, ValueError) as exc:
        raise bad(str(exc)) from None
    notes = [f"{n} swatch{'es' if n > 1 else ''} in colour model {m} skipped." for m, n in skipped.items()]
    return book, notes


def write_ase(book: Book) -> bytes:
    def name(text: str) -> bytes:
        raw = text.encode("utf-16-be") + b"\0\0"
        return struct.pack(">H", len(raw) // 2) + raw

    def block(kind: int, body: bytes) -> bytes:
        return struct.pack(">HI", kind, len(body)) + body

    def colour(s: Swatch) -> bytes:
        return block(0x0001, name(s.name) + b"RGB " + struct.pack(">3fH", *(v / 255 for v in s.rgb), 2))

    blocks = [colour(s) for s in book.loose]
    for g in book.groups:
        blocks += [block(0xC001, name(g.name))] + [colour(s) for s in g.swatches] + [block(0xC002, b"")]
    return b"ASEF" + struct.pack(">HHI", 1, 0, len(blocks)) + b"".join(blocks)


# -- files by their extension ---------------------------------------------------------------
SWATCH_FILTER = "Swatches (*.aco *.ase);;Color Swatches (*.aco);;Swatch Exchange (*.ase)"


def import_file(path: str) -> tuple[Book, list[str]]:
    """A swatch file as a book: an .aco's swatches (and an .ase's loose ones) in one group
    named after the file (as Photoshop CC imports), an .ase's groups after it."""
    stem, ext = os.path.splitext(os.path.basename(path))
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise DocumentError(f"Could not read {os.path.basename(path)}: {exc.strerror or exc}.") from None
    if ext.lower() == ".ase":
        read, notes = read_ase(data, os.path.basename(path))
        groups = ([Group(stem, read.loose)] if read.loose else []) + read.groups
    elif ext.lower() == ".aco":
        swatches, notes = read_aco(data, os.path.basename(path))
        groups = [Group(stem, swatches)]
    else:
        raise DocumentError(f"{os.path.basename(path)}: swatches are read from .aco or .ase files.")
    return Book([], groups), notes


def export_file(path: str, book: Union[Book, list[Swatch]]) -> None:
    """.aco (the groups flattened: the format has none) or .ase (with the groups)."""
    if isinstance(book, list):
        book = Book(book)
    if path.lower().endswith(".ase"):
        data = write_ase(book)
    else:
        data = write_aco(book.all_swatches())
    preset_file.write_bytes(path, data)

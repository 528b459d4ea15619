"""3D LUT files for Color Lookup (Image > Adjustments and the adjustment layer): read a
.cube (Adobe / Resolve) or a .3dl (Autodesk / Lustre) file into one table.

The table is float32 (n, n, n, 3) indexed [blue][green][red] (the .cube order, red
fastest), outputs 0..1, with the input domain (.cube's DOMAIN_MIN / DOMAIN_MAX; a .3dl's
is 0..1). A .3dl lists blue fastest, its first line the input shaper (n values, 0 to its
input depth), its outputs integers in 10, 12 or 16 bits (the depth read from the largest
value, as most readers do). Anything else - a 1D LUT, a wrong number of rows, a word
where a number should be - is refused with one line that says what is wrong.
`adjust_kernels.lut3d` interpolates it, trilinear or tetrahedral.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import numpy as np

FORMATS = ("cube", "3dl")
MAX_SIZE = 256  # a larger table is refused (256^3 rows is already 200 MB of text)
MAX_BYTES = 256 << 20


class LutError(ValueError):
    """A LUT file that cannot be read: its message is the one line shown."""


@dataclass(frozen=True)
class Lut:
    table: np.ndarray          # float32 (n, n, n, 3), [b][g][r]
    domain_min: tuple = (0.0, 0.0, 0.0)
    domain_max: tuple = (1.0, 1.0, 1.0)
    title: str = ""

    @property
    def size(self) -> int:
        return self.table.shape[0]


def format_of(path: str) -> str:
    """"cube" or "3dl" by the file's extension; LutError for another."""
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext not in FORMATS:
        raise LutError(f"{os.path.basename(path)} is not a 3D LUT: choose a .cube or .3dl file.")
    return ext


def read_file(path: str) -> tuple[bytes, str]:
    """The bytes and format of LUT file `path`, checked to parse (LutError otherwise)."""
    fmt = format_of(path)
    try:
        if os.path.getsize(path) > MAX_BYTES:
            raise LutError(f"{os.path.basename(path)} is too large for a 3D LUT.")
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise LutError(f"Could not read {os.path.basename(path)}: {exc.strerror or exc}.") \
            from None
    parse(data, fmt)
    return data, fmt


@functools.lru_cache(maxsize=8)
def parse(data: bytes, fmt: str) -> Lut:
    """The table of LUT file contents `data` in format `fmt` (LutError when it is not a
    3D LUT we can read)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover (latin-1 decodes every byte)
            raise LutError("The LUT file is not text.") from None
    if "\x00" in text:
        raise LutError("The LUT file is not text: choose a .cube or .3dl file.")
    if fmt == "cube":
        return _parse_cube(text)
    if fmt == "3dl":
        return _parse_3dl(text)
    raise LutError(f"Unknown LUT format {fmt!r}: .cube or .3dl.")


def _numbers(line: str, count: int, where: str) -> list[float]:
    parts = line.split()
    if len(parts) != count:
        raise LutError(f"{where}: expected {count} numbers, found '{line.strip()[:40]}'.")
    try:
        return [float(p) for p in parts]
    except ValueError:
        raise LutError(f"{where}: '{line.strip()[:40]}' is not numbers.") from None


def _parse_cube(text: str) -> Lut:
    size, title = 0, ""
    low, high = [0.0] * 3, [1.0] * 3
    rows: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key = line.split()[0].upper()
        if key == "TITLE":
            title = line[5:].strip().strip('"')
        elif key == "LUT_1D_SIZE":
            raise LutError("This is a 1D LUT; Color Lookup reads 3D LUTs.")
        elif key == "LUT_3D_SIZE":
            try:
                size = int(line.split()[1])
            except (IndexError, ValueError):
                raise LutError(f"Line {number}: LUT_3D_SIZE needs a whole number.") from None
        elif key == "DOMAIN_MIN":
            low = _numbers(line[10:], 3, f"Line {number}")
        elif key == "DOMAIN_MAX":
            high = _numbers(line[10:], 3, f"Line {number}")
        elif key in ("LUT_3D_INPUT_RANGE", "LUT_1D_INPUT_RANGE"):
            low_high = _numbers(line.split(None, 1)[1] if len(line.split()) > 1 else "", 2,
                                f"Line {number}")
            low, high = [low_high[0]] * 3, [low_high[1]] * 3
        elif key[0].isalpha():
            continue  # another keyword (Resolve's, Adobe's): nothing we need
        else:
            rows.append(line)
    if size == 0:
        raise LutError("No LUT_3D_SIZE line: this is not a 3D .cube file.")
    table = _table(rows, size, 3)
    if any(h <= lo for lo, h in zip(low, high)):
        raise LutError("DOMAIN_MAX must be above DOMAIN_MIN.")
    return Lut(table.reshape(size, size, size, 3), tuple(low), tuple(high), title)


def _table(rows: list[str], size: int, columns: int) -> np.ndarray:
    if not 2 <= size <= MAX_SIZE:
        raise LutError(f"A 3D LUT has 2 to {MAX_SIZE} points a side, not {size}.")
    if len(rows) != size ** 3:
        raise LutError(f"A {size}-point 3D LUT has {size ** 3} rows of colours, "
                       f"this file {len(rows)}.")
    try:
        table = np.array([row.split() for row in rows], np.float32)
    except ValueError:
        bad = next((r for r in rows if len(r.split()) != columns
                    or not all(_is_number(p) for p in r.split())), rows[0])
        raise LutError(f"'{bad[:40]}' is not a colour ({columns} numbers).") from None
    if table.ndim != 2 or table.shape[1] != columns:
        raise LutError(f"Each row of a 3D LUT holds {columns} numbers.")
    if not np.isfinite(table).all():
        raise LutError("The LUT holds numbers that are not finite.")
    return table


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _parse_3dl(text: str) -> Lut:
    lines = [ln.split("#", 1)[0].strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln[0].isalpha()]  # (Lustre's keywords)
    if not lines:
        raise LutError("The .3dl file holds no numbers.")
    shaper = lines[0].split()
    if len(shaper) > 3:  # the input shaper: one value per point a side
        size, rows = len(shaper), lines[1:]
    else:  # no shaper line: the size from the row count
        rows = lines
        size = round(len(rows) ** (1 / 3))
    table = _table(rows, size, 3)
    top = float(table.max())
    depth = 1.0 if top <= 1.0 else next((d for d in (1023.0, 4095.0, 65535.0) if top <= d),
                                        None)
    if depth is None:
        raise LutError(f"The .3dl values go up to {top:g}: more than 16 bits.")
    # Blue fastest: [r][g][b] -> [b][g][r].
    cube = (table / np.float32(depth)).reshape(size, size, size, 3).transpose(2, 1, 0, 3)
    return Lut(np.ascontiguousarray(cube))


def identity(size: int) -> np.ndarray:
    """The table (size, size, size, 3) [b][g][r] that changes nothing."""
    t = np.linspace(0.0, 1.0, size, dtype=np.float32)
    b, g, r = np.meshgrid(t, t, t, indexing="ij")
    return np.stack([r, g, b], axis=-1)


def cube_text(table: np.ndarray, title: str = "") -> bytes:
    """A .cube file of `table` ([b][g][r], 0..1): what Photoshop's Export Color Lookup
    Tables writes, in its layout."""
    size = table.shape[0]
    lines = [f'TITLE "{title}"'] if title else []
    lines += [f"LUT_3D_SIZE {size}", "DOMAIN_MIN 0.0 0.0 0.0", "DOMAIN_MAX 1.0 1.0 1.0", ""]
    lines += [f"{r:.6f} {g:.6f} {b:.6f}" for r, g, b in table.reshape(-1, 3)]
    return ("\n".join(lines) + "\n").encode("ascii")

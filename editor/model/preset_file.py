"""The user's preset files beside the settings (actions.json, swatches.json, styles.json,
brushes.json, the custom shapes): the one place that reads and writes them as JSON and
that decides what a damaged one becomes.

- `read_json`: the parsed file, or a DocumentError naming it in one line.
- `write_json` (and `write_bytes`, for the swatch exports): written through
  `files.atomic_write` (a temporary file renamed over the old one, so a failed or killed
  write keeps it); the folder is made first, as the settings folder may not exist yet on
  a first run. A failure raises `SaveError`.
- `photoshop_bytes` / `read_photoshop`: the bytes of one of Photoshop's own preset files
  (.abr, .csh, .grd, .asl, .pat), and those bytes parsed, a failure one line naming the
  file.
- `load_or_default`: what a panel starts with: the file's presets, or the defaults when
  there is none; a damaged file is moved aside as NAME.damaged (so the next change does
  not overwrite what the user might recover) and `note` gets one line saying so.

No Qt: the panels pass their status line as `note`.
"""
from __future__ import annotations

import json
import os
from typing import Callable, Optional, TypeVar

from .errors import DocumentError

T = TypeVar("T")


def read_json(path: str):
    """The parsed JSON at `path`; an unreadable or malformed file raises DocumentError."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(f"Could not read {os.path.basename(path)}: {exc}") from None


def photoshop_bytes(path: str) -> bytes:
    """The bytes of the Photoshop preset file at `path`; one that cannot be opened raises
    DocumentError naming it."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise DocumentError(f"Could not read {os.path.basename(path)}: "
                            f"{exc.strerror or exc}.") from None


def read_photoshop(path: str, what: str, parse: Callable[[bytes], T]) -> T:
    """`parse` of the Photoshop preset file at `path`; its DocumentError comes back as one
    line saying the file's `what` ("gradients", "styles") could not be read, and why."""
    data = photoshop_bytes(path)
    try:
        return parse(data)
    except DocumentError as exc:
        raise DocumentError(f"Could not read the {what} of {os.path.basename(path)}: "
                            f"{exc}.") from None


def write_json(path: str, data, indent: Optional[int] = 1) -> None:
    """Writes `data` as JSON (UTF-8) to `path`, atomically; raises SaveError on failure."""
    write_bytes(path, json.dumps(data, indent=indent).encode("utf-8"))


def write_bytes(path: str, data: bytes) -> None:
    """Writes `data` to `path` through `files.atomic_write`, its folder made first."""
    from .files import atomic_write  # (here: files imports psd, which start-up need not)

    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    atomic_write(path, lambda f: f.write(data))


def load_or_default(path: str, load: Callable[[str], T], default: Callable[[], T],
                    note: Callable[[str], None]) -> T:
    """`load(path)` when the file exists, else `default()`. A file `load` refuses
    (DocumentError) is moved aside to `path`.damaged, `note` told in one line, and the
    defaults used."""
    if os.path.exists(path):
        try:
            return load(path)
        except DocumentError as exc:
            aside = path + ".damaged"
            try:
                os.replace(path, aside)
            except OSError:
                aside = path
            note(f"{exc} It was kept as {aside}.")
    return default()


def save_or_note(save: Callable[[], None], what: str, note: Callable[[str], None]) -> None:
    """Runs `save()` after a change; a failure becomes one line for `note` ("Could not save
    the <what>: ..."), as a preset file must never stop the user working."""
    try:
        save()
    except (OSError, DocumentError) as exc:
        note(f"Could not save the {what}: {exc}")

"""The Preset Manager's model (Photoshop's Edit > Presets > Preset Manager… and Export/Import
Presets…): each kind of user preset Layered keeps beside the settings described once, as a
`Kind`, and what the manager does to any of them.

A kind's presets are a flat list of `Entry`s (the preset, and for swatches the group it
sits in). A kind says its file name, how to read and write that file (its own module's
`load`/`save`, through `preset_file`), its defaults (what the panel shows before the file
exists), which picture the manager draws for an entry (`picture`: the UI maps it to the
panel's own thumbnail) and which of Photoshop's files Load… also reads.

- `current`: the entries a panel would show (`preset_file.load_or_default`).
- `load_file` (Load…): our JSON for the kind, or one of Photoshop's formats Layered reads
  (.aco/.ase swatches, .abr brushes: `abr`, .grd gradients: `grd`, .asl styles: `asl`,
  .csh custom shapes: `csh`).
- `save_set` (Save Set…): the chosen entries to a file of the kind.
- `moved`: an entry one place up or down (swatches cross into the next group first);
  `reordered`: a drag's new order (a swatch dropped among another group's joins it).
- `merged`: entries appended whose names are new (import, Load…: nothing duplicated).
- `export_presets` / `import_presets`: a folder (or a .zip archive) holding each chosen
  kind's file under its usual name (and, to import, Photoshop's files of the kinds:
  .abr, .grd, .asl, .csh, .aco, .ase); a damaged file there is one line and is skipped, the user's
  presets kept.

No Qt.
"""
from __future__ import annotations

import io
import os
import tempfile
import zipfile
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Optional

from . import (abr, asl, brush_tip, csh, custom_shapes, gradient_presets, grd, preset_file,
               style_presets, swatch_book)
from .errors import DocumentError


@dataclass
class Entry:
    """One preset: `item` (a Swatch, GradientPreset, Style, BrushPreset or CustomShape: anything with a
    `name`) and, where the kind has groups, the group it belongs to (None: loose)."""
    item: Any
    group: Any = None

    @property
    def name(self) -> str:
        return self.item.name

    def renamed(self, name: str) -> None:
        # (replace: brush presets and custom shapes are frozen dataclasses)
        self.item = replace(self.item, name=name)


@dataclass(frozen=True)
class Kind:
    key: str                                   # "swatches": also the export's file stem
    title: str                                 # the Preset Type combo's text
    file_name: str                             # beside the settings ("swatches.json")
    load: Callable[[str], list[Entry]]         # our file -> entries (DocumentError)
    save: Callable[[str, list[Entry]], None]   # entries -> our file (SaveError)
    default: Callable[[], list[Entry]]
    picture: str                               # "colour", "style", "brush", "shape"
    foreign: tuple[str, ...] = ()              # Photoshop's suffixes Load… reads (".aco")
    read_foreign: Optional[Callable[[str], tuple[list[Entry], list[str]]]] = None
    write_foreign: Optional[Callable[[str, list[Entry]], None]] = None


# -- swatches: flattened, each keeping its group ---------------------------------------------
def _swatch_entries(book: swatch_book.Book) -> list[Entry]:
    return [Entry(s) for s in book.loose] + [Entry(s, g) for g in book.groups for s in g.swatches]


def _swatch_book(entries: Iterable[Entry]) -> swatch_book.Book:
    """The entries back as a book: the loose ones, then each group (by name, in the order
    first met, keeping its first-met Group's open state) with its swatches in list order."""
    book = swatch_book.Book()
    groups: dict[str, swatch_book.Group] = {}
    for e in entries:
        if e.group is None:
            book.loose.append(e.item)
            continue
        group = groups.get(e.group.name)
        if group is None:
            group = groups[e.group.name] = swatch_book.Group(e.group.name, [], e.group.open)
            book.groups.append(group)
        group.swatches.append(e.item)
    return book


def _swatches_foreign(path: str) -> tuple[list[Entry], list[str]]:
    book, notes = swatch_book.import_file(path)
    return _swatch_entries(book), notes


SWATCHES = Kind(
    "swatches", "Swatches", "swatches.json",
    lambda path: _swatch_entries(swatch_book.load(path)),
    lambda path, entries: swatch_book.save(path, _swatch_book(entries)),
    lambda: _swatch_entries(swatch_book.default_book()), "colour", (".aco", ".ase"),
    _swatches_foreign, lambda path, entries: swatch_book.export_file(path, _swatch_book(entries)))


def _plain(load: Callable[[str], list], save: Callable[[str, list], None],
           default: Callable[[], list]):
    """load, save and default for a kind kept as a plain list."""
    return (lambda path: [Entry(p) for p in load(path)],
            lambda path, entries: save(path, [e.item for e in entries]),
            lambda: [Entry(p) for p in default()])


def _brushes_foreign(path: str) -> tuple[list[Entry], list[str]]:
    presets, notes = abr.read(path)
    return [Entry(p) for p in presets], notes


def _shapes_foreign(path: str) -> tuple[list[Entry], list[str]]:
    # (a shape named as a built-in one gets a number: the picker lists both)
    shapes, notes = csh.read(path, {c.name for c in custom_shapes.BUILTIN})
    return [Entry(c) for c in shapes], notes


BRUSHES = Kind("brushes", "Brushes", "brushes.json",
               *_plain(brush_tip.load, brush_tip.save, brush_tip.default_presets), "brush",
               (".abr",), _brushes_foreign)
def _gradients_foreign(path: str) -> tuple[list[Entry], list[str]]:
    presets, notes = grd.read(path)
    return [Entry(p) for p in presets], notes


def _styles_foreign(path: str) -> tuple[list[Entry], list[str]]:
    # (the file's patterns are not styles: Import Styles… adds them to the document)
    found = asl.read(path)
    return [Entry(s) for s in found.styles], found.notes


GRADIENTS = Kind("gradients", "Gradients", "gradients.json",
                 *_plain(gradient_presets.load, gradient_presets.save,
                         gradient_presets.default_presets), "gradient",
                 (".grd",), _gradients_foreign)
STYLES = Kind("styles", "Styles", "styles.json",
              *_plain(style_presets.load, style_presets.save, style_presets.default_styles),
              "style", (".asl",), _styles_foreign)
# Only the user's shapes: the built-in ones are part of Layered, not presets to manage.
CUSTOM_SHAPES = Kind("custom_shapes", "Custom Shapes", "custom_shapes.json",
                     *_plain(custom_shapes.load, custom_shapes.save_library, list), "shape",
                     (".csh",), _shapes_foreign)

# Photoshop's Preset Type order (Brushes, Swatches, Gradients, Styles, Patterns, Contours,
# Custom Shapes, Tools), with only the kinds Layered keeps.
KINDS: tuple[Kind, ...] = (BRUSHES, SWATCHES, GRADIENTS, STYLES, CUSTOM_SHAPES)
BY_KEY = {k.key: k for k in KINDS}


# -- what the manager does ---------------------------------------------------------------------
def current(kind: Kind, folder: str, note: Callable[[str], None]) -> list[Entry]:
    """The kind's presets as its panel shows them: its file in `folder`, else the defaults
    (a damaged file moved aside, `note` told in one line)."""
    return preset_file.load_or_default(os.path.join(folder, kind.file_name), kind.load,
                                       kind.default, note)


def load_file(kind: Kind, path: str) -> tuple[list[Entry], list[str]]:
    """Load…: the entries in `path` (our JSON for the kind, or a Photoshop file it reads)
    and notes on what was skipped; an unreadable file raises DocumentError."""
    if os.path.splitext(path)[1].lower() in kind.foreign and kind.read_foreign is not None:
        return kind.read_foreign(path)
    return kind.load(path), []


def save_set(kind: Kind, path: str, entries: list[Entry]) -> None:
    """Save Set…: `entries` to `path` (our JSON, or a Photoshop file the kind writes; one
    it only reads, .abr or .csh, is refused: DocumentError)."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix in kind.foreign and kind.write_foreign is not None:
        kind.write_foreign(path, entries)
    elif suffix in kind.foreign:
        raise DocumentError(f"Layered reads {suffix} files but does not write them: save "
                            f"the {kind.title.lower()} as .json.")
    else:
        kind.save(path, entries)


def moved(entries: list[Entry], i: int, step: int) -> int:
    """Moves entry `i` one place (`step` -1 up, +1 down) in place; returns its new index.
    Beside an entry of another group it first joins that group where it stands (as a
    swatch dragged across a group's edge in Photoshop); at either end nothing moves."""
    j = i + step
    if not 0 <= i < len(entries) or not 0 <= j < len(entries):
        return i
    if not _same_group(entries[i], entries[j]):
        entries[i].group = entries[j].group
        return i
    entries[i], entries[j] = entries[j], entries[i]
    return j


def _same_group(a: Entry, b: Entry) -> bool:
    return a.group is b.group or (a.group is not None and b.group is not None
                                  and a.group.name == b.group.name)


def reordered(entries: list[Entry], order: list[int], dragged: Iterable[int]) -> None:
    """A drag in the list: the entries put in `order` (old indices), in place. A dragged
    entry (old index in `dragged`) that now sits between entries of a group other than its
    own joins the group of the one before it (of the one after it at the top), as a
    swatch dropped into a group does."""
    moved_ = {id(entries[old]) for old in dragged}
    entries[:] = [entries[i] for i in order]
    for i, e in enumerate(entries):
        if id(e) not in moved_:
            continue
        neighbours = [entries[j] for j in (i - 1, i + 1) if 0 <= j < len(entries)]
        if neighbours and not any(_same_group(e, n) for n in neighbours):
            e.group = neighbours[0].group


def merged(entries: list[Entry], incoming: Iterable[Entry]) -> int:
    """Appends the incoming entries whose names `entries` lacks (Photoshop appends);
    returns how many were added."""
    names = {e.name for e in entries}
    added = 0
    for e in incoming:
        if e.name not in names:
            entries.append(e)
            names.add(e.name)
            added += 1
    return added


def unique_name(entries: list[Entry], base: str, skip: Optional[Entry] = None) -> str:
    """`base`, or "base 2", "base 3"… the first name no other entry has."""
    names = {e.name for e in entries if e is not skip}
    name, n = base, 1
    while name in names:
        n += 1
        name = f"{base} {n}"
    return name


def is_zip(path: str) -> bool:
    return path.lower().endswith(".zip")


def export_presets(target: str, kinds: Iterable[Kind],
                   entries_of: Callable[[Kind], list[Entry]]) -> list[str]:
    """Export Presets: each kind's entries under the kind's file name in `target`, a folder
    or a .zip archive (the same files at its top); returns the file names written
    (SaveError or OSError on a failed write)."""
    kinds = list(kinds)
    if not is_zip(target):
        for kind in kinds:
            kind.save(os.path.join(target, kind.file_name), entries_of(kind))
        return [k.file_name for k in kinds]
    with tempfile.TemporaryDirectory() as folder:
        names = export_presets(folder, kinds, entries_of)
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in names:
                archive.write(os.path.join(folder, name), name)
    preset_file.write_bytes(target, data.getvalue())
    return names


def import_presets(source: str, kinds: Iterable[Kind]
                   ) -> tuple[dict[str, list[Entry]], list[str]]:
    """Import Presets: the entries of each kind whose file `source` (a folder or a .zip
    archive) holds, with those of the Photoshop files there the kind reads (.abr, .grd,
    .asl, .csh, .aco, .ase: at the top, in name order, after our file), and the notes: one line for
    each file that could not be read (skipped; nothing of the user's is touched here) and
    what a Photoshop file's presets left out."""
    kinds = list(kinds)
    if is_zip(source):
        with tempfile.TemporaryDirectory() as folder:
            try:
                with zipfile.ZipFile(source) as archive:
                    for name in archive.namelist():
                        # only the files we know, under their own names (never a path of
                        # the archive's)
                        if any(_imported(kind, name) for kind in kinds) and "/" not in name:
                            with open(os.path.join(folder, name), "wb") as f:
                                f.write(archive.read(name))
            except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
                return {}, [f"Could not read {os.path.basename(source)}: {exc}"]
            return import_presets(folder, kinds)
    found: dict[str, list[Entry]] = {}
    notes: list[str] = []
    try:
        names = sorted(os.listdir(source))
    except OSError as exc:
        return {}, [f"Could not read {source}: {exc.strerror or exc}"]
    for kind in kinds:
        ours = [kind.file_name] if kind.file_name in names else []
        for name in ours + [n for n in names if n not in ours and _imported(kind, n)]:
            try:
                incoming, more = load_file(kind, os.path.join(source, name))
            except DocumentError as exc:
                notes.append(f"{kind.title}: {exc}")
                continue
            found.setdefault(kind.key, []).extend(incoming)
            notes.extend(more)
    return found, notes


def _imported(kind: Kind, name: str) -> bool:
    """Whether Import Presets takes the file `name` for `kind`: its own file, or a
    Photoshop file of the kind's."""
    return name == kind.file_name or (kind.read_foreign is not None and
                                      os.path.splitext(name)[1].lower() in kind.foreign)

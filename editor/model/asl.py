"""Photoshop's layer style files (.asl) read into the Styles panel's presets
(`style_presets.Style`): the panel menu's Import Styles… and the Preset Manager's Load…
for Styles.

An .asl is a version (2), '8BSL', a patterns version (3) and the length of its patterns
(each as a PSD's 'Patt' block holds one: the patterns its Pattern Overlays and pattern
Strokes use), then the number of styles and each style as a length and two action
descriptors (version 16 each): the first names it ('Nm  ', its id 'Idnt'), the second
('Styl') holds its effects under 'Lefx' (the descriptor a PSD's 'lfx2' block holds) and,
for a style made with its blending options, 'blendOptions'. The layout follows Krita's
reading of the format (kis_asl_reader: a description, no code taken); the descriptors and
pattern records are read by psd-tools, the effects by `style_presets.effects_from_blocks`
(psd_effects' reader of a PSD's effects) with the file's patterns, and the patterns by
`psd_fills.patterns_of`. A style's blending options are not read (the style comes in
without them; a note counts them). A damaged file is refused in one line. No Qt.
"""
from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field

from . import preset_file
from .errors import DocumentError
from .style_presets import Style


@dataclass
class Asl:
    styles: list[Style]
    patterns: list = field(default_factory=list)   # patterns.Pattern, the file's
    notes: list[str] = field(default_factory=list)


def read(path: str) -> Asl:
    """What the .asl at `path` holds; a file Layered cannot read raises DocumentError."""
    return preset_file.read_photoshop(path, "styles", parse)


def parse(data: bytes) -> Asl:
    from psd_tools.psd.descriptor import DescriptorBlock
    from psd_tools.psd.patterns import Patterns

    from .psd_fills import patterns_of

    if len(data) < 16 or data[2:6] != b"8BSL":
        raise DocumentError("it is not a Photoshop style file")
    version, _, pattern_version, size = struct.unpack(">H4sHI", data[:12])
    if version != 2 or pattern_version != 3:
        raise DocumentError(f"its version {version}.{pattern_version} is not one Layered reads")
    at = 12 + size
    if at + 4 > len(data):
        raise DocumentError("its patterns run past the end")
    try:
        records = list(Patterns.read(io.BytesIO(data[12:at])))
    except Exception as exc:  # psd-tools raises what the bytes make it raise
        raise DocumentError(f"its patterns are damaged ({type(exc).__name__})") from None
    found, skipped_patterns = patterns_of(records)
    count, = struct.unpack(">I", data[at:at + 4])
    at += 4
    asl = Asl([], list(found.values()))
    names: set[str] = set()
    with_blending = unread = 0
    for i in range(count):
        if at + 4 > len(data):
            raise DocumentError(f"it ends before its style {i + 1} of {count}")
        length, = struct.unpack(">I", data[at:at + 4])
        body = data[at + 4:at + 4 + length]
        if len(body) != length:
            raise DocumentError(f"its style {i + 1} of {count} runs past the end")
        at += 4 + length + (-length) % 4
        try:
            f = io.BytesIO(body)
            head = DescriptorBlock.read(f)
            # (a writer may pad the first descriptor to 4 bytes, as psd-tools does: the
            # second starts at its version, 16)
            while f.tell() % 4 and body[f.tell():f.tell() + 4] != b"\x00\x00\x00\x10":
                f.read(1)
            style = DescriptorBlock.read(f)
        except Exception as exc:
            raise DocumentError(f"its style {i + 1} of {count} is damaged "
                                f"({type(exc).__name__})") from None
        effects = _effects(style, found)
        if effects is None:
            unread += 1
            continue
        with_blending += b"blendOptions" in style
        name = _name(head, names)
        asl.styles.append(Style(name, effects))
    if with_blending:
        asl.notes.append(f"{with_blending} style(s) had blending options, which were not "
                         "imported: their effects were.")
    if unread:
        asl.notes.append(f"{unread} style(s) had no effects Layered reads and were skipped.")
    if skipped_patterns:
        asl.notes.append(f"{skipped_patterns} of the file's patterns were skipped (CMYK, Lab "
                         "or another mode Layered does not read).")
    return asl


def _name(head, names: set) -> str:
    from .psd_fills import _text

    base = _text(head.get(b"Nm  ")).strip() or "Style"
    name, n = base, 2
    while name in names:   # a file may repeat a name; the panel keeps every style
        name, n = f"{base} {n}", n + 1
    names.add(name)
    return name


def _effects(style, patterns: dict):
    """The style's effects (its 'Lefx', read as a PSD's 'lfx2' block), or None."""
    from psd_tools.constants import Tag
    from psd_tools.psd.tagged_blocks import TaggedBlock, TaggedBlocks

    from .style_presets import effects_from_blocks, style_effects

    lefx = style.get(b"Lefx")
    if lefx is None:
        return None
    blocks = TaggedBlocks()
    blocks[Tag.OBJECT_BASED_EFFECTS_LAYER_INFO] = TaggedBlock(
        key=Tag.OBJECT_BASED_EFFECTS_LAYER_INFO, data=_as_block(lefx))
    try:
        return style_effects(effects_from_blocks(blocks, patterns))
    except Exception:  # a descriptor psd-tools' effects cannot follow: that style skipped
        return None


def _as_block(lefx):
    """The 'Lefx' descriptor as the 'lfx2' block's (psd-tools' DescriptorBlock2)."""
    from psd_tools.psd.descriptor import DescriptorBlock2

    block = DescriptorBlock2(classID=b"null", name="", version=0, data_version=16)
    for key, value in lefx.items():
        block[key] = value
    return block

"""A PSD layer record's options beside its pixels, read and written: its locks ('lspf':
Lock All and the partial locks), a group's open state, Advanced Blending (Knockout 'knko',
the channels 'brst', the blending options 'infx', 'clbl', 'tsly', 'lmgm', 'vmgm') and a
group's artboard ('artb', older 'artd' and 'abdd').
"""
from __future__ import annotations

from engine.box import Box

from .layers import Locks, Node
from .psd_effects import _effect_color
from .psd_fills import _rgb
from .psd_source import _low_level


LOCK_ALL = 0x80000000     # Photoshop's "lock all" protection flag
LOCK_TRANSPARENCY, LOCK_PIXELS, LOCK_POSITION = 1, 2, 4  # its partial locks ('lspf')


def _locked(item) -> bool:
    locks = item.locks
    return locks is not None and int(locks.value) & LOCK_ALL != 0


def _partial_locks(item) -> Locks:
    """Photoshop's Lock Transparent Pixels, Image Pixels and Position ('lspf' flags 1, 2
    and 4; Lock All is `_locked`)."""
    flags = int(item.locks.value) if item.locks is not None else 0
    return Locks(transparency=bool(flags & LOCK_TRANSPARENCY), pixels=bool(flags & LOCK_PIXELS),
                 position=bool(flags & LOCK_POSITION))


def _is_open(item) -> bool:
    from psd_tools.constants import SectionDivider, Tag

    setting = item.tagged_blocks.get_data(Tag.SECTION_DIVIDER_SETTING)
    kind = getattr(setting, "kind", None)
    return kind != SectionDivider.CLOSED_FOLDER


def read_advanced_blending(item, node: Node) -> None:
    """Photoshop's Advanced Blending onto `node`: Knockout ('knko': a byte, 0 none,
    1 shallow, 2 deep) and the colour channels its blending leaves alone ('brst': the
    indices of the restricted channels, 0 red .. 2 blue)."""
    from psd_tools.constants import Tag

    from .layers import KNOCKOUTS

    blocks = item.tagged_blocks
    if blocks is None:
        return
    knockout = blocks.get_data(Tag.KNOCKOUT_SETTING, 0)
    if isinstance(knockout, int) and 0 < knockout < len(KNOCKOUTS):
        node.knockout = KNOCKOUTS[knockout]
    restricted = blocks.get_data(Tag.CHANNEL_BLENDING_RESTRICTIONS_SETTING)
    if restricted is not None:
        node.channels = tuple(c not in set(restricted) for c in range(3))
    read_blending_options(blocks, node)


def read_blending_options(blocks, node: Node) -> None:
    """The rest of Advanced Blending (`layers.BLENDING_OPTIONS`) onto `node`: 'infx',
    'clbl', 'tsly', 'lmgm', 'vmgm', each a byte (psd-tools' ByteElement: 1 on, 0 off, three
    bytes of padding); a block left out is the option's default."""
    from psd_tools.constants import Tag

    from .layers import BLENDING_OPTIONS

    for attr, _, key, _ in BLENDING_OPTIONS:
        value = blocks.get_data(Tag(key))
        if isinstance(value, int):
            setattr(node, attr, bool(value))


def write_advanced_blending(record, node: Node) -> None:
    """`read_advanced_blending`'s blocks for `node` onto a layer record (none at the
    defaults, as Photoshop leaves 'brst' out)."""
    from psd_tools.constants import Tag

    from .layers import KNOCKOUTS

    if node.knockout != "none":
        record.tagged_blocks.set_data(Tag.KNOCKOUT_SETTING, KNOCKOUTS.index(node.knockout))
    if not all(node.channels):
        record.tagged_blocks.set_data(Tag.CHANNEL_BLENDING_RESTRICTIONS_SETTING,
                                      [c for c, kept in enumerate(node.channels) if not kept])
    write_blending_options(record, node)


def write_blending_options(record, node: Node) -> None:
    """`read_blending_options`' blocks for `node` onto a layer record: only the options
    not at their defaults (a reader takes a missing block for the default; Photoshop
    itself writes 'infx' and 'clbl' on every layer, and 'tsly', 'lmgm', 'vmgm' seldom)."""
    from psd_tools.constants import Tag

    from .layers import BLENDING_OPTIONS

    for attr, default, key, _ in BLENDING_OPTIONS:
        value = getattr(node, attr)
        if value != default:
            record.tagged_blocks.set_data(Tag(key), int(value))
        else:
            record.tagged_blocks.pop(Tag(key), None)  # (a carried copy would say otherwise)


# -- artboards: Photoshop's 'artb' block (older 'artd', 'abdd') <-> `layers.Artboard` ---------

_ARTBOARD_TAGS = (b"artb", b"artd", b"abdd")


def read_artboard(item):
    """The artboard a group record describes, or None. Photoshop keeps it in the group's
    record as a descriptor of class 'artboard' (as psd-tools' `Artboard` reads it):
    'artboardRect' ('classFloatRect': 'Left', 'Top ', 'Rght', 'Btom' in pixels),
    'artboardBackgroundType' and 'Clr ' (RGBC, the "other" colour). The type counts 1 white,
    2 black, 3 transparent, 4 other: psd-tools takes 1 for transparent and 3 for black, but
    Photoshop's merged image of advanced-blending.psd (type 1, 'Clr ' white) is opaque white
    inside the artboard, and those of gradient-styles.psd's "Noise gradients" artboard and
    rgb-blend-modes.psd's (type 3) have transparent pixels inside theirs. Without a type
    (artboard.psd, made with Photoshop CC 2015) it is taken as white, Photoshop's default
    for a new artboard (that file cannot tell: an opaque layer covers its artboard)."""
    from psd_tools.constants import Tag

    from .layers import ARTBOARD_BACKGROUNDS, Artboard

    record, _ = _low_level(item)
    block = None
    for key in _ARTBOARD_TAGS:  # (the last one found wins, as psd-tools reads them)
        if Tag(key) in record.tagged_blocks:
            block = record.tagged_blocks[Tag(key)]
    desc = getattr(block, "data", None)
    try:
        rect = desc[b"artboardRect"]
        left, top, right, bottom = (int(round(float(rect[k])))
                                    for k in (b"Left", b"Top ", b"Rght", b"Btom"))
    except (KeyError, TypeError, ValueError):
        return None
    kind = desc.get(b"artboardBackgroundType")
    try:
        background = ARTBOARD_BACKGROUNDS[int(kind) - 1] if kind is not None else "white"
    except (IndexError, TypeError, ValueError):
        background = "white"
    color = _rgb(desc.get(b"Clr ")) or (255, 255, 255)
    box = Box(left, top, max(0, right - left), max(0, bottom - top))
    return Artboard(box, background, color, source=(block, box, background, color))


def artboard_block(artboard):
    """The tagged block to write for `artboard`: the one it was read from while it still
    describes it (byte for byte), else that block's descriptor (or a new one in
    Photoshop's layout) with the rectangle, background type and colour set anew."""
    import copy

    from psd_tools.constants import Tag
    from psd_tools.psd.descriptor import Descriptor, Double, Integer, List, String
    from psd_tools.psd.tagged_blocks import DescriptorBlock, TaggedBlock

    from .layers import ARTBOARD_BACKGROUNDS

    source = artboard.source
    if source is not None and source[1:] == (artboard.box, artboard.background,
                                             tuple(artboard.color)):
        return source[0]
    if source is not None:
        key, desc = source[0].key, copy.deepcopy(source[0].data)
    else:
        key, desc = Tag.ARTBOARD_DATA1, DescriptorBlock(classID=b"artboard")
    box = artboard.box
    rect = Descriptor(classID=b"classFloatRect")
    for k, v in ((b"Top ", box.y), (b"Left", box.x), (b"Btom", box.y1), (b"Rght", box.x1)):
        rect[k] = Double(float(v))
    desc[b"artboardRect"] = rect
    if b"guideIndeces" not in desc:
        desc[b"guideIndeces"] = List()
    if b"artboardPresetName" not in desc:
        desc[b"artboardPresetName"] = String("")
    _effect_color(desc, b"Clr ", tuple(artboard.color))
    desc[b"artboardBackgroundType"] = Integer(ARTBOARD_BACKGROUNDS.index(artboard.background) + 1)
    return TaggedBlock(key=key, data=desc)

"""Writing PSD and PSB files (`write_psd`): the layer records built in one walk of the
tree, each layer's channels compressed and written in turn, the pixels stored for a fill
layer (`fill_pixels`), the mask data, the document's patterns and the merged image; the
layer comps in our XMP packet and in Photoshop's form (`psd_comps`).
"""
from __future__ import annotations

import itertools
import struct
from typing import IO, Optional

import numpy as np

from engine.box import Box

from .background_layer import background_of
from . import layer_comps
from .document import Document
from .errors import SaveError
from .color_modes import lab8_pixels
from .images import flatten_on_white
from .layers import AdjustmentLayer, FillLayer, Group, Layer, LayerMask, Node
from .mask_ops import clipping_base
from .psd_adjustments import adjustment_blocks
from .psd_channels import channel_resources
from .psd_comps import comp_ids, comps_resource, write_layer_settings
from .psd_effects import effect_blocks
from .psd_fills import pattern_records, used_patterns
from .psd_links import link_resources
from .psd_layer_options import (LOCK_ALL, LOCK_PIXELS, LOCK_POSITION, LOCK_TRANSPARENCY,
                                artboard_block, write_advanced_blending)
from .psd_paths import path_resources, vector_path_blocks
from .psd_shapes import pattern_anchor_block, stroke_blocks
from .psd_filter_mask import filter_mask_blocks
from .psd_smart import external_layers, linked_layers, smart_blocks
from .psd_source import MAX_GROUP_DEPTH, _too_deep
from .psd_type import type_block
from .psd_xmp import _xmp_packet
from .render import composite_document
from .resolution import RESOURCE as RESOLUTION, resource_bytes
from .slices import slices_resource
from .smart_object import SmartObjectLayer
from .snapshots import lineage
from .text_layer import TextLayer
from .vector_mask import VectorMask


INT32_MIN, INT32_MAX = -2**31, 2**31 - 1
MERGED_BAND_PIXELS = 4_000_000  # composited at a time for the merged image


# -- writing --------------------------------------------------------------------------

def write_psd(doc: Document, f: IO[bytes], big: bool = False,
              folder: Optional[str] = None) -> None:
    """Writes `doc` as PSD (or PSB) to the open, seekable binary file `f`; `folder`: where
    the file goes (linked smart objects' paths are recorded relative to it too).

    The layer records are built in one pass over the tree (psd-tools' `append`
    re-walks the whole document per added layer, which made 5000 layers take
    minutes) and the channels are compressed and written one layer at a time,
    so only one layer's compressed data is held beside the document. Channel
    lengths are known only once a layer is compressed: the records are written
    first with placeholders and rewritten in place (fixed-size fields) at the end.
    """
    from psd_tools.constants import ColorMode, Compression, Resource
    from psd_tools.psd.color_mode_data import ColorModeData
    from psd_tools.psd.header import FileHeader
    from psd_tools.psd.image_resources import ImageResource, ImageResources
    from psd_tools.psd.layer_and_mask import ChannelData, GlobalLayerMaskInfo

    version = 2 if big else 1
    length_format = ">" + "IQ"[version - 1]
    # The merged image's planes: R, G, B (Grayscale: grey; Indexed: the palette indices),
    # its transparency (not in Indexed, which has a transparent palette entry instead),
    # then the alpha channels (none in Indexed, as in Photoshop).
    mode = doc.color_mode
    slots = _SLOTS[mode]
    # With a Background the picture is opaque: the merged image has no transparency plane
    # and the layer count is positive, as in Photoshop's files.
    opaque = background_of(doc) is not None and mode != "indexed"
    merged_slots = tuple(c for c in slots if c != 3) if opaque else slots
    header = FileHeader(version=version, channels=len(merged_slots) + (len(doc.channels) if
                                                                mode != "indexed" else 0),
                        height=doc.height, width=doc.width, depth=8,
                        color_mode={"rgb": ColorMode.RGB, "grayscale": ColorMode.GRAYSCALE,
                                    "indexed": ColorMode.INDEXED, "lab": ColorMode.LAB}[mode])
    comps = doc.layer_comps
    ids = comp_ids(comps.comps)  # (the same in 1065, in each layer's 'cmls' and in our XMP)
    # Checks offsets and depth before a byte is written. An Indexed document is written as
    # Photoshop's are: its picture in the merged image only, no layer records.
    plan = _Writer(comps.comps, ids, slots).plan(doc) if mode != "indexed" else _Plan()
    resources = ImageResources.new()
    # Always present, so that a document without layers reads back without layers
    # (a flat PSD from another program has no such packet and opens as one layer).
    paths, path_names = path_resources(doc)
    resources[Resource.XMP_METADATA] = ImageResource(
        key=Resource.XMP_METADATA,
        data=_xmp_packet(plan.metadata, path_names,
                         layer_comps.to_json(doc, plan.layer_ids, ids), base=doc.xmp,
                         type_styles=doc.type_styles.to_json()))
    resources[RESOLUTION] = ImageResource(key=RESOLUTION, data=resource_bytes(doc.resolution))
    if doc.exif:  # the camera's EXIF block, where Photoshop keeps it (File Info's Camera Data)
        resources[Resource.EXIF_DATA_1] = ImageResource(key=Resource.EXIF_DATA_1,
                                                        data=doc.exif)
    comps_block = comps_resource(comps, ids)  # Photoshop's copy of the comps
    if comps_block is not None:
        resources[comps_block.key] = comps_block
    for resource in paths:
        resources[resource.key] = resource
    sliced = slices_resource(doc)  # the Slice tool's slices (1050)
    if sliced is not None:
        resources[sliced.key] = sliced
    for key, resource in (doc.global_light or {}).items():  # the effects' global angle
        resources[key] = resource
    # The alpha channels' names and ids (an Indexed document has none, as in Photoshop).
    for resource in channel_resources(doc) if mode != "indexed" else ():
        resources[resource.key] = resource
    if any(plan.link_groups):  # Link Layers, where Photoshop keeps them
        for resource in link_resources(plan.link_groups):
            resources[resource.key] = resource
    if mode == "indexed":
        palette, transparent = _palette_of(doc)
        for key, value in ((Resource.INDEXED_COLOR_TABLE_COUNT, len(doc.palette)),
                           (Resource.TRANSPARENCY_INDEX, transparent)):
            if value is not None:
                resources[key] = ImageResource(key=key, data=struct.pack(">H", value))
    header.write(f)
    # (Indexed: the palette, 256 reds then 256 greens then 256 blues.)
    ColorModeData(palette if mode == "indexed" else b"").write(f)
    resources.write(f)

    section = f.tell()
    f.write(struct.pack(length_format, 0))  # layer and mask information length
    info = f.tell()
    f.write(struct.pack(length_format, 0))  # layer information length
    if plan.records:
        # A negative layer count says the first extra channel of the merged
        # image is the composite's alpha (PSD specification); none with a Background.
        f.write(struct.pack(">h", len(plan.records) if opaque else -len(plan.records)))
        records_at = []
        for record in plan.records:
            records_at.append(f.tell())
            record.write(f, "macroman", version)
        for record, pixels, mask in zip(plan.records, plan.pixels, plan.masks):
            if callable(pixels):
                pixels = pixels()
            if mode == "lab" and pixels is not None and pixels.size:
                pixels = lab8_pixels(pixels)  # (L, a, b as the PSD stores them, and alpha)
            # (by id: the Background's record has no transparency channel)
            slot_of = dict(zip((-1, 0, 1, 2), slots))
            colour = [c for c in record.channel_info if c.id.value in slot_of]
            for channel_info, slot in ((c, slot_of[c.id.value]) for c in colour):
                channel = ChannelData(compression=Compression.RAW if pixels is None
                                      else Compression.RLE)
                if pixels is not None and pixels.size:
                    channel.set_data(pixels[..., slot].tobytes(),
                                     pixels.shape[1], pixels.shape[0], 8, version)
                channel_info.length = channel.write(f)
            if mask is not None:  # the user mask channel (-2) follows the colour channels
                channel = ChannelData(compression=Compression.RLE)
                if mask.size:
                    channel.set_data(np.ascontiguousarray(mask).tobytes(), mask.shape[1],
                                     mask.shape[0], 8, version)
                record.channel_info[len(colour)].length = channel.write(f)
        written = f.tell() - info - struct.calcsize(length_format)
        f.write(b"\0" * (-written % 4))
        end = f.tell()
        # The channel lengths, in place: each record starts with its edges and channel
        # count (4 x int32 + uint16), then (id int16, length uint32/uint64) per channel.
        entry = ">h" + "IQ"[version - 1]
        for at, record in zip(records_at, plan.records):
            f.seek(at + 18)
            f.write(b"".join(struct.pack(entry, c.id.value, c.length) for c in record.channel_info))
        f.seek(info)
        f.write(struct.pack(length_format, end - info - struct.calcsize(length_format)))
        f.seek(end)
    GlobalLayerMaskInfo().write(f)
    patterns = used_patterns(doc)
    linked = linked_layers(doc.layers())
    external = external_layers(doc.layers(), folder)
    filter_masks = filter_mask_blocks(doc)
    if patterns or linked is not None or external is not None or filter_masks:
        # The document's patterns ('Patt'), the smart objects' embedded files ('lnk2') and
        # Smart Filters masks ('FEid', 'FMsk'): blocks after the global mask info.
        from psd_tools.constants import Tag
        from psd_tools.psd.patterns import Patterns
        from psd_tools.psd.tagged_blocks import TaggedBlocks

        blocks = TaggedBlocks()
        if patterns:
            blocks.set_data(Tag.PATTERNS1, Patterns(pattern_records(patterns)))
        if linked is not None:
            blocks.set_data(Tag.LINKED_LAYER2, linked)
        if external is not None:  # linked smart objects' files ('lnkE': `external_layers`)
            blocks.set_data(Tag.LINKED_LAYER_EXTERNAL, external)
        for block in filter_masks:  # (in Photoshop's order: after 'lnkE')
            blocks[block.key] = block
        blocks.write(f, version=version, padding=4)
    end = f.tell()
    f.seek(section)
    f.write(struct.pack(length_format, end - section - struct.calcsize(length_format)))
    f.seek(end)

    # The merged image, with transparency; its colours are matted on white, as
    # Photoshop stores them. Composited in bands of rows (compositing is per pixel,
    # so the bands add up to the whole exactly) into one uint8 array, so the
    # compositor's wider working copies stay band-sized.
    stored = np.empty((doc.height, doc.width, 4), np.uint8)
    band_rows = max(64, MERGED_BAND_PIXELS // max(1, doc.width))
    for y in range(0, doc.height, band_rows):
        rows = min(band_rows, doc.height - y)
        band = composite_document(doc, Box(0, y, doc.width, rows))
        stored[y:y + rows, :, :3] = flatten_on_white(band)
        stored[y:y + rows, :, 3] = band[..., 3]
        if mode == "lab":
            stored[y:y + rows] = lab8_pixels(stored[y:y + rows])
        del band
    # RLE: every row's byte count (all channels), then the rows. Each channel is
    # compressed and written in turn; the counts are filled in at the end.
    f.write(struct.pack(">H", Compression.RLE.value))
    count_size = 2 if version == 1 else 4
    table_at = f.tell()
    if mode == "indexed":
        planes = [_indices(doc, stored)]
    else:
        planes = [stored[..., c] for c in sorted(merged_slots)] + [c.pixels for c in doc.channels]
    table_size = len(planes) * doc.height * count_size
    f.write(b"\0" * table_size)
    counts = []
    for plane in planes:
        channel = ChannelData(compression=Compression.RLE)
        channel.set_data(np.ascontiguousarray(plane).tobytes(), doc.width, doc.height, 8,
                         version)
        view = memoryview(channel.data)
        counts.append(bytes(view[:doc.height * count_size]))
        f.write(view[doc.height * count_size:])
        del view, channel
    end = f.tell()
    f.seek(table_at)
    f.write(b"".join(counts))
    f.seek(end)


# Each mode's layer channels, in the order written (transparency first), as slots of the
# RGBA pixels; Grayscale's one channel is R (= G = B); Indexed has no layer records.
_SLOTS = {"rgb": (3, 0, 1, 2), "grayscale": (3, 0), "indexed": (0,), "lab": (3, 0, 1, 2)}


def _palette_of(doc: Document) -> tuple[bytes, Optional[int]]:
    """An Indexed document's colour mode data (768 bytes) and its transparent entry
    (color_modes.index_colors puts it last; None when no pixel is transparent)."""
    palette = np.zeros((256, 3), np.uint8)
    palette[:len(doc.palette)] = doc.palette
    transparent = None
    if any((layer.pixels[..., 3] < 255).any() for layer in doc.layers()) \
            or any(layer.bounds() != doc.canvas for layer in doc.layers()):
        transparent = len(doc.palette) - 1
    return palette.T.tobytes(), transparent


def _indices(doc: Document, stored: np.ndarray) -> np.ndarray:
    """The merged image as palette indices: each colour's entry (the nearest where a
    pixel was painted in another colour since), the transparent entry where alpha is 0."""
    from .color_modes import _nearest

    palette = doc.palette.astype(np.int32)
    _, transparent = _palette_of(doc)
    keys = (palette[:, 0] << 16) | (palette[:, 1] << 8) | palette[:, 2]
    if transparent is not None:
        keys[transparent] = -1  # (its colour is white, which may be an opaque entry too)
    colours = stored[..., :3].astype(np.int32)
    packed = (colours[..., 0] << 16) | (colours[..., 1] << 8) | colours[..., 2]
    unique, inverse = np.unique(packed, return_inverse=True)
    lookup = {int(k): i for i, k in enumerate(keys) if k >= 0}
    index = np.array([lookup.get(int(k), -1) for k in unique], np.int32)
    missing = index < 0
    if missing.any():
        rgb = np.stack([unique[missing] >> 16, (unique[missing] >> 8) & 255,
                        unique[missing] & 255], axis=1)
        opaque = [i for i in range(len(palette)) if i != transparent]
        index[missing] = np.array(opaque)[_nearest(rgb, palette[opaque])]
    out = index[inverse.reshape(packed.shape)].astype(np.uint8)
    if transparent is not None:
        out[stored[..., 3] < 128] = transparent
    return out


class _Plan:
    """The layer records of a document, bottom first, with the pixels of each (None for
    group records), and the XMP entries by layer id."""

    def __init__(self) -> None:
        self.records: list = []
        self.pixels: list[Optional[np.ndarray]] = []
        self.masks: list[Optional[np.ndarray]] = []  # channel -2 of each record
        self.link_groups: list[int] = []  # each record's Link Layers number (psd_links)
        self.metadata: dict[str, dict] = {}
        self.layer_ids: dict[int, int] = {}  # node (snapshots.lineage) -> layer id
        self.width = self.height = 0  # the document's, for the paths' fractions


class _Writer:
    """Builds the layer records in one walk of the tree (a stack, not recursion)."""

    def __init__(self, comps: tuple = (), comp_ids: Optional[dict] = None,
                 slots: tuple = _SLOTS["rgb"]) -> None:
        self.comps, self.comp_ids = comps, comp_ids or {}  # (each layer's 'cmls')
        self.slots = slots  # the document's layer channels (_SLOTS)
        self.ids = itertools.count(1)
        self.text_index = itertools.count()  # each type layer's 'TextIndex', bottom first

    def plan(self, doc: Document) -> _Plan:
        from psd_tools.psd.image_resources import ImageResources

        self.light = ImageResources(doc.global_light or {})  # for the effects' global angle
        plan = _Plan()
        plan.width, plan.height = doc.width, doc.height
        # (node, depth, closing): a group is entered with its closing record
        # (the bounding section divider, which lies below its children), and
        # left with its own record above them.
        stack: list[tuple[Node, int, bool]] = [(n, 1, False) for n in reversed(doc.root.children)]
        while stack:
            node, depth, closing = stack.pop()
            if isinstance(node, Group) and not closing:
                if depth > MAX_GROUP_DEPTH:
                    raise SaveError(_too_deep(doc.path or "the document", depth))
                plan.records.append(self.divider(self.slots))
                plan.pixels.append(None)
                plan.masks.append(None)
                plan.link_groups.append(0)
                stack.append((node, depth, True))
                stack.extend((child, depth + 1, False) for child in reversed(node.children))
                continue
            plan.records.append(self.record(node, plan))
            plan.link_groups.append(node.link_group)
            if isinstance(node, FillLayer):  # made when written, one layer at a time
                plan.pixels.append(lambda n=node: fill_pixels(n, Box(0, 0, doc.width,
                                                                      doc.height))[0])
            else:
                plan.pixels.append(node.pixels if isinstance(node, Layer) else None)
            plan.masks.append(node.mask.pixels if node.mask is not None else None)
        return plan

    @staticmethod
    def divider(slots: tuple = _SLOTS["rgb"]):
        from psd_tools.constants import SectionDivider, Tag
        from psd_tools.psd.layer_and_mask import LayerRecord

        record = LayerRecord(name="</Layer group>", channel_info=_channel_infos(slots))
        record.tagged_blocks.set_data(Tag.SECTION_DIVIDER_SETTING,
                                      SectionDivider.BOUNDING_SECTION_DIVIDER)
        record.tagged_blocks.set_data(Tag.UNICODE_LAYER_NAME, "</Layer group>")
        return record

    def record(self, node: Node, plan: _Plan):
        from psd_tools.constants import BlendMode, SectionDivider, Tag
        from psd_tools.psd.layer_and_mask import LayerRecord

        mode = BlendMode[node.blend_mode.upper()]
        name = node.name[:255]
        # A group's pass-through lives in its section divider setting only.
        record_mode = BlendMode.NORMAL if mode == BlendMode.PASS_THROUGH else mode
        record = LayerRecord(channel_info=_channel_infos(self.slots), opacity=node.opacity,
                             blend_mode=record_mode)
        if isinstance(node, Group):
            kind = SectionDivider.OPEN_FOLDER if node.expanded else SectionDivider.CLOSED_FOLDER
            record.tagged_blocks.set_data(Tag.SECTION_DIVIDER_SETTING, kind)
            record.tagged_blocks.get_data(Tag.SECTION_DIVIDER_SETTING).blend_mode = mode
        elif isinstance(node, FillLayer):
            _, box = fill_pixels(node, Box(0, 0, plan.width, plan.height), compute=False)
            record.top, record.left, record.bottom, record.right = box.y, box.x, box.y1, box.x1
            record.flags.pixel_data_irrelevant = True  # its settings draw it (Photoshop's flag)
        else:
            assert isinstance(node, Layer)
            _check_offsets(node)
            record.top, record.left = node.y, node.x
            record.bottom, record.right = node.y + node.height, node.x + node.width
        try:
            name.encode("macroman")
            record.name = name
        except UnicodeEncodeError:
            record.name = "?"  # the legacy Pascal name is MacRoman; the Unicode name follows
        record.tagged_blocks.set_data(Tag.UNICODE_LAYER_NAME, name)
        record.flags.visible = node.visible
        # (the record's own flag for Lock Transparent Pixels, beside 'lspf', as Photoshop
        # writes both)
        record.flags.transparency_protected = node.locks.transparency
        if node.clipping and clipping_base(node) is not None:
            # (Clipped with no unclipped node below, it is drawn as it is: so it is written,
            # or a reader would make the lowest of them the base of the others.)
            from psd_tools.constants import Clipping

            record.clipping = Clipping.NON_BASE
        if node.mask is not None or node.vector_mask is not None:
            _write_mask_data(record, node.mask, node.vector_mask)
        for block in node.carried or ():  # an adjustment layer's settings, as they were read
            record.tagged_blocks[block.key] = block
        if node.effects is not None:
            for block in effect_blocks(node.effects, self.light):
                record.tagged_blocks[block.key] = block
        anchor = pattern_anchor_block(node)
        if anchor is not None:
            record.tagged_blocks[anchor.key] = anchor
        if isinstance(node, TextLayer):  # a type layer for Photoshop: its text, editable
            block = type_block(node, next(self.text_index))
            record.tagged_blocks[block.key] = block
        if isinstance(node, SmartObjectLayer):  # its placement; its file is in 'lnk2'
            for block in smart_blocks(node):
                record.tagged_blocks[block.key] = block
        if node.vector_mask is not None:
            for block in vector_path_blocks(node.vector_mask, plan.width, plan.height):
                record.tagged_blocks[block.key] = block
        if isinstance(node, AdjustmentLayer):
            from psd_tools.psd.tagged_blocks import TaggedBlock

            for key, data in adjustment_blocks(node.settings):
                record.tagged_blocks[key] = TaggedBlock(key=key, data=data)
            if isinstance(node, FillLayer) and node.stroke is not None:
                for key, data in stroke_blocks(node.stroke, node.settings):
                    record.tagged_blocks[key] = TaggedBlock(key=key, data=data)
        locks = node.locks
        # The Background (background_layer.py) as Photoshop writes it: no transparency
        # channel, the record's transparency-protected flag, 'lspf' transparency and
        # position (5), 'lnsr' 'bgnd'.
        background = node.is_background
        if background:
            record.channel_info = [c for c in record.channel_info if c.id != -1]
            record.flags.transparency_protected = True
            record.tagged_blocks.set_data(Tag.LAYER_NAME_SOURCE_SETTING, b"bgnd")
        flags = sum(flag for flag, on in ((LOCK_ALL, node.locked),
                                          (LOCK_TRANSPARENCY, locks.transparency or background),
                                          (LOCK_PIXELS, locks.pixels),
                                          (LOCK_POSITION, locks.position or background)) if on)
        if flags:
            record.tagged_blocks.set_data(Tag.PROTECTED_SETTING, flags)
        if node.fill_opacity != 255:
            record.tagged_blocks.set_data(Tag.BLEND_FILL_OPACITY, node.fill_opacity)
        write_advanced_blending(record, node)
        if isinstance(node, Group) and node.artboard is not None:
            block = artboard_block(node.artboard)
            record.tagged_blocks[block.key] = block
        layer_id = next(self.ids)
        record.tagged_blocks.set_data(Tag.LAYER_ID, layer_id)
        plan.layer_ids[lineage(node)] = layer_id  # (where the layer comps find it)
        write_layer_settings(record, node, layer_id, self.comps, self.comp_ids)
        entry: dict = {}
        if len(node.name) > 255:
            entry["name"] = node.name
        if node.mask is not None and not node.mask.linked:
            entry["mask_linked"] = False
        if isinstance(node, Layer):
            if node.recipe:
                entry["recipe"] = node.recipe
            if node.source_kind:
                entry["source_kind"] = node.source_kind
            if isinstance(node, TextLayer):  # its settings (the family's name as chosen)
                entry["text"] = dict(node.type_settings.as_dict(), origin=list(node.origin))
                styles = [node.paragraph_style, node.character_style]
                if styles != [None, None]:  # (type_styles.py: the styles' names)
                    entry["type_styles"] = styles
            stack_mode = getattr(getattr(node, "contents", None), "stack_mode", "none")
            if stack_mode != "none":  # an image stack's statistic (ours only: `stack_modes`)
                entry["stack_mode"] = stack_mode
            if getattr(node, "filters", ()):  # a smart object's smart filters (ours only)
                from .smart_filters import as_entry

                entry["smart_filters"] = as_entry(node.filters)
                if node.filter_mask is not None:  # (its default alone: files of before)
                    from .smart_filters import mask_entry

                    entry["smart_filters_mask"] = node.filter_mask.default
                    entry["smart_filters_mask_values"] = mask_entry(node.filter_mask)
        if entry:
            entry["short_name"] = name
            plan.metadata[str(layer_id)] = entry
        return record


def fill_pixels(node: FillLayer, canvas: Box, compute: bool = True
                ) -> tuple[Optional[np.ndarray], Box]:
    """The pixels Photoshop stores for a fill layer (what readers that do not know fills
    show) and their canvas box: its colour over the canvas, or, with an enabled path (a
    shape layer), over the path's box with the path's coverage as alpha. Its layer mask is
    not in them (it is stored as the mask). `compute=False`: the box alone."""
    vector = node.vector_mask
    path = vector.raster() if vector is not None and vector.enabled else None
    box = canvas if path is None else path.shown_bounds(canvas)
    if node.stroke is not None and not node.stroke.fill:
        box = Box(0, 0, 0, 0)
    outline = node.stroke_coverage()
    if outline is not None:  # (its stroke reaches beyond its path)
        box = box.union(outline.bounds().intersect(canvas))
    if box.is_empty():
        box = Box(0, 0, 0, 0)
    if not compute:
        return None, box
    return node.content(box, path), box


def _write_mask_data(record, mask: Optional[LayerMask], vector: Optional[VectorMask]) -> None:
    """The record's mask data (the user mask's box, default colour, flags; the density and
    feather of it and of the vector mask) and the user mask's -2 channel entry (length
    filled in when written)."""
    from psd_tools.psd.layer_and_mask import ChannelInfo, MaskData, MaskFlags, MaskParameters

    values = {}
    if mask is not None:
        _check_offsets(mask)
        values.update(user_mask_density=mask.density if mask.density < 255 else None,
                      user_mask_feather=mask.feather if mask.feather > 0 else None)
    if vector is not None:
        values.update(vector_mask_density=vector.density if vector.density < 255 else None,
                      vector_mask_feather=vector.feather if vector.feather > 0 else None)
    with_parameters = any(v is not None for v in values.values())
    if mask is None and not with_parameters:
        return
    parameters = MaskParameters(**values) if with_parameters else None
    flags = MaskFlags(mask_disabled=mask is not None and not mask.enabled,
                      parameters_applied=with_parameters)
    if mask is None:  # the path's density or feather alone
        record.mask_data = MaskData(background_color=0, flags=flags, parameters=parameters)
        return
    record.mask_data = MaskData(
        top=mask.y, left=mask.x, bottom=mask.y + mask.height, right=mask.x + mask.width,
        background_color=mask.default, flags=flags, parameters=parameters)
    record.channel_info.append(ChannelInfo(id=-2, length=2))


def _channel_infos(slots: tuple = _SLOTS["rgb"]) -> list:
    from psd_tools.psd.layer_and_mask import ChannelInfo

    # Transparency first, then red, green, blue (as Photoshop and psd-tools write them);
    # Grayscale: transparency, grey.
    return [ChannelInfo(id=i, length=2) for i in (-1, 0, 1, 2)[:len(slots)]]


def _check_offsets(layer) -> None:
    """Layer records (and masks) store their edges as signed 32-bit numbers."""
    edges = (layer.x, layer.y, layer.x + layer.width, layer.y + layer.height)
    if not all(INT32_MIN <= v <= INT32_MAX for v in edges):
        raise SaveError(f"layer '{getattr(layer, 'name', 'mask')}' lies at {layer.x},{layer.y}, outside what a "
                        f"PSD can store (offsets from {INT32_MIN} to {INT32_MAX}); move it "
                        f"nearer the canvas.")

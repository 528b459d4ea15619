"""PSD and PSB files through psd-tools: documents in, documents out.

Writing makes an 8-bit RGB document with a transparency channel per layer
(so layer transparency is kept) from the layer tree: pixel layers, nested
groups, names in any script (the legacy Pascal name is MacRoman, "?" where the
name does not fit it, beside the Unicode name), offsets anywhere (outside the
canvas, within the records' 32-bit range),
opacity 0..255 exactly, the 12 blend modes and pass-through, visibility,
lock (Photoshop's "lock all"), the group's open/closed state, the clipping
flag, and user (pixel) layer masks on layers and groups: the mask data of
the layer record (box, default colour, disabled flag, density and feather as
mask parameters) and the mask channel (-2). Channels are
RLE-compressed like Photoshop's own files: on ten 4000x3000 photographic
layers RLE took 3.1 s against 2.0 s for raw data but wrote 60% of the bytes
and opened faster (2.1 s against 2.8 s); ZIP took 16 s for half RLE's size.
The merged image (what viewers and thumbnails show) is our own composite with
its transparency, because psd-tools' composite is many times slower and
flattens translucent documents onto the background colour.

Recipes (how a generated layer was made) live in the document's XMP packet
(image resource 1060) under our own namespace, as JSON keyed by each layer's
Photoshop layer id ('lyid'). XMP is the place Photoshop reserves for metadata
of other applications: it keeps namespaces it does not know when it re-saves
a file, and it keeps layer ids stable, so the map still finds its layers.
Layers the id does not find (another program renumbered them) are matched by
a unique name. Whether a mask is linked to its layer is kept there too (the
PSD specification documents no flag for it).

The document's own paths (the Paths panel's) are image resources, as Photoshop keeps
them: each saved path a resource 2000.. named after it, in the panel's order, the Work
Path resource 0x0401, each the path records of a vector mask (fill rule, initial fill,
subpaths) without its version and flags. The resource's name is a MacRoman Pascal
string; a name it cannot hold is kept whole in the XMP packet too.

Both directions use psd-tools' low-level structures (psd_tools.psd) for the
layer records: writing builds them in one pass over the tree and writes each
layer's channels as soon as they are compressed (psd-tools' layer API re-walks
the document per added layer: 5000 layers took minutes); reading takes the
header, resources and records first, checks the pixel limit and the group depth
on them, and reads each layer's channels from the file only to decode it.
psd-tools' private attributes are reached in one function, `_low_level`.

Reading turns every layer into a pixel layer or a group. Type and smart
object layers keep the pixels Photoshop stored for them; a type layer that is point text
in one style we draw becomes our text layer (`read_type`: its text, size, colour, font,
faux bold and italic, tracking and alignment from the engine data in 'TySh'), Photoshop's
pixels shown until it is edited; other type stays pixels, with a warning saying why. Our
own text layers are written as pixel layers (their drawn text, so every program shows
it) with their settings in our XMP entry for the layer, and come back editable; the
'TySh' block is not written, so Photoshop sees them as pixel layers. Shape and fill layers
are drawn by psd-tools, except Solid Color and Gradient fill layers, which become our
own (`FillLayer`, written back with Photoshop's 'SoCo' block: a descriptor holding
'Clr ' as RGBC; or its 'GdFl' block: 'Grad' with colour stops 'Clrs' and opacity stops
'Trns', 'Type', 'Angl', 'Scl ', 'Rvrs', 'Dthr', 'Algn', 'Ofst'; or a noise gradient,
'ClNs' with its seed, roughness, colour model and bounds, drawn as `gradients.noise_table`
approximates Photoshop's and written back as read unless changed; colours not in RGB stay
psd-tools' pixels): psd-tools' SolidColorFill and GradientFill,
and its ShapeLayer when that is one with a path (Photoshop's shape layer: the block beside
the vector mask, or Photoshop CC's 'vscg' block holding it) and a stroke we draw or none.
The shape's vector stroke ('vstk': a solid colour, width, alignment, caps, joins, opacity,
fill on or off; `shape_stroke.py`) becomes ours and is written back as the descriptor it
was read from with only the keys whose value changed written anew (keys we do not know
kept as read); its dashes ('strokeStyleLineDashSet', 'strokeStyleLineDashOffset', in stroke
widths) are drawn; a stroke in a gradient, a pattern or another
blend mode leaves the layer to psd-tools' drawing, as before. A gradient's stops' midpoints
('Mdpn') and Photoshop 23's interpolation method ('gradientsInterpolationMethod': Classic,
Perceptual or Linear; absent: Classic) are ours too. A gradient keeps the descriptor it was
read from, so what our settings do not hold (the gradient's name, the stops' kinds, keys of
newer Photoshops) is written back as it was.
Pattern fill layers ('PtFl': 'Ptrn' naming the pattern by its 'Idnt' and 'Nm  ', 'Scl ',
'Angl', 'Algn', 'phase') become ours too when the file holds the pattern: the document's
patterns are the global 'Patt'/'Pat2'/'Pat3' blocks after the layers (RGB or greyscale
ones; psd-tools decodes them), written back as one 'Patt' block with the patterns the
fill layers use. A pattern fill whose pattern is not in the file stays psd-tools' layer.
We write a fill layer as Photoshop does: flagged "pixel data irrelevant", with pixels
for readers that do not know fills (its content over the canvas, or over its path's box
with the path's coverage as alpha; the layer mask stored apart). So psd-tools sees our
fill layer as a SolidColorFill or GradientFill and, with a path, as a ShapeLayer, as it
sees Photoshop's.
Brightness/Contrast, Levels, Curves, Hue/Saturation,
Color Balance and Exposure adjustment layers become our own (`AdjustmentLayer`,
drawn; written back with the blocks Photoshop writes for them: 'brit' and
'CgEd', 'levl', 'curv', 'hue2' with its six ranges, 'blnc', 'expA'); so does a
Brightness/Contrast from before CS3 (a 'brit' block alone: "Use Legacy").
Vibrance ('vibA'), Black & White ('blwh'), Photo Filter ('phfl', version 2: an RGB or
Lab colour; written as RGB) and Channel Mixer ('mixr') are ours too (`read_more_adjustment`),
and so are Invert, Posterize, Threshold and Gradient Map layers ('nvrt', 'post', 'thrs',
'grdm': an RGB, non-noise gradient; its name, seed and 16-bit colours written back as
read; `read_tonal_adjustment`).
Other adjustments, and the variants we do not draw (Brightness/Contrast on
Lab's lightness, free-drawn Curves) are kept but not drawn: an empty layer
that carries the record's tagged blocks and writes them back unchanged.
User masks and clipping flags are kept as they are (not baked into pixels).
A vector mask (a path) on a layer or group becomes ours (`vector_mask.py`):
read with psd-tools' parsing, drawn with its density and feather, moved and
transformed with its layer, and written back in fractions of the document
(its other blocks, e.g. the live shape, as read; the live shape's description
is dropped once the path has moved). Beside a path, Photoshop's channel -2 is
its rendering and the user mask is channel -3 (the record's "real" mask data).
Each such change is listed in `doc.warnings`. 16- and 32-bit, CMYK and greyscale documents become 8-bit
RGBA. Any psd-tools failure becomes a FileFormatError naming the file.
"""
from __future__ import annotations

import dataclasses
import io
import itertools
import json
import logging
import os
import re
import struct
import warnings
import xml.etree.ElementTree as ET
from typing import IO, Optional
from xml.sax.saxutils import escape

import numpy as np

from engine.box import Box

from .document import Document
from .errors import DocumentError, FileFormatError, ImageTooLarge, SaveError
from . import adjustments, gradients, layer_effects, path_edit, psd_colour
from .mask_ops import clipping_base
from .images import flatten_on_white
from .layers import (BLEND_MODES, AdjustmentLayer, FillLayer, Group, Layer, LayerMask, Locks,
                     Node, check_pixels)
from .limits import LAYERS_LIMIT_FACTOR, MAX_PIXELS_ENV, check_pixel_limit, pixel_count, read_head
from .render import composite_document
from .shape_stroke import ShapeStroke
from .text_layer import TextLayer, TextSettings
from .vector_mask import Subpath, VectorMask

XMP_NAMESPACE = "urn:layered-editor:xmp:1.0/"
XMP_PROPERTY = "layers"
PSD_MAX_SIDE = 30_000     # PSD version 1
PSB_MAX_SIDE = 300_000    # PSD version 2 (PSB)
LOCK_ALL = 0x80000000     # Photoshop's "lock all" protection flag
LOCK_TRANSPARENCY, LOCK_PIXELS, LOCK_POSITION = 1, 2, 4  # its partial locks ('lspf')
MAX_GROUP_DEPTH = 100     # groups inside groups, refused beyond this on open and on save
INT32_MIN, INT32_MAX = -2**31, 2**31 - 1
MERGED_BAND_PIXELS = 4_000_000  # composited at a time for the merged image
_COLOR_MODES = {0: "bitmap", 1: "greyscale", 2: "indexed", 3: "RGB", 4: "CMYK",
                7: "multichannel", 8: "duotone", 9: "Lab"}

_log = logging.getLogger(__name__)


# -- size checks ----------------------------------------------------------------------

def check_psd_size(path: str, doc: Document, big: bool) -> None:
    side = PSB_MAX_SIDE if big else PSD_MAX_SIDE
    if doc.width > side or doc.height > side:
        hint = "" if big else "; save it as .psb (large document format)"
        raise SaveError(f"{path}: a {doc.width}x{doc.height} document is larger than "
                        f"{'PSB' if big else 'PSD'} allows ({side} pixels a side){hint}.")


def read_header(path: str, limit: int) -> tuple[int, int, int, int]:
    """Checks the 26-byte PSD header; returns (width, height, depth, colour mode)."""
    head = read_head(path, 26)
    if len(head) < 26:
        raise FileFormatError(f"{path}: the PSD file is truncated (no complete header).")
    signature, version, _, channels, height, width, depth, mode = struct.unpack(">4sH6sHIIHH", head)
    if signature != b"8BPS" or version not in (1, 2):
        raise FileFormatError(f"{path}: not a PSD or PSB file (bad header).")
    side = PSD_MAX_SIDE if version == 1 else PSB_MAX_SIDE
    if width == 0 or height == 0:
        raise FileFormatError(f"{path}: the image is empty ({width}x{height} pixels).")
    if width > side or height > side or depth not in (1, 8, 16, 32) or not 1 <= channels <= 56:
        raise FileFormatError(f"{path}: the PSD header is damaged ({width}x{height}, "
                              f"{channels} channels, depth {depth}).")
    check_pixel_limit(path, width, height, limit)
    return width, height, depth, mode


# -- reading --------------------------------------------------------------------------

def read_psd(path: str, limit: int, pixels: bool = True) -> Document:
    """Reads a PSD/PSB file into a new Document (history clean).

    The file's structure (header, resources, layer records) is read first and
    checked (pixel limit on the sum of the layers' declared sizes, depth of the
    groups) before any pixel is decoded; each layer's channels are then read
    from the file, decoded and dropped one layer at a time. With `pixels=False`
    nothing is decoded: layers get read-only placeholder pixels of their
    declared size (enough to describe the document, as `info` does)."""
    width, height, depth, mode = read_header(path, limit)
    with _PsdToolsLog() as log, _Source(path) as source:
        try:
            from psd_tools import PSDImage

            psd = PSDImage(source.read_structure())
        except DocumentError:
            raise
        except Exception as exc:
            raise FileFormatError(f"{path}: the PSD file is damaged or truncated "
                                  f"({_why(exc)}).") from None
        source.check_records(limit)
        reader = _Reader(path, psd, limit, log, source, pixels)
        # The colours of fills, gradients and effects to sRGB as the pixels go (psd_colour).
        convert = psd_colour.transform(psd)
        if convert is not None:
            reader.colours_converted = True
            psd_colour.convert_records(psd, convert)
            name = psd_colour.profile_name(psd)
            reader.warn(f"converted from its colour profile{f' ({name})' if name else ''} "
                        f"to sRGB, the colours of its fills, gradients and effects too; "
                        f"it is saved as sRGB")
        reader.patterns = read_patterns(psd, reader.warn, convert)
        if depth != 8:
            reader.warn(f"converted from {depth}-bit to 8-bit colour")
        if mode != 3:
            reader.warn(f"converted from {_COLOR_MODES.get(mode, f'mode {mode}')} to RGB")
        if not source.merged_complete:
            reader.warn("the file is cut short inside its merged image (the flattened "
                        "preview); the layers are complete, re-save to repair it")
        try:
            children = reader.read_children(psd)
            if not children and len(psd) == 0 and not _written_by_us(psd):
                children = reader.read_merged_image()
        except (DocumentError, MemoryError):
            raise
        except Exception as exc:
            raise FileFormatError(f"{path}: the PSD file is damaged or truncated "
                                  f"({_why(exc)}).") from None
    if log.messages:
        reader.warn(f"psd-tools reported {len(log.messages)} problem(s) in the file, "
                    f"e.g. '{log.messages[0]}'")
    doc = Document(width, height)
    for child in children:
        child.parent = doc.root
        doc.root.children.append(child)
    _apply_metadata(psd, doc, reader.ids)
    doc.paths = tuple(read_path_resources(psd, _xmp_path_names(psd), reader.warn))
    doc.patterns = tuple(reader.patterns.values())
    doc.global_light = {key: psd.image_resources[key] for key in _light_resources()
                        if key in psd.image_resources} or None
    doc.warnings = reader.warnings
    doc.active = next(reversed(list(doc.layers())), None)
    return doc


def _low_level(item) -> tuple:
    """The layer record and the channel data psd-tools keeps behind one of its layers.

    psd-tools documents `Layer._record` but offers no public accessor; this is
    the one place that reaches into it (and `_channels`), for the record's
    channel list, and to read each layer's channels from the file only when
    that layer is decoded."""
    return item._record, item._channels


class _Source:
    """A PSD file read in two steps: its structure now (psd-tools' own low-level
    readers for the header, resources and layer records), and each layer's
    channels only when that layer is decoded, so no more than one layer's
    compressed data is in memory, and none for `info`."""

    def __init__(self, path: str):
        self.path = path
        self.file: Optional[IO[bytes]] = None
        self.spans: dict[int, tuple[int, int]] = {}  # id(ChannelData) -> (offset, length)
        self.merged_at = 0
        self.merged_complete = True
        self.records: list = []
        self.image_data = None

    def __enter__(self) -> "_Source":
        self.file = open(self.path, "rb")
        return self

    def __exit__(self, *exc) -> None:
        if self.file is not None:
            self.file.close()

    def read_structure(self):
        from psd_tools.psd import PSD
        from psd_tools.psd.color_mode_data import ColorModeData
        from psd_tools.psd.header import FileHeader
        from psd_tools.psd.image_data import ImageData
        from psd_tools.psd.image_resources import ImageResources
        from psd_tools.psd.layer_and_mask import (ChannelData, ChannelDataList, ChannelImageData,
                                                  LayerAndMaskInformation, LayerInfo, LayerRecords)
        from psd_tools.constants import Compression, Tag

        f = self.file
        size = os.fstat(f.fileno()).st_size
        header = FileHeader.read(f)
        color_mode_data = ColorModeData.read(f)
        resources = ImageResources.read(f, "macroman")
        length = ">" + "IQ"[header.version - 1]
        n = struct.calcsize(length)
        section = self.unpack(length)
        section_end = f.tell() + section
        layer_info = None
        info_end = f.tell()
        if section:
            info = self.unpack(length)
            info_end = f.tell() + info
            if info:
                count = self.unpack(">h")
                records = LayerRecords.read(f, count, "macroman", header.version)
                channels = ChannelImageData()
                offset = f.tell()
                for record in records:
                    stubs = ChannelDataList()
                    for channel in record.channel_info:
                        stub = ChannelData()
                        if channel.length >= 2:
                            self.spans[id(stub)] = (offset, channel.length)
                        offset += channel.length
                        stubs.append(stub)
                    channels.append(stubs)
                if offset > size:
                    raise FileFormatError(f"{self.path}: the PSD file is damaged or truncated "
                                          f"(it ends inside the pixels of its layers).")
                if offset > info_end:
                    raise FileFormatError(f"{self.path}: the PSD file is damaged (its layers' "
                                          f"channels overrun their section).")
                layer_info = LayerInfo(layer_count=count, layer_records=records,
                                       channel_image_data=channels)
        if section_end > size:
            raise FileFormatError(f"{self.path}: the PSD file is truncated (it ends inside "
                                  f"its layer section).")
        # What follows the layers (global mask, document-wide tagged blocks) is small,
        # except in 16/32-bit files, which keep their layers in a tagged block there.
        f.seek(info_end)
        rest = f.read(section_end - info_end)
        tail = LayerAndMaskInformation.read(
            io.BytesIO(struct.pack(length, len(rest) + n) + struct.pack(length, 0) + rest),
            "macroman", header.version) if section else LayerAndMaskInformation()
        tail.layer_info = layer_info
        for key in (Tag.LAYER_16, Tag.LAYER_32):
            block = tail.tagged_blocks.get_data(key) if tail.tagged_blocks else None
            if block is not None:
                layer_info = block
        self.records = list(layer_info.layer_records) if layer_info is not None else []
        f.seek(section_end)
        image_data = ImageData(compression=Compression(self.unpack(">H")))
        self.image_data = image_data
        self.merged_at = f.tell()
        self.merged_complete = self.merged_image_complete(header, image_data.compression, size)
        return PSD(header, color_mode_data, resources, tail, image_data)

    def unpack(self, fmt: str) -> int:
        data = self.file.read(struct.calcsize(fmt))
        if len(data) < struct.calcsize(fmt):
            raise FileFormatError(f"{self.path}: the PSD file is damaged or truncated "
                                  f"(it ends early).")
        return struct.unpack(fmt, data)[0]

    def merged_image_complete(self, header, compression, size: int) -> bool:
        from psd_tools.constants import Compression

        rows = header.height * header.channels
        if compression == Compression.RAW:
            expected = rows * ((header.width * header.depth + 7) // 8)
        elif compression == Compression.RLE:
            fmt = ">" + ("H" if header.version == 1 else "I") * rows
            table = self.file.read(struct.calcsize(fmt))
            if len(table) < struct.calcsize(fmt):
                return False
            expected = struct.calcsize(fmt) + sum(struct.unpack(fmt, table))
        else:
            return True  # ZIP: its length is not known in advance
        return size - self.merged_at >= expected

    def check_records(self, limit: int) -> None:
        """The pixel limit on the layers' declared sizes and the depth of the groups,
        from the records alone (before any pixel is decoded)."""
        from psd_tools.constants import SectionDivider, Tag

        total = depth = deepest = 0
        for record in self.records:
            divider = record.tagged_blocks.get_data(Tag.SECTION_DIVIDER_SETTING)
            kind = getattr(divider, "kind", None)
            if kind == SectionDivider.BOUNDING_SECTION_DIVIDER:
                depth += 1
                deepest = max(deepest, depth)
            elif kind in (SectionDivider.OPEN_FOLDER, SectionDivider.CLOSED_FOLDER):
                depth = max(0, depth - 1)
            else:
                name = record.tagged_blocks.get_data(Tag.UNICODE_LAYER_NAME, record.name)
                check_pixel_limit(self.path, record.width, record.height, limit, f"layer '{name}'")
                total += record.width * record.height
        if total > LAYERS_LIMIT_FACTOR * limit:
            raise ImageTooLarge(
                f"{self.path}: the layers hold {pixel_count(total)} pixels, over the limit of "
                f"{pixel_count(LAYERS_LIMIT_FACTOR * limit)} for all layers together "
                f"({LAYERS_LIMIT_FACTOR} x {pixel_count(limit)}); set {MAX_PIXELS_ENV} to allow "
                f"more (refused before decoding, as a possible decompression bomb).")
        if deepest > MAX_GROUP_DEPTH:
            raise FileFormatError(_too_deep(self.path, deepest))

    def load(self, channels) -> None:
        """Reads the channels of one layer from the file (they were left there)."""
        from psd_tools.constants import Compression

        for channel in channels:
            span = self.spans.get(id(channel))
            if span is None or channel.data:
                continue
            offset, length = span
            self.file.seek(offset)
            data = self.file.read(length)
            if len(data) < length:
                raise FileFormatError(f"{self.path}: the PSD file is damaged or truncated (it ends "
                                      f"inside the pixels of its layers).")
            channel.compression = Compression(struct.unpack(">H", data[:2])[0])
            channel.data = data[2:]

    def unload(self, channels) -> None:
        for channel in channels:
            if id(channel) in self.spans:
                channel.data = b""

    def load_merged(self) -> None:
        self.file.seek(self.merged_at)
        self.image_data.data = self.file.read()


class _PsdToolsLog(logging.Handler):
    """Collects what psd-tools logs while reading (instead of printing it on stderr)
    and silences its warnings; a failed channel decode is noticed by `failed_since`."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self._logger = logging.getLogger("psd_tools")
        self._warnings = warnings.catch_warnings()

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().splitlines()[0][:200])

    def failed_since(self, start: int) -> Optional[str]:
        return next((m for m in self.messages[start:] if "decode failed" in m), None)

    def __enter__(self) -> "_PsdToolsLog":
        self._logger.addHandler(self)
        self._warnings.__enter__()
        warnings.simplefilter("ignore")
        return self

    def __exit__(self, *exc) -> None:
        self._warnings.__exit__(*exc)
        self._logger.removeHandler(self)


class _Reader:
    """Turns psd-tools layers into our nodes, noting what had to change."""

    def __init__(self, path: str, psd, limit: int, log: _PsdToolsLog, source: _Source,
                 decode: bool = True):
        self.path = path
        self.psd = psd
        self.limit = limit
        self.log = log
        self.source = source
        self.decode = decode  # False: placeholder pixels of each layer's declared size
        self.warnings: list[str] = []
        self.apply_icc = _needs_icc(psd)
        # True once the records' colours are sRGB (psd_colour): psd-tools then draws its
        # layers without applying the profile again.
        self.colours_converted = False
        self.ids: dict[int, Node] = {}
        self.patterns: dict = {}  # the file's patterns by id (`read_patterns`)

    def warn(self, text: str) -> None:
        self.warnings.append(f"{self.path}: {text}.")

    def read_children(self, parent) -> list[Node]:
        from psd_tools.constants import Clipping

        nodes: list[Node] = []
        for item in parent:
            node = self.read_node(item)
            if node is None:
                continue
            # Clipped to the nearest unclipped node below; the bottom one has nothing to clip to.
            # The record's flag: psd-tools' `clipping` is always False for a group in its
            # Photoshop mode, which would unclip the groups we write clipped.
            record, _ = _low_level(item)
            node.clipping = record.clipping == Clipping.NON_BASE and bool(nodes)
            nodes.append(node)
        return nodes

    def read_node(self, item) -> Optional[Node]:
        from psd_tools.api.layers import (AdjustmentLayer as PsdAdjustment, FillLayer as PsdFill,
                                          Group as PsdGroup, ShapeLayer)

        name = item.name
        if isinstance(item, PsdGroup):
            node: Node = Group(name, self.read_children(item), visible=item.visible,
                               opacity=item.opacity, blend_mode=self.mode(item, True),
                               locked=_locked(item), expanded=_is_open(item))
        elif isinstance(item, PsdAdjustment) or read_fill(item, self.patterns) is not None \
                or read_legacy_brightness_contrast(item) is not None:
            settings = read_adjustment(item) if isinstance(item, PsdAdjustment) \
                else read_fill(item, self.patterns) or read_legacy_brightness_contrast(item)
            record, _ = _low_level(item)
            own = _own_blocks()
            if settings is not None:  # one we draw: its settings are ours now
                node_class = FillLayer if settings.fills else AdjustmentLayer
                node = node_class(name, settings, visible=item.visible,
                                  opacity=item.opacity,
                                  blend_mode=self.mode(item, False), locked=_locked(item))
                own = own | _adjustment_tags()
                own = own | _more_adjustment_tags()
                if isinstance(node, FillLayer):
                    own = own | self.read_stroke(item, node)
            else:
                self.warn(f"adjustment layer '{name}' ({item.kind}) is kept and saved back, "
                          f"but Layered does not draw it")
                node = Layer(name, None, item.left, item.top, visible=item.visible,
                             opacity=item.opacity, blend_mode=self.mode(item, False),
                             locked=_locked(item), source_kind="adjustment")
            node.carried = [block for key, block in record.tagged_blocks.items()
                            if key not in own and key not in _vector_tags()
                            and key not in _effect_tags()] or None
        else:
            kind = item.kind
            if isinstance(item, (ShapeLayer, PsdFill)):
                pixels, x, y = self.render(item)
            else:
                pixels, x, y = self.pixels(item)
            source_kind = None if kind == "pixel" else (
                "fill" if isinstance(item, PsdFill) else kind)
            typed = read_type(item) if kind == "type" else None
            if isinstance(typed, tuple):  # editable: Photoshop's pixels shown until edited
                settings, (ax, ay) = typed
                node = TextLayer(name, settings, None, x, y, (ax - x, ay - y),
                                 visible=item.visible, opacity=item.opacity,
                                 blend_mode=self.mode(item, False), locked=_locked(item))
            else:
                if source_kind is not None:
                    label = {"type": "text", "smartobject": "smart object"}.get(source_kind,
                                                                                source_kind)
                    why = f" ({typed})" if typed else ""
                    self.warn(f"{label} layer '{name}' became a pixel layer{why}")
                node = Layer(name, None, x, y, visible=item.visible,
                             opacity=item.opacity, blend_mode=self.mode(item, False),
                             locked=_locked(item), source_kind=source_kind)
            # Layer() would copy the pixels (and a placeholder's: not decoded) as they are
            node.pixels = check_pixels(pixels) if self.decode else pixels
        self.read_effects(item, node)
        node.locks = _partial_locks(item)
        read_advanced_blending(item, node)
        if isinstance(node, Group):
            node.artboard = read_artboard(item)
        if not (isinstance(item, (ShapeLayer, PsdFill)) and node.kind == "pixel"):
            # (the shape and fill layers psd-tools drew, it drew with their masks and fill)
            # 'iOpa': Photoshop's Fill, beside the opacity (a group's too: render_nodes.py)
            node.fill_opacity = int(item.fill_opacity)
            node.mask = self.read_mask(item)
            self.read_vector_mask(item, node)
        if isinstance(node, FillLayer):
            read_pattern_anchor(item, node)
        layer_id = item.layer_id
        if isinstance(layer_id, int) and layer_id >= 0:
            self.ids[layer_id] = node
        return node

    def read_stroke(self, item, node: FillLayer) -> set:
        """A shape layer's vector stroke ('vstk', with its fill in 'vscg' when Photoshop put
        it there) as ours; the tags it makes ours (none for a stroke we do not draw, kept
        and written back as read)."""
        from psd_tools.constants import Tag

        blocks = item.tagged_blocks
        desc = blocks.get_data(Tag.VECTOR_STROKE_DATA)
        stroke = read_stroke(desc) if desc is not None else None
        if stroke is None:
            return set()
        content = Tag.VECTOR_STROKE_CONTENT_DATA in blocks
        node.stroke = stroke.replace(content_block=content)
        return {Tag.VECTOR_STROKE_DATA, Tag.VECTOR_STROKE_CONTENT_DATA} if content \
            else {Tag.VECTOR_STROKE_DATA}

    def read_effects(self, item, node: Node) -> None:
        """The layer's style: its effect blocks kept as read, the effects we draw read from
        them (layer_effects.py); those we do not draw are named in the warnings."""
        record, _ = _low_level(item)
        blocks = tuple(block for key, block in record.tagged_blocks.items()
                       if key in _effect_tags())
        if not any(block.key != _fxrp() for block in blocks):
            return
        if _listed_before_present(blocks) and hasattr(item, "_effects"):
            del item._effects  # (psd-tools' effects, read before they were marked)
        node.effects = read_layer_effects(item, blocks, self.patterns)
        if node.effects.others:
            self.warn(f"layer effects of '{item.name}' ({', '.join(node.effects.others)}) are "
                      f"kept and saved back, but Layered does not draw them")
        if not node.draws_effects and node.effects.drawn():
            self.warn(f"layer effects of '{item.name}' are kept and saved back, but "
                      f"Layered draws effects on pixel, fill and shape layers and groups only")

    def read_mask(self, item) -> Optional[LayerMask]:
        """The layer's user mask (its channel and the record's mask data), kept as it is.

        Beside a vector mask, Photoshop flags channel -2 as rendered from other data: it is
        the path's rendering (for readers without paths; we draw the path itself), and the
        user mask, if any, is channel -3 with the record's "real" box, colour and flags."""
        from psd_tools.psd.layer_and_mask import MaskData

        record, channels = _low_level(item)
        data = record.mask_data
        index = {int(info.id): i for i, info in enumerate(record.channel_info)}
        if data is None or -2 not in index:
            return None
        assert isinstance(data, MaskData)
        box, default, flags, channel = ((data.left, data.top, data.right, data.bottom),
                                        data.background_color, data.flags, -2)
        if data.flags.user_mask_from_render and _vector_setting(record) is not None:
            if -3 not in index or data.real_flags is None:
                return None
            box = (data.real_left, data.real_top, data.real_right, data.real_bottom)
            default, flags, channel = data.real_background_color, data.real_flags, -3
        left, top, right, bottom = (int(v or 0) for v in box)
        width, height = max(0, right - left), max(0, bottom - top)
        params = data.parameters
        density = getattr(params, "user_mask_density", None)
        feather = getattr(params, "user_mask_feather", None)
        mask = LayerMask(None, left, top, default=default or 0,
                         enabled=not flags.mask_disabled,
                         density=255 if density is None else density,
                         feather=0.0 if feather is None else feather)
        if width and height:
            self.check_size(item, width, height)
            if not self.decode:
                mask.pixels = np.broadcast_to(np.zeros(1, np.uint8), (height, width))
                return mask
            self.source.load(channels)
            try:
                depth = self.psd.depth
                raw = channels[index[channel]].get_data(width, height, depth, self.psd.version)
                if depth == 8:
                    values = np.frombuffer(raw, np.uint8, width * height)
                elif depth == 16:
                    values = np.frombuffer(raw, ">u2", width * height) / 257.0
                elif depth == 32:
                    values = np.frombuffer(raw, ">f4", width * height) * 255.0
                else:  # 1-bit documents have no masks Photoshop can write
                    values = np.full(width * height, default or 0, np.uint8)
                values = np.clip(np.rint(values), 0, 255).astype(np.uint8).reshape(height, width)
            except ValueError:
                raise FileFormatError(f"{self.path}: the layer mask of '{item.name}' does not "
                                      f"fill its {width}x{height} box.") from None
            finally:
                self.source.unload(channels)
            mask.pixels = np.ascontiguousarray(values)
        return mask

    def read_vector_mask(self, item, node: Node) -> None:
        """The layer's vector mask (a path), drawn with the layer; the record's other path
        blocks (the live shape's description...) go with it, written back as read."""
        from psd_tools.constants import Tag

        record, _ = _low_level(item)
        blocks = [block for key, block in record.tagged_blocks.items() if key in _vector_tags()]
        setting = _vector_setting(record)
        if setting is None:
            if blocks:
                node.carried = (node.carried or []) + blocks
            return
        vector = read_vector_path(setting, self.psd.width, self.psd.height, blocks)
        params = getattr(record.mask_data, "parameters", None)
        density = getattr(params, "vector_mask_density", None)
        feather = getattr(params, "vector_mask_feather", None)
        vector.density = 255 if density is None else int(density)
        vector.feather = 0.0 if feather is None else float(feather)
        vector.aligned = bool(record.tagged_blocks.get_data(Tag.USING_ALIGNED_RENDERING))
        node.vector_mask = vector
        self.warn(f"the vector mask of '{item.name}' is drawn, moves with the layer and is "
                  "saved back; a reshaped path loses the live shape it was drawn as")

    def mode(self, item, group: bool) -> str:
        name = getattr(item.blend_mode, "name", str(item.blend_mode)).lower()
        if name in BLEND_MODES or (group and name == "pass_through"):
            return name
        fallback = "pass_through" if group else "normal"
        self.warn(f"'{item.name}' uses the blend mode '{name.replace('_', ' ')}', which Layered "
                  f"does not have; it was set to {fallback.replace('_', ' ')}")
        return fallback

    def check_size(self, item, width: int, height: int) -> None:
        # The records were checked before decoding; a drawn shape's box can differ.
        check_pixel_limit(self.path, width, height, self.limit, f"layer '{item.name}'")

    def pixels(self, item) -> tuple[np.ndarray, int, int]:
        """The layer's stored pixels (masked by its layer mask) as RGBA uint8."""
        left, top, right, bottom = item.bbox
        width, height = right - left, bottom - top
        record, channels = _low_level(item)
        if width <= 0 or height <= 0 or not _has_pixels(record):
            return np.zeros((0, 0, 4), np.uint8), item.left, item.top  # keeps its offset
        self.check_size(item, width, height)
        if not self.decode:
            return _placeholder(width, height), left, top
        self.source.load(channels)
        try:
            return self.decoded(item, width, height, left, top)
        finally:
            self.source.unload(channels)

    def decoded(self, item, width: int, height: int, left: int, top: int):
        start = len(self.log.messages)
        pixels = self.decode_rgb8(item, width, height)
        if pixels is None:
            pixels = self.convert_with_pillow(item)
        failure = self.log.failed_since(start)
        if failure:
            raise FileFormatError(f"{self.path}: the pixels of layer '{item.name}' are damaged "
                                  f"({failure.split(';')[0]}).")
        if pixels.shape[:2] != (height, width):
            raise FileFormatError(f"{self.path}: layer '{item.name}' has {pixels.shape[1]}x"
                                  f"{pixels.shape[0]} pixels for a {width}x{height} box.")
        return pixels, left, top

    def decode_rgb8(self, item, width: int, height: int) -> Optional[np.ndarray]:
        """8-bit RGB documents without a colour conversion (ours, and most others): each
        channel is decompressed by psd-tools straight into the RGBA array. This reads the
        layer's channel records (see `_low_level`); it opened a 10-layer 4000x3000 PSD in
        0.5-0.7x the time of `layer.topil()`, without Pillow's intermediate images.
        None: use Pillow."""
        from psd_tools.constants import ColorMode

        record, channels = _low_level(item)
        if self.psd.depth != 8 or self.psd.color_mode != ColorMode.RGB or self.apply_icc:
            return None
        index = {int(info.id): i for i, info in enumerate(record.channel_info)}
        if not all(c in index for c in (0, 1, 2)):
            return None
        pixels = np.empty((height, width, 4), np.uint8)
        if -1 not in index:
            pixels[..., 3] = 255
        for slot, channel in enumerate((0, 1, 2, -1)):
            if channel in index:
                data = channels[index[channel]].get_data(width, height, 8, self.psd.version)
                pixels[..., slot] = np.frombuffer(data, np.uint8, width * height).reshape(height, width)
        return pixels

    def convert_with_pillow(self, item) -> np.ndarray:
        """Any depth and colour mode: psd-tools' Pillow image (with the document's colour
        profile applied when it is not sRGB), widened to RGBA."""
        image = item.topil(apply_icc=self.apply_icc)
        if image is None:
            raise FileFormatError(f"{self.path}: the pixels of layer '{item.name}' are missing.")
        if image.mode == "RGBA":
            return np.array(image, np.uint8)
        alpha = item.topil(-1) if "A" not in image.getbands() else None
        pixels = np.array(image.convert("RGBA"), np.uint8)
        if alpha is not None:
            pixels[..., 3] = np.asarray(alpha.convert("L"), np.uint8)
        return pixels

    def render(self, item) -> tuple[np.ndarray, int, int]:
        """Shape and fill layers: psd-tools draws them (vector shapes, fills, masks).

        The result can lie anywhere inside the layer's box; its offset is that box's."""
        record, channels = _low_level(item)
        if _has_pixels(record):  # psd-tools' box of a shape with stored pixels is theirs
            left, top, right, bottom = record.left, record.top, record.right, record.bottom
        else:
            left, top, right, bottom = item.bbox
        if right <= left or bottom <= top:
            return np.zeros((0, 0, 4), np.uint8), item.left, item.top
        self.check_size(item, right - left, bottom - top)
        if not self.decode:
            return _placeholder(right - left, bottom - top), left, top
        from psd_tools.constants import Clipping

        opacity, clipping = item.opacity, record.clipping
        self.source.load(channels)
        try:
            # Our layer keeps its opacity itself: render it at full strength. The
            # record is changed, not `item.opacity`, which would mark the whole
            # document edited in psd-tools. force=True draws the vector shape or
            # fill: the pixels stored with such layers are flagged as irrelevant.
            record.opacity = 255
            # Drawn unclipped: the clipping flag is kept on our layer and composited there
            # (psd-tools draws nothing for a clipped layer without its base).
            record.clipping = Clipping.BASE
            image = item.composite(force=True, layer_filter=lambda layer: layer is item,
                                   apply_icc=not self.colours_converted)
        except Exception as exc:
            image = None
            if _has_pixels(record):
                # Photoshop stores its own rendering of the shape or fill as the layer's
                # pixels (e.g. psd-tools needs aggdraw for shapes, an optional extra): those.
                record.opacity, record.clipping = opacity, clipping
                self.warn(f"layer '{item.name}' ({item.kind}) could not be drawn "
                          f"({_why(exc)}); it shows the pixels stored with it")
                return self.decoded(item, right - left, bottom - top, left, top)
            self.warn(f"layer '{item.name}' ({item.kind}) could not be drawn and is left "
                      f"empty ({_why(exc)})")
        finally:
            record.opacity = opacity
            record.clipping = clipping
            self.source.unload(channels)
        if image is None:
            return np.zeros((0, 0, 4), np.uint8), 0, 0
        return np.array(image.convert("RGBA"), np.uint8), left, top

    def read_merged_image(self) -> list[Node]:
        """A PSD without layers (from another program): its merged image becomes one layer."""
        if not self.decode:
            layer = Layer("Background")
            layer.pixels = _placeholder(self.psd.width, self.psd.height)
            return [layer]
        self.source.load_merged()
        image = self.psd.topil(apply_icc=self.apply_icc)
        if image is None:
            raise FileFormatError(f"{self.path}: the PSD file has neither layers nor an image.")
        return [Layer("Background", np.array(image.convert("RGBA"), np.uint8))]


# -- layer effects: kept blocks, the effects we draw read from them -------------------

def _effect_tags() -> set:
    from psd_tools.constants import Tag

    return {Tag.OBJECT_BASED_EFFECTS_LAYER_INFO, Tag.OBJECT_BASED_EFFECTS_LAYER_INFO_V0,
            Tag.OBJECT_BASED_EFFECTS_LAYER_INFO_V1, Tag.EFFECTS_LAYER, Tag.REFERENCE_POINT}


def _light_resources() -> tuple:
    from psd_tools.constants import Resource

    return Resource.GLOBAL_ANGLE, Resource.GLOBAL_ALTITUDE


def global_angle(doc: Document) -> Optional[float]:
    """The document's global light angle (Photoshop's, kept from its file), None if it has
    none: a shadow's "Use Global Light" takes it."""
    from psd_tools.constants import Resource

    resource = (doc.global_light or {}).get(Resource.GLOBAL_ANGLE)
    return float(resource.data) if resource is not None else None


def _fxrp():
    from psd_tools.constants import Tag

    return Tag.REFERENCE_POINT


def read_pattern_anchor(item, node: FillLayer) -> None:
    """A Pattern fill linked with its shape layer draws its tiles from the layer's
    reference point 'fxrp', not its path's corner: in patterns.psd (Photoshop's) each of
    six shapes has 'fxrp' at its path's corner + (1, 0), and Photoshop's tiles lie
    exactly there (ours at the corner were off by that pixel). Kept as the settings'
    `anchor`, relative to the path's box, so it moves with the shape."""
    settings = node.settings
    if not isinstance(settings, adjustments.PatternFill) or not settings.align \
            or node.vector_mask is None:
        return
    point = item.tagged_blocks.get_data(_fxrp())
    frame = node.frame()
    try:
        anchor = (float(point[0]) - frame[0], float(point[1]) - frame[1])
    except (TypeError, IndexError, ValueError):
        return
    if anchor != (0.0, 0.0) and frame[2] > 0 and max(map(abs, anchor)) < 1e6:
        node.settings = dataclasses.replace(settings, anchor=anchor)


def pattern_anchor_block(node) -> Optional[object]:
    """The 'fxrp' block of a linked Pattern fill's `anchor` (`read_pattern_anchor`) for a
    layer whose style writes none; None when there is nothing to write."""
    from psd_tools.psd.tagged_blocks import ReferencePoint, TaggedBlock

    settings = getattr(node, "settings", None)
    if not isinstance(settings, adjustments.PatternFill) or settings.anchor == (0.0, 0.0) \
            or (node.effects is not None and node.effects.reference_point is not None):
        return None
    frame = node.frame()
    point = ReferencePoint([frame[0] + settings.anchor[0], frame[1] + settings.anchor[1]])
    return TaggedBlock(key=_fxrp(), data=point)


# psd-tools' effect class names -> what Photoshop's Layer Style dialog calls them.
_EFFECT_LABELS = {"DropShadow": "Drop Shadow", "InnerShadow": "Inner Shadow",
                  "OuterGlow": "Outer Glow", "InnerGlow": "Inner Glow",
                  "ColorOverlay": "Color Overlay", "GradientOverlay": "Gradient Overlay",
                  "PatternOverlay": "Pattern Overlay", "Stroke": "Stroke",
                  "BevelEmboss": "Bevel & Emboss", "Satin": "Satin"}


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


def _listed_before_present(blocks: tuple) -> bool:
    """Marks 'present' the enabled effects of a style written before Photoshop had that key
    (which lists an effect in the Layers panel): such a Photoshop drew every enabled effect
    its descriptor holds, while psd-tools reads only those marked present. In place; True
    if any was marked. (Written back, the key is what Photoshop writes today.)"""
    from psd_tools.psd.descriptor import Bool, Descriptor, List

    marked = False
    for block in blocks:
        data = block.data
        if not isinstance(data, Descriptor):
            continue
        for value in data.values():
            for entry in (value if isinstance(value, List) else [value]):
                if isinstance(entry, Descriptor) and b"enab" in entry \
                        and b"present" not in entry:
                    entry[b"present"] = Bool(bool(entry[b"enab"]))
                    marked = True
    return marked


def read_layer_effects(item, blocks: tuple,
                       patterns: Optional[dict] = None) -> layer_effects.LayerEffects:
    """`item`'s effects (psd-tools' reading of its 'lfx2'/'lmfx' descriptor) with `blocks`,
    the tagged blocks they came from, kept to be written back; `patterns` the file's, by
    id (a Pattern Overlay's)."""
    fx = item.effects
    found: dict = {kind: [] for kind, _, _ in layer_effects.EDITABLE}
    others = []
    for effect in fx:
        ours = _read_effect(effect, patterns)
        if ours is not None:
            found[ours[0]].append(ours[1])
        elif effect.enabled:
            kind = type(effect).__name__
            label = _EFFECT_LABELS.get(kind, kind)
            if kind == "Stroke":
                label = "Stroke (gradient or pattern)"
            if label not in others:
                others.append(label)
    enabled = fx.enabled if any(b.key != _fxrp() and isinstance(b.data, _descriptor_type())
                                for b in blocks) else True
    point = next((b.data for b in blocks if b.key == _fxrp()), None)
    try:
        reference = (float(point[0]), float(point[1])) if point is not None else None
    except (TypeError, IndexError, ValueError):
        reference = None
    return layer_effects.LayerEffects(enabled, others=tuple(others), blocks=blocks,
                                      reference_point=reference,
                                      **{kind: tuple(found[kind]) for kind in found})


_STROKE_POSITIONS = {"outside": b"OutF", "inside": b"InsF", "center": b"CtrF"}


def _read_effect(effect, patterns: Optional[dict] = None) -> Optional[tuple]:
    """(LayerEffects field, our effect) for psd-tools' `effect`; None for one we do not draw
    (another kind, a colour not in RGB, a mode we lack, a pattern not among
    `patterns`)."""
    kind = type(effect).__name__
    if kind == "BevelEmboss":
        return _read_bevel(effect)
    mode = _effect_mode(effect)
    if kind == "PatternOverlay" and mode:
        # The same keys as a Pattern fill layer's 'PtFl'.
        pattern = read_pattern_fill(effect.descriptor, patterns or {})
        if pattern is None:
            return None
        return "pattern_overlays", layer_effects.PatternOverlay(
            effect.enabled, mode, effect.opacity, pattern)
    if kind == "GradientOverlay" and mode:
        # The same keys as a Gradient fill layer's 'GdFl' (a noise gradient too).
        gradient = read_gradient(effect.descriptor)
        if gradient is None:
            return None
        return "gradient_overlays", layer_effects.GradientOverlay(
            effect.enabled, mode, effect.opacity, gradient)
    color = _rgb(getattr(effect, "color", None))
    if color is None or not mode:
        return None
    # Its contour ('TrnS'; a satin's 'MpgS'): None for one we cannot read (not drawn).
    contour = read_contour(getattr(effect, "contour", None))
    if contour is None:
        return None
    if kind == "DropShadow":
        return "drop_shadows", layer_effects.DropShadow(
            effect.enabled, color, effect.opacity, float(effect.angle),
            float(effect.distance), float(effect.choke), float(effect.size), mode,
            bool(effect.use_global_light), contour=contour)
    paint = _read_stroke_paint(effect.descriptor, patterns) if kind == "Stroke" else None
    if kind == "Stroke" and paint is not None:
        position = {"OUTSIDE": "outside", "INSIDE": "inside", "CENTER": "center"}.get(
            getattr(effect.position, "name", ""), "outside")
        return "strokes", layer_effects.Stroke(effect.enabled, position, float(effect.size),
                                               color, effect.opacity, mode, **paint)
    if kind == "ColorOverlay":
        return "color_overlays", layer_effects.ColorOverlay(effect.enabled, color,
                                                            effect.opacity, mode)
    if kind == "InnerShadow":
        return "inner_shadows", layer_effects.InnerShadow(
            effect.enabled, color, effect.opacity, float(effect.angle),
            float(effect.distance), float(effect.choke), float(effect.size), mode,
            bool(effect.use_global_light), contour=contour)
    if kind == "OuterGlow":
        # Its spread is the descriptor's 'Ckmt' (psd-tools' `choke`; its `spread` reads
        # 'ShdN', the jitter).
        return "outer_glows", layer_effects.OuterGlow(
            effect.enabled, color, effect.opacity, mode, float(effect.choke),
            float(effect.size), float(effect.quality_range), contour=contour)
    if kind == "Satin":
        return "satins", layer_effects.Satin(
            effect.enabled, color, effect.opacity, mode, float(effect.angle),
            float(effect.distance), float(effect.size), bool(effect.inverted),
            contour=contour)
    if kind == "InnerGlow":
        source = "center" if getattr(effect.glow_source, "name", "") == "CENTER" else "edge"
        return "inner_glows", layer_effects.InnerGlow(
            effect.enabled, color, effect.opacity, mode, source, float(effect.choke),
            float(effect.size), float(effect.quality_range), contour=contour)
    return None


# A Stroke's Fill Type ('PntT', enumeration 'FrFl') by ours; its Shape Burst gradient
# style ('Type' in the 'GrdT' enumeration, a stroke's only).
_STROKE_FILL_TYPES = {"color": b"SClr", "gradient": b"GrFl", "pattern": b"Ptrn"}
_SHAPE_BURST = b"shapeburst"


def _read_stroke_paint(desc, patterns: Optional[dict]) -> Optional[dict]:
    """A Stroke entry's paint as Stroke's fields (fill_type, gradient, pattern,
    shape_burst): its colour (no 'PntT': Photoshop's default), a gradient as a Gradient
    Overlay's keys (`read_gradient`; Shape Burst read as the rest of it), a pattern as a
    Pattern Overlay's (`read_pattern_fill`; Photoshop writes a stroke's Link with Layer as
    'Lnkd'); None for one we do not draw (a pattern the file lacks)."""
    import copy

    code = getattr(desc.get(b"PntT"), "enum", _STROKE_FILL_TYPES["color"])
    if code == _STROKE_FILL_TYPES["color"]:
        return {}
    if code == _STROKE_FILL_TYPES["gradient"]:
        burst = getattr(desc.get(b"Type"), "enum", None) == _SHAPE_BURST
        source = desc
        if burst:  # read as the other styles are, its own descriptor kept for writing
            source = copy.deepcopy(desc)
            del source[b"Type"]
        gradient = read_gradient(source)
        if gradient is None:
            return None
        return {"fill_type": "gradient", "shape_burst": burst,
                "gradient": dataclasses.replace(gradient, descriptor=desc)}
    if code == _STROKE_FILL_TYPES["pattern"]:
        pattern = read_pattern_fill(desc, patterns or {})
        if pattern is None:
            return None
        if b"Lnkd" in desc:
            pattern = dataclasses.replace(pattern, align=bool(desc[b"Lnkd"]))
        return {"fill_type": "pattern", "pattern": pattern}
    return None


def _fill_stroke_paint(entry, stroke: layer_effects.Stroke) -> None:
    """A gradient or pattern stroke's keys into its 'FrFX' entry (the writers of Gradient
    and Pattern Overlay's keys: `gradient_descriptor`, `pattern_descriptor`); the other
    paint's keys, as Photoshop does, kept where the entry has them."""
    from psd_tools.psd.descriptor import Bool, Enumerated

    if stroke.fill_type == "gradient":
        written = gradient_descriptor(stroke.gradient)
        for key in (b"Grad", b"Angl", b"Type", b"Rvrs", b"Dthr", b"Scl ", b"Algn", b"Ofst",
                    METHOD_KEY):
            if key in written:
                entry[key] = written[key]
        if stroke.shape_burst:
            entry[b"Type"] = Enumerated(b"GrdT", _SHAPE_BURST)
    elif stroke.fill_type == "pattern":
        written = pattern_descriptor(stroke.pattern)
        for key in (b"Ptrn", b"Scl ", b"phase", b"Angl"):
            if key != b"Angl" or key in entry or stroke.pattern.angle:
                entry[key] = written[key]
        entry[b"Lnkd"] = Bool(stroke.pattern.align)


# Bevel & Emboss: our names <-> the descriptor's enumerations (style 'bvlS', technique
# 'bvlT', direction 'bvlD': Photoshop's Up is 'In  ').
_BEVEL_STYLES = {"inner_bevel": b"InrB", "outer_bevel": b"OtrB", "emboss": b"Embs",
                 "pillow_emboss": b"PlEb", "stroke_emboss": b"strokeEmboss"}
_BEVEL_TECHNIQUES = {"smooth": b"SfBL", "chisel_hard": b"PrBL", "chisel_soft": b"Slmt"}
_BEVEL_DIRECTIONS = {"up": b"In  ", "down": b"Out "}


def _read_bevel(effect) -> Optional[tuple]:
    """("bevels", our BevelEmboss) for psd-tools' BevelEmboss; None for one we do not draw
    (a style or technique code we do not know, colours not in RGB,
    modes we lack). With "Use Global Light" its angle (psd-tools') and altitude are the
    document's."""
    from psd_tools.constants import Resource

    def name(key: bytes, names: dict, default: str) -> Optional[str]:
        # The descriptor's own code (psd-tools reads one it does not know as absent): ours,
        # Photoshop's default where there is none, None for a code we do not know.
        value = effect.descriptor.get(key)
        if value is None:
            return default
        code = getattr(value, "enum", None)
        return next((k for k, v in names.items() if v == code), None)

    style = name(b"bvlS", _BEVEL_STYLES, "inner_bevel")
    technique = name(b"bvlT", _BEVEL_TECHNIQUES, "smooth")
    direction = name(b"bvlD", _BEVEL_DIRECTIONS, "up")
    modes = [getattr(m, "name", "").lower() for m in (effect.highlight_mode,
                                                      effect.shadow_mode)]
    colors = [_rgb(effect.highlight_color), _rgb(effect.shadow_color)]
    if style is None or technique is None or direction is None \
            or None in colors or any(m not in BLEND_MODES for m in modes):
        return None
    gloss = read_contour(effect.contour)  # its gloss contour ('TrnS')
    if gloss is None:
        return None
    altitude = float(effect.altitude)
    if effect.use_global_light:
        # psd-tools reads the global angle only; the altitude is in the same resources.
        resources = getattr(effect, "_image_resources", None)
        if resources is not None:
            altitude = float(resources.get_data(Resource.GLOBAL_ALTITUDE, altitude))
    return "bevels", layer_effects.BevelEmboss(
        effect.enabled, style, technique, float(effect.depth), direction, float(effect.size),
        float(effect.soften), float(effect.angle), altitude, bool(effect.use_global_light),
        modes[0], colors[0], float(effect.highlight_opacity), modes[1], colors[1],
        float(effect.shadow_opacity), gloss_contour=gloss)


def _descriptor_type():
    from psd_tools.psd.descriptor import Descriptor

    return Descriptor


def _effect_mode(effect) -> Optional[str]:
    """The effect's blend mode as ours, None when Layered has no such mode (nor draws
    an effect in Dissolve: its pattern is drawn for layers and groups only)."""
    name = getattr(getattr(effect, "blend_mode", None), "name", "").lower()
    return name if name in BLEND_MODES and name != "dissolve" else None


def effect_blocks(effects: layer_effects.LayerEffects, light=None) -> list:
    """The tagged blocks to write for `effects`: as read, with what Layered changed written
    into each descriptor ('lfx2', 'lmfx'): the master switch, and the effects we model
    (`_write_drawn`; every other effect and key as read). A layer without a
    descriptor gets a new 'lfx2'. `light` is the document's global light (psd-tools'
    ImageResources: a shadow that uses it is read at its angle).

    A legacy 'lrFX' block is dropped once an effect was changed: it would contradict the
    descriptor, Photoshop since 6.0 reads the descriptor, and rewriting lrFX would need
    its binary form of every effect (bevels, satin...) from ours, which hold only some."""
    import copy

    from psd_tools.constants import Tag
    from psd_tools.psd.descriptor import Bool
    from psd_tools.psd.image_resources import ImageResources
    from psd_tools.psd.tagged_blocks import TaggedBlock

    light = light if light is not None else ImageResources()
    out, changed, described = [], False, False
    for block in effects.blocks:
        data = block.data
        if block.key == _fxrp() and effects.reference_point is not None \
                and tuple(float(v) for v in data) != tuple(effects.reference_point):
            block = copy.deepcopy(block)  # the layer moved: its reference point with it
            block.data[0], block.data[1] = (float(v) for v in effects.reference_point)
        if isinstance(data, _descriptor_type()) and block.key != _fxrp():
            described = True
            block = copy.deepcopy(block)
            if bool(block.data.get(b"masterFXSwitch", True)) != effects.enabled:
                block.data[b"masterFXSwitch"] = Bool(effects.enabled)
            changed |= _write_drawn(block.data, effects, light)
        out.append(block)
    if not described and _has_drawn(effects):
        data = _new_effects_descriptor(effects.enabled)
        _write_drawn(data, effects, light)
        out.append(TaggedBlock(key=Tag.OBJECT_BASED_EFFECTS_LAYER_INFO, data=data))
        changed = True
    if changed:
        out = [b for b in out if b.key != Tag.EFFECTS_LAYER]
    return out


def _has_drawn(effects: layer_effects.LayerEffects) -> bool:
    return bool(effects.all())


# Per LayerEffects field: the class of its entries in the descriptor, the key Photoshop
# gives one of them and the key of a list of several (None: Photoshop has one at most).
_DESCRIPTOR_KEYS = {"drop_shadows": (b"DrSh", b"DrSh", b"dropShadowMulti"),
                    "strokes": (b"FrFX", b"FrFX", b"frameFXMulti"),
                    "color_overlays": (b"SoFi", b"SoFi", b"solidFillMulti"),
                    "outer_glows": (b"OrGl", b"OrGl", None),
                    "inner_shadows": (b"IrSh", b"IrSh", b"innerShadowMulti"),
                    "inner_glows": (b"IrGl", b"IrGl", None),
                    "gradient_overlays": (b"GrFl", b"GrFl", b"gradientFillMulti"),
                    "pattern_overlays": (b"patternFill", b"patternFill", None),
                    "bevels": (b"ebbl", b"ebbl", None),
                    "satins": (b"ChFX", b"ChFX", None)}

# Our blend modes as Photoshop writes them in an effect's 'Md  ' ('BlnM' enumeration).
_EFFECT_MODE_CODES = {
    "normal": b"Nrml", "multiply": b"Mltp", "screen": b"Scrn", "overlay": b"Ovrl",
    "darken": b"Drkn", "lighten": b"Lghn", "color_dodge": b"CDdg", "color_burn": b"CBrn",
    "hard_light": b"HrdL", "soft_light": b"SftL", "difference": b"Dfrn", "exclusion": b"Xclu",
    "linear_dodge": b"linearDodge", "linear_burn": b"linearBurn",
    "vivid_light": b"vividLight", "linear_light": b"linearLight", "pin_light": b"pinLight",
    "hard_mix": b"hardMix", "subtract": b"blendSubtraction", "divide": b"blendDivide",
    "hue": b"H   ", "saturation": b"Strt", "color": b"Clr ", "luminosity": b"Lmns",
    "darker_color": b"darkerColor", "lighter_color": b"lighterColor"}


def _new_effects_descriptor(enabled: bool):
    """An empty 'lfx2' descriptor as Photoshop starts one: scale 100 %, the master switch."""
    from psd_tools.psd.descriptor import Bool, DescriptorBlock2, UnitFloat
    from psd_tools.terminology import Unit

    data = DescriptorBlock2(classID=b"null", name="\x00", version=0)
    data[b"Scl "] = UnitFloat(unit=Unit.Percent, value=100.0)
    data[b"masterFXSwitch"] = Bool(enabled)
    return data


def _psd_effect(entry, light):
    """psd-tools' view of one descriptor entry we may draw (None for another class)."""
    from psd_tools.api import effects as api

    kls = {b"DrSh": api.DropShadow, b"FrFX": api.Stroke, b"SoFi": api.ColorOverlay,
           b"OrGl": api.OuterGlow, b"IrSh": api.InnerShadow, b"IrGl": api.InnerGlow,
           b"GrFl": api.GradientOverlay, b"patternFill": api.PatternOverlay,
           b"ebbl": api.BevelEmboss, b"ChFX": api.Satin}.get(
        getattr(entry, "classID", None))
    return kls(entry, light) if kls is not None else None


def _write_drawn(data, effects: layer_effects.LayerEffects, light) -> bool:
    """Writes our effects (each kind of `_DESCRIPTOR_KEYS`) into the effects descriptor
    `data`, in place: the n-th of a kind into the n-th present entry psd-tools reads as it
    (read_layer_effects' order), an entry left as it is where ours equals it; one more
    than the file had takes an entry Photoshop keeps but does not list ('present' off) or
    a new one; one fewer is no longer listed. True if anything changed."""
    from psd_tools.psd.descriptor import Bool, List

    # A Pattern Overlay is read with its pattern: ours (the file's where they are the same).
    patterns = {o.pattern.pattern.id: o.pattern.pattern for o in effects.pattern_overlays
                if o.pattern.pattern is not None}
    patterns.update({s.pattern.pattern.id: s.pattern.pattern for s in effects.strokes
                     if s.fill_type == "pattern" and s.pattern.pattern is not None})
    changed = False
    for kind, (class_id, single, multi) in _DESCRIPTOR_KEYS.items():
        ours = list(getattr(effects, kind))
        entries, spare = [], []
        for key in list(data.keys()):
            value = data[key]
            for entry in (value if isinstance(value, List) else [value]):
                if getattr(entry, "classID", None) != class_id:
                    continue
                psd_effect = _psd_effect(entry, light)
                if not bool(entry.get(b"present", False)):
                    spare.append(entry)
                elif _read_effect(psd_effect, patterns) is not None:
                    entries.append(entry)
        for i, effect in enumerate(ours):
            if i < len(entries):
                entry = entries[i]
                if _read_effect(_psd_effect(entry, light), patterns)[1] == effect:
                    continue
            elif spare:
                entry = spare.pop(0)
            elif multi is None and single in data:
                break  # a kind Photoshop has one of: the rest are not written
            else:
                from psd_tools.psd.descriptor import Descriptor

                entry = Descriptor(classID=class_id)
                if multi in data:
                    data[multi].append(entry)
                elif single in data:  # one already: Photoshop's list of several
                    data[multi] = List([data[single], entry])
                    del data[single]
                else:
                    data[single] = entry
            _fill_entry(entry, effect, light)
            changed = True
        for entry in entries[len(ours):]:
            entry[b"present"] = Bool(False)
            entry[b"enab"] = Bool(False)
            changed = True
    return changed


def _fill_entry(entry, effect, light) -> None:
    """Our `effect`'s settings into its descriptor `entry` (in place, as Photoshop writes
    an effect: keys it holds already keep their place, the contour and noise of a new
    shadow are Photoshop's defaults); a colour that reads as ours is kept as it is
    (Photoshop's fractions)."""
    from psd_tools.constants import Resource
    from psd_tools.psd.descriptor import Bool, Enumerated, UnitFloat
    from psd_tools.terminology import Unit

    def put(key, value) -> None:
        entry[key] = value

    put(b"enab", Bool(effect.enabled))
    put(b"present", Bool(True))
    put(b"showInDialog", Bool(True))
    if isinstance(effect, layer_effects.BevelEmboss):
        _fill_bevel(entry, effect, light)
        return
    if isinstance(effect, layer_effects.Satin):
        _fill_satin(entry, effect)
        return
    if isinstance(effect, layer_effects.Stroke):
        put(b"Styl", Enumerated(b"FStl", _STROKE_POSITIONS[effect.position]))
        put(b"PntT", Enumerated(b"FrFl", _STROKE_FILL_TYPES[effect.fill_type]))
    put(b"Md  ", Enumerated(b"BlnM", _EFFECT_MODE_CODES[effect.blend_mode]))
    if isinstance(effect, layer_effects.GradientOverlay):
        put(b"Opct", UnitFloat(unit=Unit.Percent, value=float(effect.opacity)))
        # A Gradient fill layer's keys (one writer: `gradient_descriptor`), in Photoshop's
        # order where the entry has none yet.
        written = gradient_descriptor(effect.gradient)
        for key in (b"Grad", b"Angl", b"Type", b"Rvrs", b"Dthr", b"Algn", b"Scl ", b"Ofst"):
            put(key, written[key])
        return
    if isinstance(effect, layer_effects.PatternOverlay):
        put(b"Opct", UnitFloat(unit=Unit.Percent, value=float(effect.opacity)))
        written = pattern_descriptor(effect.pattern)  # a Pattern fill layer's keys
        for key in (b"Ptrn", b"Scl ", b"Algn", b"phase", b"Angl"):
            if key != b"Angl" or key in entry or effect.pattern.angle:  # (older files: none)
                put(key, written[key])
        return
    _effect_color(entry, b"Clr ", effect.color)
    put(b"Opct", UnitFloat(unit=Unit.Percent, value=float(effect.opacity)))
    if isinstance(effect, layer_effects.Stroke):
        put(b"Sz  ", UnitFloat(unit=Unit.Pixels, value=float(effect.size)))
        _fill_stroke_paint(entry, effect)
        if b"overprint" not in entry:
            put(b"overprint", Bool(False))
    shadow = isinstance(effect, (layer_effects.DropShadow, layer_effects.InnerShadow))
    if shadow:
        # "Use Global Light" only where the global angle is this shadow's: psd-tools (and
        # Photoshop) read a shadow that uses it at the document's angle.
        global_angle = float(light.get_data(Resource.GLOBAL_ANGLE, 30.0))
        put(b"uglg", Bool(effect.use_global_light and abs(global_angle - effect.angle) < 1e-6))
        put(b"lagl", UnitFloat(unit=Unit.Angle, value=float(effect.angle)))
        put(b"Dstn", UnitFloat(unit=Unit.Pixels, value=float(effect.distance)))
    glow = isinstance(effect, (layer_effects.OuterGlow, layer_effects.InnerGlow))
    if glow and b"GlwT" not in entry:
        put(b"GlwT", Enumerated(b"BETE", b"SfBL"))  # technique Softer
    if shadow or glow:
        # Spread (choke), a percentage, in the unit Photoshop writes.
        spread = effect.spread if hasattr(effect, "spread") else effect.choke
        put(b"Ckmt", UnitFloat(unit=Unit.Pixels, value=float(spread)))
        put(b"blur", UnitFloat(unit=Unit.Pixels, value=float(effect.size)))
        if b"Nose" not in entry:  # a new one: Photoshop's defaults of what we do not model
            put(b"Nose", UnitFloat(unit=Unit.Percent, value=0.0))
            if glow:
                put(b"ShdN", UnitFloat(unit=Unit.Percent, value=0.0))
            put(b"AntA", Bool(False))
            put(b"TrnS", _linear_contour())
            if isinstance(effect, layer_effects.DropShadow):
                put(b"layerConceals", Bool(True))
        _put_contour(entry, b"TrnS", effect.contour)
    if glow:
        put(b"Inpr", UnitFloat(unit=Unit.Percent, value=float(effect.range)))
    if isinstance(effect, layer_effects.InnerGlow):
        put(b"glwS", Enumerated(b"IGSr", b"SrcC" if effect.source == "center" else b"SrcE"))


def _fill_satin(entry, satin: layer_effects.Satin) -> None:
    """A Satin's settings into its 'ChFX' entry, in Photoshop's order of keys; its
    anti-aliasing and contour kept (a new one: off, Linear)."""
    from psd_tools.psd.descriptor import Bool, Enumerated, UnitFloat
    from psd_tools.terminology import Unit

    entry[b"Md  "] = Enumerated(b"BlnM", _EFFECT_MODE_CODES[satin.blend_mode])
    _effect_color(entry, b"Clr ", satin.color)
    if b"AntA" not in entry:
        entry[b"AntA"] = Bool(False)
    entry[b"Invr"] = Bool(satin.invert)
    entry[b"Opct"] = UnitFloat(unit=Unit.Percent, value=float(satin.opacity))
    entry[b"lagl"] = UnitFloat(unit=Unit.Angle, value=float(satin.angle))
    entry[b"Dstn"] = UnitFloat(unit=Unit.Pixels, value=float(satin.distance))
    entry[b"blur"] = UnitFloat(unit=Unit.Pixels, value=float(satin.size))
    if b"MpgS" not in entry:
        entry[b"MpgS"] = _linear_contour()
    _put_contour(entry, b"MpgS", satin.contour)


def _linear_contour():
    """Photoshop's Linear contour ('ShpC'), as it writes a new effect's."""
    from psd_tools.psd.descriptor import Descriptor, Double, List, String

    contour = Descriptor(classID=b"ShpC")
    contour[b"Nm  "] = String("Linear\x00")
    points = List()
    for x in (0.0, 255.0):
        point = Descriptor(classID=b"CrPt")
        point[b"Hrzn"] = Double(x)
        point[b"Vrtc"] = Double(x)
        points.append(point)
    contour[b"Crv "] = points
    return contour


def read_contour(desc) -> Optional[layer_effects.Contour]:
    """A contour descriptor ('ShpC': its name 'Nm  ', its points 'Crv ', each 'Hrzn',
    'Vrtc' 0..255 and 'Cnty', off for a corner) as ours; Linear where there is none, None
    where its points are not a curve (fewer than two, inputs not rising, beyond 0..255)."""
    if desc is None:
        return layer_effects.LINEAR
    try:
        curve = list(desc[b"Crv "])
        points = tuple((float(p[b"Hrzn"]), float(p[b"Vrtc"])) for p in curve)
        corners = tuple(not bool(p.get(b"Cnty", True)) for p in curve)
    except (KeyError, TypeError, ValueError):
        return None
    if len(points) < 2 or any(b[0] <= a[0] for a, b in zip(points, points[1:])) \
            or any(not (0 <= v <= 255) for p in points for v in p):
        return None
    name = desc.get(b"Nm  ")
    name = _text(name).rstrip("\x00") if name is not None else "Custom"
    return layer_effects.Contour(points, corners, name)


def contour_descriptor(contour: layer_effects.Contour, old=None):
    """`contour` as a 'ShpC' descriptor: `old` itself where it reads as it (its name and
    keys kept), else a new one as Photoshop writes it (its name, its points; each point's
    'Cnty' only where some point is a corner)."""
    from psd_tools.psd.descriptor import Bool, Descriptor, Double, List, String

    if old is not None and read_contour(old) == contour:
        return old
    desc = Descriptor(classID=b"ShpC")
    desc[b"Nm  "] = String(contour.name + "\x00")
    points = List()
    for i, (x, y) in enumerate(contour.points):
        point = Descriptor(classID=b"CrPt")
        point[b"Hrzn"], point[b"Vrtc"] = Double(x), Double(y)
        if contour.corners:
            point[b"Cnty"] = Bool(not contour.corners[i])
        points.append(point)
    desc[b"Crv "] = points
    return desc


def _put_contour(entry, key: bytes, contour: layer_effects.Contour) -> None:
    """`contour` into `entry[key]` unless what is there reads as it (nothing written for
    Linear where the entry has none: Photoshop reads none as Linear)."""
    old = entry.get(key)
    if old is None and contour.is_linear():
        return
    new = contour_descriptor(contour, old)
    if new is not old:
        entry[key] = new


def _effect_color(entry, key: bytes, color: tuple) -> None:
    """`color` into `entry[key]` as an 'RGBC' descriptor, unless what is there reads as it
    (Photoshop's fractions kept)."""
    from psd_tools.psd.descriptor import Descriptor, Double

    if _rgb(entry.get(key)) != tuple(color):
        value = Descriptor(classID=b"RGBC")
        for k, v in zip((b"Rd  ", b"Grn ", b"Bl  "), color):
            value[k] = Double(float(v))
        entry[key] = value


def _fill_bevel(entry, bevel: layer_effects.BevelEmboss, light) -> None:
    """A Bevel & Emboss's settings into its 'ebbl' entry, in Photoshop's order of keys; its
    contour, gloss and texture keys kept (a new one: Photoshop's defaults)."""
    from psd_tools.constants import Resource
    from psd_tools.psd.descriptor import Bool, Enumerated, UnitFloat
    from psd_tools.terminology import Unit

    entry[b"hglM"] = Enumerated(b"BlnM", _EFFECT_MODE_CODES[bevel.highlight_mode])
    _effect_color(entry, b"hglC", bevel.highlight_color)
    entry[b"hglO"] = UnitFloat(unit=Unit.Percent, value=float(bevel.highlight_opacity))
    entry[b"sdwM"] = Enumerated(b"BlnM", _EFFECT_MODE_CODES[bevel.shadow_mode])
    _effect_color(entry, b"sdwC", bevel.shadow_color)
    entry[b"sdwO"] = UnitFloat(unit=Unit.Percent, value=float(bevel.shadow_opacity))
    entry[b"bvlT"] = Enumerated(b"bvlT", _BEVEL_TECHNIQUES[bevel.technique])
    entry[b"bvlS"] = Enumerated(b"BESl", _BEVEL_STYLES[bevel.style])
    # "Use Global Light" only where the document's light is this bevel's (it is read so).
    angle = float(light.get_data(Resource.GLOBAL_ANGLE, 30.0))
    altitude = float(light.get_data(Resource.GLOBAL_ALTITUDE, 30.0))
    entry[b"uglg"] = Bool(bevel.use_global_light and abs(angle - bevel.angle) < 1e-6
                          and abs(altitude - bevel.altitude) < 1e-6)
    entry[b"lagl"] = UnitFloat(unit=Unit.Angle, value=float(bevel.angle))
    entry[b"Lald"] = UnitFloat(unit=Unit.Angle, value=float(bevel.altitude))
    entry[b"srgR"] = UnitFloat(unit=Unit.Percent, value=float(bevel.depth))
    entry[b"blur"] = UnitFloat(unit=Unit.Pixels, value=float(bevel.size))
    entry[b"bvlD"] = Enumerated(b"BESs", _BEVEL_DIRECTIONS[bevel.direction])
    if b"TrnS" not in entry:  # a new one: Photoshop's Linear gloss contour
        entry[b"TrnS"] = _linear_contour()
        entry[b"antialiasGloss"] = Bool(False)
    _put_contour(entry, b"TrnS", bevel.gloss_contour)
    entry[b"Sftn"] = UnitFloat(unit=Unit.Pixels, value=float(bevel.soften))
    for key in (b"useShape", b"useTexture"):
        if key not in entry:
            entry[key] = Bool(False)


# -- adjustment layers: our settings <-> Photoshop's tagged blocks ----------------------

def _adjustment_tags() -> set:
    from psd_tools.constants import Tag

    tonal = {Tag.INVERT, Tag.POSTERIZE, Tag.THRESHOLD, Tag.GRADIENT_MAP}  # (`tonal_blocks`)
    return tonal | {Tag.BRIGHTNESS_AND_CONTRAST, Tag.CONTENT_GENERATOR_EXTRA_DATA, Tag.LEVELS,
            Tag.CURVES, Tag.HUE_SATURATION, Tag.COLOR_BALANCE, Tag.EXPOSURE,
            Tag.SOLID_COLOR_SHEET_SETTING, Tag.GRADIENT_FILL_SETTING, Tag.PATTERN_FILL_SETTING}


def _more_adjustment_tags() -> set:
    """The blocks of Vibrance, Black & White, Photo Filter and Channel Mixer."""
    from psd_tools.constants import Tag

    return {Tag.VIBRANCE, Tag.BLACK_AND_WHITE, Tag.PHOTO_FILTER, Tag.CHANNEL_MIXER}


def read_fill(item, patterns: Optional[dict] = None) -> Optional[adjustments.Adjustment]:
    """Our settings for a Solid Color, Gradient or Pattern fill layer: psd-tools'
    SolidColorFill, GradientFill or PatternFill, or its ShapeLayer with a 'SoCo', 'GdFl' or
    'PtFl' block (or 'vscg' holding one) and no stroke or one we draw (Photoshop's shape
    layer: the fill and its path; the stroke is read by `_Reader.read_stroke`); None for
    anything else (other fills, a colour not stored as RGB, a pattern not
    among `patterns` (the file's, by id), a gradient or pattern stroke: psd-tools draws
    those)."""
    from psd_tools.api.layers import FillLayer as PsdFill, ShapeLayer
    from psd_tools.constants import Tag

    if not isinstance(item, (PsdFill, ShapeLayer)):
        return None
    blocks = item.tagged_blocks
    stroke = blocks.get_data(Tag.VECTOR_STROKE_DATA)
    if stroke is not None and bool(stroke.get(b"strokeEnabled", False)) \
            and read_stroke(stroke) is None:
        return None  # a stroke we do not draw (a gradient or pattern, a blend mode)
    # Photoshop CC keeps a stroked shape's fill in 'vscg' (its key: the fill's block's).
    content = blocks.get_data(Tag.VECTOR_STROKE_CONTENT_DATA)
    gradient = blocks.get_data(Tag.GRADIENT_FILL_SETTING)
    if gradient is None and content is not None and content.key == b"GdFl":
        gradient = content
    if gradient is not None:
        return read_gradient(gradient)
    pattern = blocks.get_data(Tag.PATTERN_FILL_SETTING)
    if pattern is not None:
        return read_pattern_fill(pattern, patterns or {})
    desc = blocks.get_data(Tag.SOLID_COLOR_SHEET_SETTING)
    if desc is None and content is not None and content.key == b"SoCo":
        desc = content
    if desc is None:
        return None
    values = _rgb(desc.get(b"Clr "))
    return adjustments.SolidColor(values) if values is not None else None


def _rgb(color) -> Optional[tuple[int, int, int]]:
    """An 'RGBC' colour descriptor's (r, g, b) 0..255, or an 'HSBC' one's (hue in degrees,
    saturation and brightness in percent: Photoshop writes shapes' colours so at times,
    psd-tools' stroke-color-descriptors-hsb-with-rgb-mode.psd); None for any other."""
    if getattr(color, "classID", None) == b"HSBC":
        import colorsys

        try:
            hsv = (float(color[b"H   "]) / 360.0 % 1.0, float(color[b"Strt"]) / 100.0,
                   float(color[b"Brgh"]) / 100.0)
        except (KeyError, TypeError, ValueError):
            return None
        return tuple(int(round(min(255.0, max(0.0, 255.0 * v))))
                     for v in colorsys.hsv_to_rgb(*hsv))
    if color is None or getattr(color, "classID", None) != b"RGBC":
        return None
    try:
        return tuple(int(round(min(255.0, max(0.0, float(color[key])))))
                     for key in (b"Rd  ", b"Grn ", b"Bl  "))
    except (KeyError, TypeError, ValueError):
        return None


# -- shape strokes: ours <-> Photoshop's 'vstk' descriptor ('strokeStyle') ----------------

_STROKE_ENUMS = {  # our names -> (key, the enumeration's type, its values by our names)
    "alignment": (b"strokeStyleLineAlignment", {"inside": b"strokeStyleAlignInside",
                                                "center": b"strokeStyleAlignCenter",
                                                "outside": b"strokeStyleAlignOutside"}),
    "cap": (b"strokeStyleLineCapType", {"butt": b"strokeStyleButtCap",
                                        "round": b"strokeStyleRoundCap",
                                        "square": b"strokeStyleSquareCap"}),
    "join": (b"strokeStyleLineJoinType", {"miter": b"strokeStyleMiterJoin",
                                          "round": b"strokeStyleRoundJoin",
                                          "bevel": b"strokeStyleBevelJoin"}),
}


def read_stroke(desc) -> Optional[ShapeStroke]:
    """Our stroke from a 'vstk' descriptor, absent keys taken as Photoshop's defaults; None
    for a stroke we do not draw (not a solid RGB colour, a blend mode other than Normal).
    A width in points is turned into pixels at the descriptor's resolution."""
    from psd_tools.terminology import Unit

    def number(key: bytes, default: float) -> float:
        value = desc.get(key)
        try:
            return float(getattr(value, "value", value)) if value is not None else default
        except (TypeError, ValueError):
            return default

    content = desc.get(b"strokeStyleContent")
    color = _rgb(content.get(b"Clr ")) if content is not None \
        and getattr(content, "classID", None) == b"solidColorLayer" else None
    mode = desc.get(b"strokeStyleBlendMode")
    if color is None or getattr(mode, "enum", b"Nrml") != b"Nrml":
        return None
    choices = {}
    for name, (key, values) in _STROKE_ENUMS.items():
        found = getattr(desc.get(key), "enum", None)
        choices[name] = next((ours for ours, theirs in values.items() if theirs == found),
                             {"alignment": "inside", "cap": "butt", "join": "miter"}[name])
    width = number(b"strokeStyleLineWidth", 1.0)
    if getattr(desc.get(b"strokeStyleLineWidth"), "unit", None) == Unit.Points:
        width *= number(b"strokeStyleResolution", 72.0) / 72
    dashes = []
    for dash in desc.get(b"strokeStyleLineDashSet") or ():
        try:
            dashes.append(float(getattr(dash, "value", dash)))
        except (TypeError, ValueError):
            pass
    try:
        return ShapeStroke(enabled=bool(desc.get(b"strokeEnabled", True)),
                           fill=bool(desc.get(b"fillEnabled", True)),
                           width=width, color=color,
                           opacity=number(b"strokeStyleOpacity", 100.0),
                           miter_limit=number(b"strokeStyleMiterLimit", 100.0),
                           dashes=tuple(dashes),
                           dash_offset=number(b"strokeStyleLineDashOffset", 0.0),
                           descriptor=desc, **choices)
    except ValueError:  # a width beyond what a stroke has, a negative dash
        return None


def stroke_blocks(stroke: ShapeStroke, settings: adjustments.Adjustment) -> list:
    """The 'vstk' block of `stroke` as (key, data): the descriptor it was read from with
    only the keys whose value changed written anew (the others, and keys Layered does not
    know, exactly as read), or Photoshop's full descriptor for a stroke made here; and,
    when the fill was read from 'vscg', that block again with the fill's descriptor."""
    import copy

    from psd_tools.constants import Tag
    from psd_tools.psd.descriptor import Bool, Descriptor, Double, Enumerated, List, UnitFloat
    from psd_tools.psd.vector import VectorStrokeContentSetting
    from psd_tools.terminology import Unit

    def enum(name: str, value: str) -> Enumerated:
        key, values = _STROKE_ENUMS[name]
        return Enumerated(typeID=key, enum=values[value])

    def content() -> Descriptor:
        color = Descriptor(classID=b"RGBC")
        for key, value in zip((b"Rd  ", b"Grn ", b"Bl  "), stroke.color):
            color[key] = Double(float(value))
        out = Descriptor(classID=b"solidColorLayer")
        out[b"Clr "] = color
        return out

    fields = {  # our field -> (key, its value as Photoshop writes it)
        "enabled": (b"strokeEnabled", lambda: Bool(stroke.enabled)),
        "fill": (b"fillEnabled", lambda: Bool(stroke.fill)),
        "width": (b"strokeStyleLineWidth", lambda: UnitFloat(unit=Unit.Pixels,
                                                             value=stroke.width)),
        "miter_limit": (b"strokeStyleMiterLimit", lambda: Double(stroke.miter_limit)),
        "cap": (b"strokeStyleLineCapType", lambda: enum("cap", stroke.cap)),
        "join": (b"strokeStyleLineJoinType", lambda: enum("join", stroke.join)),
        "alignment": (b"strokeStyleLineAlignment", lambda: enum("alignment", stroke.alignment)),
        "opacity": (b"strokeStyleOpacity", lambda: UnitFloat(unit=Unit.Percent,
                                                             value=stroke.opacity)),
        "color": (b"strokeStyleContent", content),
        # Dashes in stroke widths (Photoshop's unit-less numbers), the offset as it writes it.
        "dashes": (b"strokeStyleLineDashSet", lambda: List([UnitFloat(unit=Unit._None, value=d)
                                                            for d in stroke.dashes])),
        "dash_offset": (b"strokeStyleLineDashOffset",
                        lambda: UnitFloat(unit=Unit.Points, value=stroke.dash_offset)),
    }
    if stroke.descriptor is not None:
        desc = copy.deepcopy(stroke.descriptor)
        old = read_stroke(stroke.descriptor)
        for name, (key, value) in fields.items():
            if old is None or getattr(old, name) != getattr(stroke, name):
                desc[key] = value()
    else:  # Photoshop's keys, in its order
        from psd_tools.psd.descriptor import DescriptorBlock, Integer

        desc = DescriptorBlock(classID=b"strokeStyle")
        desc[b"strokeStyleVersion"] = Integer(2)
        for name in ("enabled", "fill", "width"):
            desc[fields[name][0]] = fields[name][1]()
        desc[fields["dash_offset"][0]] = fields["dash_offset"][1]()
        for name in ("miter_limit", "cap", "join", "alignment"):
            desc[fields[name][0]] = fields[name][1]()
        desc[b"strokeStyleScaleLock"] = Bool(False)
        desc[b"strokeStyleStrokeAdjust"] = Bool(False)
        desc[fields["dashes"][0]] = fields["dashes"][1]()
        desc[b"strokeStyleBlendMode"] = Enumerated(typeID=b"BlnM", enum=b"Nrml")
        for name in ("opacity", "color"):
            desc[fields[name][0]] = fields[name][1]()
        desc[b"strokeStyleResolution"] = Double(72.0)
    out = [(Tag.VECTOR_STROKE_DATA, desc)]
    if stroke.content_block:
        (key, fill), = [(k, d) for k, d in adjustment_blocks(settings)
                        if k in (Tag.SOLID_COLOR_SHEET_SETTING, Tag.GRADIENT_FILL_SETTING)]
        block = VectorStrokeContentSetting(key=key.value, version=16, classID=fill.classID)
        for k, v in fill.items():
            block[k] = v
        out.append((Tag.VECTOR_STROKE_CONTENT_DATA, block))
    return out


# Photoshop's gradient styles ('GrdT' enumeration) by our names.
GRADIENT_TYPES = {"linear": b"Lnr ", "radial": b"Rdl ", "angle": b"Angl",
                  "reflected": b"Rflc", "diamond": b"Dmnd"}
LOCATION_STEPS = 4096  # a stop's 'Lctn': 0..4096 from the gradient's start to its end
# Photoshop 23's interpolation method: the 'GdFl' key and its enumeration. 'Lnr ' is read
# from Photoshop's adjustment_clipping.psd (psd-tools' tests); 'Gcls' and 'Perc' are the
# codes Photoshop wrote for the same menu in the Gradient Map blocks of psd-tools'
# gradient-map-v3-classic/-perceptual.psd (Aspose.PSD's documentation lists the same).
# A file without the key is Classic; Photoshop 2026's Smooth ('Smoo') and Stripes
# ('GIMs') are not drawn: read as Classic, their code written back as it was.
METHOD_KEY, METHOD_TYPE = b"gradientsInterpolationMethod", b"gradientInterpolationMethodType"
GRADIENT_METHODS = {"classic": b"Gcls", "perceptual": b"Perc", "linear": b"Lnr "}


def _number(value, default: float) -> float:
    """A descriptor's number (Double, UnitFloat, Integer) as a float; `default` if absent."""
    try:
        return float(getattr(value, "value", value)) if value is not None else default
    except (TypeError, ValueError):
        return default


def read_gradient(desc) -> Optional[adjustments.GradientFill]:
    """Our settings from a 'GdFl' descriptor (Photoshop's Gradient Fill: 'Grad' with its
    colour stops 'Clrs' and opacity stops 'Trns', each with its midpoint 'Mdpn', 'Type',
    'Angl', 'Scl ', 'Rvrs', 'Dthr', 'Algn', 'Ofst', the method METHOD_KEY), absent keys
    taken as Photoshop's defaults (psd-tools' for the angle: 0; Classic for the method);
    None for what we cannot draw (colours not stored as RGB). A noise gradient ('GrdF'
    'ClNs') is read as its `gradients.Noise` (`read_noise`) in place of stops. The
    descriptor is kept in the settings for the fields they do not hold."""
    grad = desc.get(b"Grad")
    kind = desc.get(b"Type")
    style = next((name for name, code in GRADIENT_TYPES.items()
                  if kind is not None and getattr(kind, "enum", None) == code),
                 "linear" if kind is None else None)
    form = getattr(grad.get(b"GrdF"), "enum", None) if grad is not None else None
    if style is None or form not in (b"CstS", b"ClNs"):
        return None
    noise = None
    if form == b"ClNs":
        noise = read_noise(grad)
        if noise is None:
            return None
    stops, midpoints = [], []
    for stop in grad.get(b"Clrs") or ():
        color = _rgb(stop.get(b"Clr "))
        if color is None:
            return None
        stops.append((_location(_number(stop.get(b"Lctn"), 0)), color))
        midpoints.append(_number(stop.get(b"Mdpn"), 50.0))
    opacities = [(_location(_number(stop.get(b"Lctn"), 0)), _number(stop.get(b"Opct"), 100))
                 for stop in grad.get(b"Trns") or ()]
    opacity_midpoints = [_number(stop.get(b"Mdpn"), 50.0) for stop in grad.get(b"Trns") or ()]
    if not stops and noise is None:
        return None
    offset = desc.get(b"Ofst")
    try:
        return adjustments.GradientFill(
            stops=tuple(stops) or adjustments.DEFAULT_STOPS,
            opacity_stops=tuple(opacities) or adjustments.OPAQUE, noise=noise,
            smoothness=_number(grad.get(b"Intr"), LOCATION_STEPS) / LOCATION_STEPS * 100,
            style=style, angle=_number(desc.get(b"Angl"), 0.0),
            scale=_number(desc.get(b"Scl "), 100.0), reverse=bool(desc.get(b"Rvrs", False)),
            dither=bool(desc.get(b"Dthr", False)), align=bool(desc.get(b"Algn", True)),
            offset=(0.0, 0.0) if offset is None else (_number(offset.get(b"Hrzn"), 0.0),
                                                      _number(offset.get(b"Vrtc"), 0.0)),
            method=read_gradient_method(desc), midpoints=tuple(midpoints),
            opacity_midpoints=tuple(opacity_midpoints), descriptor=desc)
    except ValueError:  # a scale or style out of what a gradient has
        return None


# A noise gradient's colour model ('ClrS') by ours (gradients.NOISE_MODELS).
NOISE_MODELS = {"rgb": b"RGBC", "hsb": b"HSBl", "lab": b"LbCl"}


def read_noise(grad) -> Optional[gradients.Noise]:
    """A noise gradient's settings from its 'Grdn' descriptor ('GrdF' 'ClNs': 'RndS' the
    seed, 'Smth' the roughness 0..4096, 'ClrS' the colour model, 'Mnm '/'Mxm ' four
    percentages each, 'ShTr' Add Transparency, 'VctC' Restrict Colors); None for one we
    cannot read."""
    model = next((name for name, code in NOISE_MODELS.items()
                  if getattr(grad.get(b"ClrS"), "enum", b"RGBC") == code), None)
    try:
        low = [float(getattr(v, "value", v)) for v in grad.get(b"Mnm ") or (0,) * 4]
        high = [float(getattr(v, "value", v)) for v in grad.get(b"Mxm ") or (100,) * 4]
        return gradients.Noise(
            seed=int(_number(grad.get(b"RndS"), 0)),
            roughness=_number(grad.get(b"Smth"), LOCATION_STEPS / 2) / LOCATION_STEPS * 100,
            model=model, minimum=tuple(low), maximum=tuple(high),
            transparency=bool(grad.get(b"ShTr", False)), restrict=bool(grad.get(b"VctC", False)))
    except (TypeError, ValueError):
        return None


def noise_grad(noise, old_grad):
    """The 'Grdn' descriptor of a noise gradient: `old_grad` (the one read) as it was when
    it holds these settings, else written anew (its name and unknown keys kept)."""
    from psd_tools.psd.descriptor import Bool, Descriptor, Enumerated, Integer, List, String

    if old_grad is not None and getattr(old_grad.get(b"GrdF"), "enum", None) == b"ClNs" \
            and read_noise(old_grad) == noise:
        return old_grad
    grad = Descriptor(classID=b"Grdn", name="Gradient\x00")
    grad[b"Nm  "] = old_grad.get(b"Nm  ") if old_grad is not None and b"Nm  " in old_grad \
        else String("Custom\x00")
    grad[b"GrdF"] = Enumerated(b"GrdF", b"ClNs")
    grad[b"ShTr"] = Bool(noise.transparency)
    grad[b"VctC"] = Bool(noise.restrict)
    grad[b"ClrS"] = Enumerated(b"ClrS", NOISE_MODELS[noise.model])
    grad[b"RndS"] = Integer(noise.seed)
    grad[b"Smth"] = Integer(int(round(noise.roughness / 100 * LOCATION_STEPS)))
    grad[b"Mnm "] = List([Integer(int(round(v))) for v in noise.minimum])
    grad[b"Mxm "] = List([Integer(int(round(v))) for v in noise.maximum])
    for key, value in (old_grad.items() if old_grad is not None else ()):
        if key not in grad and key not in (b"Intr", b"Clrs", b"Trns"):
            grad[key] = value
    return grad


def read_gradient_method(desc) -> str:
    """The interpolation method of a 'GdFl' descriptor (or None's): Classic when it has
    none, or one we do not know."""
    code = getattr(desc.get(METHOD_KEY), "enum", None) if desc is not None else None
    return next((name for name, known in GRADIENT_METHODS.items() if known == code), "classic")


def _text(value) -> str:
    """A descriptor's String without the NUL Photoshop ends it with."""
    return str(getattr(value, "value", value) or "").rstrip("\x00")


def read_pattern_fill(desc, patterns: dict) -> Optional[adjustments.PatternFill]:
    """Our settings from a 'PtFl' descriptor ('Ptrn' with 'Idnt' and 'Nm  ', 'Scl ', 'Angl',
    'Algn', 'phase' with 'Hrzn'/'Vrtc'; absent keys Photoshop's defaults), with the pattern
    of that id in `patterns`; None when the file does not hold it. The descriptor is kept
    in the settings for the keys they do not hold."""
    reference = desc.get(b"Ptrn")
    pattern = patterns.get(_text(reference.get(b"Idnt"))) if reference is not None else None
    if pattern is None:
        return None
    phase = desc.get(b"phase")
    try:
        return adjustments.PatternFill(
            pattern=pattern, scale=_number(desc.get(b"Scl "), 100.0),
            angle=_number(desc.get(b"Angl"), 0.0), align=bool(desc.get(b"Algn", True)),
            phase=(0.0, 0.0) if phase is None else (_number(phase.get(b"Hrzn"), 0.0),
                                                    _number(phase.get(b"Vrtc"), 0.0)),
            descriptor=desc)
    except ValueError:  # a scale out of what a pattern fill has
        return None


def _fill_block(source, ours: dict):
    """A fill layer's descriptor block: the one it was read from (`source`, or None) with
    our values (`ours`, by key) in place of its own, in the order it was read (keys we do
    not model kept as read), then our keys it did not have."""
    from psd_tools.psd.descriptor import DescriptorBlock

    fill = DescriptorBlock(classID=b"null")
    for key, value in (source.items() if source is not None else ()):
        fill[key] = ours.pop(key, value)
    for key, value in ours.items():
        fill[key] = value
    return fill


def pattern_descriptor(settings: adjustments.PatternFill):
    """The 'PtFl' descriptor of our settings, as Photoshop writes it; keys of the
    descriptor they were read from that they do not hold are written back from it."""
    from psd_tools.psd.descriptor import Bool, Descriptor, Double, String, UnitFloat
    from psd_tools.terminology import Unit

    pattern = settings.pattern
    reference = Descriptor(classID=b"Ptrn")
    reference[b"Nm  "] = String(pattern.name + "\x00")
    reference[b"Idnt"] = String(pattern.id + "\x00")
    phase = Descriptor(classID=b"Pnt ")
    phase[b"Hrzn"] = Double(settings.phase[0])
    phase[b"Vrtc"] = Double(settings.phase[1])
    ours = {b"Ptrn": reference, b"Angl": UnitFloat(unit=Unit.Angle, value=settings.angle),
            b"Scl ": UnitFloat(unit=Unit.Percent, value=settings.scale),
            b"Algn": Bool(settings.align), b"phase": phase}
    source = settings.descriptor
    return _fill_block(source, ours)


def read_patterns(psd, warn, convert=None) -> dict:
    """The file's patterns ('Patt', 'Pat2', 'Pat3' after the layers) by id, as ours
    (`patterns.Pattern`, its name as stored less the final NUL); those in a mode we do
    not read (indexed, CMYK, Lab...) or damaged are left out, and said once. `convert`:
    the document's RGB -> sRGB (`psd_colour.transform`) for its RGB patterns, or None."""
    from psd_tools.constants import ColorMode, Tag

    from .patterns import Pattern

    found: dict = {}
    blocks = psd.tagged_blocks
    skipped = 0
    for key in (Tag.PATTERNS1, Tag.PATTERNS2, Tag.PATTERNS3):
        for record in (blocks.get_data(key) or ()) if blocks is not None else ():
            if record.image_mode not in (ColorMode.RGB, ColorMode.GRAYSCALE):
                skipped += 1
                continue
            try:
                pixels = _pattern_pixels(record)
                if convert is not None and record.image_mode == ColorMode.RGB:
                    pixels = psd_colour.convert_pixels(pixels, convert)
                found[record.pattern_id] = Pattern(record.name.rstrip("\x00"), pixels,
                                                   record.pattern_id)
            except Exception as exc:  # a damaged pattern: the layers using it stay as they are
                _log.info("pattern %r not read: %s", record.name, exc)
                skipped += 1
    if skipped:
        warn(f"{skipped} pattern(s) of the file are in a form Layered does not read; "
             f"pattern fills using them stay as they were drawn")
    return found


def _pattern_pixels(record) -> np.ndarray:
    """A psd-tools pattern record's pixels as straight RGBA uint8 (colour planes first,
    transparency in the last slot, as psd-tools decodes them)."""
    from psd_tools.api.numpy_io import get_pattern, get_pattern_color_channels

    planes = get_pattern(record)
    colours = get_pattern_color_channels(record)
    out = np.empty(planes.shape[:2] + (4,), np.uint8)
    rgb = planes[..., :colours]
    if colours == 1:
        rgb = np.repeat(rgb, 3, axis=-1)
    out[..., :3] = np.rint(np.clip(rgb[..., :3], 0, 1) * 255)
    out[..., 3] = np.rint(np.clip(planes[..., -1], 0, 1) * 255) if planes.shape[2] > colours \
        else 255
    return out


def pattern_records(patterns) -> list:
    """psd-tools pattern records of our patterns, as Photoshop writes them in an 8-bit RGB
    document: 24 colour slots and two more, red, green and blue written (RLE), the last
    slot the transparency where a pattern has any."""
    from psd_tools.constants import ColorMode
    from psd_tools.psd.patterns import Pattern as Record, VirtualMemoryArray, VirtualMemoryArrayList

    records = []
    for pattern in patterns:
        h, w = pattern.height, pattern.width
        channels = [VirtualMemoryArray() for _ in range(24 + 2)]
        planes = [0, 1, 2] + ([3] if (pattern.pixels[..., 3] < 255).any() else [])
        for plane in planes:
            slot = channels[-1] if plane == 3 else channels[plane]
            slot.set_data((w, h), np.ascontiguousarray(pattern.pixels[..., plane]).tobytes(), 8, 1)
        records.append(Record(version=1, image_mode=ColorMode.RGB, point=(h, w),
                              name=pattern.name + "\x00", pattern_id=pattern.id,
                              data=VirtualMemoryArrayList(version=3, rectangle=(0, 0, h, w),
                                                          channels=channels)))
    return records


def used_patterns(doc: Document) -> list:
    """The patterns a PSD of `doc` holds: the document's, then those its pattern fill
    layers use that it does not keep (a layer pasted from another document), by id."""
    found = {p.id: p for p in doc.patterns}
    for node in doc.nodes():
        pattern = getattr(getattr(node, "settings", None), "pattern", None)
        if isinstance(node, FillLayer) and pattern is not None:
            found.setdefault(pattern.id, pattern)
        for overlay in (node.effects.pattern_overlays if node.effects is not None else ()):
            if overlay.pattern.pattern is not None:  # a Pattern Overlay's
                found.setdefault(overlay.pattern.pattern.id, overlay.pattern.pattern)
        for stroke in (node.effects.strokes if node.effects is not None else ()):
            if stroke.fill_type == "pattern" and stroke.pattern.pattern is not None:
                found.setdefault(stroke.pattern.pattern.id, stroke.pattern.pattern)
    return list(found.values())


def read_adjustment(item) -> Optional[adjustments.Adjustment]:
    """Our settings for one of psd-tools' adjustment layers (its public API), or None for
    a kind or a variant we do not draw (Brightness/Contrast on Lab's lightness, Curves
    drawn as a free map...): those stay carried."""
    kind = item.kind
    if kind in TONAL_KINDS:
        return read_tonal_adjustment(item)
    try:
        if kind == "brightnesscontrast":
            from psd_tools.constants import Tag

            if item.tagged_blocks.get_data(Tag.CONTENT_GENERATOR_EXTRA_DATA) is None:
                return read_legacy_brightness_contrast(item)
            if item.lab:
                return None
            return adjustments.BrightnessContrast(int(item.brightness), int(item.contrast),
                                                  bool(item.use_legacy))
        if kind == "levels":
            records = list(item.data or [])[:4]
            if not records:
                return None
            values = [(r.input_floor, r.input_ceiling, round(r.gamma / 100.0, 2), r.output_floor,
                       r.output_ceiling) for r in records]
            values = [adjustments.LEVELS_IDENTITY if v == (0, 0, 0.0, 0, 0) else v for v in values]
            values += [adjustments.LEVELS_IDENTITY] * (4 - len(values))
            return adjustments.Levels(*values)
        if kind == "curves":
            return _read_curves(item)
        if kind == "huesaturation":
            if item.data is None or len(item.data) != 6:
                return None
            ranges = tuple((tuple(int(c) for c in corners), tuple(int(v) for v in edit))
                           for corners, edit in item.data)
            if any(len(c) != 4 or len(e) != 3 for c, e in ranges):
                return None
            (ch, cs, cl), (h, s, light) = item.colorization, item.master
            return adjustments.HueSaturation(int(h), int(s), int(light), bool(item.enable_colorization),
                                             int(ch) % 360, int(cs), int(cl), ranges)
        if kind == "colorbalance":
            if item.shadows is None:
                return None
            return adjustments.ColorBalance(tuple(map(int, item.shadows)),
                                            tuple(map(int, item.midtones)),
                                            tuple(map(int, item.highlights)),
                                            bool(item.luminosity))
        if kind == "exposure":
            if item.exposure is None:
                return None
            return adjustments.Exposure(round(item.exposure, 2), round(item.exposure_offset, 4),
                                        round(item.gamma, 2))
        if kind in ("vibrance", "blackandwhite", "photofilter", "channelmixer"):
            return read_more_adjustment(item)
    except (TypeError, ValueError, AttributeError):
        return None  # settings we cannot make sense of: carried, as unknown kinds
    return None


def read_more_adjustment(item) -> Optional[adjustments.Adjustment]:
    """Vibrance ('vibA': 'vibrance' and 'Strt'; an empty descriptor is all zero), Black &
    White ('blwh': the six sliders, 'useTint', 'tintColor' as RGB), Photo Filter ('phfl':
    version 2 with an RGB or Lab colour, density %, Preserve Luminosity; version 3's XYZ
    colour is carried, not drawn) and Channel Mixer ('mixr': per output channel five
    shorts, red, green, blue, (CMYK's black), constant, and a fourth record; Monochrome)
    as our settings."""
    kind = item.kind
    if kind == "vibrance":
        return adjustments.Vibrance(int(item.vibrance), int(item.saturation))
    if kind == "blackandwhite":
        color = item.tint_color
        tint = adjustments.BlackWhite.tint_color if color is None else tuple(
            min(255, max(0, int(round(float(color.get(key, 0)))))) for key in
            (b"Rd  ", b"Grn ", b"Bl  "))
        return adjustments.BlackWhite(int(item.red), int(item.yellow), int(item.green),
                                      int(item.cyan), int(item.blue), int(item.magenta),
                                      bool(item.use_tint), tint)
    if kind == "photofilter":
        data = item._data
        if data is None or data.version != 2 or data.color_components is None:
            return None
        color = _psd_color_rgb(data.color_space, data.color_components)
        if color is None:
            return None
        return adjustments.PhotoFilter(color, int(data.density), bool(data.luminosity))
    if kind == "channelmixer":
        data = item._data
        if data is None:
            return None
        values = list(data.data) + [int(v) for v in np.frombuffer(
            bytes(data.unknown)[:30], ">i2")]
        if len(values) < 15:
            return None
        rows = [tuple(values[5 * c + i] for i in (0, 1, 2, 4)) for c in range(3)]
        return adjustments.ChannelMixer(*rows, monochrome=bool(data.monochrome))
    return None


def _psd_color_rgb(space: int, components) -> Optional[tuple]:
    """An 8-bit sRGB colour of a PSD colour structure: RGB (space 0, 0..65535) or Lab
    (space 7: L 0..10000, a and b -12800..12700 as signed shorts; D50, through Bradford to
    sRGB and clipped, as Photoshop shows the Photo Filter's Lab presets: Warming Filter (85),
    Lab 67.06 / 32 / 120, is (236, 138, 0)). None for other spaces."""
    if space == 0:
        return tuple(int(round(int(c) / 257)) for c in components[:3])
    if space != 7:
        return None
    a, b = (((int(c) + 0x8000) & 0xFFFF) - 0x8000 for c in components[1:3])
    rgb = gradients.lab_to_srgb(np.array([int(components[0]) / 100.0, a / 100, b / 100]))
    return tuple(int(v) for v in np.rint(rgb))


def more_adjustment_blocks(settings: adjustments.Adjustment) -> Optional[list]:
    """`adjustment_blocks` of Vibrance, Black & White, Photo Filter and Channel Mixer (as
    `read_more_adjustment` reads them; Photo Filter's colour as RGB); None for other kinds."""
    from psd_tools.constants import Tag
    from psd_tools.psd import adjustments as blocks
    from psd_tools.psd.descriptor import Bool, Descriptor, DescriptorBlock, Double, Integer, String

    if isinstance(settings, adjustments.Vibrance):
        data = DescriptorBlock(classID=b"null")
        data[b"vibrance"] = Integer(settings.vibrance)
        data[b"Strt"] = Integer(settings.saturation)
        return [(Tag.VIBRANCE, data)]
    if isinstance(settings, adjustments.BlackWhite):
        data = DescriptorBlock(classID=b"null")
        for key, name in zip((b"Rd  ", b"Yllw", b"Grn ", b"Cyn ", b"Bl  ", b"Mgnt"),
                             adjustments.BLACK_WHITE_FIELDS):
            data[key] = Integer(getattr(settings, name))
        data[b"useTint"] = Bool(settings.tint)
        color = Descriptor(classID=b"RGBC")
        for key, value in zip((b"Rd  ", b"Grn ", b"Bl  "), settings.tint_color):
            color[key] = Double(float(value))
        data[b"tintColor"] = color
        data[b"bwPresetKind"] = Integer(1)
        data[b"blackAndWhitePresetFileName"] = String("")
        return [(Tag.BLACK_AND_WHITE, data)]
    if isinstance(settings, adjustments.PhotoFilter):
        return [(Tag.PHOTO_FILTER, blocks.PhotoFilter(
            version=2, xyz=None, color_space=0,
            color_components=tuple(c * 257 for c in settings.color) + (0,),
            density=settings.density, luminosity=int(settings.preserve_luminosity)))]
    if isinstance(settings, adjustments.ChannelMixer):
        rows = [(*row[:3], 0, row[3]) for row in (settings.red, settings.green, settings.blue)]
        # Four records as Photoshop writes them (the fourth, CMYK's black, its identity).
        rest = np.array([v for row in rows[1:] for v in row] + [0, 0, 0, 100, 0], ">i2")
        return [(Tag.CHANNEL_MIXER, blocks.ChannelMixer(
            version=1, monochrome=int(settings.monochrome), data=list(rows[0]),
            unknown=rest.tobytes()))]
    return None


def read_legacy_brightness_contrast(item) -> Optional[adjustments.BrightnessContrast]:
    """A Brightness/Contrast layer from before Photoshop CS3: only its 'brit' block (no
    'CgEd' descriptor; psd-tools sees a pixel layer without pixels). Drawn with the legacy
    formula; None for any other layer, and for one limited to Lab's lightness."""
    from psd_tools.constants import Tag

    blocks = _low_level(item)[0].tagged_blocks
    data = blocks.get_data(Tag.BRIGHTNESS_AND_CONTRAST)
    if data is None or blocks.get_data(Tag.CONTENT_GENERATOR_EXTRA_DATA) is not None \
            or getattr(data, "lab_only", 0):
        return None

    def signed(value) -> int:
        value = int(value) & 0xFFFF
        return value - 0x10000 if value >= 0x8000 else value

    return adjustments.BrightnessContrast(signed(data.brightness), signed(data.contrast),
                                          legacy=True)


def _read_curves(item) -> Optional[adjustments.Curves]:
    data = item.data
    if data is None or data.is_map:
        return None
    by_channel: dict[int, list] = {}
    if item.extra is not None:
        for entry in item.extra:
            by_channel[int(entry.channel_id)] = list(entry.points)
    else:
        channels = [i for i in range(32) if data.count_map >> i & 1] if data.version == 1 \
            else list(range(len(data.data)))
        by_channel = dict(zip(channels, data.data))
    curves = []
    for channel in range(4):
        points = by_channel.get(channel)
        if not points:
            curves.append(adjustments.CURVE_IDENTITY)
            continue
        if isinstance(points[0], int):
            return None  # a free-drawn map
        # Stored as (output, input) pairs; ours are (input, output).
        curves.append(adjustments.parse_points(" ".join(f"{x},{y}" for y, x in points)))
    return adjustments.Curves(*curves)


def adjustment_blocks(settings: adjustments.Adjustment) -> list:
    """The tagged blocks Photoshop writes for an adjustment layer, as (key, data)."""
    from psd_tools.constants import Tag
    from psd_tools.psd import adjustments as blocks
    from psd_tools.psd.descriptor import Bool, DescriptorBlock, Integer

    if type(settings).kind in TONAL_KINDS.values():
        return tonal_blocks(settings)
    if isinstance(settings, adjustments.BrightnessContrast):
        legacy = blocks.BrightnessContrast(settings.brightness & 0xFFFF,
                                           settings.contrast & 0xFFFF, 127, 0)
        modern = DescriptorBlock(classID=b"null")
        for key, value in ((b"Vrsn", Integer(1)), (b"Brgh", Integer(settings.brightness)),
                           (b"Cntr", Integer(settings.contrast)), (b"means", Integer(127)),
                           (b"Lab ", Bool(False)), (b"useLegacy", Bool(settings.legacy)),
                           (b"Auto", Bool(False))):
            modern[key] = value
        return [(Tag.BRIGHTNESS_AND_CONTRAST, legacy), (Tag.CONTENT_GENERATOR_EXTRA_DATA, modern)]
    if isinstance(settings, adjustments.Levels):
        records = [blocks.LevelRecord(in_b, in_w, out_b, out_w, int(round(gamma * 100)))
                   for in_b, in_w, gamma, out_b, out_w in
                   (settings.rgb, settings.red, settings.green, settings.blue)]
        records += [blocks.LevelRecord(0, 255, 0, 255, 100) for _ in range(25)]
        return [(Tag.LEVELS, blocks.Levels(version=2, items=records))]
    if isinstance(settings, adjustments.Curves):
        curves = [(i, [(y, x) for x, y in points]) for i, points in
                  enumerate((settings.rgb, settings.red, settings.green, settings.blue))
                  if i == 0 or points != adjustments.CURVE_IDENTITY]
        extra = blocks.CurvesExtraMarker(version=4, items=[
            blocks.CurvesExtraItem(channel_id=i, points=points) for i, points in curves])
        return [(Tag.CURVES, blocks.Curves(is_map=False, version=1,
                                           count_map=sum(1 << i for i, _ in curves),
                                           data=[points for _, points in curves], extra=extra))]
    if isinstance(settings, adjustments.HueSaturation):
        hue = (settings.colorize_hue + 180) % 360 - 180  # stored -180..180
        return [(Tag.HUE_SATURATION, blocks.HueSaturation(
            version=2, enable=int(settings.colorize),
            colorization=(hue, settings.colorize_saturation, settings.colorize_lightness),
            master=(settings.hue, settings.saturation, settings.lightness),
            items=[[corners, edit] for corners, edit in settings.ranges]))]
    if isinstance(settings, adjustments.ColorBalance):
        return [(Tag.COLOR_BALANCE, blocks.ColorBalance(
            settings.shadows, settings.midtones, settings.highlights,
            int(settings.preserve_luminosity)))]
    if isinstance(settings, adjustments.Exposure):
        return [(Tag.EXPOSURE, blocks.Exposure(1, settings.exposure, settings.offset,
                                               settings.gamma))]
    more = more_adjustment_blocks(settings)
    if more is not None:
        return more
    if isinstance(settings, adjustments.SolidColor):
        from psd_tools.psd.descriptor import Descriptor, Double

        color = Descriptor(classID=b"RGBC")
        for key, value in zip((b"Rd  ", b"Grn ", b"Bl  "), settings.color):
            color[key] = Double(float(value))
        fill = DescriptorBlock(classID=b"null")
        fill[b"Clr "] = color
        return [(Tag.SOLID_COLOR_SHEET_SETTING, fill)]
    if isinstance(settings, adjustments.GradientFill):
        return [(Tag.GRADIENT_FILL_SETTING, gradient_descriptor(settings))]
    if isinstance(settings, adjustments.PatternFill) and settings.pattern is not None:
        return [(Tag.PATTERN_FILL_SETTING, pattern_descriptor(settings))]
    raise ValueError(f"no PSD form for {settings!r}")


# -- Invert ('nvrt'), Posterize ('post'), Threshold ('thrs'), Gradient Map ('grdm') -----------
# psd-tools' kind -> ours.
TONAL_KINDS = {"invert": "invert", "posterize": "posterize", "threshold": "threshold",
               "gradientmap": "gradient_map"}
# A Gradient Map's method as its 'grdm' block (version 3) stores it.
MAP_METHODS = {"classic": b"Gcls", "linear": b"Lnr ", "perceptual": b"Perc"}


def read_tonal_adjustment(item) -> Optional[adjustments.Adjustment]:
    """Our Invert, Posterize, Threshold or Gradient Map from psd-tools' layer; None (the
    layer carried, not drawn) for what we do not draw: a noise gradient, a stop not in RGB
    (a 'grdm' colour: space 0 is RGB, its three 16-bit components first), a method we do
    not know, numbers out of range."""
    kind = TONAL_KINDS[item.kind]
    try:
        if kind == "invert":
            return adjustments.Invert()
        if kind == "posterize":
            return adjustments.Posterize(min(255, max(2, int(item.posterize))))
        if kind == "threshold":
            return adjustments.Threshold(min(255, max(1, int(item.threshold))))
        data = item._data
        method = next((name for name, code in MAP_METHODS.items() if code == data.method), None)
        if data.mode != 0 or method is None or not data.color_stops \
                or any(stop.mode != 0 for stop in data.color_stops):
            return None
        stops = tuple((_location(stop.location), tuple(int(round(c / 257)) for c in stop.color[:3]))
                      for stop in data.color_stops)
        opacities = tuple((_location(stop.location), stop.opacity / 255 * 100)
                          for stop in data.transparency_stops)
        return adjustments.GradientMap(
            stops=stops, opacity_stops=opacities or adjustments.OPAQUE,
            smoothness=_location(data.interpolation), method=method,  # (0..4096 too)
            midpoints=tuple(float(stop.midpoint) for stop in data.color_stops),
            opacity_midpoints=tuple(float(stop.midpoint) for stop in data.transparency_stops),
            reverse=bool(data.is_reversed), dither=bool(data.is_dithered), source=data)
    except (TypeError, ValueError, AttributeError):
        return None


def tonal_blocks(settings: adjustments.Adjustment) -> list:
    """The block Photoshop writes for an Invert (empty), a Posterize or a Threshold (a
    number) or a Gradient Map ('grdm': version 1, or 3 with a method other than Classic or
    when read so; its name, noise settings and seed written back from the record read)."""
    import copy

    from psd_tools.constants import Tag
    from psd_tools.psd import adjustments as blocks
    from psd_tools.psd.base import EmptyElement, ShortIntegerElement

    if isinstance(settings, adjustments.Invert):
        return [(Tag.INVERT, EmptyElement())]
    if isinstance(settings, adjustments.Posterize):
        return [(Tag.POSTERIZE, ShortIntegerElement(settings.levels))]
    if isinstance(settings, adjustments.Threshold):
        return [(Tag.THRESHOLD, ShortIntegerElement(settings.level))]
    source = settings.source
    data = copy.deepcopy(source) if source is not None else blocks.GradientMap(
        version=1, name="Custom\x00", use_vector_color=1, roughness=2048, color_model=3,
        minimum_color=[0, 0, 0, 0], maximum_color=[32768, 32768, 32768, 32768])
    midpoints = settings.midpoints or (50.0,) * len(settings.stops)
    opacity_midpoints = settings.opacity_midpoints or (50.0,) * len(settings.opacity_stops)
    old = list(source.color_stops) if source is not None else []

    def colour(i: int, rgb: tuple) -> tuple:
        """A stop's 16-bit colour: as read while the stop holds the colour read (our 8 bits
        would move 31610 to 31611), else ours."""
        if len(old) == len(settings.stops) and old[i].mode == 0 \
                and tuple(int(round(c / 257)) for c in old[i].color[:3]) == rgb:
            return tuple(old[i].color)
        return tuple(c * 257 for c in rgb) + (0,)

    data.color_stops = [blocks.ColorStop(int(round(at / 100 * LOCATION_STEPS)), int(round(m)), 0,
                                         colour(i, rgb))
                        for i, ((at, rgb), m) in enumerate(zip(settings.stops, midpoints))]
    data.transparency_stops = [
        blocks.TransparencyStop(int(round(at / 100 * LOCATION_STEPS)), int(round(m)),
                                int(round(opacity * 2.55)))
        for (at, opacity), m in zip(settings.opacity_stops, opacity_midpoints)]
    data.interpolation = int(round(settings.smoothness / 100 * LOCATION_STEPS))
    data.is_reversed, data.is_dithered = int(settings.reverse), int(settings.dither)
    data.method = MAP_METHODS[settings.method]
    if settings.method != "classic":
        data.version = 3
    data.mode = 0
    return [(Tag.GRADIENT_MAP, data)]


def _location(steps: float) -> float:
    """A stop's 'Lctn' (0..4096) in percent, as the shortest decimal that is stored as it
    (1638 is 40 %, which is 1638.4 steps)."""
    for digits in (0, 1, 2):
        percent = round(steps / LOCATION_STEPS * 100, digits)
        if round(percent / 100 * LOCATION_STEPS) == steps:
            return percent
    return steps / LOCATION_STEPS * 100


def gradient_descriptor(settings: adjustments.GradientFill):
    """The 'GdFl' descriptor of our settings, as Photoshop writes it; what the descriptor
    they were read from holds beyond them (keys we do not know, the gradient's name, the
    stops' kinds where a stop is as it was read) is written back from it, and so are the
    method and midpoints where they are as read (a gradient that was never Linear or
    Perceptual is written without the method, as Photoshop before 23 wrote it)."""
    from psd_tools.psd.descriptor import (Bool, Descriptor, Double, Enumerated,
                                          Integer, List, String, UnitFloat)
    from psd_tools.terminology import Unit

    source = settings.descriptor
    old_grad = source.get(b"Grad") if source is not None else None
    old_colors = list(old_grad.get(b"Clrs") or ()) if old_grad is not None else []
    old_opacities = list(old_grad.get(b"Trns") or ()) if old_grad is not None else []

    def location(percent: float) -> Integer:
        return Integer(int(round(percent / 100 * LOCATION_STEPS)))

    def kept(old: list, i: int, key: bytes, default, same: bool):
        """A stop's field as it was read, when the stop is the one read (else `default`)."""
        if same and i < len(old) and len(old) == count and key in old[i]:
            return old[i][key]
        return default

    def midpoint(old: list, i: int, midpoints: tuple) -> Integer:
        """A stop's 'Mdpn' (whole percent): as it was read when it holds our value."""
        value = int(round(midpoints[i] if midpoints else 50.0))
        if i < len(old) and b"Mdpn" in old[i] and _number(old[i][b"Mdpn"], -1) == value:
            return old[i][b"Mdpn"]
        return Integer(value)

    colors = List()
    count = len(settings.stops)
    for i, (at, rgb) in enumerate(settings.stops):
        same = (i < len(old_colors) and read_gradient_stop(old_colors[i]) == (at, rgb))
        color = Descriptor(classID=b"RGBC")
        for key, value in zip((b"Rd  ", b"Grn ", b"Bl  "), rgb):
            color[key] = Double(float(value))
        stop = Descriptor(classID=b"Clrt")
        stop[b"Clr "] = kept(old_colors, i, b"Clr ", color, same)
        stop[b"Type"] = kept(old_colors, i, b"Type", Enumerated(b"Clry", b"UsrS"), same)
        stop[b"Lctn"] = location(at)
        stop[b"Mdpn"] = midpoint(old_colors, i, settings.midpoints)
        colors.append(stop)
    opacities = List()
    for i, (at, opacity) in enumerate(settings.opacity_stops):
        stop = Descriptor(classID=b"TrnS")
        stop[b"Opct"] = UnitFloat(unit=Unit.Percent, value=float(opacity))
        stop[b"Lctn"] = location(at)
        stop[b"Mdpn"] = midpoint(old_opacities, i, settings.opacity_midpoints)
        opacities.append(stop)

    if settings.noise is not None:
        grad = noise_grad(settings.noise, old_grad)
    else:
        grad = Descriptor(classID=b"Grdn", name="Gradient\x00")
        grad[b"Nm  "] = old_grad.get(b"Nm  ") if old_grad is not None and b"Nm  " in old_grad \
            else String("Custom\x00")
        grad[b"GrdF"] = Enumerated(b"GrdF", b"CstS")
        grad[b"Intr"] = Double(settings.smoothness / 100 * LOCATION_STEPS)
        grad[b"Clrs"] = colors
        grad[b"Trns"] = opacities
        noise_only = (b"ShTr", b"VctC", b"ClrS", b"RndS", b"Smth", b"Mnm ", b"Mxm ")
        for key, value in (old_grad.items() if old_grad is not None else ()):
            if key not in grad and key not in noise_only:
                grad[key] = value
    offset = Descriptor(classID=b"Pnt ")
    offset[b"Hrzn"] = UnitFloat(unit=Unit.Percent, value=settings.offset[0])
    offset[b"Vrtc"] = UnitFloat(unit=Unit.Percent, value=settings.offset[1])
    ours = {b"Dthr": Bool(settings.dither), b"Rvrs": Bool(settings.reverse),
            b"Angl": UnitFloat(unit=Unit.Angle, value=settings.angle),
            b"Type": Enumerated(b"GrdT", GRADIENT_TYPES[settings.style]),
            b"Algn": Bool(settings.align),
            b"Scl ": UnitFloat(unit=Unit.Percent, value=settings.scale),
            b"Ofst": offset, b"Grad": grad}
    if settings.method != read_gradient_method(source):  # (else kept as read, or absent)
        ours[METHOD_KEY] = Enumerated(METHOD_TYPE, GRADIENT_METHODS[settings.method])
    return _fill_block(source, ours)


def read_gradient_stop(stop) -> Optional[tuple[float, tuple[int, int, int]]]:
    """A 'Clrt' colour stop as our (location %, (r, g, b))."""
    color = _rgb(stop.get(b"Clr "))
    at = stop.get(b"Lctn")
    if color is None or at is None:
        return None
    return min(100.0, max(0.0, _location(float(getattr(at, "value", at))))), color


def _vector_tags() -> set:
    """The blocks of a layer's path: the path itself, and the live shape it was drawn as."""
    from psd_tools.constants import Tag

    return {Tag.VECTOR_MASK_SETTING1, Tag.VECTOR_MASK_SETTING2, Tag.VECTOR_ORIGINATION_DATA,
            Tag.VECTOR_ORIGINATION_UNKNOWN, Tag.VECTOR_MASK_AS_GLOBAL_MASK}


def _vector_setting(record):
    """psd-tools' parsed path of a layer record (VectorMaskSetting), or None."""
    from psd_tools.constants import Tag

    for key in (Tag.VECTOR_MASK_SETTING1, Tag.VECTOR_MASK_SETTING2):
        setting = record.tagged_blocks.get_data(key)
        if setting is not None:
            return setting
    return None


def read_vector_path(setting, width: int, height: int, blocks: list) -> VectorMask:
    """Our vector mask from psd-tools' VectorMaskSetting (its parsed path): knots in
    fractions of the document (y first) become canvas pixels (x, y)."""
    subpaths, initial = _read_subpaths(setting.path, width, height)
    return VectorMask(subpaths, Box(0, 0, width, height), initial_fill=initial,
                      inverted=setting.invert, enabled=not setting.disable,
                      linked=not setting.not_link, source=setting, blocks=blocks)


def _read_subpaths(path, width: int, height: int) -> tuple[list[Subpath], int]:
    """The subpaths of psd-tools' Path (knots in fractions of the document, y first) in
    canvas pixels (x, y), and its initial fill rule."""
    from psd_tools.psd.vector import InitialFillRule, Knot, Subpath as PsdSubpath

    subpaths, initial = [], 0
    scale = np.array([width, height], np.float64)
    for entry in path or ():
        if isinstance(entry, InitialFillRule):
            initial = int(entry.value)
        elif isinstance(entry, PsdSubpath):
            knots = [k for k in entry if isinstance(k, Knot)]
            values = np.array([[p[::-1] for p in (k.preceding, k.anchor, k.leaving)]
                               for k in knots], np.float64).reshape(-1, 3, 2) * scale
            subpaths.append(Subpath(values, entry.is_closed(), int(entry.operation)))
    return subpaths, initial


def vector_path_blocks(vector: VectorMask, width: int, height: int) -> list:
    """The tagged blocks of `vector` for a layer record: psd-tools' path as read, its knots
    at the path's place now in fractions of the document, its flags; the other path
    blocks as read, except the live shape's description once the path has moved (it
    would place the shape where it was)."""
    import copy

    from psd_tools.constants import Tag
    from psd_tools.psd.tagged_blocks import TaggedBlock
    from psd_tools.psd.vector import InitialFillRule, Knot, Path, Subpath as PsdSubpath

    setting = copy.deepcopy(vector.source) if vector.source is not None else _new_path(vector)
    records = [entry for entry in setting.path or () if isinstance(entry, PsdSubpath)]
    if [(len([k for k in r if isinstance(k, Knot)]), r.is_closed(), int(r.operation))
            for r in records] != [(len(s.knots), s.closed, s.operation) for s in vector.subpaths]:
        # Anchors or subpaths added or removed (Pen, Direct Selection): new subpath records
        # after the path's others as read (fill rule, initial fill, clipboard).
        kept = [entry for entry in setting.path or () if not isinstance(entry, PsdSubpath)]
        setting.path = Path(items=kept + _subpath_records(vector))
    if vector.edited:
        rules = [entry for entry in setting.path or () if isinstance(entry, InitialFillRule)]
        for entry in rules:
            entry.value = vector.initial_fill
        if not rules and vector.initial_fill:
            setting.path = Path(items=[InitialFillRule(vector.initial_fill), *(setting.path or ())])
    moved = vector.offset != (0, 0) or vector.edited \
        or (width, height) != (vector.canvas.w, vector.canvas.h)
    _place_knots(setting.path, vector, width, height)
    setting.flags = (setting.flags & ~7) | (1 if vector.inverted else 0) \
        | (0 if vector.linked else 2) | (0 if vector.enabled else 4)
    out = []
    for block in vector.blocks or [TaggedBlock(key=Tag.VECTOR_MASK_SETTING1, data=setting)]:
        if block.key in (Tag.VECTOR_MASK_SETTING1, Tag.VECTOR_MASK_SETTING2):
            out.append(TaggedBlock(key=block.key, data=setting))
        elif not (moved and block.key == Tag.VECTOR_ORIGINATION_DATA):
            out.append(block)
    return out


def _place_knots(path, vector: VectorMask, width: int, height: int) -> None:
    """Puts the knots of psd-tools' Path (its subpath records, one per subpath of `vector`)
    where `vector`'s are now, in fractions of the document."""
    from psd_tools.psd.vector import Knot, Subpath as PsdSubpath

    scale = np.array([width, height], np.float64)
    fixed = float(1 << 24)
    subpaths = iter(vector.moved_knots())
    for entry in path or ():
        if isinstance(entry, PsdSubpath):
            values = next(subpaths) / scale
            # On psd-tools' 8.24 fixed-point grid (it truncates): the nearest point to ours.
            values = np.round(values * fixed) / fixed
            for knot, (pre, anchor, leave) in zip((k for k in entry if isinstance(k, Knot)),
                                                  values):
                knot.preceding, knot.anchor, knot.leaving = (
                    (float(p[1]), float(p[0])) for p in (pre, anchor, leave))


def _new_path(vector: VectorMask):
    """psd-tools' VectorMaskSetting for a path made in Layered (no file behind it): the
    knots' places are filled in by `vector_path_blocks`."""
    from psd_tools.psd.vector import InitialFillRule, Path, PathFillRule, VectorMaskSetting

    items = [PathFillRule(), InitialFillRule(vector.initial_fill), *_subpath_records(vector)]
    return VectorMaskSetting(version=3, flags=0, path=Path(items=items))


def _subpath_records(vector: VectorMask) -> list:
    """psd-tools' subpath records for the path's subpaths, their knots at (0, 0) (placed
    by `vector_path_blocks`): a knot is 'linked' (Photoshop's smooth point, its handles
    turning together) where its handles lie opposite on one line."""
    from psd_tools.psd.vector import (ClosedKnotLinked, ClosedKnotUnlinked, ClosedPath,
                                      OpenKnotLinked, OpenKnotUnlinked, OpenPath)

    out = []
    zero = (0.0, 0.0)
    for sub in vector.subpaths:
        path_class, linked, unlinked = ((ClosedPath, ClosedKnotLinked, ClosedKnotUnlinked)
                                        if sub.closed else
                                        (OpenPath, OpenKnotLinked, OpenKnotUnlinked))
        out.append(path_class(items=[(linked if path_edit.is_smooth(k) else unlinked)(
            preceding=zero, anchor=zero, leaving=zero) for k in sub.knots],
            operation=sub.operation))
    return out


# -- the document's paths: image resources ----------------------------------------------

WORK_PATH_RESOURCE = 0x0401                   # Photoshop's Work Path
SAVED_PATH_RESOURCES = range(2000, 2998)      # saved paths, in the Paths panel's order


def path_resources(doc: Document) -> tuple[list, dict[str, str]]:
    """The document's paths as Photoshop's image resources (the path records of a vector
    mask without its version and flags; a saved path's name is the resource's): and the
    full names of the paths whose name the resource's MacRoman Pascal string cannot hold,
    by resource id (for our XMP packet)."""
    from psd_tools.psd.image_resources import ImageResource

    saved = [p for p in doc.paths if not p.work]
    if len(saved) > len(SAVED_PATH_RESOURCES):
        raise SaveError(f"A PSD holds at most {len(SAVED_PATH_RESOURCES)} saved paths, not "
                        f"{len(saved)}.")
    resources, names = [], {}
    ids = iter(SAVED_PATH_RESOURCES)
    for path in doc.paths:
        key = WORK_PATH_RESOURCE if path.work else next(ids)
        name = "" if path.work else path.name
        legacy = name.encode("macroman", "replace")[:255].decode("macroman")
        if legacy != name:
            names[str(key)] = name
        setting = _new_path(path.vector)
        _place_knots(setting.path, path.vector, doc.width, doc.height)
        resources.append(ImageResource(key=key, name=legacy, data=setting.path))
    return resources, names


def read_path_resources(psd, names: dict, warn) -> list:
    """The document paths (`paths.DocPath`) of psd-tools' image resources: the saved paths
    by resource id, then the Work Path; a damaged one is left out (`warn` says so)."""
    from psd_tools.psd.vector import Path

    from .paths import WORK_PATH, DocPath

    found = []
    for key, resource in psd.image_resources.items():
        key = int(getattr(key, "value", key))
        if key != WORK_PATH_RESOURCE and key not in SAVED_PATH_RESOURCES:
            continue
        data = resource.data
        try:
            path = data if isinstance(data, Path) else Path.frombytes(bytes(data))
            subpaths, initial = _read_subpaths(path, psd.width, psd.height)
        except Exception as exc:
            warn(f"path '{resource.name}' is damaged and was left out ({_why(exc)})")
            continue
        vector = VectorMask(subpaths, Box(0, 0, psd.width, psd.height), initial_fill=initial)
        work = key == WORK_PATH_RESOURCE
        name = WORK_PATH if work else names.get(str(key), resource.name) or f"Path {key - 1999}"
        found.append((work, key, DocPath(name, vector, work=work)))
    return [path for _, _, path in sorted(found, key=lambda item: item[:2])]


def _own_blocks() -> set:
    from psd_tools.constants import Tag

    return {Tag.UNICODE_LAYER_NAME, Tag.LAYER_ID, Tag.PROTECTED_SETTING,
            Tag.SECTION_DIVIDER_SETTING, Tag.NESTED_SECTION_DIVIDER_SETTING,
            Tag.KNOCKOUT_SETTING, Tag.CHANNEL_BLENDING_RESTRICTIONS_SETTING,  # (ours)
            Tag.BLEND_INTERIOR_ELEMENTS, Tag.BLEND_CLIPPING_ELEMENTS,
            Tag.TRANSPARENCY_SHAPES_LAYER, Tag.LAYER_MASK_AS_GLOBAL_MASK,
            Tag.VECTOR_MASK_AS_GLOBAL_MASK}


def _has_pixels(record) -> bool:
    """psd-tools' `has_pixels()` from the record alone (it looks at the channel data,
    which stays in the file until the layer is decoded)."""
    return any(c.id >= 0 and c.length > 2 for c in record.channel_info)


def _placeholder(width: int, height: int) -> np.ndarray:
    """Read-only transparent pixels of a size, taking no memory (documents read to be
    described, not edited)."""
    return np.broadcast_to(np.zeros(4, np.uint8), (height, width, 4))


def _written_by_us(psd) -> bool:
    """Our files always carry our XMP packet (a document may have no layers at all)."""
    from psd_tools.constants import Resource

    return _parse_xmp(psd.image_resources.get_data(Resource.XMP_METADATA)) is not None


def _needs_icc(psd) -> bool:
    """Apply the document's colour profile only when it is not sRGB (saves a transform)."""
    from psd_tools.constants import ColorMode, Resource

    profile = psd.image_resources.get_data(Resource.ICC_PROFILE)
    if not profile:
        return False
    if psd.color_mode != ColorMode.RGB:
        return True
    try:
        import io

        from PIL import ImageCms

        description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(profile)))
        return "srgb" not in (description or "").lower()
    except Exception:
        return False


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


def _apply_metadata(psd, doc: Document, by_id: dict[int, Node]) -> None:
    """Restores recipes (and names too long for PSD) onto the layers they belong to."""
    from psd_tools.constants import Resource

    entries = _parse_xmp(psd.image_resources.get_data(Resource.XMP_METADATA))
    if not entries:
        return
    by_name: dict[str, list[Node]] = {}
    for node in doc.nodes():
        by_name.setdefault(node.name, []).append(node)
    for key, entry in entries.items():
        if not isinstance(entry, dict):
            continue
        node = by_id.get(int(key)) if str(key).isdigit() else None
        if node is None:  # renumbered by another program: a unique name still finds it
            candidates = by_name.get(str(entry.get("short_name", "")), [])
            node = candidates[0] if len(candidates) == 1 else None
        if node is None:
            continue
        if isinstance(entry.get("name"), str) and entry["name"].startswith(node.name):
            node.name = entry["name"]
        if node.mask is not None and isinstance(entry.get("mask_linked"), bool):
            node.mask.linked = entry["mask_linked"]
        if isinstance(node, Layer):
            if isinstance(entry.get("recipe"), dict):
                node.recipe = entry["recipe"]
            if isinstance(entry.get("source_kind"), str):
                node.source_kind = entry["source_kind"]
            if isinstance(entry.get("text"), dict) and node.kind == "pixel":
                _make_text_layer(node, entry["text"])


# The character styles Photoshop's text engine may set that decide how text is drawn:
# a text layer is ours only when one style holds for all its characters and we draw it.
_TYPE_STYLE_KEYS = ("Font", "FontSize", "FillColor", "FauxBold", "FauxItalic", "Tracking",
                    "AutoLeading", "HorizontalScale", "VerticalScale", "BaselineShift",
                    "Underline", "Strikethrough", "FontCaps")
# Photoshop's paragraph Justification: 0 left, 1 right, 2 centre (3..6: justified lines,
# the same as left for the last, and only, line of point text).
_JUSTIFICATION = {0: "left", 1: "right", 2: "center"}


def read_type(item):
    """A Photoshop type layer as our text: (TextSettings, anchor) when it is point text in
    one style we draw (font, size, colour, faux bold and italic, tracking, alignment; not
    rotated, skewed or warped); otherwise the reason it is not, in a few words. Its text
    is in the engine data ('TySh'), the size scaled by the layer's transform; the anchor
    is the transform's origin (the first baseline's start, middle or end)."""

    def value(v):
        return getattr(v, "value", v)

    try:
        engine, resources = item.engine_dict, item.resource_dict
        xx, xy, yx, yy, tx, ty = (float(v) for v in item.transform)
        text = str(item.text).replace("\r", "\n")
        shapes = engine["Rendered"]["Shapes"]["Children"]
        if any(int(value(c["ShapeType"])) != 0 for c in shapes):
            return "paragraph text in a box"
        if abs(xy) > 1e-6 or abs(yx) > 1e-6 or abs(xx - yy) > 1e-6 or yy <= 0:
            return "rotated or scaled type"
        normal = resources["StyleSheetSet"][int(value(resources["TheNormalStyleSheet"]))]
        defaults = dict(normal["StyleSheetData"])
        styles = []
        lengths = [int(value(n)) for n in engine["StyleRun"]["RunLengthArray"]]
        for length, run in zip(lengths, engine["StyleRun"]["RunArray"]):
            style = {**defaults, **dict(run["StyleSheet"]["StyleSheetData"])}
            if length:
                styles.append(tuple(repr(style.get(k)) for k in _TYPE_STYLE_KEYS))
        if len(set(styles)) > 1:
            return "several styles in one text"
        style = {**defaults, **dict(engine["StyleRun"]["RunArray"][0]["StyleSheet"]
                                    ["StyleSheetData"])}
        for key, plain in (("HorizontalScale", 1.0), ("VerticalScale", 1.0),
                           ("BaselineShift", 0.0), ("FontCaps", 0)):
            if key in style and abs(float(value(style[key])) - plain) > 1e-6:
                return "character scaling, baseline shift or caps"
        if any(bool(value(style.get(k, False))) for k in ("Underline", "Strikethrough")):
            return "underlined or struck-through text"
        if not bool(value(style.get("AutoLeading", True))) and "\n" in text.rstrip("\n"):
            return "set leading"
        paragraph = engine["ParagraphRun"]["RunArray"][0]["ParagraphSheet"]["Properties"]
        align = _JUSTIFICATION.get(int(value(paragraph.get("Justification", 0))), "left")
        color = style.get("FillColor")
        argb = [float(value(v)) for v in color["Values"]] if color is not None else [1, 0, 0, 0]
        postscript = str(value(resources["FontSet"][int(value(style["Font"]))]["Name"]))
        family, bold, italic = font_family(postscript)
        settings = TextSettings(
            text=text[:-1] if text.endswith("\n") else text, font=family,
            size=round(float(value(style["FontSize"])) * yy, 3),
            color=tuple(round(min(1.0, max(0.0, c)) * 255) for c in argb[1:4]),
            bold=bold or bool(value(style.get("FauxBold", False))),
            italic=italic or bool(value(style.get("FauxItalic", False))),
            align=align, tracking=int(value(style.get("Tracking", 0))), postscript=postscript)
        return settings, (round(tx), round(ty))
    except DocumentError as exc:  # (a size beyond ours)
        return str(exc).rstrip(".")
    except Exception:
        return "its type data could not be read"


def font_family(postscript: str) -> tuple[str, bool, bool]:
    """A font family name, bold and italic from a PostScript font name (Photoshop's):
    "ArialMT" -> Arial, "TimesNewRomanPS-BoldItalicMT" -> Times New Roman bold italic,
    "MyriadPro-Regular" -> Myriad Pro. Qt finds the family or its nearest substitute."""
    base, _, style = postscript.partition("-")
    for suffix in ("PSMT", "MT", "PS"):
        if base.endswith(suffix) and len(base) > len(suffix):
            base = base[:-len(suffix)]
            break
    family = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", base)
    style = style.lower()
    return (family, any(w in style for w in ("bold", "black", "heavy")),
            any(w in style for w in ("italic", "oblique")))


def _make_text_layer(node: Layer, entry: dict) -> None:
    """Puts a text layer in the place of pixel layer `node` (its pixels as stored, drawn
    anew only when edited) from the settings our XMP entry keeps; a malformed entry
    leaves the pixel layer."""
    try:
        settings = TextSettings.from_dict(entry)
        ox, oy = (int(v) for v in entry.get("origin", (0, 0)))
    except (TypeError, ValueError, DocumentError):
        return
    text = TextLayer(node.name, settings, None, node.x, node.y, (ox, oy),
                     visible=node.visible, opacity=node.opacity, blend_mode=node.blend_mode,
                     locked=node.locked, recipe=node.recipe)
    text.pixels = node.pixels  # as read (a placeholder when not decoded: kept as it is)
    node._copy_extras(text, share=True)
    parent = node.parent
    parent.children[parent.children.index(node)] = text
    text.parent, node.parent = parent, None


def _parse_xmp(data) -> Optional[dict]:
    """Our entries by layer id; None when the file has no packet of ours."""
    value = _xmp_value(data)
    if value is None:
        return None
    layers = value.get("layers")
    return layers if isinstance(layers, dict) else {}


def _xmp_path_names(psd) -> dict:
    """The full names of the paths, by resource id, that our XMP packet keeps."""
    from psd_tools.constants import Resource

    value = _xmp_value(psd.image_resources.get_data(Resource.XMP_METADATA)) or {}
    names = value.get("paths")
    return {str(k): v for k, v in names.items() if isinstance(v, str)} \
        if isinstance(names, dict) else {}


def _xmp_value(data) -> Optional[dict]:
    """The JSON object of our XMP packet; None when the file has none."""
    if not data:
        return None
    try:
        root = ET.fromstring(bytes(data).strip(b"\x00 \n\r\t"))
    except ET.ParseError:
        return None
    element = root.find(f".//{{{XMP_NAMESPACE}}}{XMP_PROPERTY}")
    if element is None or not element.text:
        return None
    try:
        value = json.loads(element.text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else {}


# -- writing --------------------------------------------------------------------------

def write_psd(doc: Document, f: IO[bytes], big: bool = False) -> None:
    """Writes `doc` as PSD (or PSB) to the open, seekable binary file `f`.

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
    header = FileHeader(version=version, channels=4, height=doc.height, width=doc.width,
                        depth=8, color_mode=ColorMode.RGB)
    plan = _Writer().plan(doc)  # checks offsets and depth before a byte is written
    resources = ImageResources.new()
    # Always present, so that a document without layers reads back without layers
    # (a flat PSD from another program has no such packet and opens as one layer).
    paths, path_names = path_resources(doc)
    resources[Resource.XMP_METADATA] = ImageResource(
        key=Resource.XMP_METADATA, data=_xmp_packet(plan.metadata, path_names))
    for resource in paths:
        resources[resource.key] = resource
    for key, resource in (doc.global_light or {}).items():  # the effects' global angle
        resources[key] = resource
    header.write(f)
    ColorModeData().write(f)
    resources.write(f)

    section = f.tell()
    f.write(struct.pack(length_format, 0))  # layer and mask information length
    info = f.tell()
    f.write(struct.pack(length_format, 0))  # layer information length
    if plan.records:
        # A negative layer count says the first extra channel of the merged
        # image is the composite's alpha (PSD specification).
        f.write(struct.pack(">h", -len(plan.records)))
        records_at = []
        for record in plan.records:
            records_at.append(f.tell())
            record.write(f, "macroman", version)
        for record, pixels, mask in zip(plan.records, plan.pixels, plan.masks):
            if callable(pixels):
                pixels = pixels()
            for channel_info, slot in zip(record.channel_info, (3, 0, 1, 2)):
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
                record.channel_info[4].length = channel.write(f)
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
    if patterns:  # the document's patterns: a 'Patt' block after the global mask info
        from psd_tools.constants import Tag
        from psd_tools.psd.patterns import Patterns
        from psd_tools.psd.tagged_blocks import TaggedBlocks

        blocks = TaggedBlocks()
        blocks.set_data(Tag.PATTERNS1, Patterns(pattern_records(patterns)))
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
        del band
    # RLE: every row's byte count (all channels), then the rows. Each channel is
    # compressed and written in turn; the counts are filled in at the end.
    f.write(struct.pack(">H", Compression.RLE.value))
    count_size = 2 if version == 1 else 4
    table_at = f.tell()
    table_size = 4 * doc.height * count_size
    f.write(b"\0" * table_size)
    counts = []
    for c in range(4):
        channel = ChannelData(compression=Compression.RLE)
        channel.set_data(stored[..., c].tobytes(), doc.width, doc.height, 8, version)
        view = memoryview(channel.data)
        counts.append(bytes(view[:doc.height * count_size]))
        f.write(view[doc.height * count_size:])
        del view, channel
    end = f.tell()
    f.seek(table_at)
    f.write(b"".join(counts))
    f.seek(end)


class _Plan:
    """The layer records of a document, bottom first, with the pixels of each (None for
    group records), and the XMP entries by layer id."""

    def __init__(self) -> None:
        self.records: list = []
        self.pixels: list[Optional[np.ndarray]] = []
        self.masks: list[Optional[np.ndarray]] = []  # channel -2 of each record
        self.metadata: dict[str, dict] = {}
        self.width = self.height = 0  # the document's, for the paths' fractions


class _Writer:
    """Builds the layer records in one walk of the tree (a stack, not recursion)."""

    def __init__(self) -> None:
        self.ids = itertools.count(1)

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
                plan.records.append(self.divider())
                plan.pixels.append(None)
                plan.masks.append(None)
                stack.append((node, depth, True))
                stack.extend((child, depth + 1, False) for child in reversed(node.children))
                continue
            plan.records.append(self.record(node, plan))
            if isinstance(node, FillLayer):  # made when written, one layer at a time
                plan.pixels.append(lambda n=node: fill_pixels(n, Box(0, 0, doc.width,
                                                                      doc.height))[0])
            else:
                plan.pixels.append(node.pixels if isinstance(node, Layer) else None)
            plan.masks.append(node.mask.pixels if node.mask is not None else None)
        return plan

    @staticmethod
    def divider():
        from psd_tools.constants import SectionDivider, Tag
        from psd_tools.psd.layer_and_mask import LayerRecord

        record = LayerRecord(name="</Layer group>", channel_info=_channel_infos())
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
        record = LayerRecord(channel_info=_channel_infos(), opacity=node.opacity,
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
        flags = sum(flag for flag, on in ((LOCK_ALL, node.locked),
                                          (LOCK_TRANSPARENCY, locks.transparency),
                                          (LOCK_PIXELS, locks.pixels),
                                          (LOCK_POSITION, locks.position)) if on)
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
            if isinstance(node, TextLayer):  # its settings: it comes back editable
                entry["text"] = dict(node.type_settings.as_dict(), origin=list(node.origin))
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


def _channel_infos() -> list:
    from psd_tools.psd.layer_and_mask import ChannelInfo

    # Transparency first, then red, green, blue (as Photoshop and psd-tools write them).
    return [ChannelInfo(id=i, length=2) for i in (-1, 0, 1, 2)]


def _check_offsets(layer) -> None:
    """Layer records (and masks) store their edges as signed 32-bit numbers."""
    edges = (layer.x, layer.y, layer.x + layer.width, layer.y + layer.height)
    if not all(INT32_MIN <= v <= INT32_MAX for v in edges):
        raise SaveError(f"layer '{getattr(layer, 'name', 'mask')}' lies at {layer.x},{layer.y}, outside what a "
                        f"PSD can store (offsets from {INT32_MIN} to {INT32_MAX}); move it "
                        f"nearer the canvas.")


def _too_deep(what: str, depth: int) -> str:
    return (f"{what}: groups are nested {depth} deep; Layered keeps at most "
            f"{MAX_GROUP_DEPTH} levels of groups (Photoshop itself makes at most 10).")


def _xmp_packet(layers: dict, path_names: Optional[dict] = None) -> bytes:
    value = {"version": 1, "layers": layers}
    if path_names:
        value["paths"] = path_names  # names a path resource's Pascal string cannot hold
    payload = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        f'  <rdf:Description rdf:about="" xmlns:layered="{XMP_NAMESPACE}">\n'
        f'   <layered:{XMP_PROPERTY}>{escape(payload)}</layered:{XMP_PROPERTY}>\n'
        '  </rdf:Description>\n'
        ' </rdf:RDF>\n'
        '</x:xmpmeta>\n'
        '<?xpacket end="w"?>'
    ).encode("utf-8")


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.rstrip(".")

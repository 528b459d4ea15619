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

The document's alpha channels (saved selections) are extra planes of the merged image
after its transparency, named in resources 1006/1045 with ids in 1053 (`psd_channels`);
until they were read, a Photoshop file's alpha channels were dropped without a word.

Both directions use psd-tools' low-level structures (psd_tools.psd) for the
layer records: writing builds them in one pass over the tree and writes each
layer's channels as soon as they are compressed (psd-tools' layer API re-walks
the document per added layer: 5000 layers took minutes); reading takes the
header, resources and records first, checks the pixel limit and the group depth
on them, and reads each layer's channels from the file only to decode it.
psd-tools' private attributes are reached in one function, `_low_level`.

Reading turns every layer into a pixel layer or a group. Type and smart
object layers keep the pixels Photoshop stored for them; a smart object whose embedded file
we decode (PNG, JPEG, PSD: `psd_smart.py`) becomes our `SmartObjectLayer`, its contents and
placement read, Photoshop's pixels shown until it is transformed, and ours are written
back as Photoshop writes them ('SoLd', 'PlLd', the document's 'lnk2'); a type layer that is point or paragraph
text in one style we draw becomes our text layer (`read_type`: its text, size, colour, font,
faux bold and italic, tracking, alignment and box from the engine data in 'TySh', Warp
Text from its warp descriptor), Photoshop's
pixels shown until it is edited; other type stays pixels, with a warning saying why. Our
own text layers are written as Photoshop writes point or paragraph text: a 'TySh' block
(psd_type's `type_block`: the engine data with the text, PostScript font name, size,
colour, faux bold and italic, tracking, alignment and box, the transform at the anchor,
the warp descriptor with Warp Text's style and values) beside the pixels
we drew (which every program shows, and Photoshop until it renders the type itself), so
Photoshop, Photopea and psd-tools see type layers; their settings are in our XMP entry
too. They come back editable from the 'TySh' alone; our entry, when it agrees with the
block, gives the family's name as chosen, and when it does not (the type edited in
another program that kept our packet as it was) the block wins. Shape and fill layers
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
Lab colour; written as RGB), Channel Mixer ('mixr') and Selective Color ('selc') are ours too
(`read_more_adjustment`),
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

This module reads (`read_psd`, with `read_header` and `check_psd_size`); `write_psd` is
psd_write's, importable from here. The parts are its siblings: psd_source (the file read
in two steps), psd_layer_options (locks, Advanced Blending, artboards), psd_effects (layer
effects and contours), psd_fills (colours, gradients, patterns), psd_shapes (fill and
shape layers' settings, vector strokes), psd_adjustments (adjustment layers), psd_paths
(vector masks, the document's paths), psd_type (type layers), psd_xmp (our XMP packet),
psd_smart (smart objects), psd_colour (colours to sRGB), psd_comps (Photoshop's layer
comps) and psd_write (the writer).
"""
from __future__ import annotations

import dataclasses
import os
import struct
from typing import Optional

import numpy as np

from engine.box import Box

from .document import Document
from .errors import DocumentError, FileFormatError, SaveError
from . import psd_colour
from .layers import (BLEND_MODES, AdjustmentLayer, FillLayer, Group, Layer, LayerMask, Node,
                     check_pixels)
from .limits import check_pixel_limit, read_head
from .smart_object import SmartObjectLayer
from .text_layer import TextLayer
from .psd_adjustments import (_adjustment_tags, _more_adjustment_tags, read_adjustment,
                              read_legacy_brightness_contrast)
from .psd_channels import read_channels
from .psd_filter_mask import filter_mask_of, read_filter_masks
from .psd_smart import read_smart_object
from .psd_colour import _needs_icc
from .psd_comps import chosen_comps, read_photoshop_comps
from .psd_effects import (_effect_tags, _fxrp, _light_resources, _listed_before_present,
                          read_layer_effects)
from .psd_fills import read_patterns
from .psd_layer_options import (_is_open, _locked, _partial_locks, read_advanced_blending,
                                read_artboard)
from .slices import read_slices
from .psd_paths import _vector_setting, _vector_tags, read_path_resources, read_vector_path
from .psd_shapes import read_fill, read_pattern_anchor, read_stroke
from .psd_source import _PsdToolsLog, _Source, _low_level, _why
from .psd_type import read_type
from .psd_write import write_psd
from .psd_links import read_link_groups
from .resolution import DEFAULT, RESOURCE, read_resource
from .psd_xmp import (_apply_metadata, _written_by_us, _xmp_layer_comps, _xmp_path_names,
                      _xmp_type_styles, document_packet)

__all__ = ["check_psd_size", "read_header", "read_psd", "write_psd"]


PSD_MAX_SIDE = 30_000     # PSD version 1
PSB_MAX_SIDE = 300_000    # PSD version 2 (PSB)
# The modes a document keeps (Image > Mode); the others are converted to RGB.
_KEPT_MODES = {1: "grayscale", 2: "indexed", 3: "rgb", 9: "lab"}
_COLOR_MODES = {0: "bitmap", 1: "greyscale", 2: "indexed", 3: "RGB", 4: "CMYK",
                7: "multichannel", 8: "duotone", 9: "Lab"}


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

            record = source.read_structure()
            psd = PSDImage(record)
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
        if mode not in _KEPT_MODES:
            reader.warn(f"converted from {_COLOR_MODES.get(mode, f'mode {mode}')} to RGB")
        if not source.merged_complete:
            reader.warn("the file is cut short inside its merged image (the flattened "
                        "preview); the layers are complete, re-save to repair it")
        try:
            children = reader.read_children(psd)
            # (An Indexed document keeps its picture in the merged image only, ours too.)
            if not children and len(psd) == 0 and (mode == 2 or not _written_by_us(psd)):
                children = reader.read_merged_image()
            # The alpha channels (saved selections): extra planes of the merged image.
            alpha = read_channels(psd, record, source.load_merged, reader.warn) \
                if pixels else []
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
    read_link_groups(psd, reader.ids)  # Photoshop's Link Layers (resource 1026)
    _apply_metadata(psd, doc, reader.ids)
    doc.paths = tuple(read_path_resources(psd, _xmp_path_names(psd), reader.warn))
    doc.channels = tuple(alpha)
    doc.slices = read_slices(psd)  # the user slices (resource 1050)
    # Ours while Photoshop's copy agrees, else Photoshop's own (psd_comps.chosen_comps).
    doc.layer_comps = chosen_comps(_xmp_layer_comps(psd, reader.ids),
                                   read_photoshop_comps(psd, reader.ids))
    doc.patterns = tuple(reader.patterns.values())
    doc.type_styles = _xmp_type_styles(psd)  # (the Character and Paragraph Styles panels')
    doc.global_light = {key: psd.image_resources[key] for key in _light_resources()
                        if key in psd.image_resources} or None
    doc.xmp = document_packet(psd, reader.warn)  # (File Info; ours left out: psd_xmp)
    exif = psd.image_resources.get_data(1058)  # EXIF data 1: the camera's (Camera Data)
    doc.exif = bytes(exif) if exif else None
    doc.resolution = read_resource(psd.image_resources.get_data(RESOURCE)) or DEFAULT
    if mode in _KEPT_MODES:  # Image > Mode (color_modes); 16- and 32-bit grey: 8-bit grey
        doc.color_mode = _KEPT_MODES[mode]
        if mode == 2:
            reader.color_table()
        doc.palette = reader.palette if mode == 2 else None
    doc.warnings = reader.warnings
    doc.active = next(reversed(list(doc.layers())), None)
    return doc


def _plane8(raw: bytes, depth: int, width: int, height: int) -> np.ndarray:
    """A channel's stored values (8-, 16- or 32-bit) as 8-bit (height, width): 16-bit's
    0-65535 and 32-bit's 0.0-1.0 scaled to 0-255 and rounded."""
    if depth == 8:
        return np.frombuffer(raw, np.uint8, width * height).reshape(height, width)
    values = np.frombuffer(raw, ">u2", width * height) / 257.0 if depth == 16 else \
        np.frombuffer(raw, ">f4", width * height) * 255.0
    return np.clip(np.rint(values), 0, 255).astype(np.uint8).reshape(height, width)


def _rgba(image) -> np.ndarray:
    """A psd-tools Pillow image as RGBA; a Lab document's ("LAB": Pillow keeps a and b as
    signed bytes) through our Lab conversion (Pillow's own convert only copies the bands)."""
    if image.mode != "LAB":
        return np.array(image.convert("RGBA"), np.uint8)
    from .color_modes import rgba_of_lab8

    lab8 = np.empty((image.height, image.width, 4), np.uint8)
    lab8[..., :3] = np.asarray(image, np.uint8)
    lab8[..., 1:3] += 128  # (signed -> the PSD's offset by 128, wrapping as bytes do)
    lab8[..., 3] = 255
    return rgba_of_lab8(lab8)


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
        self.palette: Optional[np.ndarray] = None  # an Indexed document's (`color_table`)

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
            if parent is self.psd and not nodes:
                self.read_background(record, node)
            nodes.append(node)
        return nodes

    def read_background(self, record, node: Node) -> None:
        """The document's bottom layer is the Background (background_layer.py) when its
        record has no transparency channel (-1): only Photoshop's Background lacks one (in
        the Photoshop files of psd-tools' and ag-psd's tests it also has the
        transparency-protected flag, 'lspf' 5 and 'lnsr' 'bgnd'). Its implied locks are not
        kept as locks of their own, or Layer from Background would leave them set."""
        if type(node) is not Layer or any(int(c.id) == -1 for c in record.channel_info) \
                or node.bounds() != Box(0, 0, self.psd.width, self.psd.height):
            return
        node.is_background = True
        node.locks = dataclasses.replace(node.locks, transparency=False, position=False)

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
            if kind == "smartobject":
                typed = read_smart_object(item, self.path, self.limit, self.decode)
            if isinstance(typed, tuple) and kind == "smartobject":
                # Its contents and placement: Photoshop's pixels shown until transformed
                contents, placement, filters = typed
                node = SmartObjectLayer(name, contents, placement, None, x, y,
                                        visible=item.visible, opacity=item.opacity,
                                        blend_mode=self.mode(item, False), locked=_locked(item))
                node.filters = filters  # Photoshop's (our XMP entry's replace them: psd_xmp)
                if filters:  # and their mask, in the document's 'FEid' (psd_filter_mask)
                    node.filter_mask = filter_mask_of(item.smart_object._config.data,
                                                      self.filter_masks())
                if contents.link is not None and contents.modified is None and self.decode:
                    self.warn(f"smart object layer '{name}' is linked to a file changed since "
                              f"it was saved ({os.path.basename(contents.link)}): Layer > "
                              f"Smart Objects > Update Modified Content shows it")
            elif isinstance(typed, tuple):  # editable: Photoshop's pixels shown until edited
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

    def filter_masks(self) -> dict:
        """The document's Smart Filters masks ('FEid'), read once, when a smart object
        with smart filters asks."""
        if getattr(self, "_filter_masks", None) is None:
            self._filter_masks = read_filter_masks(self.psd, self.limit) if self.decode else {}
        return self._filter_masks

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
                if depth in (8, 16, 32):
                    values = _plane8(raw, depth, width, height)
                else:  # 1-bit documents have no masks Photoshop can write
                    values = np.full((height, width), default or 0, np.uint8)
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
        pixels = self.decode_direct(item, width, height)
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

    def decode_direct(self, item, width: int, height: int) -> Optional[np.ndarray]:
        """8-bit RGB documents without a colour conversion (ours, and most others), and
        8- and 16-bit Lab documents: each channel is decompressed by psd-tools straight
        into the RGBA array. This reads the layer's channel records (see `_low_level`); it
        opened a 10-layer 4000x3000 PSD in 0.5-0.7x the time of `layer.topil()`, without
        Pillow's intermediate images. Lab's 16-bit values become 8-bit Lab's (0-65535 to
        0-255: L 0-100, a and b 128 for 0, rounded; psd-tools' Pillow image truncates
        them), then our RGB (`rgba_of_lab8`). None: use Pillow."""
        from psd_tools.constants import ColorMode

        record, channels = _low_level(item)
        depth = self.psd.depth
        lab = self.psd.color_mode == ColorMode.LAB and depth in (8, 16)
        if not lab and (depth != 8 or self.psd.color_mode != ColorMode.RGB or self.apply_icc):
            return None
        index = {int(info.id): i for i, info in enumerate(record.channel_info)}
        if not all(c in index for c in (0, 1, 2)):
            return None
        pixels = np.empty((height, width, 4), np.uint8)
        if -1 not in index:
            pixels[..., 3] = 255
        for slot, channel in enumerate((0, 1, 2, -1)):
            if channel in index:
                data = channels[index[channel]].get_data(width, height, depth, self.psd.version)
                pixels[..., slot] = _plane8(data, depth, width, height)
        if lab:
            from .color_modes import rgba_of_lab8

            return rgba_of_lab8(pixels)
        return pixels

    def convert_with_pillow(self, item) -> np.ndarray:
        """Any depth and colour mode: psd-tools' Pillow image (with the document's colour
        profile applied when it is not sRGB), widened to RGBA."""
        image = item.topil(apply_icc=self.apply_icc)
        if image is None:
            raise FileFormatError(f"{self.path}: the pixels of layer '{item.name}' are missing.")
        if image.mode == "RGBA":
            return np.array(image, np.uint8)
        # (Pillow's Lab bands are L, A, B: its A is Lab's a, not alpha.)
        alpha = item.topil(-1) if "A" not in image.getbands() or image.mode == "LAB" else None
        pixels = _rgba(image)
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
        from psd_tools.constants import Clipping, ColorMode

        if self.psd.color_mode == ColorMode.LAB and _has_pixels(record):
            # psd-tools draws a Lab document's fills in other colours than Photoshop's
            # (its blending has no Lab: "Unsupported blending color space: 9"); Photoshop's
            # own rendering, stored with the layer, matches the merged image.
            self.source.load(channels)
            try:
                return self.decoded(item, right - left, bottom - top, left, top)
            finally:
                self.source.unload(channels)

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
        return _rgba(image), left, top

    def read_merged_image(self) -> list[Node]:
        """A PSD without layers (from another program): its merged image becomes one layer."""
        if not self.decode:
            layer = Layer("Background")
            layer.pixels = _placeholder(self.psd.width, self.psd.height)
            return [layer]
        self.source.load_merged()
        from psd_tools.constants import ColorMode

        if self.psd.color_mode == ColorMode.LAB and self.psd.depth in (8, 16):
            return [Layer("Background", self.merged_lab())]
        image = self.psd.topil(apply_icc=self.apply_icc)
        if image is None:
            raise FileFormatError(f"{self.path}: the PSD file has neither layers nor an image.")
        if image.mode == "P":
            return [Layer("Background", self.indexed_pixels(np.asarray(image, np.uint8)))]
        return [Layer("Background", _rgba(image))]

    def merged_lab(self) -> np.ndarray:
        """An 8- or 16-bit Lab document's merged image as RGBA (opaque, as psd-tools' Lab
        image is), its values rounded to 8-bit Lab's as the layers' (`decode_direct`)."""
        from .color_modes import rgba_of_lab8

        psd = self.psd
        planes = psd._record.image_data.get_data(psd._record.header)
        lab8 = np.full((psd.height, psd.width, 4), 255, np.uint8)
        for k in range(3):
            lab8[..., k] = _plane8(planes[k], psd.depth, psd.width, psd.height)
        return rgba_of_lab8(lab8)

    def color_table(self) -> np.ndarray:
        """An Indexed document's 256 palette entries (colour mode data: the reds, greens,
        blues); its own palette, `doc.palette`, is as many as resource 1046 says."""
        from psd_tools.constants import Resource

        table = np.frombuffer(self.psd._record.color_mode_data.value[:768], np.uint8)
        table = np.pad(table, (0, 768 - len(table))).reshape(3, 256).T
        count = self.psd.image_resources.get_data(Resource.INDEXED_COLOR_TABLE_COUNT)
        count = _short(count) if count is not None else 256
        self.palette = table[:max(1, min(count, 256))].copy()
        return table

    def indexed_pixels(self, indices: np.ndarray) -> np.ndarray:
        """An Indexed document's picture: its palette's colours (the colour mode data;
        as many entries as resource 1046 says), alpha 0 at the transparent entry (1047).
        The palette is kept for `doc.palette`."""
        from psd_tools.constants import Resource

        table = self.color_table()
        pixels = np.empty(indices.shape + (4,), np.uint8)
        pixels[..., :3] = table[indices]
        pixels[..., 3] = 255
        clear = self.psd.image_resources.get_data(Resource.TRANSPARENCY_INDEX)
        if clear is not None:
            pixels[indices == _short(clear)] = (255, 255, 255, 0)
        return pixels


def _short(value) -> int:
    """A one-number image resource (1046, 1047): psd-tools gives an int, or the bytes."""
    return value if isinstance(value, int) else struct.unpack(">H", bytes(value)[:2])[0]


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

"""Small documents for the compositing tests: random pixels, a document of a background
layer under some nodes, a layer's pixels placed on a canvas; and a saved PSD's smart filters
left in Photoshop's form alone."""
from __future__ import annotations

import json

import numpy as np
from psd_tools import PSDImage
from psd_tools.constants import Resource

from editor.model import Document, Layer
from engine.box import Box


def noise(h: int, w: int, seed: int, alpha: bool) -> np.ndarray:
    """Random straight RGBA (h, w); `alpha`: random alpha 1-255, else opaque."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    pixels[..., 3] = rng.integers(1, 256, (h, w)) if alpha else 255
    return pixels


def stacked(w: int, h: int, background: np.ndarray, *nodes) -> Document:
    """A w x h document: a "Background" layer of `background` under `nodes`, bottom first."""
    doc = Document(w, h)
    for node in (Layer("Background", background), *nodes):
        node.parent = doc.root
        doc.root.children.append(node)
    return doc


def on_canvas(pixels, x, y, w, h) -> np.ndarray:
    """Premultiplied float RGBA of `pixels` at (x, y) on a w x h canvas."""
    out = np.zeros((h, w, 4))
    box = Box(x, y, pixels.shape[1], pixels.shape[0]).intersect(Box(0, 0, w, h))
    out[box.slices()] = pixels[box.translate(-x, -y).slices()]
    out[..., :3] *= out[..., 3:] / 255
    return out


def photoshop_form_only(path: str) -> None:
    """Our XMP entry's smart filters (and their mask) taken out of the PSD at `path`: only
    Photoshop's form ('filterFX', 'FEid', 'FMsk') is left to read them from."""
    psd = PSDImage.open(path)
    packet = psd.image_resources.get_data(Resource.XMP_METADATA).decode("utf-8")
    start, end = packet.index("{"), packet.rindex("}") + 1
    meta = json.loads(packet[start:end])
    for entry in meta.get("layers", {}).values():
        assert entry.pop("smart_filters", None) is not None
        entry.pop("smart_filters_mask_values", None)
    packet = packet[:start] + json.dumps(meta) + packet[end:]
    psd.image_resources[Resource.XMP_METADATA].data = packet.encode("utf-8")
    psd.save(path)

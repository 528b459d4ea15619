"""File > Scripts > Load Files into Stack… and File > Automate > Photomerge…: image files
made into one new document, a layer per file.

- `load_stack(paths)`: as Photoshop's script: one layer per file (a PSD's composite),
  named after the file (without its extension), the first file at the bottom, each centred on
  the canvas, which is as large as the largest file. With `align`, the layers are
  then aligned (Edit > Auto-Align Layers, `auto_align`, projection Auto).
- `photomerge(paths, layout)`: the stack, aligned by the layout (Auto and Perspective:
  a perspective homography; Collage: move, turn and scale; Reposition: a move only; as
  `auto_align.PROJECTIONS`), each file onto one already placed (the latest that shares
  enough with it: a row of photos joins though its ends share nothing), the canvas grown
  to the bounds of all the layers (Photoshop's panorama canvas; nothing is cropped), then, with `blend`, Auto-Blend Layers' Panorama
  (`auto_blend`: a layer mask on each so the seams run down the middles of the overlaps).
  Cylindrical and Spherical: each photo first reprojected onto a cylinder or a sphere round
  the camera (`panorama_projection`, its focal length from EXIF or the photos' overlaps),
  then placed by a move (Reposition). Vignette Removal and Geometric Distortion Correction
  are not offered.

Both run whole on the worker thread: the document is new and nobody else sees it until it
is done, so the align and blend modules' three parts (prepare, run, apply) are called in a
row here; the document's history holds Auto-Align Layers (the canvas growth with it) and
Auto-Blend Layers as steps after its opening state. No Qt.
"""
from __future__ import annotations

import os
from typing import Sequence

from engine.errors import InvalidInput
from engine.progress import ProgressFn, no_progress

from . import auto_align, auto_blend, files, panorama_projection
from .document import Document
from .errors import DocumentError
from .image_ops import crop, layers_bounds
from .layers import Layer

STACK_NAME = "Load Files into Stack"
NAME = "Photomerge"
# Photoshop's order: Auto-Align's projections with Cylindrical and Spherical after Perspective.
LAYOUTS = {"auto": "Auto", "perspective": "Perspective", "cylindrical": "Cylindrical",
           "spherical": "Spherical", "collage": "Collage", "reposition": "Reposition"}
assert set(auto_align.PROJECTIONS) <= set(LAYOUTS)


def _name(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0] or "Layer"


def load_stack(paths: Sequence[str], align: bool = False,
               progress: ProgressFn = no_progress) -> Document:
    """A new document with a layer per file, first file at the bottom (worker thread)."""
    if not paths:
        raise DocumentError("Choose the files to load (Browse…).")
    if align and len(paths) < 2:
        raise DocumentError("Aligning needs two or more files.")
    total = len(paths) + (1 if align else 0)
    pictures = []
    for i, path in enumerate(paths):
        progress(i, total)
        pictures.append((_name(path), files.read_image(path)))
    width = max(p.shape[1] for _, p in pictures)
    height = max(p.shape[0] for _, p in pictures)
    doc = Document(width, height)
    for name, pixels in pictures:
        # Centred, as Photoshop's script places a smaller file (it duplicates each into the
        # stack document, which centres a layer from a document of another size).
        layer = Layer(name, pixels, (width - pixels.shape[1]) // 2,
                      (height - pixels.shape[0]) // 2)
        layer.parent = doc.root
        doc.root.children.append(layer)
        doc.active = layer
    if align:
        _align(doc, "auto")
    progress(total, total)
    return doc


def _align(doc: Document, projection: str) -> None:
    layers = list(doc.layers())
    prepared = auto_align.prepare(doc, layers, projection)
    try:
        aligned = auto_align.run(prepared)
    except InvalidInput as exc:  # (its message names the two layers)
        raise DocumentError(str(exc)) from None
    auto_align.apply(doc, prepared, aligned)


def _align_chain(doc: Document, projection: str) -> None:
    """Each layer (from the second file on) aligned onto one already placed, the latest
    first, the canvas grown to the layers' bounds after each: a row of photos where the
    first and the last share nothing still joins. One undo step."""
    layers = list(doc.layers())  # bottom (the first file) first
    placed = [layers[0]]
    with doc.history.macro(auto_align.NAME):
        for layer in layers[1:]:
            failure = None
            for reference in reversed(placed):
                # The lower of the two chosen layers is the reference (none is locked).
                prepared = auto_align.prepare(doc, [reference, layer], projection)
                try:
                    aligned = auto_align.run(prepared)
                except InvalidInput as exc:
                    failure = failure or exc
                    continue
                auto_align.apply(doc, prepared, aligned)
                break
            else:
                raise DocumentError(f"'{layer.name}' shares too little with the other photos "
                                    f"to be placed ({failure}).")
            placed.append(layer)
            bounds = layers_bounds(doc)
            if bounds != doc.canvas:  # (the next one may reach further out)
                crop(doc, bounds, "Reveal All")


def _reproject(doc: Document, paths: Sequence[str], kind: str) -> None:
    """Each layer (a file's photo, bottom first) reprojected onto the cylinder or sphere, the
    focal length the first file's EXIF gives, else the photos' overlaps, else the first
    photo's width; each stays centred on the canvas. Before any step: the opening state."""
    layers = list(doc.layers())
    width = layers[0].pixels.shape[1]
    focal = panorama_projection.exif_focal(paths[0], width) \
        or panorama_projection.focal_from_photos([layer.pixels for layer in layers]) \
        or float(width)
    for layer in layers:
        pixels = panorama_projection.project(layer.pixels, focal, kind)
        layer.pixels = pixels
        layer.x = (doc.width - pixels.shape[1]) // 2
        layer.y = (doc.height - pixels.shape[0]) // 2


def photomerge(paths: Sequence[str], layout: str = "auto", blend: bool = True,
               progress: ProgressFn = no_progress) -> Document:
    """The panorama document (worker thread); a DocumentError in one line when a file
    shares too little with the others to be aligned."""
    if layout not in LAYOUTS:
        raise ValueError(f"the layouts are {', '.join(LAYOUTS)}, not {layout!r}")
    if len(paths) < 2:
        raise DocumentError("Photomerge needs two or more files.")
    steps = len(paths) + 2
    doc = load_stack(paths, progress=lambda i, _n: progress(i, steps))
    if layout in panorama_projection.KINDS:
        _reproject(doc, paths, layout)
        layout = "reposition"  # (on the cylinder or sphere the photos differ by a move)
    _align_chain(doc, layout)
    progress(len(paths) + 1, steps)
    if blend:
        prepared = auto_blend.prepare(doc, list(doc.layers()), "panorama")
        auto_blend.apply(doc, prepared, auto_blend.run(prepared))
    progress(steps, steps)
    return doc

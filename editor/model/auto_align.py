"""Edit > Auto-Align Layers: layers showing the same scene (a burst of shots, the parts of a
panorama, a photo and its retouched copy) moved, turned, scaled or put in perspective so
their content lies on one layer's, as Photoshop's command does.

The reference is the chosen layer whose position is locked (Photoshop's way of naming one)
or, with none locked, the lowest chosen layer: usually the photo the others were shot
after. Each other layer is matched to it on its own:

- ORB corners (OpenCV) on both, in grey, on copies reduced to at most MATCH_SIZE pixels a
  side (enough for the geometry, and quick), only where the layers are opaque;
- each corner's nearest match kept when it is clearly better than the second (Lowe's
  ratio test), then a model fitted by RANSAC, which ignores what moved in the scene:
  Perspective (and Auto) a homography, Collage a similarity (move, turn, uniform scale;
  Photoshop's "Collage" keeps shapes), Reposition a move only (the median shift of the
  similarity's inliers);
- too few inliers (MIN_INLIERS) means the layers share too little content: refused in one
  line, nothing changed.

In three parts, as the other engine operations of editor/model: `prepare` on the GUI
thread (the layers' pixels copied for the worker), `run` on the worker (the matrices, and
each moved layer resampled through its matrix: bilinear, premultiplied; seconds at 12 MP,
kept off the GUI thread), and `apply` on the GUI thread: the moved layers set, their linked
masks and paths mapped too (`layer_warp.warp_node`), one undo step; a layer changed while
the worker ran is resampled again there. Photoshop's
Cylindrical and Spherical projections and its lens corrections are not offered. No Qt.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from engine.box import Box
from engine.errors import InvalidInput
from engine.progress import ProgressFn, no_progress

from .document import Document, raise_if_locked
from .errors import DocumentError
from .layer_warp import warp_limit, warp_node
from .layers import Layer, Node
from .resample import perspective_pixels

NAME = "Auto-Align Layers"
PROJECTIONS = {"auto": "Auto", "perspective": "Perspective", "collage": "Collage",
               "reposition": "Reposition"}
MATCH_SIZE = 1024       # the longest side the corners are looked for at
FEATURES = 4000         # ORB corners per layer
RATIO = 0.75            # Lowe's ratio test
MIN_INLIERS = 12        # fewer: the layers share too little to be aligned
RANSAC_PX = 3.0         # how far (full-size pixels) an inlier may miss


@dataclass
class AlignInput:
    projection: str
    reference: Layer
    moving: list[Layer]
    pictures: list[tuple[np.ndarray, int, int]]   # (pixels copy, x, y): reference first
    limit: Box                                    # what a resampled layer may cover


@dataclass
class Aligned:
    """What the worker made: each moving layer's matrix and its pixels resampled by it."""
    matrices: list[np.ndarray]
    resampled: list[tuple[np.ndarray, int, int]]


def _movable(doc: Document, node: Node) -> bool:
    return isinstance(node, Layer) and not node.is_empty() and doc.contains(node)


def prepare(doc: Document, nodes: Sequence[Node], projection: str = "auto") -> AlignInput:
    """The chosen layers to align (two or more pixel layers). DocumentError in one line when
    there are not two, or a layer other than the reference may not move."""
    if projection not in PROJECTIONS:
        raise ValueError(f"the projections are {', '.join(PROJECTIONS)}, not {projection!r}")
    layers = [n for n in nodes if _movable(doc, n)]
    if len(layers) < 2:
        raise DocumentError("Choose two or more layers with pixels in the Layers panel "
                            "(Ctrl+click) to align them.")
    order = {id(layer): i for i, layer in enumerate(doc.layers())}  # bottom first
    layers.sort(key=lambda layer: order[id(layer)])
    locked = [layer for layer in layers if layer.position_locked()]
    reference = locked[0] if locked else layers[0]
    moving = [layer for layer in layers if layer is not reference]
    for layer in moving:
        raise_if_locked(layer, "position")
        raise_if_locked(layer, "pixels")
    pictures = [(layer.pixels.copy(), layer.x, layer.y) for layer in [reference, *moving]]
    return AlignInput(projection, reference, moving, pictures, warp_limit(doc))


def _grey(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The layer in grey and its opaque pixels, reduced to MATCH_SIZE, and the scale."""
    import cv2

    h, w = pixels.shape[:2]
    scale = min(1.0, MATCH_SIZE / max(h, w))
    rgb, alpha = pixels[..., :3], pixels[..., 3]
    if scale < 1.0:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        alpha = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    # Corners on the layer's own edge against transparency are not the scene's.
    opaque = cv2.erode((alpha > 250).astype(np.uint8), np.ones((5, 5), np.uint8))
    return grey, opaque, scale


def _corners(pixels: np.ndarray, x: int, y: int):
    """ORB key points (as canvas points) and their descriptors."""
    import cv2

    grey, opaque, scale = _grey(pixels)
    orb = cv2.ORB_create(nfeatures=FEATURES)
    keys, descriptors = orb.detectAndCompute(grey, opaque)
    if descriptors is None or not keys:
        return np.zeros((0, 2), np.float32), None
    points = np.array([k.pt for k in keys], np.float64)
    # Reduced pixel centres -> full-size continuous coordinates -> canvas.
    points = (points + 0.5) / scale + (x, y)
    return points.astype(np.float32), descriptors


def _matched(reference, layer) -> tuple[np.ndarray, np.ndarray]:
    """(layer points, reference points) of the matches that pass the ratio test."""
    import cv2

    (ref_points, ref_desc), (points, desc) = reference, layer
    if ref_desc is None or desc is None or len(ref_desc) < 2 or len(desc) < 2:
        return np.zeros((0, 2), np.float32), np.zeros((0, 2), np.float32)
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(desc, ref_desc, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < RATIO * p[1].distance]
    return (np.array([points[m.queryIdx] for m in good], np.float32).reshape(-1, 2),
            np.array([ref_points[m.trainIdx] for m in good], np.float32).reshape(-1, 2))


def fit(source: np.ndarray, target: np.ndarray, projection: str) -> tuple[np.ndarray, int]:
    """The 3x3 canvas -> canvas matrix taking `source` points onto `target` by the
    projection's model, and how many matches agree with it."""
    import cv2

    if len(source) < MIN_INLIERS:
        return np.eye(3), 0
    if projection in ("auto", "perspective"):
        matrix, inliers = cv2.findHomography(source, target, cv2.RANSAC, RANSAC_PX)
        if matrix is not None:
            return matrix / matrix[2, 2], int(inliers.sum())
        return np.eye(3), 0
    affine, inliers = cv2.estimateAffinePartial2D(source, target, method=cv2.RANSAC,
                                                  ransacReprojThreshold=RANSAC_PX)
    if affine is None:
        return np.eye(3), 0
    kept = inliers.ravel().astype(bool)
    matrix = np.vstack([affine, [0.0, 0.0, 1.0]])
    if projection == "reposition":
        shift = np.median(target[kept] - source[kept], axis=0)
        matrix = np.array([[1.0, 0.0, shift[0]], [0.0, 1.0, shift[1]], [0.0, 0.0, 1.0]])
    return matrix, int(kept.sum())


def _at(matrix: np.ndarray, x: int, y: int) -> np.ndarray:
    """The matrix for an array whose pixel (0, 0) lies at canvas (x, y): its own
    coordinates shifted onto the canvas, then the canvas matrix."""
    return matrix @ np.array([[1.0, 0.0, x], [0.0, 1.0, y], [0.0, 0.0, 1.0]])


def run(prepared: AlignInput, progress: ProgressFn = no_progress) -> Aligned:
    """The canvas -> canvas matrix of each moving layer and its pixels resampled by it
    (worker thread). InvalidInput, in one line, when a layer shares too little content
    with the reference."""
    moving = len(prepared.moving)
    total = 1 + 2 * moving
    progress(0, total)
    reference = _corners(*prepared.pictures[0])
    progress(1, total)
    matrices = []
    for i, (layer, picture) in enumerate(zip(prepared.moving, prepared.pictures[1:]), 2):
        source, target = _matched(reference, _corners(*picture))
        matrix, agreed = fit(source, target, prepared.projection)
        if agreed < MIN_INLIERS:
            raise InvalidInput(
                f"Could not find enough content in common between '{layer.name}' and "
                f"'{prepared.reference.name}' to align them ({agreed} matching points, "
                f"{MIN_INLIERS} needed).")
        matrices.append(matrix)
        progress(i, total)
    resampled = []
    for i, (matrix, (pixels, x, y)) in enumerate(zip(matrices, prepared.pictures[1:])):
        resampled.append(perspective_pixels(pixels, _at(matrix, x, y), prepared.limit))
        progress(1 + moving + i + 1, total)
    return Aligned(matrices, resampled)


def apply(doc: Document, prepared: AlignInput, aligned: Aligned) -> None:
    """The moved layers set, their linked masks and paths mapped too, one undo step (GUI
    thread). A layer whose pixels changed since `prepare` is resampled again here."""
    moving = [layer for layer in prepared.moving if doc.contains(layer)]
    if len(moving) != len(prepared.moving):
        raise DocumentError("A layer was deleted while the layers were being aligned.")
    with doc.history.macro(NAME):
        for layer, matrix, done, (pixels, x, y) in zip(
                moving, aligned.matrices, aligned.resampled, prepared.pictures[1:]):
            if np.allclose(matrix, np.eye(3), atol=1e-9):
                continue
            m = np.asarray(matrix, np.float64)
            ready = {}
            if (layer.x, layer.y) == (x, y) and np.array_equal(layer.pixels, pixels):
                ready[id(layer.pixels)] = done  # the worker's resampling of these pixels

            def resample(values, matrix, limit, ready=ready):
                made = ready.get(id(values))
                return made if made is not None else perspective_pixels(values, matrix, limit)

            def paths(q: np.ndarray, m=m) -> np.ndarray:
                h = np.column_stack([q, np.ones(len(q))]) @ m.T
                return h[:, :2] / h[:, 2:3]

            warp_node(doc, layer, NAME, resample, lambda x, y, m=m: _at(m, x, y), paths)

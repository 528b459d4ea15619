"""Edit > Sky Replacement…: the picture's sky (found as Select > Sky finds it,
`select_sky.sky_alpha`) replaced by another, with the foreground toned to match, as
Photoshop's Sky Replacement makes it.

The settings are Photoshop's: Shift Edge and Fade Edge (where the new sky's mask ends and how
softly), Sky Adjustments (Brightness, Temperature, Scale, Flip) and Foreground Adaptation
(Lighting Mode Multiply or Screen, Lighting Adjustment, Color Adjustment), and the Output:

- New Layers: a group "Sky Replacement Group" above the picture's layer holding, bottom to
  top, "Sky" (the new sky, its layer mask the sky's), "Sky Brightness" (Brightness/Contrast)
  and "Sky Temperature" (Color Balance, warmer or cooler) clipped to it when those sliders
  are off 0 (as Photoshop adds them), "Foreground Color" (the sky's blurred colours in Color
  mode) and "Foreground Lighting" (the same in Multiply or Screen), both masked to the
  foreground - everything stays editable, as Photoshop's;
- Duplicate Layer: that stack merged into one new layer, "Sky Replacement".

Both are one undo step. The group is built off the document (`build_group`), so the dialog's
preview composites the same group over a reduced copy (`preview`): one path for the preview
and OK. The built-in skies (`BUILTIN_SKIES`) are Layered's own, drawn by a gradient and the
Clouds filter's noise (`render_filters.clouds`) on the worker when a job first names one -
not Adobe's photographs. No Qt here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np

from engine.box import Box
from engine.progress import ProgressFn, no_progress

from .adjustments import BrightnessContrast, ColorBalance
from .document import Document
from .errors import DocumentError
from .layers import AdjustmentLayer, Group, Layer, LayerMask, Node
from .select_sky import prepare as prepare_picture, sky_alpha
from .refine_edge import shift_edge
from .selection_ops import feathered

NAME = "Sky Replacement"            # the History step, the job, the merged layer
GROUP_NAME = "Sky Replacement Group"
LAYER_NAMES = ("Sky", "Sky Brightness", "Sky Temperature", "Foreground Color",
               "Foreground Lighting")  # bottom to top (the two adjustments when not 0)
LIGHTING_MODES = {"multiply": "Multiply", "screen": "Screen"}
OUTPUTS = {"new_layers": "New Layers", "duplicate": "Duplicate Layer"}
SHIFT_REACH = 0.01     # of the long side: how far Shift Edge ±100 moves the edge
FADE_REACH = 0.04      # of the long side: Fade Edge 100's feather radius
TEMPERATURE_REACH = 100  # Color Balance's midtone shift at Temperature ±100: its whole range (mid-grey ±52 levels since its midtones follow Photoshop's pixels; 40 was tuned for GIMP's stronger model)
PREVIEW_PIXELS = 300_000


@dataclass(frozen=True)
class SkySettings:
    """The dialog's settings, in Photoshop's ranges and at its defaults."""
    shift_edge: int = 0          # -100..100: positive moves the edge down, into the ground
    fade_edge: int = 3           # 0..100
    brightness: int = 0          # -100..100
    temperature: int = 0         # -100..100 (warmer is positive)
    scale: int = 100             # %, 100..400: of the size that just covers the sky
    flip: bool = False
    lighting_mode: str = "multiply"
    lighting: int = 50           # Lighting Adjustment, 0..100
    color: int = 50              # Color Adjustment, 0..100
    output: str = "new_layers"


@dataclass
class SkyJob:
    """What the worker needs, copied on the GUI thread."""
    picture: np.ndarray              # (H, W, 4) uint8: the picture whose sky is replaced
    sky: object                      # (h, w, 3) uint8: the new sky, or a built-in's name
    settings: SkySettings
    target: Optional[Layer]          # the layer the group goes above; None: the top
    source: str
    alpha: Optional[np.ndarray] = None   # the sky's mask (float 0..1), once found
    # For the preview only: what the canvas shows under and over the target layer (RGBA),
    # when there is something; the group lands between them.
    below: Optional[np.ndarray] = None
    above: Optional[np.ndarray] = None


# -- the built-in skies ---------------------------------------------------------------------
_BUILTIN: dict = {}
SKY_SIZE = (960, 600)


def _gradient(h: int, w: int, stops) -> np.ndarray:
    """(h, w, 3) float32: colours at the given heights (0 top .. 1 bottom) interpolated."""
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)
    at = [s[0] for s in stops]
    cols = np.stack([np.interp(t, at, [s[1][c] for s in stops]) for c in range(3)], -1)
    return np.repeat(cols[:, None, :].astype(np.float32), w, axis=1)


def _sky(stops, cloud, cover: float, seed: int, strength: float) -> np.ndarray:
    from .render_filters import clouds

    w, h = SKY_SIZE
    base = _gradient(h, w, stops)
    if strength > 0:
        # The Clouds filter's noise, thresholded into patches, thinner toward the horizon;
        # drawn at half size and enlarged (soft anyway: a quarter of the time).
        def noise(salt: int) -> np.ndarray:
            half = clouds(Box(0, 0, w // 2, h // 2), salt)
            return cv2.resize(half, (w, h), interpolation=cv2.INTER_CUBIC)

        patch = np.clip((noise(seed) - cover) / 0.25, 0, 1) ** 1.5
        patch *= np.linspace(1.0, 0.5, h, dtype=np.float32)[:, None] * strength
        shade = 0.85 + 0.15 * noise(seed + 7)[..., None]
        base = base * (1 - patch[..., None]) + np.asarray(cloud, np.float32) * shade \
            * patch[..., None]
    return np.clip(base + 0.5, 0, 255).astype(np.uint8)


# name -> (gradient stops, cloud colour, cloud cover threshold, noise seed, cloud strength)
BUILTIN_SKIES = {
    "Blue Sky (Layered)": (((0, (38, 92, 178)), (1, (165, 200, 232))), (248, 248, 252), 0.55,
                           11, 1.0),
    "Clear Blue (Layered)": (((0, (24, 70, 160)), (1, (150, 192, 236))), (0, 0, 0), 1.0, 0,
                             0.0),
    "Sunset (Layered)": (((0, (42, 48, 112)), (0.55, (200, 104, 96)), (1, (252, 186, 92))),
                         (255, 160, 120), 0.6, 23, 0.8),
    "Overcast (Layered)": (((0, (150, 156, 168)), (1, (212, 214, 218))), (232, 233, 236), 0.35,
                           5, 0.9),
}


def builtin_sky(name: str) -> np.ndarray:
    """Layered's own sky `name` ((h, w, 3) uint8), drawn on first use (0.1-0.2 s: on the
    worker, as a job names it) and kept."""
    if name not in _BUILTIN:
        _BUILTIN[name] = _sky(*BUILTIN_SKIES[name])
    return _BUILTIN[name]


def builtin_skies() -> dict[str, np.ndarray]:
    """Every built-in sky, name -> pixels."""
    return {name: builtin_sky(name) for name in BUILTIN_SKIES}


def sky_pixels(sky) -> np.ndarray:
    """A job's sky: its pixels, or a built-in sky's name drawn now."""
    return builtin_sky(sky) if isinstance(sky, str) else sky


# -- the maths ------------------------------------------------------------------------------
def placed_sky(sky: np.ndarray, width: int, height: int, horizon: int, scale: float,
               flip: bool) -> np.ndarray:
    """The new sky as a canvas-sized RGBA layer: scaled to cover the canvas's width and the
    picture's sky (down to row `horizon`), times `scale` (1..4), its bottom edge on the
    horizon and centred; below the horizon its last rows carry on (the mask hides them, but a
    shifted or faded edge may show them)."""
    sh, sw = sky.shape[:2]
    s = max(width / sw, max(horizon, 1) / sh) * max(1.0, scale)
    nw, nh = max(width, round(sw * s)), max(horizon, round(sh * s))
    scaled = cv2.resize(sky, (nw, nh), interpolation=cv2.INTER_AREA if s < 1
                        else cv2.INTER_CUBIC)
    if flip:
        scaled = scaled[:, ::-1]
    x0, y0 = (nw - width) // 2, nh - horizon   # the scaled sky's pixel at canvas (0, 0)
    rows = np.clip(np.arange(height) + y0, 0, nh - 1)
    out = np.empty((height, width, 4), np.uint8)
    out[..., :3] = scaled[rows][:, x0:x0 + width]
    out[..., 3] = 255
    return out


def sky_mask(alpha: np.ndarray, settings: SkySettings) -> np.ndarray:
    """The Sky layer's mask (uint8) from the sky's `alpha`: moved by Shift Edge, softened by
    Fade Edge. Both reach a share of the long side, so a reduced preview looks the same."""
    long_side = max(alpha.shape)
    out = shift_edge(alpha.astype(np.float32),
                     settings.shift_edge / 100 * SHIFT_REACH * long_side)
    radius = settings.fade_edge / 100 * FADE_REACH * long_side
    if radius > 0.05:
        out = feathered(out, radius)
    return np.clip(np.rint(out * 255), 0, 255).astype(np.uint8)


def horizon_row(alpha: np.ndarray) -> int:
    """The lowest row with sky in it (a quarter down at least: a sky layer needs height)."""
    rows = np.flatnonzero((alpha >= 0.5).any(axis=1))
    return max(alpha.shape[0] // 4, int(rows[-1]) + 1 if rows.size else 0)


def build_group(alpha: np.ndarray, sky: np.ndarray, settings: SkySettings) -> Group:
    """The "Sky Replacement Group" for a picture whose sky is `alpha` (float (H, W) 0..1),
    off any document: the layers named in LAYER_NAMES, canvas-sized at (0, 0)."""
    h, w = alpha.shape
    sky_layer = Layer("Sky", placed_sky(sky, w, h, horizon_row(alpha), settings.scale / 100,
                                        settings.flip))
    mask = sky_mask(alpha, settings)
    sky_layer.mask = LayerMask(mask, 0, 0, default=0)
    # Photoshop adds the sky's adjustment layers only for the sliders moved off 0.
    adjusted = []
    if settings.brightness:
        adjusted.append(AdjustmentLayer(
            "Sky Brightness", BrightnessContrast(brightness=round(settings.brightness * 1.5))))
    if settings.temperature:
        # Warmer: the midtones toward red and yellow; cooler: toward cyan and blue.
        t = round(settings.temperature * TEMPERATURE_REACH / 100)
        adjusted.append(AdjustmentLayer("Sky Temperature", ColorBalance(midtones=(t, 0, -t))))
    for layer in adjusted:
        layer.clipping = True
    # The foreground takes the sky's light: its colours blurred far beyond any detail.
    tone = cv2.resize(cv2.resize(sky_layer.pixels[..., :3], (8, 8), interpolation=cv2.INTER_AREA),
                      (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    ground = LayerMask(255 - mask, 0, 0, default=0)
    colour = Layer("Foreground Color", _opaque(tone), blend_mode="color",
                   opacity=round(settings.color / 100 * 0.5 * 255))
    colour.mask = ground
    # Multiply by the sky's colour lifted halfway to white (or Screen by it taken halfway
    # to black): the full colour would darken (or wash out) the ground far more than the
    # light of such a sky does.
    light = 255 - 0.5 * (255 - tone) if settings.lighting_mode == "multiply" else 0.5 * tone
    lighting = Layer("Foreground Lighting", _opaque(light), blend_mode=settings.lighting_mode,
                     opacity=round(settings.lighting / 100 * 255))
    lighting.mask = ground.copy()
    return Group(GROUP_NAME, [sky_layer, *adjusted, colour, lighting])


def _opaque(rgb: np.ndarray) -> np.ndarray:
    out = np.empty(rgb.shape[:2] + (4,), np.uint8)
    out[..., :3] = np.clip(np.rint(rgb), 0, 255)
    out[..., 3] = 255
    return out


def composite(picture: np.ndarray, group: Group, below: Optional[np.ndarray] = None,
              above: Optional[np.ndarray] = None) -> np.ndarray:
    """RGBA `picture` with `group` over it, as the document would show the two; for a preview,
    between flat pictures of what lies `below` and `above` them."""
    from .render import composite_document

    h, w = picture.shape[:2]
    doc = Document(w, h)
    for pixels, name in ((below, "below"), (picture, "picture")):
        if pixels is not None:
            doc.add_image(pixels, name, 0, 0)
    doc.add_layer(group)
    if above is not None:
        doc.add_image(above, "above", 0, 0)
    return composite_document(doc)


# -- the operation --------------------------------------------------------------------------
def prepare(doc: Document, sky, settings: SkySettings,
            layer: Optional[Node] = None) -> SkyJob:
    """The picture (`layer`'s pixels, or what the canvas shows) and the new sky (RGB pixels or
    a built-in sky's name), copied for the worker. DocumentError in one line when there is
    nothing to replace the sky of."""
    if isinstance(sky, str):
        if sky not in BUILTIN_SKIES:
            raise DocumentError(f"There is no built-in sky called '{sky}'.")
    elif sky is None or sky.ndim != 3 or min(sky.shape[:2]) < 2:
        raise DocumentError("Choose a sky picture first.")
    else:
        sky = np.ascontiguousarray(sky[..., :3])
    if settings.output not in OUTPUTS or settings.lighting_mode not in LIGHTING_MODES:
        raise DocumentError(f"Unknown Sky Replacement output or lighting mode: "
                            f"{settings.output}, {settings.lighting_mode}.")
    found = prepare_picture(doc, layer)
    target = layer if isinstance(layer, Layer) and not isinstance(layer, AdjustmentLayer) \
        else None
    job = SkyJob(found.picture, sky, settings, target, found.source)
    if target is not None:
        # The layers around the target, flattened (a preview's approximation, as the
        # canvas's drag preview makes it: blend modes above act on transparency).
        from .render import composite_document, composite_nodes, nodes_above

        below = composite_document(doc, below=target)
        over = [n for n in nodes_above(target) if n.visible]
        above = composite_nodes(over, doc.canvas, precise=False) if over else None
        job.below = below if below[..., 3].any() else None
        job.above = above if above is not None and above[..., 3].any() else None
    return job


def run(job: SkyJob, progress: ProgressFn = no_progress) -> Node:
    """The group (New Layers) or the merged layer (Duplicate Layer). Worker thread. Refuses,
    in one line, a picture without sky."""
    alpha = job.alpha if job.alpha is not None else sky_alpha(job.picture, progress)
    if not (alpha >= 0.5).any():
        raise DocumentError(f"No sky was found in {job.source}: Sky Replacement needs a "
                            "picture with sky at its top.")
    group = build_group(alpha, sky_pixels(job.sky), job.settings)
    if job.settings.output == "duplicate":
        return Layer(NAME, composite(job.picture, group))
    return group


def preview(job: SkyJob, max_pixels: int = PREVIEW_PIXELS) -> tuple[np.ndarray, np.ndarray]:
    """(reduced picture with the new sky RGBA, the reduced sky mask found): the dialog's
    preview, on a copy reduced to about `max_pixels`. With `job.alpha` set (a previous
    preview's mask, reduced alike) the sky is not searched again."""
    h, w = job.picture.shape[:2]
    s = min(1.0, (max_pixels / (h * w)) ** 0.5)
    size = (max(1, round(w * s)), max(1, round(h * s)))

    def small(pixels: Optional[np.ndarray]) -> Optional[np.ndarray]:
        if pixels is None or s >= 1.0:
            return pixels
        return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)

    picture = small(job.picture)
    alpha = job.alpha
    if alpha is None:
        alpha = sky_alpha(picture)
    if not (alpha >= 0.5).any():
        return picture, alpha
    group = build_group(alpha, sky_pixels(job.sky), job.settings)
    return composite(picture, group, small(job.below), small(job.above)), alpha


def apply(doc: Document, job: SkyJob, node: Node) -> Node:
    """Puts the group (or merged layer) above the target layer - at the top when the picture
    was the canvas's - as one undo step, and makes it active."""
    if (doc.height, doc.width) != job.picture.shape[:2]:
        raise DocumentError("The canvas changed size while the sky was being replaced: run "
                            "Sky Replacement again.")
    target = job.target if job.target is not None and doc.contains(job.target) else None
    if target is not None and target.parent is not None:
        doc.add_layer(node, target.parent, target.index() + 1, name=NAME)
    else:
        doc.add_layer(node, doc.root, len(doc.root.children), name=NAME)
    doc.set_active(node)
    return node

"""Select > Color Range: a soft selection of the pixels of a colour or tonal range, as
Photoshop's Color Range dialog makes it (no Qt: the dialog is `editor.ui.color_range`).

What can be selected (`ColorRange.select`):
- "sampled" - Sampled Colors: the colours clicked with the dialog's eyedroppers. Each
  sample is a colour in CIE L*a*b* (D65, sRGB); a pixel is fully selected when its
  distance to the nearest added sample (CIE76 Delta E) is at most `full_radius(F)` =
  F / 4 for Fuzziness F (0..200), and the selection falls off linearly to nothing at
  twice that distance (`outer_radius`): Photoshop's Fuzziness widens the range and
  adds partly selected (grey) pixels around it. A subtracted sample (Alt-click) takes
  away its own soft range: selected = added * (1 - subtracted). Localized Color
  Clusters weighs each sample by the pixel's distance to where it was clicked: whole
  within Range (% of the picture's longer side), falling off to nothing at 1.5x that.
- "reds" .. "magentas": Hue/Saturation's six ranges (`adjustments.HUE_RANGES`, the
  same trapezoids over the hue) times the pixel's chroma (max - min channel, 0..1):
  a saturated red is whole, a grey is never selected.
- "highlights", "midtones", "shadows": by luminosity (Rec. 601 weights, 0..255): whole
  within the tone range (`tone_range`, Photoshop's Range sliders: shadows 0..65,
  midtones 105..150, highlights 190..255 by default), falling off linearly over
  Fuzziness % of 255 levels beyond it.
- "skin" - Skin Tones: the colours whose L*a*b* hue angle and chroma lie in a skin
  locus (`SKIN_HUE`, `SKIN_CHROMA`: light to dark skin alike, not saturated oranges,
  greys or other hues), falling off over F/2 degrees and F/4 chroma beyond it. With
  Detect Faces (`detect_faces`) the faces in the picture are found (`find_faces`: the
  LBP frontal-face cascade that scikit-image ships, an OpenCV-trained classical detector;
  OpenCV 5 dropped its own CascadeClassifier and Haar files) and the locus is replaced by
  the skin found inside them (`FaceSkin`: a Gaussian of L*a*b* fitted to the face boxes'
  skin-locus pixels), so the selection keeps to this subject's own tone: whole within
  F/20 standard deviations (Mahalanobis), nothing beyond F/20 + 1.5. No face found: the
  plain locus, as without the box ticked.
Invert takes the complement. Transparent pixels are selected by their alpha at most.

`range_mask` computes it over a whole picture, once per distinct colour (`Colours`;
`bench/bench_color_range.py`: 0.17-0.42 s for a 4000x3000 photo, 0.5-0.8 s with the
undo step: the dialog's OK runs it as a job, its `progress` between the passes);
`apply_mask` puts it on the document as one undo step through `selection_ops.select_mask`
(New, Add, Subtract or, Photoshop's own rule when something is selected, Intersect:
within the selection); `apply` does both (headless use).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import numpy as np

from engine.progress import ProgressFn, no_progress

from .adjustments import HUE_RANGES
from .document import Document
from .errors import DocumentError
from .layers import Node
from .selection_ops import _sampled, select_mask

COLOURS = ("reds", "yellows", "greens", "cyans", "blues", "magentas")
TONES = ("highlights", "midtones", "shadows")
KINDS = ("sampled",) + COLOURS + TONES + ("skin",)
LABELS = {"sampled": "Sampled Colors", **{k: k.capitalize() for k in COLOURS + TONES},
          "skin": "Skin Tones"}
# Skin Tones: our own locus of skin colours in L*a*b* (Photoshop's model is not published):
# the hue angle h_ab and chroma C_ab that skin of every shade takes, measured on the
# Fitzpatrick swatches and the astronaut photo's face (h_ab 41..76, C_ab 13..49).
SKIN_HUE = (40.0, 80.0)
SKIN_CHROMA = (12.0, 50.0)
# Photoshop's defaults of the tonal ranges' Range sliders and their Fuzziness (%).
TONE_RANGES = {"shadows": (0, 65), "midtones": (105, 150), "highlights": (190, 255)}
TONE_FUZZINESS = 20.0
FUZZINESS_MAX = 200.0
LOCAL_FALLOFF = 1.5  # Localized Color Clusters: a sample reaches Range x this, softly
FACE_SIDE = 640      # Detect Faces looks at a copy this long (px): a 12 Mpx photo in ~0.2 s
FACE_MIN = 24        # ... for faces at least this big there (4 % of its longer side)
FACE_VOTES = 8       # overlapping cascade hits a face needs (4 lets hair and folds in)
FACE_SKIN_MIN = 50   # skin pixels a face must hold to fit the model to
FACE_SKIN_SHARE = 0.4  # of a face box's middle in the skin locus, or it is no face
FACE_SPREAD_FLOOR = (4.0, 1.0, 1.0)  # L*, a*, b* variance added to the faces' skin
FACE_SOFT = 1.5      # Detect Faces: standard deviations of the soft band beyond F/20


@dataclass(frozen=True)
class Sample:
    """A colour clicked with an eyedropper: where (canvas px), its L*a*b*, and whether it
    takes away (Alt) rather than adds."""
    x: int
    y: int
    lab: tuple[float, float, float]
    subtract: bool = False


@dataclass(frozen=True)
class ColorRange:
    """The dialog's settings: what `range_mask` selects."""
    select: str = "sampled"
    fuzziness: float = 40.0             # sampled: 0..200; tones: 0..100 (%)
    samples: tuple[Sample, ...] = ()
    localized: bool = False
    range_pct: float = 100.0            # Localized Color Clusters' Range (0..100 %)
    tone_range: tuple[int, int] = (0, 65)
    invert: bool = False
    detect_faces: bool = False          # Skin Tones: fitted to the faces found

    def with_sample(self, sample: Sample, mode: str) -> "ColorRange":
        """The eyedroppers: "sample" starts over from this colour, "add" (Shift) and
        "subtract" (Alt) put it beside the others."""
        if mode == "sample":
            return replace(self, samples=(replace(sample, subtract=False),))
        return replace(self, samples=self.samples + (replace(sample, subtract=mode == "subtract"),))


# -- the picture's colours ----------------------------------------------------------------------
class Colours:
    """A picture's distinct colours and, per pixel, which one it is. Every range but a
    localized one depends on a pixel's colour alone, so it is worked out once per distinct
    colour (a photo of 12 Mpx holds well under a million) and spread back by one gather:
    exact maths in float64 at a fraction of a per-pixel pass. The dialog keeps one per
    picture, so a slider move costs the weights and the gather only."""

    def __init__(self, image: np.ndarray):
        h, w = image.shape[:2]
        if image.shape[-1] == 4 and image.flags.c_contiguous and np.little_endian:
            # One 32-bit word per pixel, R in its lowest byte: the colour without alpha.
            packed = image.view(np.uint32)[..., 0] & np.uint32(0xFFFFFF)
        else:
            c = image[..., :3].astype(np.uint32)
            packed = c[..., 0] | (c[..., 1] << 8) | (c[..., 2] << 16)
        seen = np.zeros(1 << 24, bool)
        seen[packed] = True
        present = np.flatnonzero(seen).astype(np.uint32)
        number = np.zeros(1 << 24, np.int32)
        number[present] = np.arange(len(present), dtype=np.int32)
        self.index = number[packed]       # (H, W) int32: which colour the pixel is
        self.rgb = np.stack([present & 255, (present >> 8) & 255, present >> 16],
                            axis=-1).astype(np.uint8)
        alpha = image[..., 3] if image.shape[-1] == 4 else None
        self.alpha = alpha if alpha is not None and (alpha < 255).any() else None
        self.shape = (h, w)
        self._lab: Optional[np.ndarray] = None
        self._faces: Optional["FaceSkin"] = None

    def image(self) -> np.ndarray:
        """The picture's RGB again (H, W, 3) uint8."""
        return self.rgb[self.index]

    @property
    def face_skin(self) -> "FaceSkin":
        """Detect Faces' faces and skin model of this picture (found once per picture)."""
        if self._faces is None:
            self._faces = FaceSkin.of(self.image())
        return self._faces

    @property
    def lab(self) -> np.ndarray:
        if self._lab is None:
            self._lab = lab_of(self.rgb)
        return self._lab

    def spread(self, weights: np.ndarray) -> np.ndarray:
        """Per-colour weights (N,) -> per-pixel (H, W)."""
        return weights[self.index]


# -- colour maths -----------------------------------------------------------------------------
_D65 = np.array([0.950456, 1.0, 1.088754])
_SRGB_TO_XYZ = np.array([[0.412453, 0.357580, 0.180423], [0.212671, 0.715160, 0.072169],
                         [0.019334, 0.119193, 0.950227]])


_C = np.arange(256) / 255.0
_LINEAR = np.where(_C <= 0.04045, _C / 12.92, ((_C + 0.055) / 1.055) ** 2.4)


def lab_of(rgb: np.ndarray) -> np.ndarray:
    """8-bit sRGB (..., 3) -> CIE L*a*b* (D65; L 0..100), float64: the textbook formula
    (sRGB decoding, XYZ, the cube root with its linear toe)."""
    linear = _LINEAR[np.asarray(rgb, np.uint8)]  # (sRGB's decoding, one table for 256 levels)
    t = linear @ (_SRGB_TO_XYZ / _D65[:, None]).T
    d = 6 / 29
    f = np.where(t > d ** 3, np.cbrt(t), t / (3 * d * d) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


def full_radius(fuzziness: float) -> float:
    """Sampled Colors: the Delta E within which a pixel is wholly selected."""
    return max(0.0, float(fuzziness)) / 4.0


def outer_radius(fuzziness: float) -> float:
    """... and beyond which it is not selected at all (the soft band lies between)."""
    return 2.0 * full_radius(fuzziness)


def falloff(distance: np.ndarray, inner: float, outer: float) -> np.ndarray:
    """1 up to `inner`, 0 from `outer`, linear between; `outer` <= `inner`: a hard edge
    at `inner` (Fuzziness 0 selects the very colours only)."""
    if outer <= inner:
        return (np.asarray(distance) <= inner + 1e-6).astype(np.float64)
    return np.clip((outer - np.asarray(distance, np.float64)) / (outer - inner), 0, 1)


def sample_weights(lab: np.ndarray, samples, fuzziness: float) -> np.ndarray:
    """The soft range of `samples` for colours `lab` (..., 3): the falloff of the Delta E
    to the nearest sample (the falloff only drops with distance: the nearest decides)."""
    points = np.array([s.lab for s in samples], np.float64)
    d2 = ((lab[..., None, :] - points) ** 2).sum(-1).min(-1)
    return falloff(np.sqrt(d2), full_radius(fuzziness), outer_radius(fuzziness))


def local_weight(shape, sample: Sample, range_pct: float) -> tuple:
    """Localized Color Clusters: (box slices, weight) of one sample's reach around where
    it was clicked: whole within Range % of the longer side, none beyond 1.5x that."""
    h, w = shape
    reach = max(1.0, range_pct / 100.0 * max(h, w))
    far = reach * LOCAL_FALLOFF
    x0, x1 = max(0, int(sample.x - far)), min(w, int(np.ceil(sample.x + far)) + 1)
    y0, y1 = max(0, int(sample.y - far)), min(h, int(np.ceil(sample.y + far)) + 1)
    ys = np.arange(y0, y1, dtype=np.float32)[:, None] - np.float32(sample.y)
    xs = np.arange(x0, x1, dtype=np.float32)[None, :] - np.float32(sample.x)
    return (slice(y0, y1), slice(x0, x1)), falloff(np.sqrt(ys * ys + xs * xs), reach, far)


def _sampled_colours(colours: Colours, s: ColorRange) -> np.ndarray:
    """Sampled Colors with Localized Color Clusters, per pixel (H, W) float32."""
    adds = [p for p in s.samples if not p.subtract]
    subs = [p for p in s.samples if p.subtract]
    if not adds:
        return np.zeros(colours.shape, np.float32)

    def weight(group) -> np.ndarray:
        out = np.zeros(colours.shape, np.float32)
        for p in group:  # each sample only near its own point: no nearest-colour shortcut
            where, near = local_weight(colours.shape, p, s.range_pct)
            part = sample_weights(colours.lab, [p], s.fuzziness).astype(np.float32)
            part = part[colours.index[where]] * near
            np.maximum(out[where], part, out=out[where])
        return out

    selected = weight(adds)
    if subs:
        selected *= 1 - weight(subs)
    return selected


def hue_chroma(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hue (degrees 0..360, HSV's) and chroma (max - min channel, 0..1) of 8-bit RGB."""
    f = rgb.astype(np.float64)
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    high, low = f.max(-1), f.min(-1)
    chroma = high - low
    safe = np.where(chroma > 0, chroma, 1)
    hue = np.where(high == r, (g - b) / safe,
                   np.where(high == g, (b - r) / safe + 2, (r - g) / safe + 4)) * 60
    return hue % 360, chroma / 255


def hue_weight(hue: np.ndarray, corners: tuple) -> np.ndarray:
    """Hue/Saturation's trapezoid (`adjustments.HUE_RANGES` corners, degrees, wrapping)."""
    bl, tl, tr, br = corners
    h = (hue - bl) % 360
    left, top, right = (tl - bl) % 360, (tr - bl) % 360, (br - bl) % 360
    return np.interp(h, [0, left, top, right, 360], [0, 1, 1, 0, 0])


def luminosity(rgb: np.ndarray) -> np.ndarray:
    """Rec. 601 luminosity 0..255, as Curves' RGB level (`adjustments.level_of`)."""
    return rgb[..., :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114])


def colour_weights(rgb: np.ndarray, s: ColorRange) -> np.ndarray:
    """The colour and tonal ranges (not Sampled Colors) for colours `rgb` (..., 3)."""
    if s.select in COLOURS:
        hue, chroma = hue_chroma(rgb)
        return hue_weight(hue, HUE_RANGES[COLOURS.index(s.select)]) * chroma
    if s.select in TONES:
        low, high = sorted(s.tone_range)
        y = luminosity(rgb)
        # Levels outside the range (0 inside), through the same falloff as the colours.
        return falloff(np.maximum(np.maximum(low - y, y - high), 0), 0.0,
                       max(0.0, float(s.fuzziness)) / 100.0 * 255.0)
    if s.select == "skin":
        lab = lab_of(rgb)
        chroma = np.hypot(lab[..., 1], lab[..., 2])
        hue = np.degrees(np.arctan2(lab[..., 2], lab[..., 1]))
        soft = max(0.0, float(s.fuzziness))
        return (_band(hue, SKIN_HUE, soft / 2) * _band(chroma, SKIN_CHROMA, soft / 4))
    raise ValueError(f"unknown colour range {s.select!r}")


def find_faces(rgb: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The frontal faces in `rgb` (H, W, 3) uint8 as boxes (x, y, w, h) in its pixels.
    The cascade runs on a grey copy at most `FACE_SIDE` long; overlapping hits of one face
    come back as one (scikit-image merges them). Needs scikit-image (imported here: only
    Detect Faces pays for it); without it, no faces."""
    try:
        from skimage.data import lbp_frontal_face_cascade_filename
        from skimage.feature import Cascade
    except ImportError:
        return []
    import cv2

    h, w = rgb.shape[:2]
    scale = min(1.0, FACE_SIDE / max(h, w))
    small = rgb if scale >= 1.0 else cv2.resize(
        rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(np.ascontiguousarray(small[..., :3]), cv2.COLOR_RGB2GRAY)
    side = min(grey.shape)
    if side < FACE_MIN:
        return []
    cascade = Cascade(lbp_frontal_face_cascade_filename())
    hits = cascade.detect_multi_scale(img=grey.astype(np.float32) / 255, scale_factor=1.2,
                                      step_ratio=1, min_size=(FACE_MIN, FACE_MIN),
                                      max_size=(side, side), min_neighbor_number=FACE_VOTES)
    return [(int(f["c"] / scale), int(f["r"] / scale), int(f["width"] / scale),
             int(f["height"] / scale)) for f in hits]


@dataclass(frozen=True)
class FaceSkin:
    """Detect Faces' result for one picture: the face boxes and, when they held enough
    skin, the Gaussian of its L*a*b* (mean, inverse covariance)."""
    faces: tuple = ()
    mean: Optional[np.ndarray] = None
    inverse: Optional[np.ndarray] = None

    @staticmethod
    def of(rgb: np.ndarray) -> "FaceSkin":
        faces = tuple(find_faces(rgb))
        h, w = rgb.shape[:2]
        yy, xx = np.ogrid[:h, :w]
        kept, skin = [], []
        for x, y, fw, fh in faces:
            # The box's inner ellipse: cheeks, forehead, nose, not the hair or background
            # at its corners (the generic locus drops eyes, brows and lips).
            cx, cy, rx, ry = x + fw / 2, y + fh / 2, fw * 0.35, fh * 0.42
            y0, y1, x0, x1 = max(0, y), min(h, y + fh), max(0, x), min(w, x + fw)
            inside = (((xx[:, x0:x1] - cx) / rx) ** 2 + ((yy[y0:y1] - cy) / ry) ** 2) <= 1
            lab = lab_of(rgb[y0:y1, x0:x1, :3][inside])
            if not len(lab):
                continue
            chroma = np.hypot(lab[:, 1], lab[:, 2])
            hue = np.degrees(np.arctan2(lab[:, 2], lab[:, 1]))
            on = (_band(hue, SKIN_HUE, 10) * _band(chroma, SKIN_CHROMA, 5)) >= 0.5
            if on.mean() >= FACE_SKIN_SHARE:  # else a false hit (a fold, a cat): not a face
                kept.append((x, y, fw, fh))
                skin.append(lab[on])
        if not kept or sum(map(len, skin)) < FACE_SKIN_MIN:
            return FaceSkin(tuple(kept))
        skin = np.concatenate(skin)
        # A floor on the spread: a flat-lit face would otherwise select its own few colours.
        cov = np.cov(skin.T) + np.diag(FACE_SPREAD_FLOOR)
        return FaceSkin(tuple(kept), skin.mean(0), np.linalg.inv(cov))

    def weights(self, lab: np.ndarray, fuzziness: float) -> np.ndarray:
        """The skin likelihood of colours `lab` (..., 3) as a soft range: whole within
        F/20 standard deviations of the faces' skin, none beyond F/20 + `FACE_SOFT`."""
        d = lab - self.mean
        dist = np.sqrt(np.einsum("...i,ij,...j->...", d, self.inverse, d))
        inner = max(0.0, float(fuzziness)) / 20.0
        return falloff(dist, inner, inner + FACE_SOFT)


def _band(value: np.ndarray, whole: tuple[float, float], soft: float) -> np.ndarray:
    """1 on [low, high], falling off linearly over `soft` beyond either end."""
    low, high = whole
    return falloff(np.maximum(np.maximum(low - value, value - high), 0), 0.0, soft)


RANGE_STEPS = 3  # the progress steps of `range_mask`: colours, weights, the mask


def range_mask(image, settings: ColorRange, progress: ProgressFn = no_progress) -> np.ndarray:
    """The selection Color Range makes of `image` ((H, W, 3|4) uint8 straight RGBA, or its
    `Colours`): uint8 (H, W), 255 = wholly selected; Invert applied; a transparent pixel
    is selected at most as much as it is opaque. `progress` after each of `RANGE_STEPS`
    passes (it may raise Cancelled: a job's Cancel)."""
    colours = image if isinstance(image, Colours) else Colours(image)
    progress(1, RANGE_STEPS)
    s = settings
    if s.select == "sampled" and (s.localized or not any(not p.subtract for p in s.samples)):
        weights = _sampled_colours(colours, s)  # per pixel
        if s.invert:
            weights = 1 - weights
    else:  # per colour, then one gather of the final levels
        if s.select == "sampled":
            adds = [p for p in s.samples if not p.subtract]
            subs = [p for p in s.samples if p.subtract]
            per = sample_weights(colours.lab, adds, s.fuzziness)
            if subs:
                per = per * (1 - sample_weights(colours.lab, subs, s.fuzziness))
        elif s.select == "skin" and s.detect_faces and colours.face_skin.mean is not None:
            per = colours.face_skin.weights(colours.lab, s.fuzziness)
        else:
            per = colour_weights(colours.rgb, s)
        if s.invert:
            per = 1 - per
        progress(2, RANGE_STEPS)
        if colours.alpha is None:
            out = colours.spread(np.rint(per * 255).astype(np.uint8))
            progress(RANGE_STEPS, RANGE_STEPS)
            return out
        weights = colours.spread(per.astype(np.float32))
    progress(2, RANGE_STEPS)
    if colours.alpha is not None:
        weights = weights * (colours.alpha * np.float32(1 / 255))
    out = np.rint(weights * 255).astype(np.uint8)
    progress(RANGE_STEPS, RANGE_STEPS)
    return out


def sample_of(image: np.ndarray, x: int, y: int, subtract: bool = False) -> Optional[Sample]:
    """The sample of pixel (x, y) of `image` (None outside it)."""
    h, w = image.shape[:2]
    if not (0 <= x < w and 0 <= y < h):
        return None
    lab = lab_of(image[y, x, :3])
    return Sample(int(x), int(y), tuple(float(v) for v in lab), subtract)


def sampled_image(doc: Document, layer: Optional[Node]) -> np.ndarray:
    """What Color Range looks at: `layer`'s pixels, or (None) what the canvas shows -
    Photoshop's Color Range samples the composite of the visible layers."""
    return _sampled(doc, layer)


def apply_mask(doc: Document, mask: np.ndarray, op: str = "intersect") -> None:
    """Select > Color Range's result: `mask` (`range_mask` of the canvas-sized
    `sampled_image`) combined with the selection by `op` - "intersect" is Photoshop's rule
    (the range within what is selected; with nothing selected, the range alone) - one undo
    step, "Color Range"."""
    from .selection_ops import current_mask

    if mask.shape != (doc.height, doc.width):
        raise DocumentError("The canvas changed size meanwhile; run Color Range again.")
    if op == "intersect" and current_mask(doc) is None:
        op = "replace"
    select_mask(doc, mask, op, "Color Range")


def apply(doc: Document, image: np.ndarray, settings: ColorRange, op: str = "intersect") -> None:
    """Select > Color Range's OK at once (headless use): `range_mask`, then `apply_mask`."""
    apply_mask(doc, range_mask(image, settings), op)


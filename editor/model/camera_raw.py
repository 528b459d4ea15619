"""Filter > Camera Raw Filter… (Shift+Ctrl+A): the Basic panel of Adobe Camera Raw on a
layer's pixels.

An `Operation` as those of `pixel_filters.py` (registered in `more_filters.FILTERS` as
"camera_raw"), so `filter_ops` runs it (one undo step, Last Filter, Fade, the selection's
soft edge, a smart filter on a smart object) and the dialog (`camera_raw_dialog.py`)
previews it on a reduced copy through `develop`, the very function `process` runs, with its
radii scaled to the copy.

Adobe publishes none of its formulas; these are ours, each after a published idea:

- Dehaze (first: it models the picture as it came, I = J t + A (1 - t)): He, Sun and Tang's
  dark channel prior (CVPR 2009) on a copy reduced to DEHAZE_SIDE px: the dark channel is
  the smallest channel eroded over a patch of 1/40 of the copy's side, the airlight A the
  mean colour of its brightest 0.1 %, the transmission t = 1 - w dark(I / A) refined by a
  guided filter (He et al. 2010's own refinement, the picture's grey as guide), scaled back
  up (bilinear), and J = (I - A) / max(t, T_MIN) + A, w = 0.95 x Dehaze / 100. A negative
  Dehaze adds a veil of A instead: I (1 - k) + A k, k = 0.6 x |Dehaze| / 100. Needs the
  whole picture (A is global): the filter then runs unbanded over the whole layer.
- In linear light (the sRGB curve undone): White Balance as a von Kries diagonal gain
  (Temperature +100: red x 2^0.5, blue x 2^-0.5; Tint +100: green x 2^-0.4, magenta), the
  gains normalised so a grey keeps its luminance; Exposure multiplies by 2^stops.
- Shadows / Highlights as darktable's tone equalizer: a gain in stops on the pixel's linear
  colour picked by its *base* luminance B, the perceptual (sRGB-encoded) Rec. 709
  luminance smoothed by an edge-aware guided filter (`matting.guided_grey`, the one
  Shadows/Highlights uses, window BASE_RADIUS px, eps BASE_EPS): a whole dark region
  lifts together and its detail (the ratio of the pixel to its base) stays, without a
  halo across strong edges. Shadows gets SHADOW_STOPS x amount x (1 - smoothstep(B / 0.7)),
  Highlights HIGHLIGHT_STOPS x amount x smoothstep((B - 0.4) / 0.6).
- Texture and Clarity: local contrast on the perceptual luminance p. Texture adds the
  band between Gaussians of TEXTURE_SIGMAS px (fine detail, not edges or noise) x
  amount; Clarity adds p - B (the detail around the guided base, so strong edges, kept in
  the base, get no halo) x 2 x amount (x 1 below 0), weighted to the midtones (4 p (1 - p) + 0.25); -100
  Clarity gives the edge-preserving base itself (a soft, glowy look).
- Contrast, Whites, Blacks: curves on p (global, as Camera Raw's): Contrast the S curve
  about 0.5 of Shadows/Highlights' Midtone Contrast (`tone_adjustments.s_curve`), Whites
  p + 0.25 w p^4 (+100 clips more whites, -100 pulls white down to 0.75), Blacks
  p + 0.2 b (1 - p)^4.
- The new luminance goes back on the colour as a ratio in linear light (hue and
  saturation kept, as tone mapping does), then the sRGB curve again, then Vibrance and
  Saturation: the Vibrance adjustment's own formula (`adjustments.Vibrance`).

Zero settings are the identity exactly (nothing runs). Alpha stays.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .adjustments import Vibrance
from .distort_filters import WHOLE
from .pixel_filters import Operation, _mix_colours, _opaque
from .tone_adjustments import _visible_luminance, s_curve

FIELDS = ("temperature", "tint", "exposure", "contrast", "highlights", "shadows", "whites",
          "blacks", "texture", "clarity", "dehaze", "vibrance", "saturation")
BASE_RADIUS = 40        # px: the guided base of Shadows, Highlights and Clarity
BASE_EPS = 0.01         # its edges: windows whose luminance varies by more than ~0.1 keep them
TEXTURE_SIGMAS = (0.8, 4.0)  # px: Texture's band
TEXTURE_GAIN = 1.0       # Texture 100: the band once more
CLARITY_GAIN = 2.0       # Clarity 100: the detail around the base x 3 (-100: the base)
SHADOW_STOPS = 2.0      # Shadows 100 at full weight: 2 stops
HIGHLIGHT_STOPS = 1.0   # Highlights 100 at full weight: 1 stop (white to about 187)
TEMPERATURE_STOPS = 1.0  # Temperature 100: red over blue x 2^1
TINT_STOPS = 0.4        # Tint 100: green x 2^-0.4 (magenta)
DEHAZE_SIDE = 400       # px: the reduced copy the haze is estimated on
T_MIN = 0.15            # the least transmission Dehaze divides by (noise blows up below)
REC709 = np.array([0.2126, 0.7152, 0.0722], np.float32)


def to_linear(v: np.ndarray) -> np.ndarray:
    """sRGB-encoded float32 (0..1) to linear light."""
    v = np.maximum(v, 0)
    return np.where(v <= 0.04045, v * np.float32(1 / 12.92),
                    np.power((v + np.float32(0.055)) * np.float32(1 / 1.055), np.float32(2.4)))


def to_srgb(v: np.ndarray) -> np.ndarray:
    """Linear float32 (>= 0) to sRGB-encoded."""
    v = np.maximum(v, 0)
    return np.where(v <= 0.0031308, v * np.float32(12.92),
                    np.float32(1.055) * np.power(v, np.float32(1 / 2.4)) - np.float32(0.055))


_LINEAR8 = None   # uint8 level -> linear light (the sRGB curve undone), float32
_ENCODE16 = None  # linear light in 1/65535 steps -> sRGB-encoded (within 0.03 of a level)
_DECODE16 = None  # and back


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    global _LINEAR8, _ENCODE16, _DECODE16
    if _LINEAR8 is None:
        _LINEAR8 = to_linear(np.arange(256, dtype=np.float32) / np.float32(255))
        steps = np.arange(65536, dtype=np.float32) / np.float32(65535)
        _ENCODE16, _DECODE16 = to_srgb(steps), to_linear(steps)
    return _LINEAR8, _ENCODE16, _DECODE16


def _decoded(v: np.ndarray) -> np.ndarray:
    """`to_linear` of values in 0..1 through the 16-bit table (as `_encoded`)."""
    steps = np.clip(v, 0, 1) * np.float32(65535) + np.float32(0.5)
    return _tables()[2][steps.astype(np.uint16)]


def _encoded(lin: np.ndarray) -> np.ndarray:
    """Linear light (clipped to 0..1) sRGB-encoded through the 16-bit table: the power of
    `to_srgb` on every channel of a large layer took most of the filter's time."""
    steps = np.clip(lin, 0, 1) * np.float32(65535) + np.float32(0.5)
    return _tables()[1][steps.astype(np.uint16)]


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0, 1)
    return x * x * (np.float32(3) - 2 * x)


def _luminance(rgb: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.transform(np.ascontiguousarray(rgb, np.float32), REC709[None, :]).reshape(rgb.shape[:2])


@dataclass(frozen=True)
class CameraRaw(Operation):
    label: ClassVar[str] = "Camera Raw Filter"
    temperature: int = 0    # -100..100 (relative, as Camera Raw's on a JPEG)
    tint: int = 0           # -100..100
    exposure: float = 0.0   # -5..+5 stops
    contrast: int = 0       # -100..100
    highlights: int = 0
    shadows: int = 0
    whites: int = 0
    blacks: int = 0
    texture: int = 0
    clarity: int = 0
    dehaze: int = 0
    vibrance: int = 0
    saturation: int = 0

    def __post_init__(self):
        for name in FIELDS:
            v = getattr(self, name)
            low, high = (-5, 5) if name == "exposure" else (-100, 100)
            if not low <= v <= high:
                raise ValueError(f"Camera Raw's {name} is {low}..{high}, not {v}")

    def is_identity(self) -> bool:
        return all(getattr(self, name) == 0 for name in FIELDS)

    def based(self) -> bool:
        """Whether the guided base is needed (the local tone sliders)."""
        return bool(self.shadows or self.highlights or self.clarity)

    def reach(self) -> int:
        if self.dehaze:
            return WHOLE
        return local_reach(self, 1.0)

    def banded(self) -> bool:
        # Dehaze: the airlight and transmission are the whole picture's. The guided base:
        # OpenCV's box windows sum in float32 along the rows read, so a band's crop changed
        # a level here and there (0.1 % of the pixels): it runs whole too.
        return not (self.dehaze or self.based())

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        if self.is_identity():
            return old.copy()
        new = develop(self, src, 1.0)[inner.slices()]
        return _mix_colours(old, new * np.float32(255), coverage)


def local_reach(op: CameraRaw, scale: float) -> int:
    """How far the local sliders read around a pixel at `scale` (pixels)."""
    reach = 0
    if op.based():
        reach = 2 * _base_radius(scale) + 2  # (the guided filter's two box windows)
    if op.texture:
        reach = max(reach, _texture_half(scale) + 1)
    return reach


def _base_radius(scale: float) -> int:
    return max(1, round(BASE_RADIUS * scale))


def _texture_half(scale: float) -> int:
    return int(math.ceil(3 * TEXTURE_SIGMAS[1] * scale))


def dehaze(rgb: np.ndarray, amount: float) -> np.ndarray:
    """`rgb` (float32 0..1, encoded) with its haze taken out (amount > 0, up to 1) or a veil
    added (amount < 0): He et al.'s dark channel prior on a reduced copy."""
    import cv2

    from engine.methods.decompose_steps.matting import guided_grey

    h, w = rgb.shape[:2]
    f = min(1.0, DEHAZE_SIDE / max(h, w))
    small = rgb if f >= 1 else cv2.resize(rgb, (max(1, round(w * f)), max(1, round(h * f))),
                                          interpolation=cv2.INTER_AREA)
    patch = max(3, (max(small.shape[:2]) // 40) | 1)
    kernel = np.ones((patch, patch), np.uint8)
    dark = cv2.erode(small.min(axis=2), kernel)
    top = max(1, dark.size // 1000)
    brightest = np.argpartition(dark.ravel(), -top)[-top:]
    airlight = np.maximum(small.reshape(-1, 3)[brightest].mean(axis=0), 0.05).astype(np.float32)
    if amount < 0:  # a veil of the airlight
        k = np.float32(0.6 * -amount)
        return rgb * (1 - k) + airlight * k
    omega = np.float32(0.95 * amount)
    t = 1 - omega * cv2.erode((small / airlight).min(axis=2), kernel)
    grey = np.ascontiguousarray(small.mean(axis=2), np.float32)
    t = guided_grey(grey, np.ascontiguousarray(t, np.float32), 2 * patch, 1e-3)
    if t.shape != (h, w):
        t = cv2.resize(t, (w, h), interpolation=cv2.INTER_LINEAR)
    t = np.maximum(t, np.float32(T_MIN))[..., None]
    return np.clip((rgb - airlight) / t + airlight, 0, 1)


def develop(op: CameraRaw, src: np.ndarray, scale: float) -> np.ndarray:
    """The Basic panel's settings on straight RGBA `src` (uint8, the crop the filter reads):
    float32 RGB 0..1 of the same size. `scale`: the size of `src` against the layer (the
    dialog's reduced preview), by which the local radii shrink."""
    import cv2

    if op.dehaze:
        rgb = src[..., :3].astype(np.float32) * np.float32(1 / 255)
        lin = _decoded(dehaze(rgb, op.dehaze / 100))
    else:
        lin = _tables()[0][src[..., :3]]
    if op.temperature or op.tint:
        t, g = op.temperature / 100, op.tint / 100
        gains = np.array([2 ** (0.5 * TEMPERATURE_STOPS * t), 2 ** (-TINT_STOPS * g),
                          2 ** (-0.5 * TEMPERATURE_STOPS * t)], np.float32)
        lin = lin * (gains / np.float32(REC709 @ gains))
    if op.exposure:
        lin = lin * np.float32(2 ** op.exposure)
    tonal = (op.contrast, op.highlights, op.shadows, op.whites, op.blacks, op.texture,
             op.clarity)
    if any(tonal):
        y = _luminance(lin)
        p = to_srgb(y)
        one = np.float32(1)
        base = None
        if op.based():
            seen = np.minimum(p, one)
            if not _opaque(src):  # the colour under alpha 0 never shades a neighbour's base
                seen = _visible_luminance(seen, src[..., 3], _base_radius(scale))
            from engine.methods.decompose_steps.matting import guided_grey

            base = np.clip(guided_grey(seen, seen, _base_radius(scale), BASE_EPS), 0, 1)
        if op.shadows or op.highlights:
            stops = np.zeros_like(p)
            if op.shadows:
                stops += np.float32(SHADOW_STOPS * op.shadows / 100) * (one - _smoothstep(base / np.float32(0.7)))
            if op.highlights:
                stops += np.float32(HIGHLIGHT_STOPS * op.highlights / 100) * _smoothstep((base - np.float32(0.4)) / np.float32(0.6))
            q = to_srgb(y * np.exp2(stops))
        else:
            q = p
        if op.texture:
            s1, s2 = (max(0.3, s * scale) for s in TEXTURE_SIGMAS)
            half = _texture_half(scale)
            k = (2 * half + 1, 2 * half + 1)
            band = cv2.GaussianBlur(p, k, s1, borderType=cv2.BORDER_REPLICATE) - \
                cv2.GaussianBlur(p, k, s2, borderType=cv2.BORDER_REPLICATE)
            q = q + np.float32(TEXTURE_GAIN * op.texture / 100) * band
        if op.clarity:
            mid = np.float32(4) * np.clip(q, 0, 1) * (one - np.clip(q, 0, 1)) + np.float32(0.25)
            gain = CLARITY_GAIN if op.clarity > 0 else 1.0
            q = q + np.float32(gain * op.clarity / 100) * np.minimum(mid, one) * (np.minimum(p, one) - base)
        q = np.clip(q, 0, 1)
        if op.contrast:
            q = s_curve(q, op.contrast)
        if op.whites:
            q = q + np.float32(0.25 * op.whites / 100) * q ** 4
        if op.blacks:
            q = q + np.float32(0.2 * op.blacks / 100) * (one - q) ** 4
        y_new = _decoded(q)
        eps = np.float32(1e-4)  # (a black pixel takes the new luminance as grey)
        lin = (lin + eps) * ((y_new + eps) / (y + eps))[..., None] - eps
    out = _encoded(lin)
    if op.vibrance or op.saturation:
        out = Vibrance(vibrance=int(op.vibrance), saturation=int(op.saturation)).apply(out)
    return np.clip(out, 0, 1)


def preview(op: CameraRaw, small: np.ndarray, scale: float) -> np.ndarray:
    """The dialog's picture: straight RGBA `small` (the layer reduced by `scale`) through
    `op`, uint8 RGBA (alpha kept)."""
    out = small.copy()
    if not op.is_identity():
        out[..., :3] = np.clip(develop(op, small, scale) * 255 + 0.5, 0, 255).astype(np.uint8)
    return out


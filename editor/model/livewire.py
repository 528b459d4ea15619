"""Magnetic outlines (the Magnetic Lasso): paths that cling to the strongest edges of a
picture, found by OpenCV's Intelligent Scissors (livewire: the cheapest path from a
fastening point to the pointer, where running along an edge is cheap).

A map of cheapest paths over a whole 2000x1500 picture takes one to three seconds on a
shared 2-core machine, far too long for the GUI thread. The tool mostly needs paths near
the pointer, so a map covers a window round the last fastening point: built when a point
is fastened (or the pointer leaves the window), tens of milliseconds, then read back at
each mouse move in microseconds. A path longer than a window holds (a click far from the
last point, closing the outline, a view zoomed far out) is found on a copy of the picture
reduced to fit one window, then followed at full size a short window at a time. The
picture itself is taken once per outline.

Qt-free: coordinates are pixel (x, y) pairs; a pixel's centre is at (x + 0.5, y + 0.5)
on the canvas."""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

Point = tuple[int, int]
MAX_WINDOW = 250_000  # pixels in one map: ~70 ms to build on the shared 2-core machine
STEP = 48  # px: a long path is followed at full size from one waypoint to the next


def edge_picture(rgba: np.ndarray) -> np.ndarray:
    """The RGB picture whose edges an outline follows: `rgba` over mid grey, so that where
    a layer turns transparent is an edge whatever the colour of its pixels."""
    alpha = rgba[..., 3:4]
    if alpha.min() == 255:  # (an opaque picture: its colours as they are, quickly)
        return np.ascontiguousarray(rgba[..., :3])
    a = alpha.astype(np.uint16)
    rgb = (rgba[..., :3] * a + 128 * (255 - a) + 127) // 255
    return np.ascontiguousarray(rgb.astype(np.uint8))


def edge_strength(picture: np.ndarray) -> np.ndarray:
    """How strong an edge each pixel is on: the step in levels (0..255) across it, the
    largest over the channels (a Sobel gradient scaled so a sharp step of h levels reads h)."""
    import cv2

    wide = picture.astype(np.float32)
    gx = cv2.Sobel(wide, cv2.CV_32F, 1, 0, ksize=3, borderType=cv2.BORDER_REPLICATE)
    gy = cv2.Sobel(wide, cv2.CV_32F, 0, 1, ksize=3, borderType=cv2.BORDER_REPLICATE)
    magnitude = np.sqrt(gx * gx + gy * gy) / 4.0
    return magnitude.max(axis=-1) if magnitude.ndim == 3 else magnitude


class Livewire:
    """Edge-following paths in one picture (`edge_picture`). `contrast` (percent, as
    Photoshop's option): steps smaller than this share of the 0..255 range are not edges."""

    def __init__(self, picture: np.ndarray, contrast: float = 10.0):
        self.picture = picture
        self.height, self.width = picture.shape[:2]
        self.contrast = float(contrast)
        self._scissors = None
        self._source: Optional[Point] = None
        self._window: Optional[tuple[int, int, int, int]] = None  # x0, y0, x1, y1
        self._coarse: dict[int, "Livewire"] = {}  # reduced copies, by factor
        self.builds = 0  # maps built (the tests and the benchmark count them)

    @property
    def threshold(self) -> float:
        """The smallest step, in levels, that counts as an edge."""
        return max(1.0, self.contrast / 100.0 * 255.0)

    def clamp(self, x: float, y: float) -> Point:
        """The picture's pixel under canvas point (x, y) (the nearest one, outside it)."""
        return (min(max(int(np.floor(x)), 0), self.width - 1),
                min(max(int(np.floor(y)), 0), self.height - 1))

    def edge_near(self, x: float, y: float, radius: float) -> Point:
        """Photoshop's Width: the pixel on the strongest edge within `radius` px of canvas
        point (x, y), the nearer one of two alike; the pixel under the point itself when no
        edge there reaches the contrast."""
        cx, cy = self.clamp(x, y)
        r = max(0, int(round(radius)))
        x0, y0 = max(cx - r - 1, 0), max(cy - r - 1, 0)
        x1, y1 = min(cx + r + 2, self.width), min(cy + r + 2, self.height)
        strength = edge_strength(self.picture[y0:y1, x0:x1])
        yy, xx = np.mgrid[y0:y1, x0:x1]
        distance = np.hypot(xx - cx, yy - cy)
        strength[distance > r] = 0
        # A slight pull towards the pointer: of two edges alike, the nearer one.
        score = strength * (1.0 - 0.25 * distance / (r + 1))
        best = np.unravel_index(int(np.argmax(score)), score.shape)
        if strength[best] < self.threshold:
            return cx, cy
        return int(xx[best]), int(yy[best])

    def path(self, source: Point, target: Point, reach: int, exact: bool = True,
             coarse: int = 1) -> np.ndarray:
        """The cheapest path along edges from pixel `source` to pixel `target`: (n, 2)
        int32 pixels, both ends included. The map from `source` covers `reach` px round
        it (and `target`); it is kept while later targets stay inside it.

        Beyond what one map may cover, or with `coarse` (2 or more: the view shows that
        many pixels per screen pixel), the path is found on a copy reduced that many
        times; `exact` then follows it at full size, else the reduced path's pixels,
        scaled back, are a preview (as fine as the screen shows)."""
        if coarse < 2 and not self._covers(source, target):
            window = self._window_for(source, target, reach)
            area = (window[2] - window[0]) * (window[3] - window[1])
            if area > MAX_WINDOW:
                coarse = int(math.ceil(math.sqrt(area / MAX_WINDOW)))
            else:
                self._build(source, window)
        if coarse >= 2:
            route = self._route(source, target, reach, coarse)
            return self._followed(route, coarse) if exact else route
        x0, y0 = self._window[:2]
        local = self._scissors.getContour((target[0] - x0, target[1] - y0))
        return (np.asarray(local, np.int32).reshape(-1, 2) + (x0, y0)).astype(np.int32)

    def _route(self, source: Point, target: Point, reach: int, factor: int) -> np.ndarray:
        """The path on the picture reduced `factor` times, scaled back, its ends exact."""
        coarse = self._coarser(factor)
        route = coarse.path(coarse.clamp(source[0] / factor, source[1] / factor),
                            coarse.clamp(target[0] / factor, target[1] / factor),
                            max(16, reach // factor)) * factor + factor // 2
        route = np.minimum(route, (self.width - 1, self.height - 1))
        return np.concatenate([[source], route[1:-1], [target]]).astype(np.int32)

    def _followed(self, route: np.ndarray, factor: int) -> np.ndarray:
        """A reduced path (`_route`) followed at full size: waypoints every STEP px along
        it, each put back on the strongest edge near it, joined by short paths."""
        source, target = (int(route[0][0]), int(route[0][1])), (int(route[-1][0]), int(route[-1][1]))
        stride = max(1, STEP // factor)
        waypoints = [self.edge_near(x + 0.5, y + 0.5, factor) for x, y in route[stride:-1:stride]]
        points = [source] + [p for p in waypoints if p not in (source, target)] + [target]
        parts = [np.array([source], np.int32)]
        for a, b in zip(points, points[1:]):
            parts.append(self.path(a, b, STEP // 2)[1:])
        return np.concatenate(parts)

    def _coarser(self, factor: int) -> "Livewire":
        """The picture reduced `factor` times (kept for the outline), at this contrast."""
        import cv2

        coarse = self._coarse.get(factor)
        if coarse is None:
            size = (max(1, self.width // factor), max(1, self.height // factor))
            coarse = Livewire(cv2.resize(self.picture, size, interpolation=cv2.INTER_AREA))
            self._coarse[factor] = coarse
        coarse.contrast = self.contrast
        return coarse

    def _covers(self, source: Point, target: Point) -> bool:
        if self._source != source or self._window is None:
            return False
        x0, y0, x1, y1 = self._window
        margin = 4  # a path hugging the window's edge may have been cut short
        inside_x = (x0 + margin <= target[0] or x0 == 0) and (target[0] < x1 - margin or x1 == self.width)
        inside_y = (y0 + margin <= target[1] or y0 == 0) and (target[1] < y1 - margin or y1 == self.height)
        return inside_x and inside_y

    def _window_for(self, source: Point, target: Point, reach: int) -> tuple[int, int, int, int]:
        """The window a map from `source` covers: `reach` round it, and `target` with a
        margin."""
        reach = max(16, int(reach))
        pad = max(16, reach // 2)
        return (max(0, min(source[0] - reach, target[0] - pad)),
                max(0, min(source[1] - reach, target[1] - pad)),
                min(self.width, max(source[0] + reach, target[0] + pad) + 1),
                min(self.height, max(source[1] + reach, target[1] + pad) + 1))

    def _build(self, source: Point, window: tuple[int, int, int, int]) -> None:
        import cv2

        x0, y0, x1, y1 = window
        scissors = cv2.segmentation.IntelligentScissorsMB()
        # Canny's hysteresis on the Sobel step (4 x levels for a sharp step): steps under
        # the contrast are no edge, half of it only where they continue a stronger one.
        t = self.threshold * 4.0
        scissors.setEdgeFeatureCannyParameters(t / 2.0, t)
        # A fixed ceiling rather than the window's strongest edge: a faint edge stays
        # faint beside a logo in one window and alone in the next.
        scissors.setGradientMagnitudeMaxLimit(max(2.0 * t, 64.0))
        scissors.applyImage(np.ascontiguousarray(self.picture[y0:y1, x0:x1]))
        scissors.buildMap((source[0] - x0, source[1] - y0))
        self._scissors, self._source, self._window = scissors, source, (x0, y0, x1, y1)
        self.builds += 1

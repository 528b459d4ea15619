"""Objects in real photographs (scikit-image's) with hand-drawn truth, for the box-proposed mask.

The synthetic decomposition bench pastes objects with known alpha onto photos;
these are the photos' own objects, as a user boxes them: the coffee cup on its
saucer, the space-shuttle model behind the astronaut, the astronaut herself, the
Falcon rocket, a coin. Each truth is drawn by hand from the picture as
polygons and ellipses (image coordinates, x then y), not from any segmenter;
`ignore` marks parts whose answer is a matter of taste (the shuttle model's
stand, the rocket's launch tower) and a band of `EDGE_BAND` pixels along the
drawn outline (hand-drawn outlines are a few pixels off). Scores skip both.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from ..box import Box

EDGE_BAND = 3


@dataclass(frozen=True)
class RealObject:
    name: str
    photo: str                      # a scikit-image data function
    box: Box                        # what the user draws around the object
    polygons: tuple = ()            # truth: union of polygons ((x, y), ...)
    ellipses: tuple = ()            # and ellipses ((cx, cy), (ax, ay), angle)
    ignore: tuple = field(default=())  # polygons scored neither way

    def image(self) -> np.ndarray:
        from skimage import data

        img = getattr(data, self.photo)()
        return np.dstack([img] * 3) if img.ndim == 2 else img[..., :3]

    def truth(self, shape: tuple) -> tuple[np.ndarray, np.ndarray]:
        """(object, scored): the truth mask and where it is scored, both (H, W) bool."""
        obj = np.zeros(shape[:2], np.uint8)
        for poly in self.polygons:
            cv2.fillPoly(obj, [np.array(poly, np.int32)], 1)
        for centre, axes, angle in self.ellipses:
            cv2.ellipse(obj, centre, axes, angle, 0, 360, 1, -1)
        skip = np.zeros_like(obj)
        for poly in self.ignore:
            cv2.fillPoly(skip, [np.array(poly, np.int32)], 1)
        k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * EDGE_BAND + 1,) * 2)
        skip |= cv2.dilate(obj, k) & ~cv2.erode(obj, k) & 1
        return obj > 0, skip == 0


def iou(mask: np.ndarray, obj: np.ndarray, scored: np.ndarray) -> float:
    """Intersection over union of `mask` and the truth `obj`, over the `scored` pixels."""
    inter = (mask & obj & scored).sum()
    union = ((mask | obj) & scored).sum()
    return float(inter / max(union, 1))


CASES = (
    RealObject(
        "coffee cup", "coffee", Box.from_corners(62, 4, 496, 398),
        ellipses=(((278, 232), (202, 158), 0), ((290, 113), (118, 95), 0)),
        polygons=(((398, 80), (408, 66), (423, 68), (420, 100), (410, 130)),),
    ),
    RealObject(
        "shuttle model", "astronaut", Box.from_corners(346, 0, 464, 270),
        polygons=(((400, 0), (437, 0), (440, 40), (447, 40), (452, 50), (452, 190), (456, 200),
                   (456, 228), (448, 232), (446, 262), (436, 262), (432, 235), (420, 235),
                   (418, 245), (404, 245), (400, 235), (388, 238), (378, 262), (368, 262),
                   (368, 232), (354, 228), (354, 218), (372, 190), (378, 180), (380, 50),
                   (386, 42), (394, 44), (398, 50), (400, 40)),),
        ignore=(((360, 235), (464, 235), (464, 270), (360, 270)),),
    ),
    RealObject(
        "astronaut", "astronaut", Box.from_corners(12, 6, 512, 512),
        polygons=(((233, 15), (260, 18), (287, 43), (300, 67), (302, 87), (297, 110), (280, 130),
                   (270, 135), (262, 160), (257, 175), (280, 193), (297, 213), (303, 233),
                   (313, 240), (333, 253), (347, 277), (357, 305), (362, 340), (380, 345),
                   (425, 350), (460, 365), (487, 395), (500, 425), (500, 460), (512, 470),
                   (512, 512), (22, 512), (25, 460), (20, 410), (22, 370), (27, 330), (37, 300),
                   (45, 270), (60, 235), (100, 207), (113, 200), (120, 187), (137, 167),
                   (160, 150), (183, 152), (180, 130), (173, 123), (160, 110), (153, 87),
                   (155, 62), (170, 40), (200, 25)),),
    ),
    RealObject(
        "falcon rocket", "rocket", Box.from_corners(304, 120, 341, 410),
        polygons=(((310, 178), (310, 150), (313, 138), (318, 130), (322, 127), (326, 128),
                   (331, 136), (334, 150), (334, 178), (331, 182), (331, 405), (313, 405),
                   (313, 182)),),
        # the launch tower's arms beside the body
        ignore=(((300, 180), (313, 180), (313, 410), (300, 410)),
                ((331, 180), (345, 180), (345, 410), (331, 410))),
    ),
)

# Not a boxed object (so not in CASES): the astronaut's face skin (forehead below the hair
# to the chin) and neck down to the black collar, marked on a 3x enlargement, for
# Select > Color Range > Skin Tones (bench/bench_skin_tones.py). Eyes, brows and the
# smile lie inside: a skin selection leaving them out loses a few per cent of IoU.
ASTRONAUT_SKIN = RealObject(
    "astronaut's skin", "astronaut", Box.from_corners(185, 80, 267, 181),
    polygons=(((193, 92), (205, 82), (230, 80), (255, 82), (263, 92), (266, 110), (265, 130),
               (260, 150), (258, 165), (258, 178), (235, 180), (210, 180), (188, 178),
               (186, 160), (186, 140), (185, 120), (186, 105)),),
)

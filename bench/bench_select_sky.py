"""Select > Sky on scikit-image photos with hand-drawn sky truth, and on photos without sky:
IoU per photo, the share of a sky-less photo that gets selected, CPU seconds, and a grid
of the selections to look at.

    python bench/bench_select_sky.py [--grid OUT.png] [--scale S] [--replace]

Each photo runs the whole command (`editor.model.select_sky`: prepare, the worker's run,
the undo step) on a one-layer document, the photo enlarged by `--scale` (default 2, about
1 MP as a phone picture reduced). Truth is drawn by hand on the original photo as polygons
(x, y): the sky, less what stands in it (`holes`); `ignore` marks parts whose answer is a
matter of taste (lattice towers the sky shows through, the horizon's haze of lights, small
buildings and trees) and a band of `real_objects.EDGE_BAND` px along the drawn outline
(hand-drawn outlines are a few pixels off): scores skip both. IoU is of the selection at
50 %. Photos without sky have no truth: the figure is the share of the picture selected
(should be about 0). CPU seconds are this process's (both cores' work counts).

With --replace, Edit > Sky Replacement (`editor.model.sky_replace`, New Layers, the built-in
Sunset sky) is timed on the photos with sky too: the dialog's first preview, a next one, OK.

The rocket's sky is a dusk sky, dark navy at the top; the camera's an overcast grey in a
grey-level photo.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from editor.model import select_sky, selection_ops  # noqa: E402
from editor.model.document import Document  # noqa: E402
from engine.testing.real_objects import EDGE_BAND, iou  # noqa: E402

# Skies that are not blue or grey: Layered's built-in skies put into a photo's sky by its
# truth (hard-edged: the truth is exact there) - name: (photo, built-in sky).
PUT_IN = {"camera+sunset": ("camera", "Sunset (Layered)"),
          "camera+clouds": ("camera", "Blue Sky (Layered)"),
          "rocket+overcast": ("rocket", "Overcast (Layered)")}


# name: (sky polygons, holes in them, ignored polygons); None: no sky in the photo.
TRUTH = {
    "rocket": (
        (((0, 0), (639, 0), (639, 372), (0, 372)),),
        (((309, 427), (309, 150), (315, 133), (322, 125), (329, 133), (335, 150),
          (335, 427)),),
        (((0, 0), (92, 0), (92, 426), (0, 426)), ((555, 0), (639, 0), (639, 426), (555, 426)),
         ((168, 118), (208, 118), (208, 426), (168, 426)),
         ((438, 118), (480, 118), (480, 426), (438, 426)),
         ((0, 355), (639, 355), (639, 385), (0, 385)),
         ((285, 340), (365, 340), (365, 426), (285, 426))),
    ),
    "camera": (
        (((0, 0), (511, 0), (511, 178), (475, 178), (470, 163), (450, 163), (447, 178),
          (432, 178), (432, 127), (428, 117), (420, 117), (412, 127), (412, 170), (400, 167),
          (370, 165), (340, 168), (325, 168), (325, 140), (262, 140), (270, 120), (270, 110),
          (250, 80), (220, 65), (190, 70), (165, 85), (160, 100), (150, 107), (130, 115),
          (90, 130), (55, 155), (45, 178), (0, 178)),),
        (),
        (((330, 158), (511, 158), (511, 190), (330, 190)), ((0, 168), (55, 168), (55, 190),
                                                             (0, 190)),
         ((255, 132), (335, 132), (335, 175), (255, 175))),
    ),
    **{name: () for name in PUT_IN},   # (their photo's truth)
    "coffee": None, "chelsea": None, "astronaut": None, "grass": None, "coins": None,
    "page": None, "text": None, "moon": None, "hubble_deep_field": None,
    "immunohistochemistry": None, "brick": None, "retina": None, "gravel": None,
}


def photo(name: str) -> np.ndarray:
    import skimage.data

    if name in PUT_IN:
        from editor.model.sky_replace import builtin_skies, horizon_row, placed_sky

        base, which = PUT_IN[name]
        rgb = photo(base)
        sky, _ = truth(name, rgb.shape)
        h, w = sky.shape
        new = placed_sky(builtin_skies()[which], w, h, horizon_row(sky), 1.0, False)
        return np.where(sky[..., None], new[..., :3], rgb)
    img = getattr(skimage.data, name)()
    return np.dstack([img] * 3) if img.ndim == 2 else img[..., :3]


def truth(name: str, shape) -> tuple[np.ndarray, np.ndarray]:
    """(sky, scored), bool (H, W), on the original photo."""
    polygons, holes, ignore = TRUTH[PUT_IN[name][0] if name in PUT_IN else name]
    sky = np.zeros(shape[:2], np.uint8)
    for poly in polygons:
        cv2.fillPoly(sky, [np.array(poly, np.int32)], 1)
    for poly in holes:
        cv2.fillPoly(sky, [np.array(poly, np.int32)], 0)
    skip = np.zeros_like(sky)
    for poly in ignore:
        cv2.fillPoly(skip, [np.array(poly, np.int32)], 1)
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * EDGE_BAND + 1,) * 2)
    skip |= cv2.dilate(sky, k) & ~cv2.erode(sky, k) & 1
    return sky > 0, skip == 0


def select(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    """Select > Sky on a one-layer document of `rgb`: (selection uint8, CPU s)."""
    h, w = rgb.shape[:2]
    doc = Document(w, h)
    doc.add_image(np.dstack([rgb, np.full((h, w), 255, np.uint8)]), "photo", 0, 0)
    start = time.process_time()
    prepared = select_sky.prepare(doc, doc.active)
    select_sky.apply(doc, select_sky.run(prepared))
    chosen = selection_ops.current_mask(doc)
    cpu = time.process_time() - start
    return (np.zeros((h, w), np.uint8) if chosen is None else chosen), cpu


def time_replacement(rgb: np.ndarray) -> str:
    """Edit > Sky Replacement's seconds (wall clock) on `rgb`: the dialog's first preview (the
    sky searched on the reduced copy), a next preview (a slider moved), the OK job (New
    Layers: the sky searched at full size, the group built)."""
    from dataclasses import replace

    from editor.model import sky_replace as sr

    h, w = rgb.shape[:2]
    doc = Document(w, h)
    doc.add_image(np.dstack([rgb, np.full((h, w), 255, np.uint8)]), "photo", 0, 0)
    job = sr.prepare(doc, "Sunset (Layered)", sr.SkySettings(), doc.active)
    times = []
    start = time.perf_counter()
    _, alpha = sr.preview(job)
    times.append(time.perf_counter() - start)
    start = time.perf_counter()
    sr.preview(replace(job, alpha=alpha, settings=sr.SkySettings(brightness=20)))
    times.append(time.perf_counter() - start)
    start = time.perf_counter()
    sr.apply(doc, job, sr.run(job))
    times.append(time.perf_counter() - start)
    return "first preview {:.2f} s, next {:.2f} s, OK {:.2f} s".format(*times)


def tinted(rgb: np.ndarray, mask: np.ndarray, height: int = 200) -> np.ndarray:
    a = mask.astype(np.float32)[..., None] / (255.0 if mask.dtype == np.uint8 else 1.0)
    view = rgb.astype(np.float32)
    view = view * a + (0.3 * view + 0.7 * np.array([200, 40, 20], np.float32)) * (1 - a)
    h, w = rgb.shape[:2]
    return cv2.resize(np.clip(view, 0, 255).astype(np.uint8), (round(w * height / h), height),
                      interpolation=cv2.INTER_AREA)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", default="select_sky_grid.png")
    parser.add_argument("--scale", type=float, default=2.0)
    parser.add_argument("--replace", action="store_true",
                        help="also time Edit > Sky Replacement on the photos with sky")
    args = parser.parse_args()
    print(f"{'photo':16s} {'size':>10s} {'IoU':>7s} {'selected':>9s} {'CPU s':>7s}")
    rows, scores = [], []
    for name in TRUTH:
        rgb = photo(name)
        if args.scale != 1:
            rgb = cv2.resize(rgb, None, fx=args.scale, fy=args.scale,
                             interpolation=cv2.INTER_CUBIC)
        h, w = rgb.shape[:2]
        chosen, cpu = select(rgb)
        share = float((chosen >= 128).mean())
        score = "-"
        sky = np.zeros((h, w), bool)
        if TRUTH[name] is not None:
            small_sky, scored = truth(name, photo(name).shape)
            sky, scored = (cv2.resize(m.astype(np.uint8), (w, h),
                                      interpolation=cv2.INTER_NEAREST) > 0
                           for m in (small_sky, scored))
            scores.append(iou(chosen >= 128, sky, scored))
            score = f"{scores[-1]:.3f}"
        print(f"{name:16s} {w:>4d}x{h:<5d} {score:>7s} {share:9.3f} {cpu:7.2f}", flush=True)
        if args.replace and TRUTH[name] is not None:
            print(f"{'':16s} Sky Replacement: {time_replacement(rgb)}", flush=True)
        gap = np.full((200, 6, 3), 255, np.uint8)
        rows.append(np.hstack([tinted(rgb, chosen), gap, tinted(rgb, sky)]))
    print(f"mean IoU of the photos with sky: {np.mean(scores):.3f}")
    width = max(r.shape[1] for r in rows)
    rows = [np.pad(r, ((0, 6), (0, width - r.shape[1]), (0, 0)), constant_values=255)
            for r in rows]
    cv2.imwrite(args.grid, np.vstack(rows)[..., ::-1])
    print(f"grid (selection, truth; not selected tinted red): {args.grid}")


if __name__ == "__main__":
    main()

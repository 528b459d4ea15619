"""A synthetic layered world: backgrounds, lit objects with shadows and reflections, captions.

The built-in model is trained on scenes this module makes (no downloads):

* backgrounds: random crops of scikit-image's sample photographs (flipped,
  colour-jittered; grey textures tinted) and procedural rooms (a wall over a
  floor: plain, checkered in perspective, planks), outdoor gradients and
  studio backdrops;
* one object per scene, of six shapes (sphere, cube, cylinder, cone, torus,
  star) in ten named colours, shaded by a light direction (ambient + diffuse
  + specular), drawn 4x supersampled and area-averaged;
* the object's effects, in the foreground layer as translucent pixels: its
  shadow, cast on the ground away from the light, and on glossy floors its
  reflection;
* a caption: "a red sphere", "a small blue cube", "a large yellow ball".

Two renderings of the effects, as BFS's two training stages need (paper
sec. 4):

* stage 1 ("crude"): a hard shadow at a fixed offset (down-right, whatever the
  light), uniform opacity; reflections of uniform strength. Layered and
  exact, but not realistic - like the paper's simulated shadows;
* stage 2 ("real"): the silhouette projected on the ground away from the
  light, softening and fading with distance, plus a contact shadow;
  reflections that fade and blur. Stage-2 training samples keep only what
  unlayered data has (background, composite, box, caption); the held-out
  split keeps the ground-truth layers for evaluation.

Every sample is drawn from its own generator seeded by (seed, split, index),
so a sample does not depend on how many others are written, and layers
recomposite exactly: the composite is the 8-bit foreground over the 8-bit
background, rounded once.

Output, in the layout `engine.training.data` reads:

    OUT/stage1/<i>/   background.png foreground.png composite.png mask.png caption.txt
    OUT/stage2/<i>/   background.png composite.png mask.png caption.txt
    OUT/heldout/<i>/  the stage-1 files (stage-2 rendering) + object.png (the object's own
                      alpha, without effects) + meta.json (shape, colour, size, light)
    OUT/contact_sheet.png

    python -m engine.training.world OUT --count 2000 [--heldout 200] [--size 128] [--seed 0]
"""
from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

from engine.compose import over, to_float, to_uint8

SHAPES = ("sphere", "cube", "cylinder", "cone", "torus", "star")
# Words a caption may use for a shape (the first is the shape's own name).
SHAPE_WORDS = {"sphere": ("sphere", "ball"), "cube": ("cube", "box"), "cylinder": ("cylinder",),
               "cone": ("cone",), "torus": ("torus", "ring", "donut"), "star": ("star",)}
COLOURS = {
    "red": (0.86, 0.12, 0.10), "orange": (0.96, 0.50, 0.08), "yellow": (0.95, 0.85, 0.15),
    "green": (0.15, 0.62, 0.20), "cyan": (0.10, 0.74, 0.80), "blue": (0.12, 0.25, 0.86),
    "purple": (0.50, 0.18, 0.70), "pink": (0.96, 0.52, 0.72), "white": (0.93, 0.93, 0.91),
    "brown": (0.48, 0.28, 0.13),
}
SIZES = {"small": (0.06, 0.085), "": (0.09, 0.13), "large": (0.14, 0.17)}  # half-width / scene side
ARTICLES = ("a", "an", "the")
SPLITS = {"stage1": 1, "stage2": 2, "heldout": 3}
SUPERSAMPLE = 4


def vocabulary() -> list[str]:
    """Every word a caption of this world can contain."""
    words = set(ARTICLES) | {s for s in SIZES if s} | set(COLOURS)
    for names in SHAPE_WORDS.values():
        words.update(names)
    return sorted(words)


@dataclass
class Meta:
    shape: str
    colour: str
    size: str
    caption: str
    light: tuple[float, float, float]   # towards the light: x right, y up, z to the viewer
    background: str                     # "photo:<name>", "room", "outdoor", "studio"
    glossy: bool
    box: tuple[int, int, int, int]      # x, y, w, h in scene pixels


@dataclass
class Scene:
    background: np.ndarray   # (S, S, 3) uint8
    foreground: np.ndarray   # (S, S, 4) uint8 straight RGBA: object + effects
    object_alpha: np.ndarray  # (S, S) uint8: the object alone
    composite: np.ndarray    # (S, S, 3) uint8
    mask: np.ndarray         # (S, S) uint8 box mask, 255 inside
    meta: Meta


def make_scene(seed: int, split: str, index: int, size: int = 128) -> Scene:
    """The scene `index` of `split`: stage-1 scenes get crude effects, the others realistic ones."""
    rng = np.random.default_rng([seed, SPLITS[split], index])
    background, kind, horizon, glossy = _background(rng, size)
    shape = SHAPES[rng.integers(len(SHAPES))]
    colour = list(COLOURS)[rng.integers(len(COLOURS))]
    size_word = ("small", "", "", "large")[rng.integers(4)]
    word = SHAPE_WORDS[shape][rng.integers(len(SHAPE_WORDS[shape]))]
    caption = " ".join(w for w in ("a", size_word, colour, word) if w)
    light = _light(rng)
    lo, hi = SIZES[size_word]
    radius = rng.uniform(lo, hi) * size
    base_lo = max(horizon + 0.12, 0.5) if horizon is not None else 0.55
    base_y = rng.uniform(base_lo, 0.9) * size
    centre_x = rng.uniform(0.25, 0.75) * size
    obj_rgb, obj_a = _render_object(rng, shape, np.array(COLOURS[colour]), light, centre_x, base_y, radius, size)
    crude = split == "stage1"
    effects_rgb, effects_a = _effects(rng, obj_rgb, obj_a, light, base_y, radius, glossy, crude)
    # Object over its effects, straight alpha, then 8-bit once.
    alpha = obj_a + effects_a * (1 - obj_a)
    premultiplied = obj_rgb * obj_a[..., None] + effects_rgb * (effects_a * (1 - obj_a))[..., None]
    rgb = np.where(alpha[..., None] > 0, premultiplied / np.maximum(alpha[..., None], 1e-8), 0.0)
    foreground = to_uint8(np.dstack([rgb, alpha]))
    foreground[foreground[..., 3] == 0, :3] = 0
    composite = recomposite(foreground, background)
    box = _box(rng, obj_a, size)
    mask = np.zeros((size, size), np.uint8)
    mask[box[1]:box[1] + box[3], box[0]:box[0] + box[2]] = 255
    meta = Meta(shape=shape, colour=colour, size=size_word or "medium", caption=caption,
                light=tuple(float(v) for v in light), background=kind, glossy=glossy,
                box=tuple(int(v) for v in box))
    return Scene(background, foreground, to_uint8(obj_a), composite, mask, meta)


def recomposite(foreground: np.ndarray, background: np.ndarray) -> np.ndarray:
    """8-bit straight RGBA over 8-bit RGB, rounded: how every composite of this world is made."""
    return to_uint8(over(to_float(foreground), to_float(background)))


def write_scene(scene: Scene, folder: Path, split: str) -> None:
    """Writes one sample folder; it appears whole or not at all (written aside, then renamed)."""
    import shutil

    final, folder = folder, folder.with_name(folder.name + ".tmp")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    Image.fromarray(scene.background).save(folder / "background.png")
    Image.fromarray(scene.composite).save(folder / "composite.png")
    Image.fromarray(scene.mask).save(folder / "mask.png")
    (folder / "caption.txt").write_text(scene.meta.caption + "\n", encoding="utf-8")
    if split != "stage2":
        Image.fromarray(scene.foreground, "RGBA").save(folder / "foreground.png")
    if split == "heldout":
        Image.fromarray(scene.object_alpha).save(folder / "object.png")
        (folder / "meta.json").write_text(json.dumps(asdict(scene.meta), indent=1) + "\n")
    folder.rename(final)


def write_world(out: str | Path, count: int, heldout: int = 200, size: int = 128, seed: int = 0,
                progress=None) -> dict[str, Path]:
    """Writes `count` stage-1 and stage-2 samples and `heldout` held-out ones; returns the folders.

    Samples already on disk are kept (their content is fixed by seed, split
    and index), so an interrupted run continues where it stopped.
    """
    out = Path(out)
    folders = {}
    for split, n in (("stage1", count), ("stage2", count), ("heldout", heldout)):
        folders[split] = out / split
        for i in range(n):
            folder = out / split / f"{i:05d}"
            if not folder.is_dir():
                write_scene(make_scene(seed, split, i, size), folder, split)
            if progress is not None:
                progress(split, i + 1, n)
    return folders


def contact_sheet(scenes: list[Scene], columns: int = 2) -> np.ndarray:
    """(background | foreground on grey checks | composite | box) per scene, `columns` scenes a row."""
    tiles = []
    for scene in scenes:
        s = scene.background.shape[0]
        yy, xx = np.mgrid[0:s, 0:s]
        checks = np.where(((yy // 8 + xx // 8) % 2)[..., None] == 0, 0.78, 0.6).repeat(3, axis=-1)
        layer = to_uint8(over(to_float(scene.foreground), checks.astype(np.float32)))
        boxed = scene.composite.copy()
        x, y, w, h = scene.meta.box
        boxed[y:y + h, [x, x + w - 1]] = (255, 255, 0)
        boxed[[y, y + h - 1], x:x + w] = (255, 255, 0)
        row = np.concatenate([scene.background, layer, scene.composite, boxed], axis=1)
        tiles.append(np.pad(row, ((2, 2), (2, 2), (0, 0)), constant_values=255))
    tiles += [np.full_like(tiles[0], 255)] * (-len(tiles) % columns)
    rows = [np.concatenate(tiles[i:i + columns], axis=1) for i in range(0, len(tiles), columns)]
    return np.concatenate(rows, axis=0)


# ---- backgrounds

_PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "stereo_motorcycle", "immunohistochemistry",
           "hubble_deep_field", "retina")
_TEXTURES = ("brick", "grass", "gravel", "camera", "moon")


@lru_cache(maxsize=None)
def _photo(name: str) -> np.ndarray:
    import skimage.data

    image = getattr(skimage.data, name)()
    if isinstance(image, tuple):  # stereo_motorcycle: (left, right, disparity)
        image = image[0]
    image = np.asarray(image)
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=-1)
    return np.ascontiguousarray(image[..., :3].astype(np.uint8))


def _background(rng: np.random.Generator, size: int):
    """(S, S, 3) uint8, its kind, the horizon (fraction of the height, or None) and whether the floor is glossy."""
    kind = ("photo", "photo", "texture", "room", "room", "outdoor", "studio")[rng.integers(7)]
    if kind in ("photo", "texture"):
        names = _PHOTOS if kind == "photo" else _TEXTURES
        name = names[rng.integers(len(names))]
        image = _crop(rng, _photo(name), size)
        if kind == "texture":
            image = image * rng.uniform(0.4, 1.0, 3)
        return to_uint8(_jitter(rng, image)), f"photo:{name}", None, False
    yy, xx = (np.mgrid[0:size, 0:size] + 0.5) / size
    noise = _smooth_noise(rng, size, 6)[..., None] * 0.06
    if kind == "studio":
        top, bottom = rng.uniform(0.3, 0.95, 3), rng.uniform(0.2, 0.9, 3)
        t = np.clip((yy - 0.3) / 0.6, 0, 1)[..., None]
        image = top * (1 - t) + bottom * t
        image *= 1 - 0.25 * ((xx - 0.5) ** 2 + (yy - 0.5) ** 2)[..., None]
        return to_uint8(np.clip(image + noise, 0, 1)), "studio", 0.45, rng.random() < 0.3
    horizon = rng.uniform(0.25, 0.5)
    above = yy < horizon
    if kind == "outdoor":
        sky_top, sky_low = rng.uniform([0.2, 0.4, 0.7], [0.5, 0.7, 1.0]), rng.uniform([0.7, 0.75, 0.8], [0.95, 0.95, 1.0])
        t = (yy / horizon)[..., None]
        sky = sky_top * (1 - t) + sky_low * t
        ground_colour = rng.uniform([0.25, 0.3, 0.1], [0.6, 0.6, 0.35])
        ground = ground_colour * (0.8 + 0.4 * ((yy - horizon) / (1 - horizon)))[..., None]
        ground = ground + _smooth_noise(rng, size, 24)[..., None] * 0.08
        image = np.where(above[..., None], sky, ground)
        return to_uint8(np.clip(image + noise, 0, 1)), "outdoor", horizon, False
    # room: a wall over a floor
    wall = rng.uniform(0.35, 0.95, 3) * (0.85 + 0.15 * yy[..., None] / horizon)
    if rng.random() < 0.4:  # wallpaper stripes
        wall = wall * (1 - 0.07 * (np.sin(xx * rng.uniform(30, 80)) > 0))[..., None]
    depth = np.maximum(yy - horizon, 1e-3)
    u = (xx - 0.5) / depth  # floor coordinates under a perspective camera
    v = 1 / depth
    floor_colour, other = rng.uniform(0.2, 0.9, 3), rng.uniform(0.1, 0.9, 3)
    pattern = rng.integers(3)
    if pattern == 0:
        floor = np.broadcast_to(floor_colour, (size, size, 3)).copy()
    elif pattern == 1:
        f = rng.uniform(0.12, 0.3)
        checker = ((np.floor(u * f) + np.floor(v * f * 0.5)) % 2)[..., None]
        floor = floor_colour * checker + other * (1 - checker)
    else:
        plank = (np.floor(u * rng.uniform(0.2, 0.5)) % 2)[..., None]
        floor = floor_colour * (0.85 + 0.15 * plank)
    floor = floor * (0.75 + 0.35 * ((yy - horizon) / (1 - horizon)))[..., None]
    image = np.where(above[..., None], wall, floor)
    return to_uint8(np.clip(image + noise, 0, 1)), "room", horizon, rng.random() < 0.45


def _crop(rng, image: np.ndarray, size: int) -> np.ndarray:
    h, w = image.shape[:2]
    side = int(min(h, w) * rng.uniform(0.35, 1.0))
    y, x = rng.integers(0, h - side + 1), rng.integers(0, w - side + 1)
    crop = image[y:y + side, x:x + side]
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    pil = Image.fromarray(np.ascontiguousarray(crop)).resize((size, size), Image.Resampling.BICUBIC)
    return to_float(np.asarray(pil))


def _jitter(rng, image: np.ndarray) -> np.ndarray:
    """Brightness, contrast, saturation and a small per-channel gain (hue/white-balance shift)."""
    grey = image.mean(axis=-1, keepdims=True)
    image = grey + (image - grey) * rng.uniform(0.6, 1.3)
    image = (image - image.mean()) * rng.uniform(0.75, 1.2) + image.mean()
    image = image * rng.uniform(0.75, 1.15) * rng.uniform(0.92, 1.08, 3)
    return np.clip(image, 0, 1)


def _smooth_noise(rng, size: int, cells: int) -> np.ndarray:
    coarse = rng.standard_normal((cells, cells)).astype(np.float32)
    return np.asarray(Image.fromarray(coarse).resize((size, size), Image.Resampling.BICUBIC))


# ---- objects

def _light(rng) -> np.ndarray:
    """A unit vector towards the light: from the left or right, above, somewhat in front."""
    side = rng.choice((-1.0, 1.0)) * rng.uniform(0.45, 0.95)
    vector = np.array([side, rng.uniform(0.5, 1.0), rng.uniform(0.3, 0.8)])
    return vector / np.linalg.norm(vector)


def _render_object(rng, shape: str, colour: np.ndarray, light: np.ndarray, cx: float, base_y: float,
                   radius: float, size: int):
    """Straight RGB (S, S, 3) and coverage (S, S) of the shaded object, area-averaged from 4x."""
    ss = SUPERSAMPLE
    # Only the region the object can occupy is rendered (shapes reach 3 radii above the base).
    x0, x1 = max(0, int(cx - 2 * radius)), min(size, int(np.ceil(cx + 2 * radius)) + 1)
    y0, y1 = max(0, int(base_y - 3.2 * radius)), min(size, int(np.ceil(base_y + radius)) + 1)
    yy, xx = np.mgrid[y0 * ss:y1 * ss, x0 * ss:x1 * ss]
    yy, xx = (yy + 0.5) / ss, (xx + 0.5) / ss  # pixel-unit coordinates of the sub-samples
    cover, normal = _SHAPE_FUNCS[shape](rng, xx, yy, cx, base_y, radius)
    normal = normal / np.linalg.norm(normal, axis=-1, keepdims=True)
    diffuse = np.clip((normal * light).sum(-1), 0, 1)
    half = light + np.array([0.0, 0.0, 1.0])
    half /= np.linalg.norm(half)
    gloss = rng.uniform(0.15, 0.5)
    specular = gloss * np.clip((normal * half).sum(-1), 0, 1) ** 24
    rgb = colour * (0.32 + 0.72 * diffuse)[..., None] + specular[..., None]
    rgb = np.clip(rgb, 0, 1) * cover[..., None]
    # Area-average premultiplied colour and coverage.
    h, w = y1 - y0, x1 - x0
    cover_small = np.zeros((size, size), np.float32)
    premultiplied = np.zeros((size, size, 3), np.float32)
    cover_small[y0:y1, x0:x1] = cover.reshape(h, ss, w, ss).mean(axis=(1, 3))
    premultiplied[y0:y1, x0:x1] = rgb.reshape(h, ss, w, ss, 3).mean(axis=(1, 3))
    straight = np.where(cover_small[..., None] > 0, premultiplied / np.maximum(cover_small[..., None], 1e-8), 0)
    return straight.astype(np.float32), cover_small


def _sphere(rng, xx, yy, cx, by, r):
    cy = by - r
    dx, dy = (xx - cx) / r, (cy - yy) / r
    d2 = dx ** 2 + dy ** 2
    cover = (d2 < 1).astype(np.float32)
    normal = np.stack([dx, dy, np.sqrt(np.clip(1 - d2, 0, 1))], axis=-1)
    return cover, normal


def _cube(rng, xx, yy, cx, by, r):
    import cv2

    a, d = r * 0.85, r * rng.uniform(0.35, 0.6)
    side = rng.choice((-1.0, 1.0))  # which side face shows
    ss = SUPERSAMPLE
    origin = np.array([xx[0, 0], yy[0, 0]]) - 0.5 / ss  # the region's top-left corner, pixel units
    front = np.array([[cx - a, by - 2 * a], [cx + a, by - 2 * a], [cx + a, by], [cx - a, by]])
    top = np.array([[cx - a, by - 2 * a], [cx + a, by - 2 * a], [cx + a + side * d, by - 2 * a - d],
                    [cx - a + side * d, by - 2 * a - d]])
    edge = cx + side * a
    flank = np.array([[edge, by], [edge, by - 2 * a], [edge + side * d, by - 2 * a - d], [edge + side * d, by - d]])
    normal = np.zeros(xx.shape + (3,), np.float32)
    cover = np.zeros(xx.shape, np.float32)
    for poly, face_normal in ((flank, (side, 0.05, 0.35)), (top, (0.0, 1.0, 0.3)), (front, (0.0, 0.05, 1.0))):
        face = np.zeros(xx.shape, np.uint8)
        cv2.fillPoly(face, [np.round((poly - origin) * ss).astype(np.int32)], 1)
        inside = face.astype(bool)
        normal[inside] = face_normal
        cover[inside] = 1
    normal[cover == 0] = (0, 0, 1)
    return cover, normal


def _cylinder(rng, xx, yy, cx, by, r):
    a = r * 0.8
    e = a * rng.uniform(0.25, 0.4)
    h = r * rng.uniform(1.6, 2.4)
    u = (xx - cx) / a
    top_y = by - h
    body = (np.abs(u) < 1) & (yy > top_y) & (yy < by)
    bottom = (u ** 2 + ((yy - by) / e) ** 2 < 1)
    lid = (u ** 2 + ((yy - top_y) / e) ** 2 < 1)
    cover = (body | bottom | lid).astype(np.float32)
    side = np.stack([u, np.zeros_like(u), np.sqrt(np.clip(1 - u ** 2, 0, 1))], axis=-1)
    normal = np.where(lid[..., None], np.array([0.0, 1.0, 0.35]), side)
    return cover, normal


def _cone(rng, xx, yy, cx, by, r):
    a = r * 0.85
    e = a * rng.uniform(0.2, 0.35)
    h = r * rng.uniform(2.0, 2.6)
    t = np.clip((yy - (by - h)) / h, 0, 1)  # 0 at the apex, 1 at the base
    half = a * t
    u = (xx - cx) / np.maximum(half, 1e-6)
    body = (np.abs(u) < 1) & (yy > by - h) & (yy < by)
    bottom = ((xx - cx) / a) ** 2 + ((yy - by) / e) ** 2 < 1
    cover = (body | bottom).astype(np.float32)
    u = np.clip(np.where(bottom & ~body, (xx - cx) / a, u), -1, 1)
    slope = a / h
    normal = np.stack([u, np.full_like(u, slope), np.sqrt(np.clip(1 - u ** 2, 0, 1))], axis=-1)
    return cover, normal


def _torus(rng, xx, yy, cx, by, r):
    tube = r * rng.uniform(0.28, 0.4)
    major = r - tube
    cy = by - r
    dx, dy = xx - cx, cy - yy
    dist = np.hypot(dx, dy)
    s = (dist - major) / tube
    cover = (np.abs(s) < 1).astype(np.float32)
    radial = np.stack([dx, dy], axis=-1) / np.maximum(dist, 1e-6)[..., None]
    normal = np.concatenate([radial * s[..., None], np.sqrt(np.clip(1 - s ** 2, 0, 1))[..., None]], axis=-1)
    return cover, normal


def _star(rng, xx, yy, cx, by, r):
    import cv2

    outer = r * 1.05
    cy = by - outer * 0.81  # the two lower points touch the ground
    angles = -np.pi / 2 + np.arange(10) * np.pi / 5 + rng.uniform(-0.08, 0.08)
    radii = np.where(np.arange(10) % 2 == 0, outer, outer * 0.45)
    points = np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], axis=-1)
    ss = SUPERSAMPLE
    origin = np.array([xx[0, 0], yy[0, 0]]) - 0.5 / ss
    face = np.zeros(xx.shape, np.uint8)
    cv2.fillPoly(face, [np.round((points - origin) * ss).astype(np.int32)], 1)
    # A bevelled star: each of the ten facets leans outwards along its own direction.
    theta = np.arctan2(yy - cy, xx - cx)
    facet = np.floor((theta + np.pi / 2) / (np.pi / 5) + 0.5) * (np.pi / 5) - np.pi / 2
    normal = np.stack([0.6 * np.cos(facet), -0.6 * np.sin(facet), np.ones_like(facet)], axis=-1)
    return face.astype(np.float32), normal


_SHAPE_FUNCS = {"sphere": _sphere, "cube": _cube, "cylinder": _cylinder, "cone": _cone, "torus": _torus,
                "star": _star}


# ---- effects: shadow and reflection

def _effects(rng, obj_rgb, obj_a, light, base_y: float, radius: float, glossy: bool, crude: bool):
    """RGB and alpha of the object's shadow (+ reflection on glossy floors), straight, (S, S, .)."""
    import cv2

    size = obj_a.shape[0]
    opacity = rng.uniform(0.45, 0.7) * (0.6 if glossy else 1.0)
    if crude:
        # Stage 1: a hard drop shadow at a fixed offset, whatever the light.
        dx, dy = int(round(radius * 0.45)), int(round(radius * 0.2))
        shadow = np.zeros_like(obj_a)
        shadow[dy:, dx:] = obj_a[:size - dy, :size - dx]
        shadow = (shadow > 0.5).astype(np.float32) * opacity
    else:
        # Stage 2: the silhouette projected on the ground plane away from the light:
        # a point at height h above the base line lands at (x + kx h, base - ky h).
        kx = -light[0] / max(light[1], 0.3) * rng.uniform(1.0, 1.5)
        ky = rng.uniform(0.2, 0.45)
        matrix = np.float32([[1, -kx, kx * base_y], [0, ky, base_y * (1 - ky)]])
        cast = cv2.warpAffine(obj_a, matrix, (size, size), flags=cv2.INTER_LINEAR)
        near = cv2.GaussianBlur(cast, (0, 0), max(0.6, radius * 0.04))
        far = cv2.GaussianBlur(cast, (0, 0), max(1.0, radius * 0.18))
        yy, xx = np.mgrid[0:size, 0:size]
        ys, xs = np.nonzero(obj_a > 0.5)
        foot_x = xs.mean() if len(xs) else size / 2
        distance = np.hypot((xx - foot_x) / max(radius, 1), (yy - base_y) / max(radius * ky, 1))
        w = np.clip(distance / 3.0, 0, 1)
        shadow = (near * (1 - w) + far * w) * opacity * (1 - 0.5 * w)
        contact = np.exp(-(((xx - foot_x) / (radius * 0.9)) ** 2 + ((yy - base_y) / (radius * 0.18)) ** 2))
        shadow = np.clip(np.maximum(shadow, contact * min(0.8, opacity + 0.15)), 0, 1)
    rgb = np.zeros(obj_a.shape + (3,), np.float32)
    alpha = shadow.astype(np.float32)
    if glossy:
        rows = np.arange(size)
        source = np.clip(np.round(2 * base_y - rows).astype(int), 0, size - 1)  # mirror about the base line
        mirror_a = obj_a[source] * (rows[:, None] > base_y)
        mirror_rgb = obj_rgb[source] * 0.85
        strength = rng.uniform(0.3, 0.5)
        if crude:
            fade = np.full(size, strength)
        else:
            fade = strength * np.clip(1 - (rows - base_y) / (1.6 * radius), 0, 1)
            mirror_a = cv2.GaussianBlur(mirror_a.astype(np.float32), (0, 0), 0.8)
        reflection = mirror_a * fade[:, None]
        # Reflection over shadow, straight alpha.
        new_alpha = reflection + alpha * (1 - reflection)
        premultiplied = mirror_rgb * reflection[..., None]
        rgb = np.where(new_alpha[..., None] > 0, premultiplied / np.maximum(new_alpha[..., None], 1e-8), 0)
        alpha = new_alpha
    return rgb.astype(np.float32), np.clip(alpha, 0, 1).astype(np.float32)


def _box(rng, obj_a: np.ndarray, size: int) -> tuple[int, int, int, int]:
    """The object's bounding box (its effects may reach outside, as in BFS), a few pixels looser."""
    ys, xs = np.nonzero(obj_a > 0.05)
    pad = rng.integers(0, 4, 4)
    x0, y0 = max(0, xs.min() - pad[0]), max(0, ys.min() - pad[1])
    x1, y1 = min(size, xs.max() + 1 + pad[2]), min(size, ys.max() + 1 + pad[3])
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


# ---- command line

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="folder to write stage1/, stage2/, heldout/ and contact_sheet.png into")
    parser.add_argument("--count", type=int, default=2000, help="samples per training stage")
    parser.add_argument("--heldout", type=int, default=200, help="held-out samples with ground-truth layers")
    parser.add_argument("--size", type=int, default=128, help="scene side in pixels")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.count < 1 or args.heldout < 0 or args.size < 32:
        import sys

        print("error: --count must be >= 1, --heldout >= 0 and --size >= 32", file=sys.stderr)
        return 2
    from tqdm.auto import tqdm

    bars: dict[str, tqdm] = {}

    def progress(split, done, total):
        bar = bars.get(split) or bars.setdefault(split, tqdm(total=total, desc=split))
        bar.update(done - bar.n)

    write_world(args.out, args.count, args.heldout, args.size, args.seed, progress)
    for bar in bars.values():
        bar.close()
    # Left column: stage-1 scenes (crude effects); right: held-out scenes (stage-2 rendering).
    shown = [make_scene(args.seed, split, i, args.size) for i in range(8) for split in ("stage1", "heldout")]
    sheet = Path(args.out) / "contact_sheet.png"
    Image.fromarray(contact_sheet(shown)).save(sheet)
    print(f"wrote {args.count} + {args.count} + {args.heldout} samples and {sheet}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

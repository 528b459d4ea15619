"""Filter > Render > Lighting Effects: the layer lit by lights of three kinds, Phong-shaded.

Each light is a `Light` (a plain tuple, so an action can record it), in canvas pixels, so a
band of rows or a selection sees the same light there as the whole canvas would:

- Spot: an ellipse of light on the surface, centred at (x, y); its major semi-axis `radius`
  points towards the light (`angle`, degrees counter-clockwise from the right, as Photoshop
  measures angles), its minor one is `minor`. The light comes from that side at the
  elevation whose cone makes such an ellipse (sin(elevation) = minor / radius: a round
  spot shines straight down). Full inside `hotspot` % of the ellipse, fading (smoothstep)
  to nothing at its rim.
- Point (Photoshop's Omni): a bulb at (x, y), `radius` / 2 above the surface, its light
  fading to nothing `radius` pixels away.
- Infinite (Directional): the same direction everywhere (`angle`, `elevation`); (x, y) is
  only where the dialog draws its handle.

Intensity is -100..100 (25: a light straight down doubles the colour; negative lights take
light away),
the colour the light's. The surface's normals come from a texture channel (None, Red,
Green, Blue or the layer's transparency) as a height map (Height 0..100, white high unless
`white_high` is off): central differences, the layer's edge pixels repeated.

Shading (Phong): colour x (ambient + sum of light x max(N.L, 0)) + specular, the specular
sum of light x max(N.H, 0)^shininess (H half-way between the light and the viewer straight
above), Gloss (-100 matte .. 100 shiny) its sharpness and strength, Metallic (-100 plastic:
the light's colour .. 100: the surface's colour) its tint; Ambience (-100..100, with its
colour) the light everywhere; Exposure (-100..100) two stops down or up. Photoshop's own
formulas are not published; these follow its dialog's settings and their names. Alpha
stays (it lights pixels, it adds none).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from engine.box import Box

from .pixel_filters import Operation, _mix_colours

KINDS = ("spot", "point", "infinite")
TEXTURES = ("none", "red", "green", "blue", "alpha")
RELIEF = 40.0       # Height 100: a channel's full range over one pixel tilts ~88 degrees
INTENSITY_UNIT = 25.0  # the intensity whose light, straight down, doubles a colour


class Light(NamedTuple):
    kind: str = "spot"
    x: float = 0.0
    y: float = 0.0
    angle: float = 90.0      # degrees: the side the light comes from (spot, infinite)
    elevation: float = 45.0  # degrees above the surface (infinite)
    radius: float = 100.0    # px: spot's major semi-axis, point's reach
    minor: float = 60.0      # px: spot's minor semi-axis
    intensity: float = 35.0  # -100..100
    hotspot: float = 50.0    # % of the spot's ellipse fully lit
    colour: tuple = (255, 255, 255)

    def checked(self) -> "Light":
        """This light made whole from a recorded tuple, or a ValueError in one line."""
        if self.kind not in KINDS:
            raise ValueError(f"a light is {', '.join(KINDS)}, not {self.kind!r}")
        colour = tuple(int(c) for c in self.colour)
        if len(colour) != 3:
            raise ValueError("a light's colour is three values 0..255")
        return self._replace(colour=colour, radius=max(1.0, float(self.radius)),
                             minor=min(max(1.0, float(self.minor)), max(1.0, float(self.radius))),
                             intensity=float(np.clip(self.intensity, -100, 100)),
                             hotspot=float(np.clip(self.hotspot, 0, 100)),
                             elevation=float(np.clip(self.elevation, 1, 90)))

    def towards(self) -> tuple[float, float]:
        """The unit canvas direction (x right, y down) to the side the light comes from."""
        a = math.radians(self.angle)
        return math.cos(a), -math.sin(a)


def _smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0, 1)
    return t * t * (np.float32(3) - np.float32(2) * t)


def light_field(light: Light, where) -> tuple[np.ndarray, tuple]:
    """The light's strength (float32 (h, w), 0..1, before intensity and colour) on canvas box
    `where`, and its direction to the light: an (lx, ly, lz) of arrays or numbers."""
    x = np.arange(where.x, where.x + where.w, dtype=np.float32)[None, :] + np.float32(0.5)
    y = np.arange(where.y, where.y + where.h, dtype=np.float32)[:, None] + np.float32(0.5)
    dx, dy = x - np.float32(light.x), y - np.float32(light.y)
    if light.kind == "infinite":
        e, (ux, uy) = math.radians(light.elevation), light.towards()
        return (np.ones((where.h, where.w), np.float32),
                (ux * math.cos(e), uy * math.cos(e), math.sin(e)))
    if light.kind == "point":
        r = np.float32(light.radius)
        d2 = (dx * dx + dy * dy) / (r * r)
        strength = np.clip(np.float32(1) - d2, 0, 1) ** 2
        h = r * np.float32(0.5)
        norm = np.float32(1) / np.sqrt(dx * dx + dy * dy + h * h)
        return strength, (-dx * norm, -dy * norm, h * norm)
    # spot: elliptical distance, 1 at the rim
    ux, uy = light.towards()
    along = (dx * np.float32(ux) + dy * np.float32(uy)) / np.float32(light.radius)
    across = (dy * np.float32(ux) - dx * np.float32(uy)) / np.float32(light.minor)
    d = np.sqrt(along * along + across * across)
    hot = light.hotspot / 100
    strength = _smoothstep((np.float32(1) - d) / np.float32(max(1 - hot, 1e-3)))
    e = math.asin(min(1.0, light.minor / light.radius))
    return strength, (ux * math.cos(e), uy * math.cos(e), math.sin(e))


def footprint(light: Light, where):
    """The part of canvas box `where` that `light` reaches (an infinite light: all of it)."""
    if light.kind == "infinite":
        return where
    if light.kind == "point":
        ex = ey = light.radius
    else:  # the rotated ellipse's bounding box
        a = math.radians(light.angle)
        ex = math.hypot(light.radius * math.cos(a), light.minor * math.sin(a))
        ey = math.hypot(light.radius * math.sin(a), light.minor * math.cos(a))
    x0, y0 = math.floor(light.x - ex) - 1, math.floor(light.y - ey) - 1
    x1, y1 = math.ceil(light.x + ex) + 1, math.ceil(light.y + ey) + 1
    return Box(x0, y0, x1 - x0, y1 - y0).intersect(where)


def height_map(src: np.ndarray, texture: str, white_high: bool) -> np.ndarray:
    """float32 0..1 heights of `src`'s pixels by the texture channel."""
    channel = src[..., {"red": 0, "green": 1, "blue": 2, "alpha": 3}[texture]]
    h = channel.astype(np.float32) * np.float32(1 / 255)
    return h if white_high else np.float32(1) - h


def normals(src: np.ndarray, inner, texture: str, height: float, white_high: bool):
    """The surface normals (nx, ny, nz) on `inner` of `src`, from the texture channel's
    central differences (the pixels beyond `src` taken as its edge's)."""
    relief = np.pad(height_map(src, texture, white_high), 1, mode="edge")
    y0, x0 = inner.y + 1, inner.x + 1
    rows, cols = slice(y0, y0 + inner.h), slice(x0, x0 + inner.w)
    scale = np.float32(height / 100 * RELIEF / 2)
    gx = (relief[rows, x0 + 1:x0 + 1 + inner.w] - relief[rows, x0 - 1:x0 - 1 + inner.w]) * scale
    gy = (relief[y0 + 1:y0 + 1 + inner.h, cols] - relief[y0 - 1:y0 - 1 + inner.h, cols]) * scale
    norm = np.float32(1) / np.sqrt(gx * gx + gy * gy + np.float32(1))
    return -gx * norm, -gy * norm, norm


@dataclass(frozen=True)
class LightingEffects(Operation):
    label: ClassVar[str] = "Lighting Effects"
    lights: tuple = ()
    exposure: int = 0       # -100..100
    gloss: int = 0          # -100 matte .. 100 shiny
    metallic: int = 0       # -100 plastic .. 100 metallic
    ambience: int = 8       # -100..100
    ambient_colour: tuple = (255, 255, 255)
    texture: str = "none"   # TEXTURES
    height: int = 50        # 0..100
    white_high: bool = True

    def __post_init__(self):
        if self.texture not in TEXTURES:
            raise ValueError(f"the texture is {', '.join(TEXTURES)}, not {self.texture!r}")
        object.__setattr__(self, "lights", tuple(Light(*light).checked()
                                                 for light in self.lights))
        object.__setattr__(self, "ambient_colour", tuple(int(c) for c in self.ambient_colour))

    def reach(self) -> int:
        return 1 if self.bumpy() else 0

    def bumpy(self) -> bool:
        return self.texture != "none" and self.height > 0

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        if self.bumpy():
            nx, ny, nz = normals(src, inner, self.texture, self.height, self.white_high)
        else:
            nx = ny = np.float32(0)
            nz = np.float32(1)
        gloss = (self.gloss + 100) / 200                    # 0..1
        shininess = np.float32(2 ** (1 + 7 * gloss))        # 2..256
        strength = np.float32(0.1 + 0.9 * gloss)
        metal = np.float32((self.metallic + 100) / 200)
        level = (self.ambience + 100) / 200 * 0.6           # 8 (the default): 0.32
        diffuse = np.zeros(old.shape[:2] + (3,), np.float32)
        diffuse += np.float32(level) * np.float32(self.ambient_colour) / np.float32(255)
        specular = np.zeros_like(diffuse)
        for light in self.lights:
            part = footprint(light, where)
            if not light.intensity or part.is_empty():
                continue
            # Only the box the light reaches (a spot or a bulb lights a small part).
            at = part.translate(-where.x, -where.y).slices()
            n = [v[at] if np.ndim(v) else v for v in (nx, ny, nz)]
            field, (lx, ly, lz) = light_field(light, part)
            lit = np.maximum(n[0] * lx + n[1] * ly + n[2] * lz, 0)
            amount = field * np.float32(light.intensity / INTENSITY_UNIT)
            colour = np.float32(light.colour) / np.float32(255)
            diffuse[at] += (amount * lit)[..., None] * colour
            # Blinn's half vector, the viewer straight above: (L + (0, 0, 1)) normalised
            hx, hy, hz = lx, ly, lz + np.float32(1)
            hn = np.float32(1) / np.sqrt(hx * hx + hy * hy + hz * hz)
            facing = np.maximum((n[0] * hx + n[1] * hy + n[2] * hz) * hn, 0)
            shine = np.power(np.asarray(facing, np.float32), shininess) * strength
            specular[at] += (amount * shine * (lit > 0))[..., None] * colour
        surface = old[..., :3].astype(np.float32) * np.float32(1 / 255)
        tint = np.float32(1) - metal + metal * surface      # plastic: the light's colour
        out = surface * diffuse + specular * tint
        out *= np.float32(255 * 2 ** (self.exposure / 50))
        return _mix_colours(old, out, coverage)


def _spot(x, y, angle, radius, minor, intensity=35, hotspot=50, colour=(255, 255, 255)):
    return Light("spot", x, y, angle, 45.0, radius, minor, intensity, hotspot, colour)


def preset(name: str, frame: tuple) -> dict:
    """Photoshop's presets in our terms, for a canvas box (x, y, w, h): the operation's
    settings (lights and properties)."""
    fx, fy, fw, fh = frame
    cx, cy, size = fx + fw / 2, fy + fh / 2, min(fw, fh)
    if name == "Default":   # one white spot from the lower right, ambience a little up
        lights = (_spot(cx, cy, -45, 0.55 * size, 0.35 * size),)
        return dict(lights=lights, ambience=8, gloss=0, metallic=0, exposure=0)
    if name == "Flashlight":  # a small round spot, straight on, in a dark room
        lights = (_spot(cx, cy, 90, 0.25 * size, 0.25 * size, 35, 60, (255, 250, 225)),)
        return dict(lights=lights, ambience=-60, gloss=20, metallic=0, exposure=0)
    if name == "Parallel":    # one infinite light from the upper left
        lights = (Light("infinite", fx + 0.2 * fw, fy + 0.2 * fh, 135, 45, 1, 1, 20, 50),)
        return dict(lights=lights, ambience=0, gloss=0, metallic=0, exposure=0)
    if name == "Soft Omni":   # a broad point light at the centre
        lights = (Light("point", cx, cy, 90, 45, 0.8 * math.hypot(fw, fh) / 2, 1, 25, 50),)
        return dict(lights=lights, ambience=10, gloss=-20, metallic=0, exposure=0)
    if name == "Triple Spotlight":  # three spots along the middle, from above
        lights = tuple(_spot(fx + t * fw, cy, 90, 0.4 * size, 0.25 * size, 30)
                       for t in (0.2, 0.5, 0.8))
        return dict(lights=lights, ambience=-20, gloss=0, metallic=0, exposure=0)
    if name == "RGB Lights":  # red, green and blue spots overlapping at the centre
        lights = tuple(_spot(cx + 0.15 * size * math.cos(math.radians(a)),
                             cy - 0.15 * size * math.sin(math.radians(a)),
                             a, 0.4 * size, 0.3 * size, 35, 40, colour)
                       for a, colour in ((90, (255, 0, 0)), (210, (0, 255, 0)),
                                         (330, (0, 0, 255))))
        return dict(lights=lights, ambience=-30, gloss=0, metallic=0, exposure=0)
    raise ValueError(f"no preset called {name!r}")


PRESETS = ("Default", "Flashlight", "Parallel", "Soft Omni", "Triple Spotlight", "RGB Lights")

LIGHTING_FILTERS: dict[str, type] = {"lighting_effects": LightingEffects}

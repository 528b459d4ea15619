"""The Gradient Editor's presets (Photoshop's Gradient presets): named gradients, each the
gradient part of a Gradient fill's settings (`adjustments.GradientFill`: its colour and
opacity stops with their midpoints, smoothness, method, or a noise gradient), kept in
gradients.json beside the settings. The Gradient Fill dialog's Presets row picks one
(its stops put into the dialog's gradient, the layout left as it is) and imports
Photoshop's .grd files (`grd`) through the Preset Manager's Load… (`preset_kinds`).
Presets are the user's, not a document's: no undo step. No Qt.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from . import preset_file
from .adjustments import GradientFill
from .errors import DocumentError
from .gradients import Noise

# The fields of a GradientFill a preset holds (the gradient; not its layout).
GRADIENT_FIELDS = ("stops", "opacity_stops", "smoothness", "method", "midpoints",
                   "opacity_midpoints", "noise")


@dataclass(frozen=True)
class GradientPreset:
    name: str
    gradient: GradientFill


def applied(settings: GradientFill, preset: GradientPreset) -> GradientFill:
    """`settings` with the preset's gradient in place of its own (style, angle, scale,
    reverse, offset kept, as a click on a preset in Photoshop's Gradient Editor)."""
    return replace(settings, descriptor=None,
                   **{key: getattr(preset.gradient, key) for key in GRADIENT_FIELDS})


def default_presets() -> list[GradientPreset]:
    """A few plain gradients of Layered's own (Photoshop ships its own sets)."""
    def g(name, stops, opacity=((0.0, 100.0), (100.0, 100.0))):
        return GradientPreset(name, GradientFill(stops=tuple(stops), opacity_stops=opacity))
    return [g("Black, White", [(0.0, (0, 0, 0)), (100.0, (255, 255, 255))]),
            g("Black to Transparent", [(0.0, (0, 0, 0)), (100.0, (0, 0, 0))],
              ((0.0, 100.0), (100.0, 0.0))),
            g("Spectrum", [(0.0, (255, 0, 0)), (17.0, (255, 255, 0)), (33.0, (0, 255, 0)),
                           (50.0, (0, 255, 255)), (67.0, (0, 0, 255)), (83.0, (255, 0, 255)),
                           (100.0, (255, 0, 0))]),
            g("Orange, Yellow, Orange", [(0.0, (255, 110, 2)), (50.0, (255, 255, 0)),
                                         (100.0, (255, 110, 2))])]


def to_json(presets: list[GradientPreset]) -> dict:
    out = []
    for p in presets:
        g = p.gradient
        out.append({"name": p.name, "stops": [[loc, list(c)] for loc, c in g.stops],
                    "opacity_stops": [list(s) for s in g.opacity_stops],
                    "smoothness": g.smoothness, "method": g.method,
                    "midpoints": list(g.midpoints), "opacity_midpoints": list(g.opacity_midpoints),
                    "noise": asdict(g.noise) if g.noise is not None else None})
    return {"version": 1, "gradients": out}


def from_json(data) -> list[GradientPreset]:
    """The presets of `to_json`'s data; anything malformed raises DocumentError."""
    try:
        presets = []
        for item in data["gradients"]:
            noise = item.get("noise")
            gradient = GradientFill(
                stops=tuple((float(loc), tuple(c)) for loc, c in item["stops"]),
                opacity_stops=tuple((float(a), float(b)) for a, b in item["opacity_stops"]),
                smoothness=float(item.get("smoothness", 100.0)),
                method=item.get("method", "classic"),
                midpoints=tuple(item.get("midpoints", ())),
                opacity_midpoints=tuple(item.get("opacity_midpoints", ())),
                noise=Noise(**{k: tuple(v) if isinstance(v, list) else v
                               for k, v in noise.items()}) if noise else None)
            presets.append(GradientPreset(str(item["name"]), gradient))
        return presets
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DocumentError(f"gradients.json is not a gradient preset file ({exc})") from None


def load(path: str) -> list[GradientPreset]:
    return from_json(preset_file.read_json(path))


def save(path: str, presets: list[GradientPreset]) -> None:
    preset_file.write_json(path, to_json(presets))

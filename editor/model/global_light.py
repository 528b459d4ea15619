"""Layer > Layer Style > Global Light: the document's light (angle, altitude) that every
effect with "Use Global Light" follows; one undo step.

The light is kept as Photoshop keeps it, the PSD image resources Global Angle (1037) and
Global Altitude (1049) in `doc.global_light` (read and written back by psd.py), so a file's
light round-trips. The effects hold their own angle (and a bevel its altitude) with the
flag: setting the light sets those of the effects that use it, in every layer and group.
Without a resource Photoshop's defaults: 120° (psd_effects.global_angle's None) and 30°.
No Qt.
"""
from __future__ import annotations

from dataclasses import replace

from . import commands as cmds
from .history import Command

DEFAULT_ANGLE, DEFAULT_ALTITUDE = 120.0, 30.0
# The LayerEffects fields whose effects have Use Global Light.
_LIT = ("drop_shadows", "inner_shadows", "bevels")


def global_light(doc) -> tuple[float, float]:
    """(angle, altitude) of the document's light, Photoshop's defaults where it has none."""
    from psd_tools.constants import Resource

    from .psd_effects import global_angle

    angle = global_angle(doc)  # (the Layer Style dialog's Use Global Light reads it so)
    altitude = (doc.global_light or {}).get(Resource.GLOBAL_ALTITUDE)
    return (DEFAULT_ANGLE if angle is None else angle,
            DEFAULT_ALTITUDE if altitude is None else float(altitude.data))


class _SetLight(Command):
    """The document's light resources replaced (undoable)."""

    def __init__(self, value, name: str):
        self.value, self.name, self.old = value, name, None

    def redo(self, doc) -> None:
        self.old = doc.global_light
        doc.global_light = self.value

    def undo(self, doc) -> None:
        doc.global_light = self.old


def lit_effects(effects, angle: float, altitude: float):
    """`effects` with those using the global light at `angle` (a bevel also `altitude`)."""
    if effects is None:
        return None
    changed = {}
    for kind in _LIT:
        changed[kind] = tuple(
            replace(e, angle=float(angle), **({"altitude": float(altitude)}
                                              if kind == "bevels" else {}))
            if e.use_global_light else e for e in getattr(effects, kind))
    return replace(effects, **changed)


def set_global_light(doc, angle: float, altitude: float) -> None:
    """The document's light set to (angle, altitude), the effects using it following; one
    step "Global Light"."""
    from psd_tools.constants import Resource
    from psd_tools.psd.image_resources import ImageResource, Integer

    if not -180 <= angle <= 180 or not 0 <= altitude <= 90:
        raise ValueError("The global light's angle is -180..180° and its altitude 0..90°.")
    light = dict(doc.global_light or {})
    for key, value in ((Resource.GLOBAL_ANGLE, angle), (Resource.GLOBAL_ALTITUDE, altitude)):
        light[key] = ImageResource(key=key, data=Integer(int(round(value))))
    with doc.history.macro("Global Light"):
        doc.history.push(_SetLight(light, "Global Light"))
        for node in list(doc.root.walk()):
            lit = lit_effects(node.effects, round(angle), round(altitude))
            if lit is not None and lit != node.effects:
                doc.history.push(cmds.SetAttr(node, "effects", lit, "Global Light"))

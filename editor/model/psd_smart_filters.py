"""Smart filters in a PSD file as Photoshop keeps them: the 'filterFX' descriptor of a smart
object's 'SoLd' block.

Photoshop lists a smart object's filters in 'filterFXList', the first applied first (our
`SmartObjectLayer.filters` order). Each entry names the filter ('Nm  '), its Blending
Options ('blendOptions': 'Opct' percent and 'Md  ' a 'BlnM' code), its eye ('enab'), the
foreground and background colours of the moment, a 'filterID' (a four-character code as a
32-bit number, or a small number for newer filters) and, for a filter with settings, the
settings as the filter's own descriptor ('Fltr'). The keys and ids are those of
Photoshop-saved files (ag-psd's test corpus, MIT: smart-filter-blur.psd holds Gaussian
Blur 3.5 px; its typings list the other filters' keys).

`FILTERS` covers the filters whose settings map one to one onto ours. A file with any
other filter on a smart object keeps that object as pixels (the reader says why), and a
smart object of ours with a filter outside `FILTERS` is written without 'filterFX' (our XMP
entry keeps all of them), so Photoshop never sees a partial list. The Smart Filters mask's
flags are in 'filterFX' too, its pixels in the document's 'FEid' block (psd_filter_mask).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Union

from . import more_filters as mf
from .pixel_filters import Adjust, Operation
from .psd_filter_mask import mask_flags
from .psd_comps import _CODES, _MODES


def _code(text: str) -> int:
    """A four-character code as the 32-bit number Photoshop writes for 'filterID'."""
    return int.from_bytes(text.encode("macroman"), "big")


@dataclass(frozen=True)
class Kind:
    """One filter: our kind, Photoshop's name, 'filterID', its descriptor's class, and its
    settings between the two (`read`: descriptor values -> our fields; `write`: ours ->
    (key, value) pairs)."""

    kind: str
    name: str
    id: int
    cls: Optional[bytes] = None
    read: Callable[[dict], dict] = lambda d: {}
    write: Callable[[Operation], list] = lambda op: []


def _px(key: bytes, field: str, cast: Callable = float):
    return (lambda d: {field: cast(_value(d[key]))},
            lambda op: [(key, ("px", getattr(op, field)))])


def _value(v):
    return float(getattr(v, "value", v))


_RADIUS = _px(b"Rds ", "radius")
_INT_RADIUS = _px(b"Rds ", "radius", lambda v: int(round(v)))
FILTERS: dict[str, Kind] = {k.kind: k for k in (
    Kind("average", "Average", _code("Avrg")),
    Kind("blur", "Blur", _code("Blr ")),
    Kind("blur_more", "Blur More", _code("BlrM")),
    Kind("despeckle", "Despeckle", _code("Dspc")),
    Kind("gaussian_blur", "Gaussian Blur", _code("GsnB"), b"GsnB", *_RADIUS),
    Kind("box_blur", "Box Blur", 697, b"boxblur", *_INT_RADIUS),
    Kind("high_pass", "High Pass", _code("HghP"), b"HghP", *_RADIUS),
    Kind("median", "Median", _code("Mdn "), b"Mdn ", *_INT_RADIUS),
    Kind("motion_blur", "Motion Blur", _code("MtnB"), b"MtnB",
         lambda d: {"angle": float(_value(d[b"Angl"])), "distance": _value(d[b"Dstn"])},
         lambda op: [(b"Angl", ("int", round(op.angle))), (b"Dstn", ("px", op.distance))]),
    Kind("unsharp_mask", "Unsharp Mask", _code("UnsM"), b"UnsM",
         lambda d: {"amount": _value(d[b"Amnt"]), "radius": _value(d[b"Rds "]),
                    "threshold": int(_value(d[b"Thsh"]))},
         lambda op: [(b"Amnt", ("percent", op.amount)), (b"Rds ", ("px", op.radius)),
                     (b"Thsh", ("int", op.threshold))]),
    Kind("add_noise", "Add Noise", _code("AdNs"), b"AdNs",
         lambda d: {"amount": _value(d[b"Nose"]),
                    "distribution": "gaussian" if getattr(d[b"Dstr"], "enum", b"") == b"Gsn "
                    else "uniform",
                    "monochromatic": bool(d[b"Mnch"]), "seed": int(_value(d[b"FlRs"]))},
         lambda op: [(b"Dstr", ("enum", b"Dstr",
                                b"Gsn " if op.distribution == "gaussian" else b"Unfr")),
                     (b"Nose", ("percent", op.amount)), (b"Mnch", ("bool", op.monochromatic)),
                     (b"FlRs", ("int", op.seed))]),
)}
_BY_ID = {k.id: k for k in FILTERS.values()}


# Curves as a smart filter: read and written only as the identity curve (a 'Crvs' without
# points: what Photoshop-saved smart-filter-blur.psd holds); a curve with points keeps the
# object as pixels.
_CURVES = Kind("curves", "Curves", _code("Crvs"), b"Crvs",
               lambda d: {} if b"Adjs" not in d else _refuse("its curve's points"),
               lambda op: [(b"presetKind", ("enum", b"presetKindType", b"presetKindDefault"))])
_BY_ID[_CURVES.id] = _CURVES


def _refuse(what: str):
    raise ValueError(f"{what} are not read")


def _kind_of(op: Operation) -> Optional[str]:
    if isinstance(op, Adjust):
        from .adjustments import KINDS

        return "curves" if isinstance(op.settings, KINDS["curves"]) \
            and op.settings.is_identity() else None
    return next((k for k, c in mf.FILTERS.items() if c is type(op)), None)


def _make(kind: Kind, settings) -> Operation:
    if kind is _CURVES:
        from .adjustments import KINDS

        kind.read(settings)
        return Adjust(KINDS["curves"]())
    return mf.FILTERS[kind.kind](**(kind.read(settings) if kind.cls else {}))


def read_filter_fx(fx) -> Union[tuple, str]:
    """A 'filterFX' descriptor's filters as `SmartFilter`s, first applied first, or why they
    cannot be (a filter outside `FILTERS`, or settings out of our range)."""
    from .smart_filters import SmartFilter

    out = []
    for entry in fx.get(b"filterFXList", ()):
        raw = entry.get(b"Nm  ", "")
        name = str(getattr(raw, "value", raw)).rstrip("\x00").rstrip(".")
        kind = _BY_ID.get(int(entry.get(b"filterID", -1)))
        if kind is None:
            return f"its smart filter {name or 'of an unknown kind'} is not one Layered reads"
        settings = entry.get(b"Fltr")
        try:
            op = _make(kind, settings)
        except (KeyError, TypeError, ValueError) as exc:
            return f"its smart filter {name}'s settings could not be read ({exc})"
        blend = entry.get(b"blendOptions", {})
        mode = _MODES.get(getattr(blend.get(b"Md  "), "enum", b"Nrml"), "normal")
        opacity = _value(blend.get(b"Opct", 100.0)) / 100
        out.append(SmartFilter(op, mode, min(max(opacity, 0.0), 1.0),
                               bool(entry.get(b"enab", True))))
    return tuple(out)


def filter_fx(filters, foreground=(0, 0, 0), background=(255, 255, 255), mask=None):
    """Our filters as Photoshop's 'filterFX' descriptor, or None when one of them has no
    Photoshop form here (then none is written: see the module's notes); with the flags of
    their Smart Filters `mask` (its pixels go in the document's 'FEid': psd_filter_mask)."""
    from psd_tools.psd.descriptor import (Bool, Descriptor, Double, Enumerated, Integer, List,
                                          String, UnitFloat)
    from psd_tools.terminology import Unit

    kinds = [_CURVES if _kind_of(f.op) == "curves" else FILTERS.get(_kind_of(f.op) or "")
             for f in filters]
    if not filters or any(k is None for k in kinds):
        return None

    def colour(rgb):
        d = Descriptor(classID=b"RGBC")
        for key, v in zip((b"Rd  ", b"Grn ", b"Bl  "), rgb):
            d[key] = Double(float(v))
        return d

    def value(spec):
        what = spec[0]
        if what == "px":
            return UnitFloat(unit=Unit.Pixels, value=float(spec[1]))
        if what == "percent":
            return UnitFloat(unit=Unit.Percent, value=float(spec[1]))
        if what == "int":
            return Integer(int(spec[1]))
        if what == "bool":
            return Bool(bool(spec[1]))
        return Enumerated(spec[1], spec[2])

    items = []
    for smart, kind in zip(filters, kinds):
        entry = Descriptor(classID=b"filterFX")
        entry[b"Nm  "] = String(f"{kind.name}{'...' if kind.cls else ''}\x00")
        blend = Descriptor(classID=b"blendOptions")
        blend[b"Opct"] = UnitFloat(unit=Unit.Percent, value=100.0 * smart.opacity)
        blend[b"Md  "] = Enumerated(b"BlnM", _CODES.get(smart.mode, _CODES["normal"]))
        entry[b"blendOptions"] = blend
        entry[b"enab"] = Bool(smart.visible)
        entry[b"hasoptions"] = Bool(kind.cls is not None)
        entry[b"FrgC"] = colour(foreground)
        entry[b"BckC"] = colour(background)
        if kind.cls is not None:
            settings = Descriptor(classID=kind.cls)
            for key, spec in kind.write(smart.op):
                settings[key] = value(spec)
            entry[b"Fltr"] = settings
        entry[b"filterID"] = Integer(kind.id)
        items.append(entry)
    fx = Descriptor(classID=b"filterFXStyle")
    fx[b"enab"] = Bool(True)
    fx[b"validAtPosition"] = Bool(True)
    mask_flags(fx, mask)
    fx[b"filterFXList"] = List(items)
    return fx

"""Photoshop's brush files (.abr, versions 6 to 10: Photoshop 7 onwards) read into our brush
presets: the Brush Settings panel's Import Brushes… and the Preset Manager's Load… for
Brushes.

An .abr of these versions is a version (6, 7, 9 or 10) and a sub-version (1 or 2), then
'8BIM' sections: 'samp' (the sampled tips' images, each under an id), 'desc' (an action
descriptor listing the brushes: name, tip shape, dynamics), 'patt' (textures, not used
here) and 'phry' (the presets' folders, not used). `parse` reads what a file says
(`Abr`: the samples and each brush's settings as Photoshop keeps them); `read` turns it
into `brush_tip.BrushPreset`s with notes on what did not come over:

- a computed (round) tip: size, hardness, angle, roundness, spacing;
- a sampled tip: its image (255 = paint, as ours), size, angle, roundness, spacing, flipped
  as Flip X / Flip Y say;
- a bristle or erodible tip (Photoshop CS5's): a round tip of its size and angle;
- Shape Dynamics' Size, Angle and Roundness Jitter, Scattering (Scatter, Both Axes, Count)
  and Transfer's Opacity and Flow Jitter, as `BrushTip` has them; a jitter's pen-pressure,
  tilt or fade control, Texture, Dual Brush, Color Dynamics, Wet Edges, Noise and Brush
  Pose are left out and named in one note.

Photoshop 6's and older .abr (versions 1 and 2) are refused in one line. The layout
follows ag-psd's `readAbr` (MIT); the descriptor itself is read by psd-tools.
No Qt.
"""
from __future__ import annotations

import io
import os
import struct
from dataclasses import dataclass, field, replace
from typing import Optional

import numpy as np

from .brush_tip import MAX_SAMPLE, BrushPreset, BrushTip
from . import preset_file
from .errors import DocumentError

VERSIONS = (6, 7, 9, 10)
# A jitter's control (Photoshop's 'bVTy'): 0 Off, 1 Fade, 2 Pen Pressure, 3 Pen Tilt,
# 4 Stylus Wheel, 5.. direction and rotation.
CONTROLS = ("Off", "Fade", "Pen Pressure", "Pen Tilt", "Stylus Wheel", "Initial Direction",
            "Direction", "Initial Rotation", "Rotation")


@dataclass
class Jitter:
    """One of Photoshop's dynamics: its control, fade steps, jitter and minimum (0..1)."""
    control: str = "Off"
    steps: int = 25
    jitter: float = 0.0
    minimum: float = 0.0


@dataclass
class AbrBrush:
    """One brush as the file describes it (fractions 0..1, angles in degrees, size px).
    `shape` is Photoshop's tip class: "computed", "sampled", "dynamic" (bristle) or
    "tips" (erodible / airbrush)."""
    name: str
    shape: str
    size: float
    angle: float = 0.0
    roundness: float = 1.0
    hardness: float = 1.0
    spacing: float = 0.25
    spacing_on: bool = True
    flip_x: bool = False
    flip_y: bool = False
    sample_id: Optional[str] = None
    size_dynamics: Optional[Jitter] = None       # Shape Dynamics (None: off)
    angle_dynamics: Optional[Jitter] = None
    roundness_dynamics: Optional[Jitter] = None
    scatter: Optional[Jitter] = None             # Scattering (None: off)
    both_axes: bool = False
    count: int = 1
    count_dynamics: Optional[Jitter] = None
    opacity_dynamics: Optional[Jitter] = None    # Transfer (None: off)
    flow_dynamics: Optional[Jitter] = None
    other: list[str] = field(default_factory=list)  # the settings on that we have not


@dataclass
class Abr:
    version: int
    samples: dict[str, np.ndarray]               # id -> coverage, uint8 (255 = paint)
    bounds: dict[str, tuple[int, int, int, int]]  # id -> (x, y, w, h) as the file has them
    brushes: list[AbrBrush]
    patterns: int = 0                            # textures in 'patt' (not read)


class _Reader:
    """Big-endian reads from bytes; running off the end is a DocumentError."""

    def __init__(self, data: bytes, at: int = 0, end: Optional[int] = None):
        self.data, self.at = data, at
        self.end = len(data) if end is None else min(end, len(data))

    def take(self, n: int) -> bytes:
        if n < 0 or self.at + n > self.end:
            raise DocumentError("the file ends too early")
        out = self.data[self.at:self.at + n]
        self.at += n
        return out

    def fmt(self, f: str):
        values = struct.unpack(">" + f, self.take(struct.calcsize(">" + f)))
        return values if len(values) > 1 else values[0]

    def pascal(self) -> str:
        return self.take(self.fmt("B")).decode("latin-1")

    def left(self) -> int:
        return self.end - self.at


# -- reading -----------------------------------------------------------------------------------
def parse(data: bytes) -> Abr:
    """What an .abr holds; a file that is not one Layered reads raises DocumentError (one
    line: why)."""
    r = _Reader(data)
    try:
        version = r.fmt("h")
    except DocumentError:
        raise DocumentError("it is empty") from None
    if version in (1, 2):
        raise DocumentError(f"it is a Photoshop 6 or older brush file (version {version}), "
                            "which Layered does not read; save the brushes again from a "
                            "newer Photoshop")
    if version not in VERSIONS:
        raise DocumentError("it is not a Photoshop brush file")
    minor = r.fmt("h")
    if minor not in (1, 2):
        raise DocumentError(f"its sub-version {minor} is not one Layered reads")
    abr = Abr(version, {}, {}, [])
    while r.left() > 0:
        if r.left() < 12 or r.take(4) != b"8BIM":
            raise DocumentError("a section does not start with '8BIM'")
        kind, size = r.take(4), r.fmt("I")
        end = r.at + size
        if end > r.end:
            raise DocumentError(f"its '{kind.decode('latin-1')}' section runs past the end")
        if kind == b"samp":
            _samples(_Reader(data, r.at, end), minor, abr)
        elif kind == b"desc":
            abr.brushes.extend(_brushes(data[r.at:end]))
        elif kind == b"patt":
            abr.patterns += _count_patterns(_Reader(data, r.at, end))
        elif kind != b"phry":
            raise DocumentError(f"it has a section '{kind.decode('latin-1')}' Layered "
                                "does not know")
        r.at = end + (-size) % 4
    return abr


def _samples(r: _Reader, minor: int, abr: Abr) -> None:
    """A 'samp' section: each sampled tip's id, bounds and 8- or 16-bit image."""
    from psd_tools.compression import decode_rle

    while r.left() > 0:
        length = r.fmt("I")
        length += (-length) % 4
        end = r.at + length
        sample_id = r.pascal()
        r.take(10 if minor == 1 else 264)   # (an old 16-bit bounds rectangle; unknown bytes)
        top, left, bottom, right = r.fmt("iiii")
        w, h = right - left, bottom - top
        if not (0 < w <= 30000 and 0 < h <= 30000):
            raise DocumentError(f"a sampled tip has bounds {w} × {h}")
        depth, compression = r.fmt("hB")
        if depth not in (8, 16) or compression not in (0, 1):
            raise DocumentError(f"a sampled tip is {depth}-bit with compression "
                                f"{compression}, which Layered does not read")
        if compression == 0:
            n = w * h * depth // 8
            pixels = r.take(n)
        else:
            body = r.data[r.at:min(end, r.end)]
            try:
                pixels = decode_rle(body, w, h, depth, 1)
            except (ValueError, IndexError) as exc:
                raise DocumentError(f"a sampled tip's packed image is damaged ({exc})") \
                    from None
        if depth == 16:
            image = (np.frombuffer(pixels, ">u2").reshape(h, w) >> 8).astype(np.uint8)
        else:
            image = np.frombuffer(pixels, np.uint8).reshape(h, w).copy()
        abr.samples[sample_id] = image
        abr.bounds[sample_id] = (left, top, w, h)
        r.at = end


def _count_patterns(r: _Reader) -> int:
    """How many patterns a 'patt' section holds (each a length, then its data)."""
    n = 0
    while r.left() >= 4:
        length = r.fmt("I")
        r.at = min(r.end, r.at + length + (-length) % 4)
        n += 1
    return n


def _text(value) -> str:
    """A descriptor's string: the trailing NUL gone, Photoshop's "$$$/key=Text" as Text."""
    text = str(getattr(value, "value", value)).rstrip("\x00")
    return text.split("=", 1)[1] if text.startswith("$$$/") and "=" in text else text


def _num(desc, key: bytes, default: float = 0.0) -> float:
    value = desc.get(key)
    return default if value is None else float(getattr(value, "value", value))


def _jitter(desc) -> Optional[Jitter]:
    if desc is None:
        return None
    control = int(_num(desc, b"bVTy"))
    return Jitter(CONTROLS[control] if 0 <= control < len(CONTROLS) else str(control),
                  int(_num(desc, b"fStp", 25)), _num(desc, b"jitter") / 100.0,
                  _num(desc, b"Mnm ") / 100.0)


_SHAPES = {b"computedBrush": "computed", b"sampledBrush": "sampled", b"dBrush": "dynamic",
           b"dTips": "tips"}


def _brushes(block: bytes) -> list[AbrBrush]:
    """A 'desc' section: its descriptor's list of brushes."""
    from psd_tools.psd.descriptor import DescriptorBlock

    try:
        desc = DescriptorBlock.read(io.BytesIO(block))
        items = list(desc[b"Brsh"])
    except Exception as exc:  # psd-tools raises what its reads meet (struct, Value, Key...)
        raise DocumentError(f"its brush list could not be read ({type(exc).__name__}: "
                            f"{exc})") from None
    return [_brush(item) for item in items]


def _brush(b) -> AbrBrush:
    tip = b.get(b"Brsh")
    shape = _SHAPES.get(getattr(tip, "classID", None), "")
    if tip is None or not shape:
        raise DocumentError("a brush has a tip Layered does not know")
    out = AbrBrush(_text(b.get(b"Nm  ", "")), shape, _num(tip, b"Dmtr", 30.0),
                   angle=_num(tip, b"Angl"), roundness=_num(tip, b"Rndn", 100.0) / 100.0,
                   hardness=_num(tip, b"Hrdn", 100.0) / 100.0,
                   spacing=_num(tip, b"Spcn", 25.0) / 100.0, spacing_on=bool(tip.get(b"Intr", True)),
                   flip_x=bool(tip.get(b"flipX", False)), flip_y=bool(tip.get(b"flipY", False)))
    if shape == "sampled":
        out.sample_id = _text(tip.get(b"sampledData", ""))
    if b.get(b"useTipDynamics"):
        out.size_dynamics = _jitter(b.get(b"szVr"))
        out.angle_dynamics = _jitter(b.get(b"angleDynamics"))
        out.roundness_dynamics = _jitter(b.get(b"roundnessDynamics"))
    if b.get(b"useScatter"):
        out.scatter = _jitter(b.get(b"scatterDynamics"))
        out.both_axes = bool(b.get(b"bothAxes", False))
        out.count = int(round(_num(b, b"Cnt ", 1.0)))
        out.count_dynamics = _jitter(b.get(b"countDynamics"))
    if b.get(b"usePaintDynamics"):
        out.flow_dynamics = _jitter(b.get(b"prVr"))
        out.opacity_dynamics = _jitter(b.get(b"opVr"))
    for key, name in ((b"useTexture", "Texture"), (b"useColorDynamics", "Color Dynamics"),
                      (b"Wtdg", "Wet Edges"), (b"Nose", "Noise"),
                      (b"useBrushPose", "Brush Pose")):
        if b.get(key):
            out.other.append(name)
    dual = b.get(b"dualBrush")
    if dual is not None and dual.get(b"useDualBrush"):
        out.other.append("Dual Brush")
    return out


# -- into our presets ------------------------------------------------------------------------
def _amount(j: Optional[Jitter], skipped: list[str]) -> float:
    """A jitter's amount for BrushTip; its control (pen, fade...) noted as left out."""
    if j is None:
        return 0.0
    if j.control != "Off":
        skipped.append(j.control)   # (Pen Pressure, Fade...: no pen or fade here)
    return j.jitter


def preset_of(brush: AbrBrush, samples: dict[str, np.ndarray]
              ) -> tuple[BrushPreset, list[str]]:
    """Our preset for one brush, and what of it did not come over."""
    skipped = list(brush.other)
    sample = None
    if brush.shape == "sampled":
        sample = samples.get(brush.sample_id or "")
        if sample is None:
            raise DocumentError(f"the brush '{brush.name}' has no sampled tip in the file")
        if brush.flip_x:
            sample = sample[:, ::-1]
        if brush.flip_y:
            sample = sample[::-1]
        sample = _fitted(np.ascontiguousarray(sample))
    elif brush.shape in ("dynamic", "tips"):
        skipped.append("bristle tip" if brush.shape == "dynamic" else "erodible tip")
    tip = BrushTip(
        angle=brush.angle, roundness=brush.roundness, spacing=brush.spacing, sample=sample,
        size_jitter=_amount(brush.size_dynamics, skipped),
        angle_jitter=_amount(brush.angle_dynamics, skipped),
        roundness_jitter=_amount(brush.roundness_dynamics, skipped),
        scatter=_amount(brush.scatter, skipped), both_axes=brush.both_axes,
        count=brush.count if brush.scatter is not None else 1,
        opacity_jitter=_amount(brush.opacity_dynamics, skipped),
        flow_jitter=_amount(brush.flow_dynamics, skipped)).clamped()
    if brush.count_dynamics is not None and brush.count_dynamics.jitter > 0:
        skipped.append("Count Jitter")
    hardness = brush.hardness if brush.shape == "computed" else 1.0
    size = int(min(1000, max(1, round(brush.size))))
    return BrushPreset(brush.name or "Brush", size, min(1.0, max(0.0, hardness)), tip), skipped


def _fitted(sample: np.ndarray) -> np.ndarray:
    """A sampled tip brought down to MAX_SAMPLE px on its longest side, as ours are."""
    longest = max(sample.shape)
    if longest <= MAX_SAMPLE:
        return sample
    import cv2

    k = MAX_SAMPLE / longest
    return cv2.resize(sample, (max(1, round(sample.shape[1] * k)),
                               max(1, round(sample.shape[0] * k))), interpolation=cv2.INTER_AREA)


def presets(abr: Abr, stem: str = "Brush") -> tuple[list[BrushPreset], list[str]]:
    """The file's brushes as our presets (a name met again numbered: "Chalk 2") and notes
    on what did not come over. A file
    with sampled tips but no brush list (some tools write only 'samp') gives one preset
    per tip, named `stem` 1, 2…"""
    out: list[BrushPreset] = []
    skipped: dict[str, int] = {}
    names: set[str] = set()
    for brush in abr.brushes:
        preset, left_out = preset_of(brush, abr.samples)
        # (names repeat in many files; numbered, so that importing skips none of them)
        name, n = preset.name, 1
        while name in names:
            n += 1
            name = f"{preset.name} {n}"
        names.add(name)
        out.append(replace(preset, name=name))
        for name in dict.fromkeys(left_out):
            skipped[name] = skipped.get(name, 0) + 1
    if not abr.brushes:
        for i, (sample_id, sample) in enumerate(abr.samples.items(), 1):
            out.append(BrushPreset(f"{stem} {i}", int(min(1000, max(sample.shape))), 1.0,
                                   BrushTip(sample=_fitted(sample))))
    notes = []
    rounded = sum(skipped.pop(k, 0) for k in ("bristle tip", "erodible tip"))
    if rounded:
        notes.append(f"{rounded} bristle or erodible tip{'s' * (rounded > 1)} came in as "
                     "round tips.")
    if skipped:
        notes.append("Left out (no such setting here): " +
                     ", ".join(f"{k} ({v})" for k, v in skipped.items()) + ".")
    return out, notes


def read(path: str) -> tuple[list[BrushPreset], list[str]]:
    """The brushes of the .abr at `path` as our presets, and notes on what did not come
    over; a file Layered cannot read raises DocumentError in one line."""
    name = os.path.basename(path)
    data = preset_file.photoshop_bytes(path)
    try:
        abr = parse(data)
        found, notes = presets(abr, os.path.splitext(name)[0])
    except DocumentError as exc:
        raise DocumentError(f"{name} could not be read as Photoshop brushes: {exc}.") from None
    if not found:
        raise DocumentError(f"{name} holds no brushes.")
    return found, notes

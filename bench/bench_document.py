"""Benchmarks of the document core on a 4000x3000 canvas; prints figures (medians).

    python bench/bench_document.py [--runs N]

Cases, each beside a baseline measured in the same run on the same data:
  (a) full composite of 20 layers: the Renderer (screen, 8-bit) and
      composite_document (precise, 16-bit) vs the obvious numpy float version;
  (b) redraw after moving one of those 20 layers, with the Renderer's focus
      caches (the first move builds them and is shown apart) vs redoing the
      numpy float composite of the changed box;
  (c) PSD save and open of 10 full-canvas layers vs plain psd-tools doing the
      same (its save recomposites the preview itself; shown with and without);
  (d) memory of a 20-layer document: held after opening it from a PSD, and the
      peak while opening, against its raw RGBA bytes (measured in a child process).

Two documents: "photo" = 20 full-canvas photo-like layers (sample photos from
scikit-image scaled to 4000x3000, each with translucent regions: a soft
vignette, a band of 50% alpha and a transparent hole); "typical" = one
full-canvas photo background + 19 object-sized layers (400-1200 px cut-outs
with soft-edged alpha) scattered over it.
Targets (issue 2): (a) <= 150 ms, (b) <= 30 ms, (c) <= 1.3x psd-tools,
(d) <= 1.3x raw bytes. With --masked (issue 15), every other layer gets a
layer mask (a soft radial gradient over the layer's box) and only (a) and (b)
run, with the same targets. --adjusted (with --masked) adds three adjustment layers
(Levels above layer 6, Hue/Saturation above layer 13, Curves on top), so the moved
middle layer lies below two of them, and (e) times each kind alone. The machine is
shared; figures vary with its load.
With --masked, (f) times the same drags as the canvas draws them at two stated views
(Renderer.set_view): the document fitted in a 1600x1000 view (drawn at the pyramid level
that view shows, from the layers' reductions) and 100 % zoom showing a 1600x1000
viewport at the canvas centre (full resolution, only the rows in view); each drag is
timed once after the idle preparation the canvas runs (`Renderer.prepare`: its slices and
the first move), then cold; each ends with
settle() and checks that the settled composite equals a fresh full render exactly. (b)
stays the full-resolution figure (no view: every changed pixel at full resolution).
--paths (with --masked) gives every third layer a vector mask (the disc in its box), so
some layers are drawn through both, and (g) times filling one canvas-sized path.
--grouped (with --masked) puts layers 2-7 in a Pass Through group and 12-17 in a Normal
group (the moved layers stay at the top level); --group-style gives the Normal group a Drop
Shadow and a Stroke, drawn from its composite (issue 15: a document without group effects
should draw no slower than before).
--pieces (with --masked) times (i): the photo document's first picture and full redraw with
the runs of plain layers blended a piece of each row at a time (render_over.SEGMENT) and
with whole rows (as before), alternating in one process, and checks that both give the
same bytes.
--shapes times (h): a full redraw of a photo background with and without a shape layer (a
Solid Color fill whose vector mask is an ellipse over most of the canvas), and the
redraw after its colour changes (its pixels made again).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

W, H = 4000, 3000


# -- data --------------------------------------------------------------------------------

def photos() -> list[np.ndarray]:
    import skimage.data as data

    return [data.astronaut(), data.coffee(), data.chelsea(), data.rocket(), data.immunohistochemistry()]


def resized(rgb: np.ndarray, w: int, h: int) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.fromarray(rgb).resize((w, h), Image.Resampling.BICUBIC))


def photo_layer(i: int, sources) -> np.ndarray:
    rgb = resized(np.roll(sources[i % len(sources)], i * 37, axis=1), W, H)
    yy, xx = np.ogrid[0:H, 0:W]
    cx, cy = W * (0.3 + 0.05 * (i % 9)), H * (0.35 + 0.04 * (i % 7))
    r = np.sqrt(((xx - cx) / W) ** 2 + ((yy - cy) / H) ** 2)
    alpha = np.clip(255 * (1.2 - r * 1.4), 0, 255)              # soft vignette
    band = (yy // 300 + i) % 5 == 0
    alpha = np.where(band, alpha * 0.5, alpha)                   # 50% band
    hole = ((xx - W * 0.7) ** 2 + (yy - H * 0.6) ** 2) < (200 + 20 * i) ** 2
    alpha = np.where(hole, 0, alpha)                             # transparent hole
    out = np.empty((H, W, 4), np.uint8)
    out[..., :3] = rgb
    out[..., 3] = alpha.astype(np.uint8)
    return out


def object_layer(rng, sources) -> np.ndarray:
    w, h = int(rng.integers(400, 1200)), int(rng.integers(300, 900))
    rgb = resized(sources[int(rng.integers(len(sources)))], w, h)
    yy, xx = np.ogrid[0:h, 0:w]
    d = np.sqrt(((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2)
    alpha = np.clip((1.0 - d) * 6 * 255, 0, 255)  # an ellipse with a soft edge
    out = np.empty((h, w, 4), np.uint8)
    out[..., :3] = rgb
    out[..., 3] = alpha.astype(np.uint8)
    return out


def photo_document(n: int):
    from editor.model import Document, Layer

    sources = photos()
    doc = Document(W, H)
    for i in range(n):
        layer = Layer(f"photo {i}", photo_layer(i, sources))
        layer.parent = doc.root
        doc.root.children.append(layer)
    return doc


def typical_document():
    from editor.model import Document, Layer

    sources = photos()
    rng = np.random.default_rng(0)
    doc = Document(W, H)
    background = photo_layer(0, sources)
    background[..., 3] = 255
    nodes = [Layer("background", background)]
    for i in range(19):
        pixels = object_layer(rng, sources)
        x = int(rng.integers(-200, W - pixels.shape[1] + 200))
        y = int(rng.integers(-200, H - pixels.shape[0] + 200))
        nodes.append(Layer(f"object {i}", pixels, x, y))
    for node in nodes:
        node.parent = doc.root
        doc.root.children.append(node)
    return doc


def mask_half(doc) -> None:
    """A layer mask on every other layer: a soft radial gradient over its box."""
    from editor.model import LayerMask

    for i, layer in enumerate(doc.layers()):
        if i % 2:
            h, w = layer.height, layer.width
            yy, xx = np.ogrid[0:h, 0:w]
            r = np.hypot((xx - w / 2) / (w / 2), (yy - h / 2) / (h / 2))
            values = np.clip((1.2 - r) * 255, 0, 255).astype(np.uint8)
            layer.mask = LayerMask(values, layer.x, layer.y, default=0)


def group_some(doc, styled: bool) -> None:
    """Layers 2-7 into a Pass Through group and layers 12-17 into a Normal group (the moved
    middle and top layers stay at the top level); `styled`: the Normal group gets a Drop
    Shadow and a 3 px Stroke, drawn from its composite (issue 15)."""
    from editor.model import Group
    from editor.model.layer_effects import DropShadow, LayerEffects, Stroke

    nodes = list(doc.root.children)
    out = nodes[:2]
    for name, mode, part, rest in (("pass", "pass_through", nodes[2:8], nodes[8:12]),
                                   ("isolated", "normal", nodes[12:18], nodes[18:])):
        group = Group(name, part, blend_mode=mode)
        if styled and mode == "normal":
            group.effects = LayerEffects(drop_shadows=(DropShadow(size=10.0, distance=8.0),),
                                         strokes=(Stroke(size=3.0),))
        group.parent = doc.root
        out += [group] + rest
    doc.root.children[:] = out


def disc_path(box, canvas):
    """A vector mask: the disc inscribed in `box` (four Bezier quarters)."""
    from editor.model.vector_mask import Subpath, VectorMask

    k = 0.5522847498
    cx, cy, rx, ry = box.x + box.w / 2, box.y + box.h / 2, box.w / 2, box.h / 2
    knots = []
    for ax, ay, tx, ty in ((1, 0, 0, 1), (0, 1, -1, 0), (-1, 0, 0, -1), (0, -1, 1, 0)):
        x, y = cx + ax * rx, cy + ay * ry
        knots.append([(x - k * tx * rx, y - k * ty * ry), (x, y), (x + k * tx * rx, y + k * ty * ry)])
    return VectorMask([Subpath(np.array(knots, np.float64), True, 1)], canvas)


def path_some(doc) -> None:
    """A vector mask on every third layer (some of them masked too): the disc in its box."""
    for i, layer in enumerate(doc.layers()):
        if i % 3 == 1:
            layer.vector_mask = disc_path(layer.bounds(), doc.canvas)


def bench_path_raster(runs: int) -> None:
    from editor.model import Layer
    from editor.model.render import masked_pixels

    print(f"(g) a vector mask on a {W}x{H} layer")
    canvas = Layer("c", np.zeros((H, W, 4), np.uint8)).bounds()
    row("fill the path (a disc over the canvas) anti-aliased",
        median_ms(lambda: disc_path(canvas, canvas).raster(), runs))
    layer = Layer("l", np.full((H, W, 4), 255, np.uint8))
    layer.vector_mask = disc_path(canvas, canvas)
    layer.vector_mask.raster()
    row("layer through it (masked_pixels, path already filled)",
        median_ms(lambda: (layer.changed(), masked_pixels(layer)), runs))


def bench_shape_redraw(runs: int) -> None:
    from editor.model import Document, Layer, adjustment_ops
    from editor.model.adjustments import SolidColor
    from editor.model.render import Renderer

    print(f"(h) full redraw of a {W}x{H} photo background by an existing Renderer")
    doc = Document(W, H)
    background = photo_layer(0, photos())
    background[..., 3] = 255
    doc.add_layer(Layer("background", background))
    renderer = Renderer(doc)
    renderer.update()

    def redraw():
        doc.region_changed.emit(doc.canvas, None)
        renderer.update()

    row("background alone", median_ms(redraw, runs))
    shape = adjustment_ops.add_shape(doc, "ellipse", (100.5, 80.5, W - 100.5, H - 80.5),
                                     (200, 60, 30))
    redraw()
    row("with an ellipse shape layer over most of the canvas", median_ms(redraw, runs))
    colors = iter(range(256))
    row("the same after its colour changed (pixels made again)", median_ms(
        redraw, runs, setup=lambda: adjustment_ops.set_settings(
            doc, shape, SolidColor((next(colors), 60, 30)))))
    renderer.close()


def add_adjustments(doc) -> None:
    """Three adjustment layers, in the stack as a retoucher would put them."""
    from editor.model import AdjustmentLayer
    from editor.model import adjustments as adj

    for index, settings in ((6, adj.Levels(rgb=(12, 240, 1.15, 0, 255))),
                            (14, adj.HueSaturation(12, 20, 0)),
                            (len(doc.root.children) + 2, adj.Curves(rgb=((0, 0), (90, 70),
                                                                          (170, 190), (255, 255))))):
        node = AdjustmentLayer(settings.label, settings)
        node.parent = doc.root
        doc.root.children.insert(min(index, len(doc.root.children)), node)


def bench_adjustment_kinds(runs: int) -> None:
    """Each kind's own cost: one adjustment over a full 4000x3000 photo layer on the screen."""
    from editor.model import adjustments as adj
    from editor.model.render import adjust_buffer

    buf = photo_layer(3, photos())[..., [2, 1, 0, 3]].copy()
    buf[..., 3] = 255
    print(f"\n(e) one adjustment layer over a full {W}x{H} opaque photo (the screen's path;"
          " first: compiles, fills a mixing kind's lookup)")
    for settings in (adj.BrightnessContrast(20, 10), adj.Levels(rgb=(12, 240, 1.15, 0, 255)),
                     adj.Curves(rgb=((0, 0), (90, 70), (170, 190), (255, 255))),
                     adj.Exposure(0.5), adj.HueSaturation(12, 20, 0),
                     adj.HueSaturation(12, 20, 0).with_range(1, edit=(-10, 30, 20)),
                     adj.ColorBalance(midtones=(10, 0, 0))):
        label = settings.label + (" (a range edited)" if getattr(settings, "ranges", None)
                                  not in (None, adj.DEFAULT_HUE_RANGES) else "")
        fresh = []
        first = median_ms(lambda: adjust_buffer(fresh[-1], settings, False), 1,
                          setup=lambda: fresh.append(buf.copy()))
        row(f"{label}: first", first)
        ms = median_ms(lambda: adjust_buffer(fresh[-1], settings, False), runs,
                       setup=lambda: fresh.append(buf.copy()))
        row(f"{label}: again", ms)
        fresh.clear()


def bench_pieces(doc, runs: int) -> None:
    """(i): render_over.SEGMENT against whole rows, alternating run by run (the machine is
    shared: figures taken minutes apart are not comparable)."""
    from editor.model import render_over
    from editor.model.render import Renderer

    print(f"\n(i) runs of plain layers in pieces of {render_over.SEGMENT} columns against "
          "whole rows, alternating")
    kept, arms = render_over.SEGMENT, (("pieces", render_over.SEGMENT), ("whole rows", 1 << 30))
    times: dict = {}
    pictures = {}
    for _ in range(max(3, runs)):
        for arm, segment in arms:
            render_over.SEGMENT = segment
            start, start_cpu = time.perf_counter(), time.process_time()
            renderer = Renderer(doc)
            renderer.update()
            first = ((time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000)
            start, start_cpu = time.perf_counter(), time.process_time()
            doc.region_changed.emit(doc.canvas, None)
            renderer.update()
            redraw = ((time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000)
            renderer.close()
            pictures.setdefault(arm, renderer.composite.array)
            times.setdefault(arm, []).append((first, redraw))
    render_over.SEGMENT = kept
    for arm, _ in arms:
        for k, what in enumerate(("new Renderer + first update", "full redraw")):
            wall = [t[k][0] for t in times[arm]]
            cpu = [t[k][1] for t in times[arm]]
            _last_cpu[:] = [statistics.median(cpu)]
            row(f"{arm}: {what}", statistics.median(wall),
                f"min {min(wall):.1f} ms, CPU min {min(cpu):.1f} ms")
    same = np.array_equal(*pictures.values())
    print(f"  {'the same bytes':<58} {str(same):>9}")


# -- timing helpers ----------------------------------------------------------------------

_last_cpu: list[float] = []  # CPU ms (all threads) of the last median_ms, for row()


def median_ms(fn, runs: int, setup=None) -> float:
    times, cpu = [], []
    for _ in range(runs):
        if setup is not None:
            setup()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    _last_cpu[:] = [statistics.median(cpu)]
    return statistics.median(times)


def row(label: str, ms: float, note: str = "") -> None:
    """One figure: wall ms, and the CPU ms of both cores together (the machine is shared:
    under load the wall time is inflated, the CPU time much less)."""
    cpu = f"[{_last_cpu.pop():7.1f} ms CPU]" if _last_cpu else " " * 18
    print(f"  {label:<58} {ms:9.1f} ms {cpu}  {note}")


def naive_composite(layers, box) -> np.ndarray:
    """The obvious numpy version: float32 straight layers onto a premultiplied float buffer."""
    from engine.compose import composite_premultiplied, to_float

    composite = np.zeros((box.h, box.w, 4), np.float32)
    for layer in layers:
        if not layer.visible:
            continue
        inter = layer.bounds().intersect(box)
        if inter.is_empty():
            continue
        src = to_float(layer.pixels[inter.translate(-layer.x, -layer.y).slices()])
        dst = inter.translate(-box.x, -box.y).slices()
        composite[dst] = composite_premultiplied(composite[dst], src, layer.blend_mode, layer.opacity / 255)
    return composite


# -- (a) and (b) -----------------------------------------------------------------------

def bench_composite(name: str, doc, runs: int, naive_runs: int) -> None:
    from editor.model.render import Renderer, composite_document

    from editor.model import AdjustmentLayer

    layers = [layer for layer in doc.layers() if not isinstance(layer, AdjustmentLayer)]
    adjusting = sum(1 for node in doc.layers() if isinstance(node, AdjustmentLayer))
    print(f"\n(a) full composite, {name} document: {len(layers)} layers"
          + (f" and {adjusting} adjustment layers" if adjusting else "") + f", {W}x{H}")
    renderers = []

    def fresh():
        renderer = Renderer(doc)
        renderer.update()
        renderers.append(renderer)

    row("new Renderer + first update (screen, 8-bit premultiplied)", median_ms(fresh, runs),
        "target <= 150 ms")
    for renderer in renderers[1:]:
        renderer.close()
    renderer = renderers[0]
    row("full redraw by an existing Renderer (buffers already mapped)",
        median_ms(lambda: (doc.region_changed.emit(doc.canvas, None), renderer.update()), runs))
    renderer.close()
    renderers.clear()
    row("composite_document (precise, 16-bit)", median_ms(lambda: composite_document(doc), runs))
    if naive_runs:
        row("naive numpy float32 composite", median_ms(
            lambda: naive_composite(layers, doc.canvas), naive_runs), f"({naive_runs} run(s))")

    print(f"(b) redraw after moving one layer, {name} document")
    for label, layer in (("a middle layer", layers[len(layers) // 2]), ("the top layer", layers[-1])):
        renderer = Renderer(doc)
        renderer.update()
        renderer.set_focus(layer)
        first = median_ms(lambda: (doc.translate(layer, 5, 3, merge_key="bench"),
                                   renderer.update()), 1)
        first_cpu = _last_cpu.pop()

        def move(step=[0]):
            step[0] += 1
            doc.translate(layer, 5 if step[0] % 2 else -5, 3 if step[0] % 2 else -3, merge_key="bench")
            renderer.update()

        later = median_ms(move, max(5, runs))
        later_cpu = _last_cpu.pop()
        box = layer.bounds().union(layer.bounds().translate(-5, -3)).clip(W, H)
        _last_cpu[:] = [first_cpu]
        row(f"move {label} ({layer.width}x{layer.height}): first move, builds caches", first)
        _last_cpu[:] = [later_cpu]
        row(f"move {label}: each later move of the drag", later,
            f"target <= 30 ms; changed box {box.w}x{box.h}")
        row("end of drag: settle() redraws cached pixels exactly",
            median_ms(lambda: (renderer.settle(), renderer.update()), 1))
        if naive_runs:
            row(f"naive numpy float composite of the changed box {box.w}x{box.h}",
                median_ms(lambda: naive_composite(layers, box), naive_runs),
                f"({naive_runs} run(s))")
        renderer.close()
        doc.history.undo()


VIEW_W, VIEW_H, FIT_MARGIN = 1600, 1000, 28  # the canvas's fit margin (editor/ui/canvas.py)


def stated_views(doc):
    """(label, level, visible box) for the two views of (f), with the canvas's own rules."""
    from editor.ui.pyramid import Pyramid

    from engine.box import Box

    zoom = min((VIEW_W - 2 * FIT_MARGIN) / doc.width, (VIEW_H - 2 * FIT_MARGIN) / doc.height)
    level = Pyramid(np.zeros((doc.height, doc.width, 4), np.uint8)).draft_level_for(zoom)
    centre = Box((doc.width - VIEW_W) // 2, (doc.height - VIEW_H) // 2, VIEW_W, VIEW_H)
    return ((f"fitted in {VIEW_W}x{VIEW_H} (zoom {zoom:.3f})", level, doc.canvas),
            (f"100 % zoom, {VIEW_W}x{VIEW_H} viewport", 0, centre))


def bench_views(name: str, doc, runs: int) -> None:
    from editor.model import AdjustmentLayer
    from editor.model.render import Renderer

    layers = [layer for layer in doc.layers() if not isinstance(layer, AdjustmentLayer)]
    print(f"(f) redraw while moving one layer as the canvas draws it, {name} document")
    for view, level, box in stated_views(doc):
        print(f"  view: {view}: drawn at pyramid level {level} "
              f"({doc.width >> level}x{doc.height >> level})"
              + ("" if level else f", rows {box.y}..{box.y1} of {doc.height} in view"))
        for label, layer in (("a middle layer", layers[len(layers) // 2]),
                             ("the top layer", layers[-1])):
            bench_prepared_first_move(doc, layer, label, level, box)
            renderer = Renderer(doc)
            renderer.update()
            renderer.set_view(level, box)
            renderer.set_focus(layer)
            row(f"move {label}: first move (builds caches, reductions)",
                median_ms(lambda: (doc.translate(layer, 5, 3, merge_key="bench"),
                                   renderer.update()), 1))

            def move(step=[0]):
                step[0] += 1
                doc.translate(layer, 5 if step[0] % 2 else -5, 3 if step[0] % 2 else -3,
                              merge_key="bench")
                renderer.update()

            later = median_ms(move, max(5, runs))
            shown = renderer.preview
            drawn = f"level {shown[0]}" if shown else "level 0"
            row(f"move {label}: each later move of the drag", later,
                f"target <= 30 ms; drawn at {drawn}")
            row("end of drag: settle() draws full resolution exactly",
                median_ms(lambda: (renderer.settle(), renderer.update()), 1))
            fresh = Renderer(doc)
            fresh.update()
            same = np.array_equal(fresh.composite.array, renderer.composite.array)
            fresh.close()
            print(f"  {'settled composite == fresh full render':<58} {str(same):>9}")
            renderer.close()
            doc.history.undo()
        bench_slider(doc, level, box, runs)


def bench_prepared_first_move(doc, layer, label: str, level: int, box) -> None:
    """The first move when the editor was idle before it: the canvas then has the renderer
    make the caches around the active layer in slices (`Renderer.prepare`, one slice per
    turn of the event loop, PREPARE_SLICE_S each); the longest slice is how long the
    editor could be slow to answer an event meanwhile."""
    from editor.model.render import Renderer
    from editor.ui.canvas import PREPARE_SLICE_S

    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(level, box)
    renderer.prepare(layer)
    slices, cpu = [], time.process_time()
    while True:
        start = time.perf_counter()
        more = renderer.prepare_step(PREPARE_SLICE_S)
        slices.append((time.perf_counter() - start) * 1000)
        if not more:
            break
    _last_cpu[:] = [(time.process_time() - cpu) * 1000]
    row(f"idle preparation for {label}: all slices", sum(slices),
        f"{len(slices)} slices, longest {max(slices):.0f} ms")
    renderer.set_focus(layer)
    row(f"move {label}: first move after the idle preparation",
        median_ms(lambda: (doc.translate(layer, 5, 3, merge_key="bench"), renderer.update()), 1),
        "target <= 30 ms")
    renderer.close()
    doc.history.undo()


def bench_slider(doc, level: int, box, runs: int) -> None:
    """An adjustment's live preview: a Hue/Saturation setting changed repeatedly (as a
    Properties slider does: each value new), drawn as at the view."""
    from editor.model import AdjustmentLayer, adjustment_ops
    from editor.model import adjustments as adj
    from editor.model.render import Renderer

    node = next((n for n in doc.layers() if isinstance(n, AdjustmentLayer)
                 and isinstance(n.settings, adj.HueSaturation)), None)
    if node is None:
        return
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(level, box)
    hue = [node.settings.hue]

    def change():
        hue[0] += 1
        adjustment_ops.set_settings(doc, node, dataclasses.replace(node.settings, hue=hue[0]),
                                    merge_key="bench-slider")
        renderer.update()

    row("Hue/Saturation slider: first change (full resolution)", median_ms(change, 1))
    row("Hue/Saturation slider: second change (builds caches)", median_ms(change, 1))
    shown = renderer.preview
    row("Hue/Saturation slider: each later change", median_ms(change, max(5, runs)),
        f"drawn at level {shown[0] if shown else 0}")
    row("end of the slider drag: settle()",
        median_ms(lambda: (renderer.settle(), renderer.update()), 1))
    renderer.close()
    doc.history.undo()
    # The same with the editor idle first, the adjustment layer active (`Renderer.prepare`).
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(level, box)
    renderer.prepare(node)
    while renderer.prepare_step(1.0):
        pass
    row("Hue/Saturation slider: first change after the idle preparation", median_ms(change, 1))
    renderer.close()
    doc.history.undo()


# -- (c) -------------------------------------------------------------------------------

def bench_psd(runs: int, folder: str) -> None:
    from PIL import Image
    from psd_tools import PSDImage
    from psd_tools.constants import Compression

    from editor.model.files import open_document, save_document

    doc = photo_document(10)
    layers = [layer.pixels for layer in doc.layers()]
    ours_path = os.path.join(folder, "ours.psd")
    theirs_path = os.path.join(folder, "theirs.psd")
    print(f"\n(c) PSD save and open: 10 full-canvas photo-like layers, {W}x{H}, RLE")

    save_ours = median_ms(lambda: save_document(doc, ours_path), runs)

    def build_theirs():
        psd = PSDImage.new("RGBA", (W, H), color=0)
        for i, pixels in enumerate(layers):
            psd.create_pixel_layer(Image.fromarray(pixels, "RGBA"), name=f"photo {i}",
                                   compression=Compression.RLE)
        return psd

    save_theirs = median_ms(lambda: build_theirs().save(theirs_path), max(1, runs // 2))

    def save_theirs_no_preview():
        psd = build_theirs()
        with open(theirs_path + ".raw", "wb") as f:
            psd._record.write(f)

    save_theirs_raw = median_ms(save_theirs_no_preview, runs)
    open_ours = median_ms(lambda: open_document(ours_path), runs)

    def open_theirs():
        psd = PSDImage.open(ours_path)
        return [np.asarray(layer.topil()) for layer in psd]

    open_theirs_ms = median_ms(open_theirs, runs)
    size = os.path.getsize(ours_path) / 2 ** 20
    row("ours: save_document (layers + our composite as preview)", save_ours,
        f"{size:.0f} MB file")
    row("psd-tools: new + create_pixel_layer x10 + save()", save_theirs,
        f"ours/theirs = {save_ours / save_theirs:.2f}x (target <= 1.3x)")
    row("psd-tools: same, writing the record without its own preview", save_theirs_raw,
        f"ours/theirs = {save_ours / save_theirs_raw:.2f}x")
    row("ours: open_document (10 layers to straight RGBA uint8)", open_ours)
    row("psd-tools: PSDImage.open + layer.topil() -> numpy, x10", open_theirs_ms,
        f"ours/theirs = {open_ours / open_theirs_ms:.2f}x (target <= 1.3x)")


# -- (d) -------------------------------------------------------------------------------

def memory_child(path: str) -> None:
    """Runs in a fresh process: RSS before, peak while opening, and held after opening."""
    import gc

    from editor.model.files import open_document

    def status(key: str) -> int:
        # VmHWM, unlike getrusage's ru_maxrss, is not inherited from the parent over fork+exec.
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
        raise KeyError(key)

    def rss() -> int:
        return status("VmRSS")

    import PIL.Image  # noqa: F401  (modules loaded before the baseline)
    import psd_tools  # noqa: F401

    import editor.model.psd  # noqa: F401

    gc.collect()
    before = rss()
    doc = open_document(path)
    gc.collect()
    held = rss() - before
    peak = status("VmHWM") - before
    print(json.dumps({"held": held, "peak": peak, "nbytes": doc.nbytes(),
                      "layers": sum(1 for _ in doc.layers())}))


def bench_memory(folder: str) -> None:
    from editor.model.files import save_document

    doc = photo_document(20)
    raw = 20 * W * H * 4
    path = os.path.join(folder, "twenty.psd")
    save_document(doc, path)
    del doc
    out = subprocess.run([sys.executable, __file__, "--memory-child", path], capture_output=True,
                         text=True, check=True)
    m = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"\n(d) memory of a 20-layer {W}x{H} document (photo-like layers), raw RGBA "
          f"{raw / 2 ** 20:.0f} MB")
    print(f"  layer pixel arrays (doc.nbytes)                            {m['nbytes'] / 2 ** 20:9.0f} MB"
          f"  {m['nbytes'] / raw:.2f}x raw")
    print(f"  process memory held after open_document (RSS growth)       {m['held'] / 2 ** 20:9.0f} MB"
          f"  {m['held'] / raw:.2f}x raw (target <= 1.3x)")
    print(f"  peak while opening (max RSS growth: file + decoding)       {m['peak'] / 2 ** 20:9.0f} MB"
          f"  {m['peak'] / raw:.2f}x raw")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--no-naive", action="store_true",
                        help="skip the naive numpy baselines (they take minutes)")
    parser.add_argument("--masked", action="store_true",
                        help="only (a) and (b), with a layer mask on every other layer")
    parser.add_argument("--adjusted", action="store_true",
                        help="with --masked: three adjustment layers in the stack as well")
    parser.add_argument("--paths", action="store_true",
                        help="with --masked: a vector mask on every third layer as well")
    parser.add_argument("--grouped", action="store_true",
                        help="with --masked: layers 2-7 in a Pass Through group, 12-17 in a "
                             "Normal group")
    parser.add_argument("--group-style", action="store_true",
                        help="with --grouped: the Normal group has a Drop Shadow and a Stroke")
    parser.add_argument("--pieces", action="store_true",
                        help="with --masked: only (i), the photo document's runs of plain "
                             "layers in pieces against whole rows")
    parser.add_argument("--shapes", action="store_true",
                        help="only (h): full redraws with a shape layer")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return
    print(f"Layered document benchmarks, {W}x{H}; median of {args.runs} runs unless noted; "
          f"{os.cpu_count()} CPU cores; machine load {os.getloadavg()[0]:.1f}")
    if args.shapes:
        bench_shape_redraw(args.runs)
        return
    if args.masked and args.pieces:
        doc = photo_document(20)
        mask_half(doc)
        if args.adjusted:
            add_adjustments(doc)
        bench_pieces(doc, args.runs)
        return
    if args.masked:
        for name, build in (("photo, half masked", lambda: photo_document(20)),
                            ("typical, half masked", typical_document)):
            doc = build()
            mask_half(doc)
            if args.paths:
                path_some(doc)
                name += ", paths on a third"
            if args.adjusted:
                add_adjustments(doc)
                name += ", 3 adjustments"
            if args.grouped:
                group_some(doc, args.group_style)
                name += ", 2 groups" + (" (one styled)" if args.group_style else "")
            bench_composite(name, doc, args.runs,
                            naive_runs=0 if args.no_naive or args.adjusted else 1)
            bench_views(name, doc, args.runs)
            del doc
        if args.adjusted:
            bench_adjustment_kinds(args.runs)
        if args.paths:
            bench_path_raster(args.runs)
        return
    with tempfile.TemporaryDirectory() as folder:
        doc = photo_document(20)
        bench_composite("photo", doc, args.runs, naive_runs=1)  # the naive version takes ~1 s a layer
        del doc
        bench_composite("typical", typical_document(), args.runs, naive_runs=3)
        bench_psd(args.runs, folder)
        bench_memory(folder)


if __name__ == "__main__":
    main()

"""Caches made while the editor is idle (Renderer.prepare / prepare_step, and the canvas
that runs them): the first move of a drag then finds them made, the result is the same
pixels as without them, and any other change throws them away."""
from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import QPoint, Qt

from editor.model import render, render_focus
from editor.model.render import Renderer
from editor.ui import main_window
from engine.box import Box
from test_render_view import H, W, fresh_composite, stacked_document


def drag(doc, renderer, layer, moves=((5, 3), (7, -2))) -> None:
    renderer.set_focus(layer)
    for dx, dy in moves:
        doc.translate(layer, dx, dy, merge_key="drag")
        renderer.update()


def run_all(renderer: Renderer) -> int:
    """Runs the prepared work in the smallest slices; returns how many calls it took."""
    calls = 1
    while renderer.prepare_step(0.0):
        calls += 1
    return calls


def test_prepared_caches_are_used_and_give_the_same_pixels():
    doc, layer = stacked_document()
    plain = Renderer(doc)
    plain.update()
    drag(doc, plain, layer)
    expected_drag = plain.composite.array.copy()
    doc.history.undo()
    plain.close()

    renderer = Renderer(doc)
    renderer.update()
    assert renderer.prepare(layer)
    assert run_all(renderer) > 3  # made a unit of the stack at a time
    prepared = renderer._prepared.focus
    assert prepared is not None and prepared.layer is layer
    assert not renderer.prepare(layer)  # made already: nothing more to run
    drag(doc, renderer, layer)
    assert renderer._focus is prepared  # the first move took it instead of making its own
    assert np.array_equal(renderer.composite.array, expected_drag)
    renderer.settle()
    renderer.update()
    assert np.array_equal(renderer.composite.array, fresh_composite(doc))


def test_a_drag_that_starts_halfway_finishes_the_work():
    doc, layer = stacked_document()
    renderer = Renderer(doc)
    renderer.update()
    renderer.prepare(layer)
    assert renderer.prepare_step(0.0)  # one unit done, more to do
    work = renderer._prepared
    drag(doc, renderer, layer)
    assert work.layer is layer and renderer._prepared is None
    assert renderer._focus is not None and renderer._focus.layer is layer
    renderer.settle()
    renderer.update()
    assert np.array_equal(renderer.composite.array, fresh_composite(doc))


def test_a_change_elsewhere_throws_the_prepared_caches_away():
    doc, layer = stacked_document()
    renderer = Renderer(doc)
    renderer.update()
    renderer.prepare(layer)
    run_all(renderer)
    other = doc.root.children[0]
    other.pixels[:40, :40] = [255, 0, 0, 255]
    doc.region_changed.emit(other.bounds(), other)
    assert renderer._prepared is None
    renderer.update()
    drag(doc, renderer, layer)  # made anew, with the red corner
    renderer.settle()
    renderer.update()
    assert np.array_equal(renderer.composite.array, fresh_composite(doc))
    # A change of the stack too.
    renderer.set_focus(None)
    renderer.prepare(layer)
    doc.set_visible(doc.root.children[-1], False)
    assert renderer._prepared is None


def test_the_layer_own_changes_keep_them():
    doc, layer = stacked_document()
    renderer = Renderer(doc)
    renderer.update()
    renderer.prepare(layer)
    run_all(renderer)
    layer.pixels[10:20, 10:20] = [0, 0, 255, 255]  # the caches hold what is around it
    doc.region_changed.emit(layer.bounds(), layer)
    assert renderer._prepared is not None
    renderer.update()
    drag(doc, renderer, layer)
    renderer.settle()
    renderer.update()
    assert np.array_equal(renderer.composite.array, fresh_composite(doc))


def test_zoomed_out_the_reduced_caches_are_prepared_too():
    doc, layer = stacked_document()
    plain = Renderer(doc)
    plain.update()
    plain.set_view(1)
    drag(doc, plain, layer)
    expected = plain.preview[1].array.copy()
    doc.history.undo()
    plain.close()

    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(1)
    renderer.prepare(layer)
    run_all(renderer)
    ready = renderer._prepared.reduced
    assert ready is not None and ready[0] == 1
    drag(doc, renderer, layer)
    assert renderer._preview.focus is ready[3]
    assert renderer.preview[1].array.shape == (H // 2, W // 2, 4)
    assert np.array_equal(renderer.preview[1].array, expected)


def test_costly_units_are_made_in_bands_of_rows_with_the_same_pixels(monkeypatch):
    """An adjustment or a clipping group is drawn a band of rows per step (no step keeps the
    idle editor from its events for long); the caches are the pixels made at once."""
    doc, _ = stacked_document()
    layer = doc.root.children[4]  # Levels below it, a clipping group above it
    assert doc.root.children[3].name == "levels" and doc.root.children[6].clipping

    def prepared(step_pixels):
        monkeypatch.setattr(render_focus, "STEP_PIXELS", step_pixels)  # (read there)
        renderer = Renderer(doc)
        renderer.update()
        renderer.prepare(layer)
        calls = run_all(renderer)
        focus = renderer._prepared.focus
        renderer.close()
        return calls, focus

    whole_calls, whole = prepared(1 << 40)
    banded_calls, banded = prepared(W * 16)  # bands of 16 rows
    assert banded_calls >= whole_calls + 2 * (H // 16 - 1)  # two costly units (at least)
    assert np.array_equal(banded.below.array, whole.below.array)
    for a, b in zip(banded.steps or [banded.above], whole.steps or [whole.above]):
        if isinstance(a, render.PixelBuffer):
            assert np.array_equal(a.array, b.array)


def test_the_idle_canvas_prepares_the_active_layer(qtbot, tmp_path, monkeypatch):
    from PySide6.QtTest import QTest

    from ui_helpers import image_pos, make_window

    w = make_window(qtbot, tmp_path, monkeypatch)
    doc, layer = stacked_document()
    doc.set_active(layer)
    w.add_session(doc, "stack")
    qtbot.waitUntil(lambda: w.canvas.paint_count > 0)
    renderer = w.session.renderer
    qtbot.waitUntil(lambda: renderer._prepared is not None and renderer._prepared.done,
                    timeout=5000)
    first = renderer._prepared
    built = []  # caches made on the spot, which the prepared ones should spare
    real_build = render._build_focus
    monkeypatch.setattr(render, "_build_focus", lambda *a: built.append(a) or real_build(*a))
    canvas = w.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    start = image_pos(canvas, 300, 240)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    for step in (QPoint(12, 8), QPoint(20, 10)):
        QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas, Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, start + step)
        canvas.repaint()  # each move drawn, as the event loop would
    assert (layer.x, layer.y) != (0, 0)
    assert built == [] and renderer._focus is first.focus  # the prepared caches, taken
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(20, 10))
    qtbot.waitUntil(lambda: not renderer.approximate and not renderer.is_dirty(), timeout=8000)
    assert np.array_equal(renderer.composite.array, fresh_composite(doc))



def test_a_setting_changed_on_the_prepared_adjustment_layer_uses_the_caches_at_once(
        monkeypatch):
    import dataclasses

    from editor.model import AdjustmentLayer, adjustment_ops

    doc, _ = stacked_document()
    node = next(n for n in doc.root.children if isinstance(n, AdjustmentLayer)
                and n.name == "levels")
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(1)
    renderer.prepare(node)
    run_all(renderer)
    built = []
    real_build = render._build_focus
    monkeypatch.setattr(render, "_build_focus", lambda *a: built.append(a) or real_build(*a))
    for gamma in (1.3, 1.5):
        levels = dataclasses.replace(node.settings, rgb=(12, 240, gamma, 0, 255))
        adjustment_ops.set_settings(doc, node, levels, merge_key="slider")
        renderer.update()
        assert renderer.preview is not None  # the first change already drawn at the level
    assert built == []
    renderer.settle()
    renderer.update()
    assert not renderer.approximate
    assert np.array_equal(renderer.composite.array, fresh_composite(doc))


def test_warm_up_loads_every_kernel_of_the_composite():
    """`render.warm_up` (run by the editor on a worker thread once its window shows) leaves
    each numba kernel of the composite compiled for contiguous buffers and views."""
    from editor.model import adjust_kernels, pattern_kernels, reduced

    render.warm_up()
    for kernel in (render._KERNELS[True], render._KERNELS[False], reduced._KERNEL[0],
                   render._KERNELS[("premultiplied", True)],
                   render._KERNELS[("premultiplied", False)],
                   adjust_kernels.adjust_screen, adjust_kernels.mix_screen,
                   adjust_kernels.adjust_precise):
        layouts = {sig[0].layout for sig in kernel.signatures}
        assert {"C", "A"} <= layouts or kernel is reduced._KERNEL[0], kernel
    # A Pattern fill's (patterns.tile always hands them contiguous arrays).
    assert pattern_kernels.turned.signatures and pattern_kernels.rows.signatures


def test_warm_up_imports_what_the_first_curves_table_needs():
    """A Curves layer's first table needs scipy's spline (0.2-3 s to import on the 2-core
    machine): the warm-up imports it, not the document's first picture. In a fresh
    process: this one may have imported it already."""
    import subprocess
    import sys

    code = ("import sys; from editor.model import render; "
            "print('scipy.interpolate' in sys.modules); render.warm_up(); "
            "print('scipy.interpolate' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=os.path.dirname(os.path.dirname(__file__)))
    assert out.stdout.split() == ["False", "True"]


def test_the_window_starts_the_warm_up_on_a_worker_thread(qtbot, tmp_path, monkeypatch):
    from editor.ui import worker
    from ui_helpers import make_window

    w = make_window(qtbot, tmp_path, monkeypatch)
    started = []
    monkeypatch.setattr(worker, "start", lambda fn, done, failed: started.append(fn))
    monkeypatch.setattr(w.generate_panel, "warm_up", lambda: None)  # no models here
    w.settings.warm_up = True
    w._warm_up()
    assert started == [main_window._warm_up_kernels]


def test_the_fill_warm_up_loads_every_kernel_of_the_content_aware_fill():
    """`patchmatch_fill.warm_up` (run after `render.warm_up` on the same worker) leaves every
    kernel of the fill compiled, in a fresh process: the first heal or Content-Aware fill
    then waits for none (checked in a child process, where nothing else has run a fill)."""
    import subprocess
    import sys

    code = (
        "from numba.core.registry import CPUDispatcher\n"
        "import engine.methods.decompose_steps.patchmatch_fill as fill\n"
        "fill.warm_up()\n"
        "kernels = {n: f for n, f in vars(fill).items() if isinstance(f, CPUDispatcher)\n"
        "           and f.targetoptions.get('inline') != 'always'}\n"
        "assert len(kernels) >= 5, kernels\n"
        "print(sorted(n for n, f in kernels.items() if not f.signatures))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=600, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_a_drag_right_after_another_layer_is_made_active_starts_from_the_stand_ins(
        monkeypatch):
    """Idle, the stand-ins of every layer are made first; a drag of a layer whose caches
    were never made then composites them at the view's level instead of making and
    reducing the full-resolution caches, and settles exactly."""
    doc, layer = stacked_document()
    other = doc.root.children[0]
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(1)
    assert renderer.prepare(other)   # the layer made active before
    run_all(renderer)
    assert renderer._unreduced() == []  # every layer's stand-in made
    full_sizes = []
    real_build = render._build_focus

    def build(nodes, focus_layer, canvas):
        full_sizes.append(canvas.w == W)
        return real_build(nodes, focus_layer, canvas)

    monkeypatch.setattr(render, "_build_focus", build)
    drag(doc, renderer, layer)  # no time to prepare `layer`
    assert full_sizes == [False]  # composited at the level, not at full resolution
    assert renderer._focus is None
    level, buffer = renderer.preview
    exact = fresh_composite(doc)
    half = exact.reshape(H // 2, 2, W // 2, 2, 4).mean(axis=(1, 3))
    diff = np.abs(buffer.array.astype(float) - half)
    assert level == 1 and diff.mean() < 3 and np.percentile(diff, 99) < 24
    renderer.settle()
    renderer.update()
    assert full_sizes[-1] is True  # the exact composite at full resolution, once settled
    assert np.array_equal(renderer.composite.array, exact)


def test_a_layer_painted_since_its_stand_in_was_made_is_reduced_again():
    doc, layer = stacked_document()
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(1)
    renderer.prepare(layer)
    run_all(renderer)
    other = doc.root.children[0]
    other.pixels[:40, :40] = [255, 0, 0, 255]
    other.changed(Box(0, 0, 40, 40))
    doc.region_changed.emit(other.bounds(), other)
    assert renderer._unreduced() == [other]
    renderer.prepare(layer)
    run_all(renderer)
    assert renderer._unreduced() == []

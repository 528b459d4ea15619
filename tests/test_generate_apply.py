"""editor.model.generate_apply: the background below the new layer's place, the window, placing
candidates in canvas coordinates, and Apply as one undo step."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import Document, Group, Layer
from editor.model.generate_apply import (GeneratedCandidate, GenerateSpec, Placement,
                                         apply_candidate, composite_below, context_window,
                                         placement_for, prepare)
from editor.model.render import composite_document
from engine.box import Box
from engine.errors import InvalidInput


def solid(w, h, rgba):
    return np.tile(np.array(rgba, np.uint8), (h, w, 1))


def scene():
    doc = Document(120, 90)
    doc.add_image(solid(120, 90, (200, 180, 160, 255)), "Background", 0, 0)
    doc.add_image(solid(40, 30, (0, 0, 255, 128)), "Middle", 30, 20)
    doc.add_image(solid(30, 30, (255, 0, 0, 255)), "Top", 50, 30)
    return doc


def test_the_background_is_what_lies_below_the_new_layer_inside_the_window():
    doc = scene()
    doc.set_active(doc.find_by_name("Middle"))
    placement = placement_for(doc)
    assert placement.resolve(doc) == (doc.root, 2)
    window = Box(10, 10, 80, 60)
    background = composite_below(doc, placement, window)
    expected = composite_document(doc, window, below=doc.find_by_name("Top"))
    assert np.array_equal(background, expected)
    assert not np.array_equal(background, composite_document(doc, window))  # Top is not in it
    # Only the window is composited, and it is the same as cropping the whole composite.
    whole = composite_document(doc, below=doc.find_by_name("Top"))
    assert np.array_equal(background, whole[window.slices()])


def test_one_plain_layer_below_is_used_as_it_is():
    doc = Document(120, 90)
    photo = np.random.default_rng(1).integers(0, 256, (70, 100, 4), dtype=np.uint8)
    photo[..., 3] = 255
    layer = doc.add_image(photo, "Photo", 10, 5)  # the canvas is not covered everywhere
    doc.new_layer("Empty above")
    doc.set_active(layer)
    placement = placement_for(doc)
    for window in (Box(20, 10, 50, 40), Box(0, 0, 120, 90), Box(100, 60, 20, 30)):
        below = composite_below(doc, placement, window)
        assert np.array_equal(below, composite_document(doc, window))
    assert np.shares_memory(composite_below(doc, placement, Box(20, 10, 50, 40)), layer.pixels)


def test_inside_a_group_the_background_keeps_what_is_below_in_the_group():
    doc = scene()
    top = doc.find_by_name("Top")
    group = doc.group([doc.find_by_name("Middle")], "Group")
    assert group.expanded
    doc.set_active(group)  # an open group: new layers go on top inside it
    placement = placement_for(doc)
    parent, index = placement.resolve(doc)
    assert parent is group and index == 1
    window = doc.canvas
    doc.set_visible(top, False)
    expected = composite_document(doc, window)  # everything but Top
    doc.set_visible(top, True)
    assert np.array_equal(composite_below(doc, placement, window), expected)


def test_placement_survives_later_edits():
    doc = scene()
    middle = doc.find_by_name("Middle")
    doc.set_active(middle)
    placement = placement_for(doc)
    doc.reorder(middle, doc.root, 0)  # the anchor moved: the new layer follows it
    assert placement.resolve(doc) == (doc.root, 1)
    doc.delete(middle)  # the anchor is gone: where a new layer would go now
    assert placement.resolve(doc) == doc._insertion_point(None)
    assert Placement(doc.root, None).resolve(doc) == (doc.root, 0)


def test_windows_of_the_two_methods_hold_the_box():
    box = Box(50, 40, 40, 30)
    window, changed = context_window("add_foreground", box, 160, 120)
    assert changed.intersect(box) == box and window.intersect(changed) == changed
    window, changed = context_window("bfs", box, 160, 120)
    assert window == changed == Box(30, 15, 80, 80)
    with pytest.raises(InvalidInput, match="Unknown method"):
        context_window("magic", box, 160, 120)


@pytest.mark.parametrize("spec, box, message", [
    (GenerateSpec(prompt="a ball"), None, "no box"),
    (GenerateSpec(prompt="  "), Box(10, 10, 20, 20), "prompt is empty"),
    (GenerateSpec(prompt="a ball"), Box(500, 500, 10, 10), "outside"),
    (GenerateSpec(prompt="a ball", candidates=9), Box(10, 10, 20, 20), "Candidates"),
])
def test_bad_requests_are_explained_before_any_work(spec, box, message):
    doc = scene()
    with pytest.raises(InvalidInput, match=message):
        prepare(doc, spec, box)


def test_apply_is_one_undo_step_with_the_recipe():
    doc = scene()
    doc.set_active(doc.find_by_name("Background"))
    placement = placement_for(doc)
    pixels = solid(10, 8, (10, 200, 10, 90))
    recipe = {"method": "add_foreground", "model": "m", "prompt": "a  green\nthing", "seed": 4,
              "box": [5, 6, 10, 8], "steps": 3, "guidance": 7.5, "negative_prompt": ""}
    candidate = GeneratedCandidate(4, pixels, 5, 6, recipe, np.zeros((4, 4, 3), np.uint8))
    steps = len(doc.history.names())
    layer = apply_candidate(doc, placement, candidate)
    assert [n.name for n in doc.root.children] == ["Background", "a green thing", "Middle", "Top"]
    assert isinstance(layer, Layer) and (layer.x, layer.y) == (5, 6) and layer.recipe == recipe
    assert len(doc.history.names()) == steps + 1 and doc.history.names()[-1] == "Generate Layer"
    doc.history.undo()
    assert doc.find_by_name("a green thing") is None
    empty = GeneratedCandidate(5, np.zeros((0, 0, 4), np.uint8), 0, 0, recipe,
                               np.zeros((4, 4, 3), np.uint8))
    from editor.model import DocumentError

    with pytest.raises(DocumentError, match="empty"):
        apply_candidate(doc, placement, empty)


def test_generate_places_candidates_in_canvas_coordinates(tmp_path):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    from editor.model.generate_apply import generate
    from engine.testing import tiny

    doc = scene()
    doc.set_active(doc.find_by_name("Middle"))
    doc.set_selection(Box(60, 40, 30, 24))
    request = prepare(doc, GenerateSpec(model=str(tiny.cached_tiny("sd-inpaint")), prompt="a cup",
                                        steps=2, candidates=1, resolution=64, seed=11))
    window = request.window
    previews = []
    result = generate(request, lambda s, t, p=None: p is not None and previews.append(p))
    [candidate] = result.candidates
    recipe = candidate.recipe
    assert recipe["box"] == [60, 40, 30, 24] and recipe["window"] == list(window.as_tuple())
    region = Box(*recipe["region"])
    assert region == request.preview_box and window.intersect(region) == region
    assert window.intersect(candidate.box) == candidate.box and not candidate.empty
    assert recipe["seed"] == 11 and recipe["prompt"] == "a cup"
    # Step previews show only the part the model changes (same shape as the region).
    h, w = previews[0].shape[:2]
    assert abs(w / h - region.w / region.h) < 0.2

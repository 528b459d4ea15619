"""editor.model.generate_state: generate -> pick -> apply without Qt; one state per document."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import Document, DocumentError
from editor.model.generate_apply import GeneratedCandidate, Generation, generate
from editor.model.generate_state import GenerationState
from engine.box import Box
from engine.errors import InvalidInput
from engine.testing import tiny


def photo_document() -> Document:
    from skimage import data

    doc = Document(128, 128)
    rgb = np.ascontiguousarray(data.astronaut()[::4, ::4])
    doc.add_image(np.dstack([rgb, np.full((128, 128), 255, np.uint8)]), "Background", 0, 0)
    return doc


def test_generate_pick_apply_with_a_tiny_model():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    doc = photo_document()
    state = GenerationState(doc)
    state.spec.prompt = "  a red ball "
    state.spec.model = str(tiny.cached_tiny("sd-inpaint"))
    state.spec.seed, state.spec.steps, state.spec.resolution, state.spec.candidates = 3, 2, 64, 2
    doc.set_selection(Box(40, 50, 30, 40))

    request = state.prepare(device="cpu")
    assert request.spec.prompt == "a red ball" and request.spec.device == "cpu"
    assert state.spec.device == "auto"  # an override is for this request only
    state.receive(request, generate(request))
    assert [c.seed for c in state.pending.generation.candidates] == [3, 4]
    assert state.candidate.seed == 3 and list(doc.layers())[-1].name == "Background"

    state.step(1)
    state.step(1)  # stays on the last one
    chosen = state.candidate
    assert chosen.seed == 4
    layer = state.apply()
    assert state.pending is None and doc.active is layer
    assert layer.recipe["seed"] == 4 and layer.recipe["box"] == [40, 50, 30, 40]
    assert (layer.x, layer.y) == (chosen.x, chosen.y) and np.array_equal(layer.pixels, chosen.pixels)
    assert doc.history.names()[-1] == "Generate Layer"
    doc.history.undo()
    assert [n.name for n in doc.layers()] == ["Background"]


def fake_generation(*pixels) -> Generation:
    thumb = np.zeros((4, 4, 3), np.uint8)
    return Generation([GeneratedCandidate(i, p, 10, 12, {"prompt": "x", "seed": i}, thumb)
                       for i, p in enumerate(pixels)], Box(0, 0, 64, 64), "m", "cpu")


def test_each_document_keeps_its_own_inputs_and_candidates():
    first, second = photo_document(), photo_document()
    a, b = GenerationState(first), GenerationState(second)
    a.spec.prompt, b.spec.prompt = "a cat", "a boat"
    first.set_selection(Box(10, 10, 40, 40))
    request = a.prepare()
    a.receive(request, fake_generation(np.full((5, 6, 4), 200, np.uint8)))
    assert b.pending is None and b.spec.prompt == "a boat"
    with pytest.raises(InvalidInput, match="no box"):
        b.prepare()  # the second document has no box; the first keeps its candidates
    assert a.pending is not None
    layer = a.apply()
    assert layer in first.layers() and layer not in second.layers()


def test_an_empty_candidate_is_refused_and_kept_and_discard_drops():
    doc = photo_document()
    state = GenerationState(doc, random_seed=True)
    state.spec.prompt = "x"
    doc.set_selection(Box(10, 10, 40, 40))
    state.spec.negative_prompt = "blurry"
    assert state.prepare(negative_prompt="").spec.negative_prompt == ""  # a field not used
    assert state.spec.negative_prompt == "blurry"
    seeds = {state.prepare().spec.seed for _ in range(3)}
    assert len(seeds) > 1  # a new seed each time
    state.receive(state.request, fake_generation(np.zeros((0, 0, 4), np.uint8)))
    with pytest.raises(DocumentError, match="empty"):
        state.apply()
    assert state.pending is not None and len(list(doc.layers())) == 1
    state.discard()
    assert state.pending is None and state.apply() is None

"""The table of methods (engine.methods.registry): consistent with the catalogue, read by all."""
import numpy as np
import pytest

from engine.box import Box
from engine.errors import InvalidInput
from engine.methods import registry
from engine.models import catalogue as cat


def test_every_method_is_served_by_known_families_and_every_family_serves_a_method():
    ids = [m.id for m in registry.METHODS]
    assert len(ids) == len(set(ids)) and len({m.label for m in registry.METHODS}) == len(ids)
    for method in registry.METHODS:
        assert method.families and set(method.families) <= set(cat.FAMILIES), method.id
        assert method.kind in (registry.LAYER, registry.PICTURE, registry.DECOMPOSE_STEP,
                               registry.EDIT)
    for family in cat.FAMILIES:
        assert cat.FAMILY_METHODS[family] == registry.methods_of_family(family) != ()


def test_the_shipped_catalogue_names_only_methods_of_the_table():
    ids = {m.id for m in registry.METHODS}
    for info in cat.load_catalogue():
        assert set(info.methods) <= ids, info.id
        assert set(info.methods) <= set(registry.methods_of_family(info.family)), info.id


def test_layer_methods_have_a_window_and_a_run_and_say_which_fields_apply():
    layer = registry.layer_methods()
    assert [m.id for m in layer] == ["add_foreground", "bfs"]
    box = Box(50, 40, 40, 30)
    for method in layer:
        window, changed = method.context_window(box, 160, 120, registry.GenerateSpec(method.id))
        assert window.intersect(changed) == changed and changed.intersect(box) == box
        assert callable(method.run)
    inpaint, bfs = layer
    assert inpaint.applies("negative_prompt", "sd-inpaint")
    assert not inpaint.applies("negative_prompt", "flux-fill")
    assert not bfs.applies("negative_prompt", "bfs") and not bfs.applies("resolution")
    # Both have a catalogue default; BFS's is the built-in model (resources/builtin).
    assert inpaint.catalogue_default and bfs.catalogue_default and bfs.missing_model
    assert registry.default_model("bfs") == "layered/builtin-bfs-tiny"
    assert registry.method_for_family("bfs") == "bfs"
    assert registry.method_for_family("sdxl-inpaint") == "add_foreground"
    assert registry.method_for_family("sam") == "decompose_mask"


def test_the_inpainting_window_follows_grow_and_margin():
    box = Box(70, 50, 20, 20)
    method = registry.get("add_foreground")
    small, _ = method.context_window(box, 400, 300, registry.GenerateSpec(margin=0.1))
    large, _ = method.context_window(box, 400, 300, registry.GenerateSpec(margin=1.0))
    assert small.w < large.w and large.intersect(small) == small


def test_an_unknown_method_names_the_known_ones():
    with pytest.raises(InvalidInput, match="add_foreground, bfs"):
        registry.get("magic")


def test_a_bfs_candidate_is_trimmed_to_its_visible_part():
    pixels = np.zeros((10, 12, 4), np.uint8)
    pixels[3:5, 4:9, 3] = 200
    trimmed, x, y = registry._trim(pixels)
    assert (x, y, trimmed.shape) == (4, 3, (2, 5, 4))
    empty, _, _ = registry._trim(np.zeros((4, 4, 4), np.uint8))
    assert empty.shape == (0, 0, 4)

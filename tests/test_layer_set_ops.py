"""layer_set_ops without Qt: Merge Layers of a group, a hidden layer and a layer clipped to
a base left out; Reverse across two groups; Link joining sets and Unlink freeing the last
one; Paste Layer Style keeping a group's Pass Through; each one undo step."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import Document, DocumentError, Group, Layer
from editor.model import layer_set_ops as ops
from editor.model.render import composite_nodes


def _layer(name, color, x=0, y=0, size=6):
    pixels = np.zeros((size, size, 4), np.uint8)
    pixels[...] = (*color, 255)
    return Layer(name, pixels, x, y)


def _doc(*nodes):
    doc = Document(20, 16)
    for n in nodes:
        n.parent = doc.root
        doc.root.children.append(n)
    return doc


def test_merge_layers_of_a_group_and_a_hidden_layer_is_their_shown_composite():
    base, clipped = _layer("Base", (200, 0, 0)), _layer("Clipped", (0, 0, 200), 2, 2)
    clipped.clipping = True
    group = Group("G")
    inner = _layer("Inner", (0, 200, 0), 8, 4)
    inner.parent = group
    group.children.append(inner)
    hidden = _layer("Hidden", (9, 9, 9), 10, 10)
    hidden.visible = False
    doc = _doc(base, clipped, group, hidden, _layer("Top", (1, 1, 1)))
    expected_nodes = [clipped.copy(share=True), group.copy(share=True)]
    expected_nodes[0].clipping = False  # (its base is left out: drawn on its own)
    expected = composite_nodes(expected_nodes, doc.canvas)
    count = doc.history.count
    merged = ops.merge_layers(doc, [clipped, group, hidden, inner])
    assert [n.name for n in doc.root.children] == ["Base", "Hidden", "Top"]
    assert merged is doc.root.children[1] and not merged.clipping
    full = np.zeros_like(expected)
    h, w = merged.pixels.shape[:2]
    full[merged.y:merged.y + h, merged.x:merged.x + w] = merged.pixels
    assert np.array_equal(full, expected)
    assert doc.history.count == count + 1
    doc.history.undo()
    assert [n.name for n in doc.root.children] == ["Base", "Clipped", "G", "Hidden", "Top"]
    with pytest.raises(DocumentError):
        ops.merge_layers(doc, [base])


def test_reverse_within_each_group_and_links():
    a, b, c = _layer("A", (1, 0, 0)), _layer("B", (2, 0, 0)), _layer("C", (3, 0, 0))
    doc = _doc(a, b, c)
    ops.reverse(doc, [a, c])
    assert [n.name for n in doc.root.children] == ["C", "B", "A"]
    ops.link(doc, [a, b])
    ops.link(doc, [b, c])  # joins A's set
    assert a.link_group == b.link_group == c.link_group != 0
    assert {id(n) for n in ops.linked(doc, a)} == {id(a), id(b), id(c)}
    ops.unlink(doc, [a, b])  # C alone: unlinked too
    assert (a.link_group, b.link_group, c.link_group) == (0, 0, 0)
    doc.history.undo()
    assert a.link_group == c.link_group != 0


def test_paste_layer_style_keeps_what_the_target_cannot_take():
    layer, group = _layer("L", (5, 5, 5)), Group("G")
    layer.blend_mode, layer.opacity = "screen", 90
    doc = _doc(layer, group)
    ops.paste_style(doc, [group], ops.copy_style(layer))
    assert (group.blend_mode, group.opacity) == ("screen", 90)
    style = ops.copy_style(group.copy())
    g2 = Group("G2")
    g2.parent = doc.root
    doc.root.children.append(g2)
    ops.paste_style(doc, [layer], ops.copy_style(g2))  # Pass Through: not a layer's mode
    assert layer.blend_mode == "screen" and layer.opacity == 255
    assert style.blend_mode == "screen"

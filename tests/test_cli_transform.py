"""Flips and quarter turns are Document operations; `python main.py transform` reaches them."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from editor.model import Document, Group, Layer
from editor.model.files import open_document, save_document

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pixels(h, w, seed):
    return np.random.default_rng(seed).integers(1, 256, (h, w, 4), dtype=np.uint8)


def test_flip_and_turn_a_layer_each_one_undo_step():
    doc = Document(50, 40)
    p = pixels(10, 6, 0)
    layer = doc.add_image(p, "A", 4, 3)
    doc.flip(layer, horizontal=True)
    np.testing.assert_array_equal(layer.pixels, p[:, ::-1])
    assert (layer.x, layer.y) == (4, 3)
    doc.rotate_quarter(layer, 1)
    np.testing.assert_array_equal(layer.pixels, np.rot90(p[:, ::-1], -1))
    assert layer.pixels.shape[:2] == (6, 10) and (layer.x, layer.y) == (2, 5)  # about the centre
    assert doc.history.names()[-2:] == ["Flip Horizontal", "Rotate 90° Clockwise"]
    doc.history.undo()
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, p)


def test_a_group_turns_as_one_picture():
    doc = Document(60, 60)
    a, b = Layer("a", pixels(4, 4, 1), 10, 10), Layer("b", pixels(4, 4, 2), 20, 10)
    group = Group("g", [a, b])
    doc.add_layer(group)
    doc.flip(group, horizontal=True)
    assert (a.x, b.x) == (20, 10) and doc.history.names()[-1] == "Flip Horizontal"


def test_the_transform_verb_runs_the_same_operations(tmp_path):
    doc = Document(50, 40)
    p = pixels(10, 6, 3)
    doc.add_image(p, "A", 4, 3)
    doc.add_image(pixels(5, 5, 4), "B", 30, 20)
    src = tmp_path / "in.psd"
    save_document(doc, src)
    out = tmp_path / "out.psd"
    run = subprocess.run([sys.executable, "main.py", "transform", str(src), "--layer", "A",
                          "--flip-vertical", "--rotate", "-90", "-o", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    expected = open_document(src)
    node = expected.find_by_name("A")
    expected.flip(node, horizontal=False)
    expected.rotate_quarter(node, -1)
    got = open_document(out).find_by_name("A")
    np.testing.assert_array_equal(got.pixels, node.pixels)
    assert (got.x, got.y) == (node.x, node.y)
    run = subprocess.run([sys.executable, "main.py", "transform", str(src), "-o", str(out),
                          "--rotate", "90"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "choose one with --layer NAME" in run.stderr
    assert run.stderr.count("\n") == 1

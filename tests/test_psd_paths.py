"""The document's paths in a PSD, as Photoshop keeps them: saved paths as image resources
2000.. (the resource's name is the path's), the Work Path as resource 0x0401, each a
list of path records (fill rule, initial fill, subpaths of knots in fractions of the
document). Written by our writer and read back by our reader (names, order, knots within
PSD's fixed point, smooth points); seen by psd-tools' reader; a file another program
wrote with a saved path (built with psd-tools) opens with it; a name MacRoman cannot hold
comes back whole."""
from __future__ import annotations

import numpy as np
from PIL import Image

from editor.model import Document, path_edit, paths
from editor.model.files import open_document, save_document

W, H = 80, 50
FIXED = max(W, H) * 2.0 ** -23  # PSD's 8.24 fixed point, in pixels


def document() -> Document:
    doc = Document(W, H)
    doc.add_image(np.full((H, W, 4), 200, np.uint8), "Background", 0, 0)
    return doc


def curved() -> np.ndarray:
    """A closed subpath with two smooth anchors and a corner."""
    return np.array([path_edit.smooth_knot(20, 10, 30, 6), path_edit.smooth_knot(60, 25, 62, 35),
                     path_edit.corner_knot(15.25, 40.5)])


def with_paths() -> Document:
    doc = document()
    paths.add_subpath(doc, path_edit.rectangle_knots(10, 10, 40, 30), True)
    paths.save_work_path(doc, "Frame")
    doc.set_path_target(None)
    paths.add_subpath(doc, curved(), True)
    paths.add_subpath(doc, np.array([path_edit.corner_knot(5, 45), path_edit.corner_knot(70, 44)]),
                      False)
    paths.save_work_path(doc, "Curve")
    doc.set_path_target(None)
    paths.add_subpath(doc, path_edit.ellipse_knots(50, 5, 75, 20), True)  # the Work Path
    return doc


def assert_same_paths(a, b) -> None:
    assert [(p.name, p.work) for p in a] == [(p.name, p.work) for p in b]
    for p, q in zip(a, b):
        assert [(s.closed, len(s.knots)) for s in p.vector.subpaths] == \
            [(s.closed, len(s.knots)) for s in q.vector.subpaths]
        for k, m in zip(p.vector.moved_knots(), q.vector.moved_knots()):
            np.testing.assert_allclose(k, m, atol=FIXED)


def test_saved_paths_and_the_work_path_round_trip_through_our_writer_and_reader(tmp_path):
    doc = with_paths()
    path = str(tmp_path / "paths.psd")
    save_document(doc, path)
    again = open_document(path)
    assert_same_paths(again.paths, doc.paths)
    assert [p.name for p in again.paths] == ["Frame", "Curve", "Work Path"]
    assert again.warnings == [] and again.path_target is None
    # Smooth points stay smooth, and the read path fills as ours does.
    assert path_edit.is_smooth(again.paths[1].vector.subpaths[0].knots[0])
    for p, q in zip(again.paths, doc.paths):
        assert np.abs(paths.coverage(again, p.vector).astype(int)
                      - paths.coverage(doc, q.vector).astype(int)).max() <= 1
    # The read paths are the document's own: loaded as a selection, undone.
    again.set_path_target(again.paths[0].uid)
    paths.load_selection(again)
    assert again.selection is not None and (again.selection.x, again.selection.w) == (10, 30)


def test_psd_tools_sees_the_path_resources(tmp_path):
    from psd_tools import PSDImage
    from psd_tools.constants import Resource
    from psd_tools.psd.vector import ClosedPath, InitialFillRule, OpenPath, Path, PathFillRule

    doc = with_paths()
    path = str(tmp_path / "paths.psd")
    save_document(doc, path)
    psd = PSDImage.open(path)
    resources = {int(getattr(k, "value", k)): r for k, r in psd.image_resources.items()}
    assert Resource.is_path_info(2000) and resources[2000].name == "Frame"
    assert resources[2001].name == "Curve"
    assert 2002 not in resources and Resource.WORKING_PATH.value in resources
    # psd-tools keeps the records as bytes; its own Path structure parses them.
    frame = Path.frombytes(resources[2000].data)
    assert isinstance(frame[0], PathFillRule) and isinstance(frame[1], InitialFillRule)
    subpaths = [item for item in frame if isinstance(item, (ClosedPath, OpenPath))]
    assert len(subpaths) == 1 and subpaths[0].is_closed()
    # Knots in fractions of the document, (y, x).
    got = np.array([k.anchor for k in subpaths[0]])
    np.testing.assert_allclose(got, [(10 / H, 10 / W), (10 / H, 40 / W), (30 / H, 40 / W),
                                     (30 / H, 10 / W)], atol=2.0 ** -23)
    curve = [item for item in Path.frombytes(resources[2001].data)
             if isinstance(item, (ClosedPath, OpenPath))]
    assert [s.is_closed() for s in curve] == [True, False]
    work = [item for item in Path.frombytes(resources[Resource.WORKING_PATH.value].data)
            if isinstance(item, ClosedPath)]
    assert len(work) == 1 and len(work[0]) == 4


def test_a_document_without_paths_writes_no_path_resource(tmp_path):
    from psd_tools import PSDImage
    from psd_tools.constants import Resource

    path = str(tmp_path / "plain.psd")
    save_document(document(), path)
    keys = {int(getattr(k, "value", k)) for k in PSDImage.open(path).image_resources.keys()}
    assert not any(Resource.is_path_info(k) for k in keys) and 1025 not in keys
    assert open_document(path).paths == ()


def test_a_saved_path_from_another_program_opens(tmp_path):
    """A PSD whose saved path was written by psd-tools (no XMP packet of ours)."""
    from psd_tools import PSDImage
    from psd_tools.constants import Resource
    from psd_tools.psd.image_resources import ImageResource
    from psd_tools.psd.vector import (ClosedKnotUnlinked, ClosedPath, InitialFillRule, Path,
                                      PathFillRule)

    def knot(x, y):
        return ClosedKnotUnlinked(preceding=(y / H, x / W), anchor=(y / H, x / W),
                                  leaving=(y / H, x / W))

    psd = PSDImage.new("RGBA", (W, H), color=0)
    psd.create_pixel_layer(Image.fromarray(np.full((H, W, 4), 90, np.uint8)), name="Paper")
    records = Path(items=[PathFillRule(), InitialFillRule(0), ClosedPath(
        items=[knot(8, 6), knot(72, 6), knot(72, 44), knot(8, 44)], operation=1)])
    psd.image_resources[Resource.PATH_INFO_0] = ImageResource(
        key=Resource.PATH_INFO_0, name="Outline", data=records.tobytes(padding=1))
    path = str(tmp_path / "foreign.psd")
    psd.save(path)
    doc = open_document(path)
    assert [(p.name, p.work) for p in doc.paths] == [("Outline", False)]
    np.testing.assert_allclose(doc.paths[0].vector.moved_knots()[0][:, 1],
                               [(8, 6), (72, 6), (72, 44), (8, 44)], atol=FIXED)


def test_a_name_macroman_cannot_hold_comes_back_whole(tmp_path):
    from psd_tools import PSDImage

    doc = document()
    paths.add_subpath(doc, path_edit.rectangle_knots(10, 10, 40, 30), True)
    paths.save_work_path(doc, "Контур ✂ 1")
    path = str(tmp_path / "names.psd")
    save_document(doc, path)
    assert [p.name for p in open_document(path).paths] == ["Контур ✂ 1"]
    # Other readers see the resource's MacRoman name, '?' where it cannot hold a letter.
    names = [r.name for k, r in PSDImage.open(path).image_resources.items()
             if int(getattr(k, "value", k)) == 2000]
    assert names == ["?????? ? 1"]

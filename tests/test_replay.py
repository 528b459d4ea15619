"""The replayable commands behind the Actions panel (editor/model/replay.py) and the action
sets' JSON (editor/model/action_sets.py), without a window."""
import json

import numpy as np
import pytest

from editor.model import action_sets, adjustments, more_filters as mf, pixel_filters as pf, replay
from editor.model.document import Document
from editor.model.errors import DocumentError


def _round_trip(op):
    settings = replay.operation_settings(op)
    assert settings is not None, type(op).__name__
    return replay.operation(json.loads(json.dumps(settings)))


@pytest.mark.parametrize("kind", sorted(mf.FILTERS))
def test_every_filter_round_trips_through_json(kind):
    op = mf.FILTERS[kind]()
    assert _round_trip(op) == op


@pytest.mark.parametrize("kind", sorted(adjustments.KINDS))
def test_every_adjustment_round_trips_through_json(kind):
    op = pf.Adjust(adjustments.KINDS[kind]())
    assert _round_trip(op) == op


def test_the_other_adjustments_round_trip_by_their_class():
    from editor.model import tone_adjustments as tone

    for op in (pf.Desaturate(), tone.ShadowsHighlights()):
        assert "class" in replay.operation_settings(op)
        assert _round_trip(op) == op


def test_what_cannot_be_replayed_is_not_recorded():
    from editor.model.fade import Fade

    assert replay.operation_settings(Fade(50, before=np.zeros((1, 1, 4), np.uint8))) is None
    levels = pf.Adjust(adjustments.Levels(), "Auto Tone")  # computed from the pixels
    assert replay.operation_settings(levels) is None


def test_a_file_cannot_name_code_outside_the_editor():
    with pytest.raises(DocumentError):
        replay.operation({"class": "os:system", "settings": {}})
    with pytest.raises(DocumentError):
        replay.operation({"class": "editor.model.document:Document", "settings": {}})
    with pytest.raises(DocumentError):
        replay.play(Document(8, 8), "no_such_command", {})


def test_perform_reports_once_and_quiet_reports_nothing():
    doc = Document(16, 8)
    doc.add_image(np.full((8, 16, 4), 200, np.uint8), "Layer", 0, 0)
    seen = []
    listener = lambda d, name, settings: seen.append((name, settings))  # noqa: E731
    replay.listen(listener)
    try:
        replay.perform(doc, "flip_canvas", horizontal=True)
        replay.perform(doc, "auto", mode="tone")  # (its own Levels is not a second step)
        with replay.quiet():
            replay.perform(doc, "select_all")
    finally:
        replay.unlisten(listener)
    assert seen == [("flip_canvas", {"horizontal": True}), ("auto", {"mode": "tone"})]


def test_sets_round_trip_and_bad_files_say_so_in_one_line(tmp_path):
    sets = action_sets.default_sets()
    sets[0].actions[0].steps[1].dialog = True
    sets[0].actions[0].steps[0].enabled = False
    path = str(tmp_path / "a.json")
    action_sets.save(path, sets)
    assert action_sets.load(path) == sets
    for text in ("{}", "not json", json.dumps({"format": "layered-actions", "sets": [{}]})):
        (tmp_path / "bad.json").write_text(text)
        with pytest.raises(DocumentError) as err:
            action_sets.load(str(tmp_path / "bad.json"))
        assert "\n" not in str(err.value)

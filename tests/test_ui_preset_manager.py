"""Edit > Presets > Preset Manager… and Export/Import Presets… in the real window: rename,
delete and reorder a swatch and a style and see the panels change (and the files, in a new
window); Save Set… then Load… round trip (and Load… skipping names already there, an .aco);
export all kinds then import into a fresh config folder gives the same presets; importing
twice adds nothing; a damaged file is one status line and loses nothing."""
from __future__ import annotations

import json
import os

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton

from editor.model import preset_kinds, swatch_book
from editor.ui import preset_manager as pm
from ui_helpers import make_window


def run_dialog(w, qtbot, name, attr, body):
    """Opens the dialog through its menu action and runs `body(dialog)` while it is up."""
    presets = w.menus["presets"]
    assert presets.menuAction() in w.menus["edit"].actions()
    action = w.actions[name]
    assert action in presets.actions()
    done = {}

    def inside():
        dialog = getattr(w, attr)
        try:
            body(dialog)
            done["ok"] = True
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(50, inside)
    action.trigger()
    assert done.get("ok"), "the dialog's checks did not finish"


def names(dialog):
    return [dialog.list.item(i).text() for i in range(dialog.list.count())]


def choose(dialog, *texts):
    dialog.list.clearSelection()
    for i in range(dialog.list.count()):
        if dialog.list.item(i).text() in texts:
            dialog.list.item(i).setSelected(True)


def answer_text(monkeypatch, *answers):
    queue = list(answers)
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda *a, **k: queue.pop(0))


def test_rename_delete_reorder_swatch_and_style_reach_the_panels(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    swatches, styles = w.swatches_panel, w.styles_panel
    first_style = styles.styles[0].name
    second_style = styles.styles[1].name
    assert swatches.find("Red") is not None and swatches.find("Black") is not None
    answer_text(monkeypatch, "Scarlet", "Shadow Soft")

    def body(d):
        assert [d.type.itemText(i) for i in range(d.type.count())] == [
            "Brushes", "Swatches", "Gradients", "Styles", "Custom Shapes"]
        d.set_kind("swatches")
        assert names(d)[:2] == ["Black", "White"] and "Red" in names(d)
        assert not d.list.item(0).icon().isNull()  # a thumbnail
        choose(d, "Red")
        qtbot.mouseClick(d.buttons["rename"], pm_left())
        choose(d, "White")
        qtbot.mouseClick(d.buttons["delete"], pm_left())
        choose(d, "Green")
        qtbot.mouseClick(d.buttons["up"], pm_left())   # past Scarlet, in its group
        assert names(d).index("Green") == names(d).index("Scarlet") - 1
        d.set_kind("styles")
        assert names(d)[:2] == [first_style, second_style]
        choose(d, first_style)
        qtbot.mouseClick(d.buttons["rename"], pm_left())
        choose(d, second_style)
        qtbot.mouseClick(d.buttons["up"], pm_left())
        assert names(d)[:2] == [second_style, "Shadow Soft"]
        # Nothing reaches the panels before Done.
        assert swatches.find("Red") is not None and styles.styles[0].name == first_style
        qtbot.mouseClick(d.buttons["done"], pm_left())

    run_dialog(w, qtbot, "preset_manager", "preset_manager_dialog", body)
    assert swatches.find("Red") is None and swatches.find("White") is None
    g, i = swatches.find("Scarlet")
    assert swatches.find("Green") == (g, i - 1)
    assert swatches.book.groups[g].name == "Primaries"
    assert [s.name for s in styles.styles[:2]] == [second_style, "Shadow Soft"]
    # The files too: a new window reads the same.
    w2 = make_window(qtbot, tmp_path, monkeypatch)
    assert w2.swatches_panel.find("Scarlet") == (g, i)
    assert [s.name for s in w2.styles_panel.styles[:2]] == [second_style, "Shadow Soft"]


def pm_left():
    return Qt.MouseButton.LeftButton


def test_cancel_changes_nothing(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)

    def body(d):
        d.set_kind("swatches")
        choose(d, "Black")
        qtbot.mouseClick(d.buttons["delete"], pm_left())
        assert "Black" not in names(d)
        qtbot.mouseClick(d.buttons["cancel"], pm_left())

    run_dialog(w, qtbot, "preset_manager", "preset_manager_dialog", body)
    assert w.swatches_panel.find("Black") is not None
    assert not os.path.exists(tmp_path / "swatches.json")


def test_save_set_and_load_round_trip(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    saved = str(tmp_path / "two_styles.json")
    monkeypatch.setattr(pm, "ask_save", lambda parent, kind, start: saved)
    monkeypatch.setattr(pm, "ask_open", lambda parent, kind, start: saved)
    picked = [s.name for s in w.styles_panel.styles[2:4]]

    def body(d):
        d.set_kind("styles")
        choose(d, *picked)
        qtbot.mouseClick(d.buttons["save_set"], pm_left())
        assert [e.name for e in preset_kinds.STYLES.load(saved)] == picked
        # Load… of the same file: both names are here already, nothing is added.
        before = names(d)
        qtbot.mouseClick(d.buttons["load"], pm_left())
        assert names(d) == before
        assert "Loaded 0 of 2 styles." in w.statusBar().currentMessage()
        # Deleted, then loaded back: they come back (appended).
        choose(d, *picked)
        qtbot.mouseClick(d.buttons["delete"], pm_left())
        assert not set(picked) & set(names(d))
        qtbot.mouseClick(d.buttons["load"], pm_left())
        assert names(d)[-2:] == picked and len(names(d)) == len(before)
        qtbot.mouseClick(d.buttons["done"], pm_left())

    run_dialog(w, qtbot, "preset_manager", "preset_manager_dialog", body)
    styles = w.styles_panel.styles
    assert [s.name for s in styles[-2:]] == picked
    # The loaded styles keep their effects (compared with a fresh default set).
    from editor.model import style_presets
    defaults = {s.name: s.effects for s in style_presets.default_styles()}
    assert all(s.effects == defaults[s.name] for s in styles[-2:])


def test_load_reads_photoshop_swatches(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    aco = str(tmp_path / "mine.aco")
    swatch_book.export_file(aco, [swatch_book.Swatch("Teal", (0, 128, 128)),
                                  swatch_book.Swatch("Red", (255, 0, 0))])
    monkeypatch.setattr(pm, "ask_open", lambda parent, kind, start: aco)

    def body(d):
        d.set_kind("swatches")
        count = len(names(d))
        qtbot.mouseClick(d.buttons["load"], pm_left())
        assert names(d)[-1] == "Teal" and len(names(d)) == count + 1  # Red is there already
        qtbot.mouseClick(d.buttons["done"], pm_left())

    run_dialog(w, qtbot, "preset_manager", "preset_manager_dialog", body)
    g, i = w.swatches_panel.find("Teal")
    assert w.swatches_panel.book.groups[g].name == "mine"
    assert w.swatches_panel.swatch((g, i)).rgb == (0, 128, 128)


def entries_named(w, key):
    return [e.name for e in pm.current(w, preset_kinds.BY_KEY[key])]


def test_export_all_then_import_into_a_fresh_config(qtbot, tmp_path, monkeypatch):
    first = tmp_path / "first"
    first.mkdir()
    w = make_window(qtbot, first, monkeypatch)
    # Some presets of the user's own: a renamed swatch, a custom shape, a dropped brush.
    answer_text(monkeypatch, "Crimson")
    w.swatches_panel.rename(w.swatches_panel.find("Red"))
    from editor.model import custom_shapes
    w.tools.tools["shape"].define_custom(custom_shapes.normalized(
        "Blob", [s for s in custom_shapes.BUILTIN[0].subpaths]))
    from editor.ui.brush_settings import presets_of
    brushes = presets_of(w)
    del brushes.presets[0]
    brushes.changed()
    out = tmp_path / "exported"

    def export(d):
        d.tabs.setCurrentIndex(0)
        d.folders["export"].setText(str(out))
        qtbot.mouseClick(d.findChild(QPushButton, "PresetTransfer_export"), pm_left())

    run_dialog(w, qtbot, "export_import_presets", "preset_transfer_dialog", export)
    assert sorted(os.listdir(out)) == sorted(k.file_name for k in preset_kinds.KINDS)
    expected = {k.key: entries_named(w, k.key) for k in preset_kinds.KINDS}

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    w2 = make_window(qtbot, fresh, monkeypatch)
    # A fresh config already holds the default swatches, styles and brushes: those names
    # are not duplicated, the user's own are appended.
    assert w2.swatches_panel.find("Crimson") is None and w2.swatches_panel.find("Red")

    def import_(d):
        d.tabs.setCurrentIndex(1)
        d.folders["import"].setText(str(out))
        assert d.import_()
        assert d.import_()  # twice: nothing more

    run_dialog(w2, qtbot, "export_import_presets", "preset_transfer_dialog", import_)
    assert w2.statusBar().currentMessage().startswith("Imported 0 brushes, 0 swatches")
    for key, names_ in expected.items():
        got = entries_named(w2, key)
        assert len(got) == len(set(got)), key  # no duplicates
        assert set(got) >= set(names_), key
    assert w2.swatches_panel.find("Crimson") is not None            # the panel at once
    assert w2.swatches_panel.find("Red") is not None                # the default kept
    assert [c.name for c in w2.tools.tools["shape"].user_shapes] == ["Blob"]
    assert set(entries_named(w2, "styles")) == set(expected["styles"])


def test_damaged_file_is_one_line_and_nothing_is_lost(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "styles.json").write_text("{not json", encoding="utf-8")
    shapes = [{"name": "Wedge", "aspect": 1.0, "subpaths": [{"closed": True, "operation": 1,
               "knots": [[[0, 0], [0, 0], [0, 0]], [[1, 0], [1, 0], [1, 0]],
                         [[0, 1], [0, 1], [0, 1]]]}]}]
    (folder / "custom_shapes.json").write_text(json.dumps({"shapes": shapes}), encoding="utf-8")
    styles_before = [s.name for s in w.styles_panel.styles]

    def import_(d):
        d.folders["import"].setText(str(folder))
        assert d.import_()

    run_dialog(w, qtbot, "export_import_presets", "preset_transfer_dialog", import_)
    message = w.statusBar().currentMessage()
    assert "Styles: Could not read styles.json" in message and "\n" not in message
    assert [s.name for s in w.styles_panel.styles] == styles_before
    assert [c.name for c in w.tools.tools["shape"].user_shapes] == ["Wedge"]
    assert (folder / "styles.json").read_text(encoding="utf-8") == "{not json"
    # A damaged file of the user's own: the manager shows the defaults and the file is kept
    # aside (as the panels do), in one line.
    (tmp_path / "brushes.json").write_text("[1, 2", encoding="utf-8")

    monkeypatch.setattr(pm, "ask_open", lambda parent, kind, start: str(folder / "styles.json"))

    def body(d):
        d.set_kind("brushes")
        assert names(d)[0] == "Hard Round"
        assert "brushes.json" in w.statusBar().currentMessage()
        # Load… of a damaged file: one line, the list as it was.
        d.set_kind("styles")
        before = names(d)
        qtbot.mouseClick(d.buttons["load"], pm_left())
        assert names(d) == before and not d.changed
        assert w.statusBar().currentMessage().startswith("Could not read styles.json")
        d.set_kind("brushes")

    run_dialog(w, qtbot, "preset_manager", "preset_manager_dialog", body)
    assert (tmp_path / "brushes.json.damaged").read_text(encoding="utf-8") == "[1, 2"
    QApplication.processEvents()


def test_drag_in_the_list_reorders_and_a_swatch_joins_the_group_it_lands_in(
        qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)

    def body(d):
        d.set_kind("swatches")
        start = names(d)
        black, red = start.index("Black"), start.index("Red")
        # What an internal drop does: the model moves the row (Black after Red).
        assert d.list.model().moveRow(d.list.rootIndex(), black, d.list.rootIndex(), red + 1)
        qtbot.waitUntil(lambda: d.shown()[red].name == "Black")
        assert "swatches" in d.changed
        assert names(d)[:red + 1] == [*start[1:red], "Red", "Black"][:red + 1]
        qtbot.mouseClick(d.buttons["done"], pm_left())

    run_dialog(w, qtbot, "preset_manager", "preset_manager_dialog", body)
    g, i = w.swatches_panel.find("Black")
    assert w.swatches_panel.book.groups[g].name == "Primaries" and i == 1
    assert w.swatches_panel.book.loose[0].name == "White"


def test_moved_and_reordered_keep_groups_whole():
    a, b = swatch_book.Group("A"), swatch_book.Group("B")
    entries = [preset_kinds.Entry(swatch_book.Swatch(n, (0, 0, 0)), g)
               for n, g in (("x", None), ("a1", a), ("a2", a), ("b1", b))]
    assert preset_kinds.moved(entries, 1, -1) == 1 and entries[1].group is None  # joins loose
    assert preset_kinds.moved(entries, 1, -1) == 0                                 # then moves
    assert [e.name for e in entries] == ["a1", "x", "a2", "b1"]
    assert preset_kinds.moved(entries, 0, -1) == 0                                 # top: stays
    preset_kinds.reordered(entries, [0, 1, 3, 2], [3])    # b1 dropped between x and a2
    assert [e.name for e in entries] == ["a1", "x", "b1", "a2"]
    assert entries[2].group is None and entries[3].group is a
    book = preset_kinds._swatch_book(entries)
    assert [s.name for s in book.loose] == ["a1", "x", "b1"]
    assert [(g.name, [s.name for s in g.swatches]) for g in book.groups] == [("A", ["a2"])]


def test_export_and_import_through_a_zip_file(qtbot, tmp_path, monkeypatch):
    first = tmp_path / "first"
    first.mkdir()
    w = make_window(qtbot, first, monkeypatch)
    answer_text(monkeypatch, "Ink")
    w.styles_panel.rename(0)
    archive = str(tmp_path / "presets.zip")
    monkeypatch.setattr(pm, "ask_zip", lambda parent, start, title, save: archive)

    def export(d):
        d._browse("export", True)
        assert d.folders["export"].text() == archive
        d.checks["export"]["brushes"].setChecked(False)
        assert d.export()

    run_dialog(w, qtbot, "export_import_presets", "preset_transfer_dialog", export)
    import zipfile
    assert sorted(zipfile.ZipFile(archive).namelist()) == [
        "custom_shapes.json", "gradients.json", "styles.json", "swatches.json"]
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    w2 = make_window(qtbot, fresh, monkeypatch)

    def import_(d):
        d._browse("import", True)
        assert d.import_()

    run_dialog(w2, qtbot, "export_import_presets", "preset_transfer_dialog", import_)
    assert w2.styles_panel.find("Ink") is not None
    assert entries_named(w2, "styles")[-1] == "Ink"
    # A file that is not a zip: one line, nothing changed.
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    before = entries_named(w2, "styles")

    def import_bad(d):
        d.folders["import"].setText(str(bad))
        assert d.import_()

    run_dialog(w2, qtbot, "export_import_presets", "preset_transfer_dialog", import_bad)
    assert "Could not read bad.zip" in w2.statusBar().currentMessage()
    assert entries_named(w2, "styles") == before

"""`python main.py` names the missing system package when Qt's xcb plugin cannot load."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from editor.platform_check import hint_for, uses_xcb, xcb_problem


def test_the_hint_names_the_library_and_its_package():
    error = ("libxcb-icccm.so.4: cannot open shared object file: No such file or directory")
    hint = hint_for(error)
    assert "libxcb-icccm.so.4" in hint and "sudo apt-get install libxcb-icccm4" in hint
    assert "libxcb-keysyms1" in hint  # the usual set, for the next missing one


def test_which_platform_qt_picks(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"}) and not uses_xcb({"QT_QPA_PLATFORM": "offscreen"})
    assert uses_xcb({}) and not uses_xcb({"WAYLAND_DISPLAY": "wayland-0"})


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs a C compiler")
def test_a_plugin_whose_library_is_missing_is_explained(tmp_path):
    # A stand-in plugin linked against a library that is then taken away, as on a fresh machine
    # (one this machine does not have installed either).
    (tmp_path / "stub.c").write_text("int stub(void) { return 1; }\n")
    (tmp_path / "plugin.c").write_text("int stub(void); int plugin(void) { return stub(); }\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(tmp_path / "libxcb-ewmh.so.2"),
                    "-Wl,-soname,libxcb-ewmh.so.2", str(tmp_path / "stub.c")], check=True)
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(tmp_path / "libqxcb.so"),
                    str(tmp_path / "plugin.c"), str(tmp_path / "libxcb-ewmh.so.2")], check=True)
    (tmp_path / "libxcb-ewmh.so.2").unlink()
    hint = xcb_problem(str(tmp_path / "libqxcb.so"))
    assert hint is not None and "sudo apt-get install libxcb-ewmh2" in hint

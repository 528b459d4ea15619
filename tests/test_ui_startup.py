"""Start-up: `python main.py` shows the window without importing torch or the engine."""
from __future__ import annotations

import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEAVY = ("torch", "diffusers", "transformers", "peft", "accelerate", "engine.methods",
         "engine.nets", "engine.models", "engine.training", "psd_tools")


def test_window_shows_without_torch(tmp_path):
    marker = tmp_path / "painted"
    log = tmp_path / "imports.txt"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LAYERED_FIRST_PAINT_FILE=str(marker),
               LAYERED_CONFIG_DIR=str(tmp_path / "config"))
    with open(log, "w") as err:
        proc = subprocess.Popen([sys.executable, "-X", "importtime", "main.py"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.time() + 60
            while not marker.exists() and time.time() < deadline and proc.poll() is None:
                time.sleep(0.05)
            assert marker.exists(), f"no first paint (exit {proc.poll()})"
            time.sleep(0.5)  # what loads just after the first paint counts too
            assert proc.poll() is None, "the editor exited by itself"
        finally:
            proc.kill()
            proc.wait()
    modules = set()
    for line in log.read_text().splitlines():
        if line.startswith("import time:") and "|" in line:
            modules.add(line.rsplit("|", 1)[1].strip())
    assert "editor.ui.main_window" in modules and "PySide6.QtWidgets" in modules
    # The table of methods is read by the Generate panel; it imports no method module.
    light = {"engine.methods", "engine.methods.registry"}
    loaded = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)
                    and m not in light)
    assert loaded == [], f"imported at start-up: {loaded}"

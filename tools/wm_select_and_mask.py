"""A manual check of Select and Mask under a real window manager, which offscreen tests
and a bare Xvfb cannot show: the dialog is not modal (the canvas takes the Refine Edge
Brush), so that the window manager keeps it over the window after a click on the canvas,
that a real mouse drag on the canvas paints a stroke (a new preview), and that a click on
the menu bar opens nothing while it is open. It prints what it found and leaves
screenshots in $OUT (default /tmp/wm).

    apt-get install xvfb openbox xdotool
    Xvfb :77 -screen 0 1600x1000x24 & sleep 1; DISPLAY=:77 openbox & sleep 1
    DISPLAY=:77 python tools/wm_select_and_mask.py
"""
import os, subprocess, sys, tempfile, time
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT); sys.path.insert(0, os.path.join(ROOT, "tests"))
OUT = os.environ.get("OUT", "/tmp/wm")
os.makedirs(OUT, exist_ok=True)
import numpy as np
from PIL import Image
from PySide6.QtCore import QSettings, QTimer, QPoint
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from editor.app import apply_theme
from editor.ui.main_window import MainWindow
from editor.ui.settings import Settings
from editor.model.selection_ops import select_mask
from ui_helpers import photo
apply_theme(app)
tmp = tempfile.mkdtemp()
settings = Settings(QSettings(os.path.join(tmp, "s.ini"), QSettings.Format.IniFormat))
settings.recovery_dir = os.path.join(tmp, "rec"); settings.warm_up = False
window = MainWindow(settings); window.resize(1500, 940); window.move(20, 20); window.show()
png = os.path.join(tmp, "cat.png"); Image.fromarray(photo(900, 600)).save(png)
window.files.open_paths([png])
def pump(n=40, dt=0.01):
    for _ in range(n):
        app.processEvents(); time.sleep(dt)
pump(100)
yy, xx = np.ogrid[:600, :900]
m = ((((xx-450)/250.0)**2 + ((yy-300)/200.0)**2) < 1).astype(np.uint8)*255
select_mask(window.doc, m); window.update_actions(); pump()
log = []
def xdo(*args):
    subprocess.run(["xdotool", *map(str, args)], check=False)
def grab(name):
    pump(30)
    app.primaryScreen().grabWindow(0).save(os.path.join(OUT, f"{name}.png"))
def in_dialog():
    d = window.select_and_mask.dialog
    pump(50)
    grab("1_open")
    log.append(("dialog geometry", d.frameGeometry().getRect(), "window", window.frameGeometry().getRect()))
    log.append(("active window is dialog", QApplication.activeWindow() is d))
    # a real click on the canvas (away from the dialog): the dialog must stay on top
    c = window.canvas
    p = c.mapToGlobal(c.rect().center()) - QPoint(250, 0)
    history = window.doc.history.count
    previews = d.previews
    # a real drag with the brush (the dialog's Refine Edge Brush is its canvas tool)
    xdo("mousemove", p.x(), p.y()); pump(10)
    xdo("mousedown", 1); pump(5)
    for k in range(1, 15):
        xdo("mousemove", p.x() + 8 * k, p.y() + 3 * k); pump(3)
    xdo("mouseup", 1)
    t = time.time()
    while time.time() - t < 20 and (d.previews == previews or d._running):
        pump(5)
    grab("2_after_stroke")
    log.append(("previews before/after real drag", previews, d.previews))
    log.append(("dialog still visible, on top", d.isVisible(), QApplication.activeWindow()))
    # a real click on the menu bar: nothing should open
    mb = window.menuBar()
    q = mb.mapToGlobal(mb.rect().topLeft()) + QPoint(20, 10)
    xdo("mousemove", q.x(), q.y()); xdo("click", 1); pump(30)
    log.append(("popup open after menu click", QApplication.activePopupWidget()))
    grab("3_menu_click")
    log.append(("history unchanged while open", window.doc.history.count == history))
    d.reject()
QTimer.singleShot(1500, in_dialog)
window.actions["select_and_mask"].trigger()
pump(30)
for entry in log: print(*entry)
window.close()

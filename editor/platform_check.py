"""Why Qt's X11 (xcb) platform plugin would not load, said before Qt aborts.

Qt ends the process with a message that names the plugin (and, in some
versions, a package that is not the missing one) when a system library of
its xcb plugin is missing, as on a fresh Debian/Ubuntu machine. Loading the
plugin's shared library ourselves first names the missing library, and we
can say which packages bring it. Nothing here imports Qt's widgets.
"""
from __future__ import annotations

import ctypes
import os
import re
import sys
from typing import Optional

# Libraries Qt's xcb plugin links against, and the Debian/Ubuntu package of each.
DEBIAN_PACKAGES = {
    "libxcb-icccm.so.4": "libxcb-icccm4", "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0", "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-util.so.1": "libxcb-util1", "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-sync.so.1": "libxcb-sync1", "libxcb-shm.so.0": "libxcb-shm0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1", "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1", "libdbus-1.so.3": "libdbus-1-3",
    "libxcb-xinerama.so.0": "libxcb-xinerama0", "libxcb-ewmh.so.2": "libxcb-ewmh2",
}
# What the README asks for on a fresh machine (the ones such machines lack).
SYSTEM_PACKAGES = "libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1"


def uses_xcb(environ=os.environ) -> bool:
    """Whether Qt will pick its X11 plugin here."""
    if not sys.platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    return not environ.get("WAYLAND_DISPLAY")


def hint_for(error: str) -> str:
    """The message for a failed load of the xcb plugin (the loader's `error` text)."""
    match = re.search(r"(lib[\w.+-]+\.so[\w.]*)", error)
    library = match.group(1) if match else None
    package = DEBIAN_PACKAGES.get(library or "")
    lines = [f"Qt cannot open windows on X11: its xcb platform plugin needs "
             f"{library or 'a system library'}, which is not installed."]
    if package:
        lines.append(f"On Debian/Ubuntu: sudo apt-get install {package}")
    lines.append(f"The packages a fresh Debian/Ubuntu machine usually lacks: "
                 f"sudo apt-get install {SYSTEM_PACKAGES}")
    return "\n".join(lines)


def xcb_problem(plugin: Optional[str] = None) -> Optional[str]:
    """None if the xcb plugin loads (or is not the one Qt will use), else the hint to print."""
    if plugin is None:
        if not uses_xcb():
            return None
        import PySide6

        plugin = os.path.join(os.path.dirname(PySide6.__file__), "Qt", "plugins", "platforms",
                              "libqxcb.so")
    if not os.path.exists(plugin):
        return None  # another Qt layout: leave it to Qt
    try:
        ctypes.CDLL(plugin, mode=os.RTLD_LAZY)
    except OSError as exc:
        return hint_for(str(exc))
    return None

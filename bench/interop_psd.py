"""Interoperability check: documents saved by Layered, opened in GIMP and Krita.

    python bench/interop_psd.py [--out DIR]

Issue 15 asks that a saved PSD "opens in Photoshop-family programs as made". No
Photoshop runs here, but GIMP 2.10 (`gimp-console-2.10`, driven by Script-Fu) and
Krita 5 (`krita --export`, under `xvfb-run`) do when installed
(`apt-get install gimp krita xvfb`). Two documents are built with the editor's model
and saved with its writer:

- "basic": what every PSD program draws - pixel layers at offsets, a layer mask with
  a soft edge and one that is disabled, a Pass Through group with a mask, Multiply and
  Screen, layer opacity;
- "full": the same plus a clipped Overlay layer, four adjustment layers (one masked)
  and a masked Solid Color fill layer;
- "text": the photo under three text layers (type layers with their 'TySh' block and
  our drawn pixels: several lines, accents, CJK, the three alignments).

For each program: the layer tree it read (name, group, offset, mode, opacity, mask and
whether the mask is applied) beside ours, and its composite against ours (mean and
largest difference, 0-255, RGB over all pixels). For "full", the programs that drop
adjustment layers (GIMP 2.10) are compared with our composite with those layers
hidden, and that is said. Side-by-side PNGs (ours | theirs | difference x4) go to DIR.
A program that is not installed is skipped with one line. Nothing here runs in CI.

What to expect (GIMP 2.10.34 and Krita 5.1.5, Debian 12): GIMP reads every layer, mask
(the disabled one as not applied), group mask, mode and opacity, and turns a clipping
group into a group of its own ("Group added by GIMP"); it drops adjustment layers and
reads the fill layer as its pixels. Krita 5.1 applies a disabled mask (it does so on
Photoshop's own mask-disabled.psd too), ignores the clipping flag and drops adjustment
and fill layers, so its figure measures Krita's reader more than our file; it also
ignored our group's mask (unchecked on a Photoshop file: Krita draws none of the shape
layers of the corpus files that have one). Both read the text layers (type layers with
'TySh') as their pixels, at their offsets: composite mean 0.00, largest difference 1.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

W, H = 320, 240

# GIMP 2.10's layer mode numbers (GimpLayerMode) for the modes used here.
GIMP_MODES = {28: "normal", 30: "multiply", 31: "screen", 23: "overlay", 61: "pass_through"}

GIMP_DUMP = r"""
(define (dump-item port item depth)
  (let* ((name (car (gimp-item-get-name item)))
         (group (= 1 (car (gimp-item-is-group item))))
         (offs (gimp-drawable-offsets item))
         (mask (car (gimp-layer-get-mask item))))
    (display (string-append (number->string depth) "\t" name "\t" (if group "1" "0")
                            "\t" (number->string (car offs)) "\t" (number->string (cadr offs))
                            "\t" (number->string (car (gimp-layer-get-mode item)))
                            "\t" (number->string (car (gimp-layer-get-opacity item)))
                            "\t" (if (= mask -1) "none"
                                     (if (= 1 (car (gimp-layer-get-apply-mask item)))
                                         "on" "off"))
                            "\n") port)
    (if group
        (let* ((kids (gimp-item-get-children item)) (n (car kids)) (v (cadr kids)) (i 0))
          (while (< i n) (dump-item port (vector-ref v i) (+ depth 1)) (set! i (+ i 1)))))))
(define (layered-dump in dumpfile pngfile psdfile)
  (let* ((img (car (gimp-file-load RUN-NONINTERACTIVE in in)))
         (layers (gimp-image-get-layers img)) (n (car layers)) (v (cadr layers)) (i 0)
         (port (open-output-file dumpfile)))
    (while (< i n) (dump-item port (vector-ref v i) 0) (set! i (+ i 1)))
    (close-output-port port)
    (file-psd-save RUN-NONINTERACTIVE img (vector-ref v 0) psdfile psdfile 1 0)
    (let ((merged (car (gimp-image-merge-visible-layers img CLIP-TO-IMAGE))))
      (file-png-save RUN-NONINTERACTIVE img merged pngfile pngfile 0 9 0 0 0 0 0))))
"""


# -- the documents ------------------------------------------------------------------------

def _rgba(rgb: np.ndarray, alpha: int = 255) -> np.ndarray:
    out = np.empty(rgb.shape[:2] + (4,), np.uint8)
    out[..., :3], out[..., 3] = rgb, alpha
    return out


def _photo(image: np.ndarray, w: int, h: int) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.fromarray(image).resize((w, h), Image.Resampling.BICUBIC))


def _radial(h: int, w: int, inner: float) -> np.ndarray:
    yy, xx = np.ogrid[0:h, 0:w]
    r = np.hypot((xx - w / 2) / (w / 2), (yy - h / 2) / (h / 2))
    return np.clip((1.0 - r) / (1 - inner) * 255, 0, 255).astype(np.uint8)


def _add(parent, node, index=None):
    node.parent = parent
    parent.children.insert(len(parent.children) if index is None else index, node)
    return node


def basic_document():
    import skimage.data as data

    from editor.model import Document, Group, Layer, LayerMask

    doc = Document(W, H)
    _add(doc.root, Layer("Background", _rgba(_photo(data.astronaut(), W, H))))
    cat = _add(doc.root, Layer("Cat", _rgba(_photo(data.chelsea(), 160, 120)), 20, 30,
                               opacity=210))
    cat.mask = LayerMask(_radial(120, 160, 0.6), 20, 30, default=0)
    group = _add(doc.root, Group("Group"))
    _add(group, Layer("Cup multiply", _rgba(_photo(data.coffee(), 140, 100)), 150, 90,
                      blend_mode="multiply"))
    _add(group, Layer("Rocket screen", _rgba(_photo(data.rocket(), 100, 140), 180), 200, 20,
                      blend_mode="screen", opacity=170))
    hide = np.zeros((H, W), np.uint8)
    hide[:, : W * 3 // 4] = 255
    group.mask = LayerMask(hide, 0, 0, default=255)
    off = _add(doc.root, Layer("Disabled mask",
                               _rgba(np.full((50, 60, 3), (200, 40, 40), np.uint8)), 240, 170))
    half = np.zeros((50, 60), np.uint8)
    half[:, :30] = 255
    off.mask = LayerMask(half, 240, 170, default=0, enabled=False)
    return doc


def full_document():
    from editor.model import AdjustmentLayer, Layer, LayerMask
    from editor.model import adjustments as adj
    from editor.model.layers import FillLayer

    doc = basic_document()
    stripes = np.zeros((H, W, 3), np.uint8)
    stripes[(np.arange(H) // 10) % 2 == 0] = (255, 200, 0)
    stripes[(np.arange(H) // 10) % 2 == 1] = (0, 120, 255)
    clipped = Layer("Clipped stripes", _rgba(stripes), blend_mode="overlay")
    clipped.clipping = True
    _add(doc.root, clipped, [n.name for n in doc.root.children].index("Cat") + 1)
    _add(doc.root, AdjustmentLayer("Levels", adj.Levels(rgb=(10, 235, 1.2, 0, 255))))
    _add(doc.root, AdjustmentLayer("Curves", adj.Curves(rgb=((0, 0), (64, 50), (190, 210),
                                                              (255, 255)))))
    hue = _add(doc.root, AdjustmentLayer("Hue/Saturation", adj.HueSaturation(20, -30, 0)))
    hue.mask = LayerMask(_radial(H, W, 0.3), 0, 0, default=0)
    _add(doc.root, AdjustmentLayer("Brightness/Contrast",
                                   adj.BrightnessContrast(20, 30, legacy=True)))
    fill = _add(doc.root, FillLayer("Color Fill", adj.SolidColor((30, 160, 90)), opacity=90))
    corner = np.zeros((H, W), np.uint8)
    corner[180:, :120] = 255
    fill.mask = LayerMask(corner, 0, 0, default=0)
    return doc


def text_document():
    """The photo under text layers (our 'TySh' type layers with their drawn pixels): lines,
    accents, CJK, the three alignments, bold, italic, tracking, a colour."""
    import skimage.data as data

    from editor.model import Document, Layer
    from editor.model.text_layer import TextSettings, add_text

    doc = Document(W, H)
    _add(doc.root, Layer("Background", _rgba(_photo(data.astronaut(), W, H))))
    for settings, anchor in (
            (TextSettings("Héllo wörld\nÇa va?", size=28, color=(255, 230, 0), bold=True,
                          tracking=40), (12, 40)),
            (TextSettings("日本語のテキスト\n中文", size=22, color=(255, 255, 255),
                          align="center"), (W // 2, 130)),
            (TextSettings("Right\naligned", "Liberation Serif", 26, (200, 30, 60),
                          italic=True, align="right"), (W - 10, 190))):
        add_text(doc, settings, anchor)
    return doc


def our_tree(doc) -> list[tuple]:
    """(depth, name, group, x, y, mode, opacity 0-100, mask on/off/none), top first."""
    from editor.model import AdjustmentLayer, Group
    from editor.model.layers import FillLayer

    rows = []

    def walk(nodes, depth):
        for node in reversed(nodes):
            group = isinstance(node, Group)
            box = node.bounds() if not group else None
            x, y = (box.x, box.y) if box is not None and not box.is_empty() else (0, 0)
            mask = "none" if node.mask is None else ("on" if node.mask.enabled else "off")
            kind = ("adjustment" if isinstance(node, AdjustmentLayer)
                    and not isinstance(node, FillLayer) else "")
            rows.append((depth, node.name, group, x, y, node.blend_mode,
                         round(node.opacity * 100 / 255, 1), mask, kind))
            if group:
                walk(node.children, depth + 1)

    walk(doc.root.children, 0)
    return rows


def composite(doc, without_adjustments: bool = False) -> np.ndarray:
    from editor.model import AdjustmentLayer
    from editor.model.layers import FillLayer
    from editor.model.render import composite_document

    hidden = []
    if without_adjustments:
        for node in doc.layers():
            if isinstance(node, AdjustmentLayer) and not isinstance(node, FillLayer) \
                    and node.visible:
                node.visible = False
                hidden.append(node)
    try:
        out = composite_document(doc)
    finally:
        for node in hidden:
            node.visible = True
    return out.astype(np.uint8) if out.dtype == np.uint8 else (out >> 8).astype(np.uint8)


# -- the programs ------------------------------------------------------------------------

def gimp(psd: str, work: str) -> tuple[list[tuple], np.ndarray, str]:
    """GIMP's layer tree of `psd`, its composite, and the PSD GIMP saved it as."""
    exe = shutil.which("gimp-console-2.10") or shutil.which("gimp-console")
    dump, png = os.path.join(work, "gimp.txt"), os.path.join(work, "gimp.png")
    saved = os.path.join(work, "gimp.psd")
    quoted = [p.replace("\\", "\\\\").replace('"', '\\"') for p in (psd, dump, png, saved)]
    script = "(begin %s (layered-dump \"%s\" \"%s\" \"%s\" \"%s\"))" % (GIMP_DUMP, *quoted)
    subprocess.run([exe, "-i", "-d", "-f", "--batch-interpreter=plug-in-script-fu-eval",
                    "-b", script, "-b", "(gimp-quit 0)"], capture_output=True, timeout=600,
                   check=True)
    rows = []
    with open(dump, encoding="utf-8") as f:
        for line in f:
            depth, name, group, x, y, mode, opacity, mask = line.rstrip("\n").split("\t")
            rows.append((int(depth), name, group == "1", int(x), int(y),
                         GIMP_MODES.get(int(mode), f"gimp mode {mode}"),
                         round(float(opacity), 1), mask, ""))
    return rows, _read_rgba(png), saved


def krita(psd: str, work: str) -> np.ndarray:
    png = os.path.join(work, "krita.png")
    subprocess.run(["xvfb-run", "-a", "krita", psd, "--export", "--export-filename", png],
                   capture_output=True, timeout=600, check=True)
    return _read_rgba(png)


def _read_rgba(path: str) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("RGBA"))


def _on_white(rgba: np.ndarray) -> np.ndarray:
    a = rgba[..., 3:4].astype(np.float64) / 255.0
    return rgba[..., :3] * a + 255.0 * (1.0 - a)


def compare(ours: np.ndarray, theirs: np.ndarray, path: str) -> str:
    from PIL import Image

    if ours.shape != theirs.shape:
        return f"size {theirs.shape[1]}x{theirs.shape[0]}, ours {ours.shape[1]}x{ours.shape[0]}"
    diff = np.abs(_on_white(ours) - _on_white(theirs))
    side = np.concatenate([ours, theirs, np.dstack([np.clip(diff * 4, 0, 255),
                                                   np.full(diff.shape[:2], 255)])], axis=1)
    Image.fromarray(side.astype(np.uint8)).save(path)
    return f"mean {diff.mean():.2f}, max {diff.max():.0f}, pixels off by > 2: " \
           f"{(diff.max(axis=-1) > 2).mean() * 100:.1f} %"


def tree_report(ours: list[tuple], theirs: list[tuple]) -> list[str]:
    """Lines for what differs between two layer trees (by name)."""
    lines = []
    found = {row[1]: row for row in theirs}
    for row in ours:
        other = found.pop(row[1], None)
        if other is None:
            lines.append(f"    missing: {row[1]}" + (" (adjustment layer)" if row[8] else ""))
            continue
        fields = ("depth", "name", "group", "x", "y", "mode", "opacity", "mask")
        for i, field in enumerate(fields):
            # (a group's offset is where its content lies, in GIMP; a depth one lower: the
            # group GIMP adds around a clipping group)
            if row[i] != other[i] and not (field in ("x", "y") and row[2]) \
                    and not (field == "depth" and other[0] == row[0] + 1):
                lines.append(f"    {row[1]}: {field} {other[i]!r}, ours {row[i]!r}")
    for name in found:
        lines.append(f"    added: {name}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=None, help="folder for the PSDs and side-by-side PNGs")
    args = parser.parse_args()
    from editor.model.files import open_document, save_document

    out = args.out or tempfile.mkdtemp(prefix="layered-interop-")
    os.makedirs(out, exist_ok=True)
    has_gimp = bool(shutil.which("gimp-console-2.10") or shutil.which("gimp-console"))
    has_krita = bool(shutil.which("krita") and shutil.which("xvfb-run"))
    if not has_gimp:
        print("GIMP: not installed (apt-get install gimp); skipped")
    if not has_krita:
        print("Krita: not installed (apt-get install krita xvfb); skipped")
    for name, make in (("basic", basic_document), ("full", full_document),
                       ("text", text_document)):
        doc = make()
        psd = os.path.join(out, name + ".psd")
        save_document(doc, psd)
        ours, tree = composite(doc), our_tree(doc)
        adjustments = sum(1 for row in tree if row[8])
        print(f"\n{name}: {len(tree)} layers and groups ({adjustments} adjustment layers), "
              f"{W}x{H}, saved by Layered")
        work = tempfile.mkdtemp(dir=out)
        if has_gimp:
            rows, image, saved = gimp(psd, work)
            lines = tree_report(tree, rows)
            dropped = all("adjustment layer" in line for line in lines if "missing" in line) \
                and any("missing" in line for line in lines)
            reference = composite(doc, without_adjustments=True) if dropped else ours
            print(f"  GIMP 2.10: read {len(rows)} layers and groups; composite against ours"
                  + (" without its adjustment layers (GIMP drops them)" if dropped else "")
                  + ": " + compare(reference, image, os.path.join(out, f"{name}_gimp.png")))
            for line in lines:
                print(line)
            again = open_document(saved)
            print(f"  GIMP's own PSD of it, opened by Layered: {len(our_tree(again))} layers and "
                  f"groups; composite against GIMP's: "
                  + compare(image, composite(again), os.path.join(out, f"{name}_gimp_back.png")))
        if has_krita:
            image = krita(psd, work)
            print("  Krita: composite against ours: "
                  + compare(ours, image, os.path.join(out, f"{name}_krita.png")))
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nFiles: {out}")


if __name__ == "__main__":
    main()

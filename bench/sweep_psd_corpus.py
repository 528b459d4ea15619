"""Parity sweep: every Photoshop file of a PSD test corpus (psd-tools', ag-psd's, Aspose's),
opened and composited by Layered, against the merged image Photoshop stored in it.

    python bench/sweep_psd_corpus.py MIRROR OUT [--worst N] [--only TEXT] [--timeout S]
                                     [--photoshop-only] [--skip-same-as MIRROR ...]

MIRROR is the corpus' repository as a bare git directory (its .psd/.psb files are
extracted into OUT/files; a blob the mirror lacks is listed as missing) or a folder
holding the files already. ag-psd's repository works too (`--only test/read/`: its
Photoshop files, each test/read/<name>/src.psd, listed by <name>; their canvas.png is
the same merged image as ag-psd reads it, blank where Photoshop stored none, so it is
not used). Aspose's example repository (aspose-psd/Aspose.PSD-for-Python-Net,
`--only Examples/testdata/ --photoshop-only`) mixes Photoshop's files with files Aspose
wrote (its *_output / *_etalon files): `--photoshop-only` skips every file whose XMP packet
is not Photoshop's: "Adobe Photoshop" as CreatorTool or a history agent, in a packet padded
with whitespace for in-place edits as Photoshop writes it (Aspose re-serialises the packet
it copies, unpadded, `end='w'`, so the creator it keeps says nothing). Its .NET and Java
example repositories (`--only Examples/Data/`, `--only Examples/src/main/resources/`)
repeat many of those files: `--skip-same-as PYTHON_NET_MIRROR` skips a file whose bytes
that mirror holds, so no file counts twice. For each file:
open it as the editor does (`open_document`), composite it (`composite_document`),
and compare with the merged image (psd-tools' `topil()`, the colour profile applied
as our reader applies it). Files that are not 8-bit RGB, or hold no merged image, are
listed as skipped. Both images are flattened on white (Photoshop's merged image of a
document with transparency is stored matted on white, psd-tools takes it off again:
flattening both compares like with like), and the error (0-255, RGB) is taken over
the pixels where either image is not transparent; `alpha` is the largest alpha
difference (a merged image stored without alpha is compared only where ours is opaque).
Exceptions while opening or compositing are recorded, and so is the
number of warnings the reader listed (the first few are printed in the summary).

Prints one line per file, sorted by mean error, then a summary, and writes OUT/sweep.json
and side-by-side PNGs of the N worst files (ours | Photoshop's | difference x4).
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import traceback
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from editor.model.files import open_document  # noqa: E402
from editor.model.images import flatten_on_white  # noqa: E402
from editor.model.psd_colour import _needs_icc  # noqa: E402
from editor.model.render import composite_document  # noqa: E402


def extract(mirror: str, folder: str, only: str = "") -> list[str]:
    """The corpus' PSD/PSB files whose path holds `only`, as paths under `folder`
    (extracted from a bare git dir)."""
    if not os.path.exists(os.path.join(mirror, "HEAD")):  # a plain folder of files
        return sorted(os.path.join(root, name) for root, _, names in os.walk(mirror)
                      for name in names if name.lower().endswith((".psd", ".psb")))
    git = ["git", "--git-dir", mirror]
    names = subprocess.run(git + ["ls-tree", "-r", "--name-only", "HEAD"], check=True,
                           capture_output=True, text=True).stdout.split("\n")
    paths = []
    for name in names:
        if not name.lower().endswith((".psd", ".psb")) or only not in name:
            continue
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            shown = subprocess.run(git + ["show", "HEAD:" + name], capture_output=True)
            if shown.returncode == 0:  # (a blob the mirror lacks: `measure` says so)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as f:
                    f.write(shown.stdout)
        paths.append(path)
    return paths


def tree_blobs(mirror: str) -> dict[str, str]:
    """{path: git blob id} of the PSD/PSB files in a bare git mirror's HEAD ({} for a folder)."""
    if not os.path.exists(os.path.join(mirror, "HEAD")):
        return {}
    listed = subprocess.run(["git", "--git-dir", mirror, "ls-tree", "-r", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.split("\n")
    blobs = {}
    for line in listed:
        meta, _, name = line.partition("\t")
        if name.lower().endswith((".psd", ".psb")):
            blobs[name] = meta.split()[2]
    return blobs


def swept_blobs(mirror: str) -> set[str]:
    """The blob ids of the PSD/PSB files a sweep of `mirror` compares or skips: those whose
    bytes the mirror holds (a blob it lacks was never swept there, so it still counts here)."""
    ids = sorted(set(tree_blobs(mirror).values()))
    checked = subprocess.run(["git", "--git-dir", mirror, "cat-file", "--batch-check"],
                             input="\n".join(ids) + "\n", capture_output=True, text=True,
                             check=True).stdout.split("\n")
    return {line.split()[0] for line in checked if line and not line.endswith(" missing")}


def saved_by_photoshop(psd) -> bool:
    """Whether the file's XMP packet is one Photoshop wrote (see the module's docstring)."""
    import re

    from psd_tools.constants import Resource

    xmp = psd.image_resources.get_data(Resource.XMP_METADATA) or b""
    if isinstance(xmp, str):
        xmp = xmp.encode("utf-8")
    creator = re.search(rb"(CreatorTool|softwareAgent)(=\"|>)Adobe Photoshop", xmp)
    padded = re.search(rb"\s{100,}<\?xpacket end=", xmp)
    return bool(creator and padded)


def photoshop_merged(path: str, photoshop_only: bool = False):
    """(RGBA uint8 of the merged image, or None with the reason it is skipped)."""
    from psd_tools import PSDImage
    from psd_tools.constants import ColorMode

    psd = PSDImage.open(path)
    if photoshop_only and not saved_by_photoshop(psd):
        return None, "not saved by Photoshop"
    if psd.color_mode != ColorMode.RGB or psd.depth != 8:
        return None, f"{psd.color_mode.name} {psd.depth}-bit"
    if not psd.has_preview():
        return None, "no merged image"
    try:
        image = psd.topil(apply_icc=_needs_icc(psd))
    except Exception as exc:  # noqa: BLE001 - a damaged preview is not ours to draw
        return None, f"merged image unreadable ({type(exc).__name__}: {exc})"
    if image is None:
        return None, "no merged image"
    if "A" not in image.getbands():
        # Stored without transparency (psd-tools found no alpha to take; a third-party
        # writer may leave transparent pixels black rather than white): compared where
        # ours is opaque only, marked by alpha 0 elsewhere.
        return np.asarray(image.convert("RGBA")), "no alpha"
    return np.asarray(image.convert("RGBA")), ""


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def measure(path: str, timeout: int, photoshop_only: bool = False) -> dict:
    row = {"file": path, "status": "ok", "mean": None, "max": None, "alpha": None,
           "warnings": [], "error": ""}
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        if not os.path.exists(path):
            row["status"], row["error"] = "missing", "not in the mirror"
            return row
        theirs, why = photoshop_merged(path, photoshop_only)
        if theirs is None:
            row["status"], row["error"] = "skipped", why
            return row
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            start = time.perf_counter()
            doc = open_document(path)
            ours = composite_document(doc)
            row["seconds"] = round(time.perf_counter() - start, 2)
        row["warnings"] = list(doc.warnings) + [f"python: {w.message}" for w in caught]
        if ours.shape != theirs.shape:
            row["status"], row["error"] = "size", f"{ours.shape} vs {theirs.shape}"
            return row
        shown = (ours[..., 3] > 0) | (theirs[..., 3] > 0)
        if why == "no alpha":
            shown = ours[..., 3] == 255
            row["error"] = "merged image without alpha: compared where ours is opaque"
            theirs = theirs.copy()
            theirs[..., 3] = np.where(shown, 255, 0)
        a = flatten_on_white(np.ascontiguousarray(ours)).astype(np.int16)
        b = flatten_on_white(np.ascontiguousarray(theirs)).astype(np.int16)
        diff = np.abs(a - b)
        row["mean"] = float(diff[shown].mean()) if shown.any() else 0.0
        row["max"] = int(diff[shown].max()) if shown.any() else 0
        row["alpha"] = int(np.abs(ours[..., 3].astype(np.int16) - theirs[..., 3]).max())
        row["_images"] = (a.astype(np.uint8), b.astype(np.uint8), diff)
    except _Timeout:
        row["status"], row["error"] = "timeout", f"over {timeout} s"
    except Exception as exc:  # noqa: BLE001 - every failure is a finding
        row["status"] = "exception"
        row["error"] = f"{type(exc).__name__}: {exc}"[:300]
        row["trace"] = traceback.format_exc(limit=-3)
    finally:
        signal.alarm(0)
    return row


def side_by_side(row: dict, out: str, index: int) -> str:
    from PIL import Image

    a, b, diff = row["_images"]
    amplified = 255 - np.clip(diff * 4, 0, 255).astype(np.uint8)
    gap = np.full((a.shape[0], 8, 3), 128, np.uint8)
    strip = np.concatenate([a, gap, b, gap, amplified], axis=1)
    name = f"{index:02d}_{os.path.basename(row['name']).replace('.', '_')}.png"
    Image.fromarray(strip).save(os.path.join(out, name))
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mirror")
    parser.add_argument("out")
    parser.add_argument("--worst", type=int, default=12)
    parser.add_argument("--only", default="", help="only files whose path holds this text")
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--photoshop-only", action="store_true",
                        help="skip files whose XMP packet Photoshop did not write")
    parser.add_argument("--skip-same-as", action="append", default=[], metavar="MIRROR",
                        help="skip files with the same bytes (git blob) as a file another "
                        "mirror holds, e.g. Aspose's .NET and Java examples that repeat "
                        "its Python-Net ones (repeatable)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    paths = extract(args.mirror, os.path.join(args.out, "files"), args.only)
    root = os.path.join(args.out, "files")
    seen = set().union(*(swept_blobs(m) for m in args.skip_same_as))
    blobs = tree_blobs(args.mirror) if seen else {}
    rows = []
    for p in paths:
        if args.only not in p:
            continue
        if blobs.get(os.path.relpath(p, root)) in seen:
            rows.append({"file": p, "status": "skipped", "mean": None,
                         "error": "same bytes as a file of an earlier sweep"})
            continue
        rows.append(measure(p, args.timeout, args.photoshop_only))
    for row in rows:
        row["name"] = os.path.relpath(row["file"], root) if row["file"].startswith(root) \
            else row["file"]
        if os.path.basename(row["name"]) in ("src.psd", "src.psb"):  # ag-psd: the folder
            row["name"] = os.path.dirname(row["name"])
    measured = sorted((r for r in rows if r["mean"] is not None), key=lambda r: -r["mean"])
    for index, row in enumerate(measured[:args.worst]):
        row["png"] = side_by_side(row, args.out, index)
    for row in measured:
        print(f"{row['mean']:7.2f} {row['max']:4d}  alpha {row['alpha']:3d}  "
              f"warn {len(row['warnings']):2d}  {row['name']}")
    for row in rows:
        if row["mean"] is None:
            print(f"{row['status']:>9}  {row['name']}  {row['error']}")
    print()
    close = [r for r in measured if r["mean"] <= 1.0]
    print(f"{len(rows)} files: {len(measured)} compared ({len(close)} within 1.0 mean), "
          f"{sum(r['status'] == 'skipped' for r in rows)} skipped, "
          f"{sum(r['status'] == 'exception' for r in rows)} exceptions, "
          f"{sum(r['status'] == 'timeout' for r in rows)} timeouts, "
          f"{sum(r['status'] == 'size' for r in rows)} size mismatches, "
          f"{sum(r['status'] == 'missing' for r in rows)} missing")
    reasons: dict[str, int] = {}
    for row in rows:
        if row["status"] == "skipped":
            reason = row["error"].split(" (")[0]
            reasons[reason] = reasons.get(reason, 0) + 1
    if reasons:
        print("  skipped: " + ", ".join(f"{n} {r}" for r, n in sorted(
            reasons.items(), key=lambda item: -item[1])))
    for row in rows:
        if row["status"] in ("exception", "timeout"):
            print(f"  {row['name']}: {row['error']}")
    with open(os.path.join(args.out, "sweep.json"), "w") as f:
        json.dump([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows], f,
                  indent=1)


if __name__ == "__main__":
    main()

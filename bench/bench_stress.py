"""Files under stress (issue 17): save time against layer count, peak memory of `info` and
`convert` against document size, and a kill-during-save loop. Prints figures.

    python bench/bench_stress.py [--counts 250,1000,5000] [--sizes 1000x750,2000x1500,4000x3000]
                                 [--kills 30] [--skip-counts] [--skip-memory] [--skip-kills]

(a) save time of N small layers (16x16 RGBA, scattered): should grow linearly
    (issue target: 5000 layers in <= 10 s), with the `convert` verb on the same
    file (open + save) beside it;
(b) peak memory of `info FILE` and `convert FILE out.psd` on 20 photo-like
    layers (bench_document's layers) at each size, as growth of the process's
    peak RSS over its RSS before the verb ran (modules loaded and Qt's painter
    started, a fixed ~35 MB), against the raw RGBA bytes of the layers
    (targets: info <= 0.2x, convert <= 1.3x);
(c) a large save killed at random moments (SIGKILL and SIGTERM alternately) in
    a fresh process each time: how often the target is the intact old file, a
    complete new file, or neither, how many `.part` temporaries each kind of kill
    leaves, and how many are left after the next save.
The machine is shared; times vary with its load (printed).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


# -- (a) save time against layer count ---------------------------------------------------------

def small_layers(n: int):
    from editor.model import Document, Layer

    rng = np.random.default_rng(n)
    doc = Document(1024, 768)
    for i in range(n):
        layer = Layer(f"layer {i}", rng.integers(0, 256, (16, 16, 4), dtype=np.uint8),
                      x=int(rng.integers(-8, 1016)), y=int(rng.integers(-8, 760)))
        layer.parent = doc.root
        doc.root.children.append(layer)
    return doc


def bench_layer_counts(counts: list[int], folder: str) -> None:
    from editor.model.files import save_document

    import resource

    print(f"\n(a) save time against layer count (16x16 layers on 1024x768; {load()}); wall "
          f"and CPU seconds (CPU time is what the save costs; wall time grows with the load)")
    print(f"  {'layers':>7} {'save wall':>10} {'save CPU':>9} {'CPU s/1000':>11} "
          f"{'convert wall':>13} {'convert CPU':>12}")
    save_document(small_layers(10), os.path.join(folder, "warm.psd"))  # imports
    for n in counts:
        doc = small_layers(n)
        path = os.path.join(folder, f"many{n}.psd")
        start, cpu = time.perf_counter(), time.process_time()
        save_document(doc, path)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "main.py", "convert", path, os.path.join(folder, "out.psd")],
                       cwd=ROOT, check=True)
        convert = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        convert_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        print(f"  {n:7d} {wall:10.2f} {cpu:9.2f} {cpu / n * 1000:11.2f} {convert:13.2f} "
              f"{convert_cpu:12.2f}")


# -- (b) peak memory against document size --------------------------------------------------------

def verb_child(argv: list[str]) -> None:
    """In a fresh process: RSS before the verb (modules loaded) and its peak while it runs."""
    import contextlib
    import io

    import PIL.Image  # noqa: F401  (modules loaded before the baseline)
    import psd_tools  # noqa: F401

    import editor.cli
    import editor.model.files  # noqa: F401
    import editor.model.psd  # noqa: F401
    import editor.model.render  # noqa: F401

    def status(key: str) -> int:
        # VmHWM, unlike getrusage's ru_maxrss, is not inherited from the parent over fork+exec.
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
        raise KeyError(key)

    # Qt's painter takes ~35 MB the first time it draws (its code and tables), whatever
    # the document's size: counted in the baseline, with the modules.
    from editor.model import Document

    warm = Document(8, 8)
    warm.new_layer("warm")
    editor.model.render.composite_document(warm)
    before = status("VmRSS")
    with contextlib.redirect_stdout(io.StringIO()):
        rc = editor.cli.main(argv)
    print(json.dumps({"rc": rc, "peak": status("VmHWM") - before}))


def bench_memory(sizes: list[tuple[int, int]], folder: str) -> None:
    import bench_document
    from editor.model import Document, Layer
    from editor.model.files import save_document

    print(f"\n(b) peak memory of the verbs, 20 photo-like layers (peak RSS growth / raw RGBA; {load()})")
    print(f"  {'size':>10} {'raw MB':>8} {'info MB':>8} {'info x':>7} {'convert MB':>11} {'convert x':>10}")
    sources = bench_document.photos()
    for w, h in sizes:
        bench_document.W, bench_document.H = w, h
        doc = Document(w, h)
        for i in range(20):
            layer = Layer(f"photo {i}", bench_document.photo_layer(i, sources))
            layer.parent = doc.root
            doc.root.children.append(layer)
        path = os.path.join(folder, f"twenty_{w}x{h}.psd")
        save_document(doc, path)
        raw = doc.nbytes()
        del doc, layer
        peaks = []
        for argv in (["info", path], ["convert", path, os.path.join(folder, "copy.psd")]):
            out = subprocess.run([sys.executable, __file__, "--verb-child", json.dumps(argv)],
                                 capture_output=True, text=True, check=True)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            assert result["rc"] == 0, out.stderr
            peaks.append(result["peak"])
        os.remove(path)
        mb = 2 ** 20
        print(f"  {f'{w}x{h}':>10} {raw / mb:8.0f} {peaks[0] / mb:8.0f} {peaks[0] / raw:7.2f} "
              f"{peaks[1] / mb:11.0f} {peaks[1] / raw:10.2f}")


# -- (c) kills during a save -------------------------------------------------------------------

SAVER = """
import sys, numpy as np
sys.path.insert(0, {root!r})
from editor.model import Document
from editor.model.files import save_document
rng = np.random.default_rng(1)
doc = Document(1024, 1024)
for i in range({layers}):
    doc.add_image(rng.integers(0, 256, (1024, 1024, 4), dtype=np.uint8), f"new {{i}}", 0, 0)
print("ready", flush=True)
while True:
    save_document(doc, {target!r})
"""


def bench_kills(kills: int, folder: str, layers: int = 12) -> None:
    from editor.model import Document
    from editor.model.files import open_document, save_document

    target = os.path.join(folder, "victim.psd")
    old = Document(64, 64)
    old.new_layer("old")
    save_document(old, target)
    old_bytes = open(target, "rb").read()
    script = SAVER.format(root=ROOT, target=target, layers=layers)
    # How long one save takes, to aim the kills inside saves.
    probe = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    probe.stdout.readline()
    start = time.perf_counter()
    while open(target, "rb").read(64) == old_bytes[:64] and time.perf_counter() - start < 120:
        time.sleep(0.01)
    first_save = time.perf_counter() - start
    probe.kill()
    probe.wait()
    save_document(old, target)
    counts = {"old": 0, "new": 0, "broken": 0}
    left = {signal.SIGKILL: [], signal.SIGTERM: []}
    rng = random.Random(17)
    print(f"\n(c) {kills} kills at random moments of a save of {layers} 1024x1024 layers "
          f"(one save ~{first_save:.1f} s; {load()})")
    for k in range(kills):
        sig = signal.SIGKILL if k % 2 == 0 else signal.SIGTERM
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        proc.stdout.readline()
        time.sleep(rng.uniform(0, 2.5 * first_save))
        proc.send_signal(sig)
        proc.wait()
        temporaries = [n for n in os.listdir(folder) if n.startswith(".victim.psd.")]
        left[sig].append(len(temporaries))
        data = open(target, "rb").read()
        if data == old_bytes:
            counts["old"] += 1
        else:
            try:
                doc = open_document(target)
                counts["new" if len(list(doc.layers())) == layers else "broken"] += 1
            except Exception:
                counts["broken"] += 1
        # The next save (a fresh process, as after a crash) removes the stale temporaries.
        subprocess.run([sys.executable, "-c",
                        f"import sys; sys.path.insert(0, {ROOT!r})\n"
                        f"from editor.model import Document\n"
                        f"from editor.model.files import save_document\n"
                        f"d = Document(64, 64); d.new_layer('old')\n"
                        f"save_document(d, {target!r})"], check=True)
        old_bytes = open(target, "rb").read()
    after = [n for n in os.listdir(folder) if n.startswith(".victim.psd.")]
    print(f"  target afterwards: intact old file {counts['old']}, complete new file "
          f"{counts['new']}, neither {counts['broken']}")
    for sig, values in left.items():
        print(f"  {sig.name}: {len(values)} kills, left a .part temporary {sum(v > 0 for v in values)} "
              f"times")
    print(f"  .part temporaries left after the next save: {len(after)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="250,1000,5000")
    parser.add_argument("--sizes", default="1000x750,2000x1500,4000x3000")
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--skip-counts", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-kills", action="store_true")
    parser.add_argument("--verb-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.verb_child:
        verb_child(json.loads(args.verb_child))
        return
    with tempfile.TemporaryDirectory() as folder:
        if not args.skip_counts:
            bench_layer_counts([int(n) for n in args.counts.split(",")], folder)
        if not args.skip_memory:
            sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
            bench_memory(sizes, folder)
        if not args.skip_kills:
            bench_kills(args.kills, folder)


if __name__ == "__main__":
    main()

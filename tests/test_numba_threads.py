"""numba's parallel kernels run from two threads at once without killing the process, even
after the matting, fill or healing code chose numba's threading layer (under its old choice,
"workqueue", the process aborted: the Hue/Saturation dialog's colour bars drawn on the GUI
thread while its preview ran on the worker). Checked in a fresh interpreter, where the
layer is chosen at the first parallel run."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = """
import threading
import numpy as np
from engine.methods.decompose_steps.matting import _numba_without_openmp
from editor.model import adjustments as adj
_numba_without_openmp()
rgb = np.random.default_rng(0).random((400_000, 3)).astype(np.float32)
settings = adj.HueSaturation(hue=20, saturation=10, lightness=0)
def run():
    for _ in range(30):
        settings.apply(rgb)
threads = [threading.Thread(target=run) for _ in range(3)]
[t.start() for t in threads]
[t.join() for t in threads]
import numba
print(numba.threading_layer())
"""


def test_parallel_kernels_from_two_threads_after_the_layer_is_chosen():
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_THREADING_LAYER"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    run = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-800:]
    assert run.stdout.strip() == "tbb"

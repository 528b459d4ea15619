"""The editor makes OpenMP threads wait passively (editor/__init__.py), keeping a value the
user set: checked in a fresh interpreter, before any OpenMP runtime has loaded."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def policy_after_import(value=None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if value is not None:
        env["OMP_WAIT_POLICY"] = value
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    run = subprocess.run([sys.executable, "-c", "import os, editor.model; "
                          "print(os.environ['OMP_WAIT_POLICY'])"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-500:]
    return run.stdout.strip()


def test_passive_unless_the_user_chose():
    assert policy_after_import() == "PASSIVE"
    assert policy_after_import("ACTIVE") == "ACTIVE"

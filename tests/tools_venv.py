"""Shared by the tests that run the FLOPs-counting tools (not a test
itself): re-runs the calling test under the venv's python that
scripts/make_venv.sh makes (build/venv or $NNB_VENV); exit 77 with the
reason where it cannot be made."""
import os
import subprocess
import sys

SRC = os.environ.get("NNB_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV = os.environ.get("NNB_VENV", os.path.join(SRC, "build", "venv"))


def enter_venv(script):
    """Re-runs script under the venv's python, making the venv if needed."""
    if os.environ.get("NNB_IN_TOOLS_VENV") == "1":
        return
    r = subprocess.run(["bash", os.path.join(SRC, "scripts", "make_venv.sh"), VENV],
                       capture_output=True, text=True)
    if r.returncode == 77:
        print(f"skip: {r.stderr.strip()}")
        sys.exit(77)
    if r.returncode != 0:
        print(f"scripts/make_venv.sh failed (rc {r.returncode}):\n{r.stderr}")
        sys.exit(1)
    python = r.stdout.strip().splitlines()[-1]
    env = dict(os.environ, NNB_IN_TOOLS_VENV="1")
    sys.stdout.flush()
    os.execve(python, [python, os.path.abspath(script)], env)

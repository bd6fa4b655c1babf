"""The compared graders' own virtualenv (bench/compare/.tools): nbgrader and otter-grader with the
grading image's scientific stack, so every side runs the same library versions. Never installed
into the app's environment. Idempotent: an existing, complete virtualenv is reused.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".tools"
TOOLS = ("nbgrader==0.9.6", "otter-grader==7.0.0")
# The image's pins for what the notebooks and checks import.
STACK = (
    "numpy",
    "pandas",
    "scikit-learn",
    "scipy",
    "matplotlib",
    "ipykernel",
    "nbclient",
    "pytest",
)


def _image_pins() -> list[str]:
    lines = (HERE.parents[1] / "sandbox" / "image" / "requirements.txt").read_text().splitlines()
    pins = [line.strip() for line in lines if "==" in line and not line.startswith("#")]
    return [pin for pin in pins if pin.split("==")[0].lower() in STACK]


def ensure_tools() -> Path:
    """The virtualenv's bin/ directory, created and filled on first use."""
    bin_dir = VENV / "bin"
    if (bin_dir / "nbgrader").exists() and (bin_dir / "otter").exists():
        return bin_dir
    venv.create(VENV, with_pip=True)
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", *TOOLS, *_image_pins()],
        check=True,
        stdout=sys.stderr,
    )
    return bin_dir

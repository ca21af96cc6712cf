"""What a fresh install costs: time, disk, and the biggest packages it brings.

    python bench/install_size.py [--keep]

Makes a new virtual environment in a temporary directory, runs ``pip install .`` there (not
editable, no extras, pip's cache off so every package is downloaded as a new user's would
be) and prints how long the install took, the environment's size and its ten largest
distributions (by the files their RECORD lists). Targets: at most 120 MB, under 30 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MEGABYTES = 120
TARGET_SECONDS = 30
LARGEST = 10

# Run by the new environment's interpreter: each distribution's size on disk.
_SIZES = """
import json, importlib.metadata as md
sizes = {}
for dist in md.distributions():
    total = 0
    for file in dist.files or ():
        path = dist.locate_file(file)
        if path.is_file():
            total += path.stat().st_size
    sizes[dist.metadata["Name"]] = total
print(json.dumps(sizes))
"""


def directory_size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def measure(venv: Path) -> tuple[float, float, dict[str, int]]:
    """Seconds to create the environment, seconds to install, and sizes by distribution."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    created = time.perf_counter()
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-cache-dir", str(ROOT)],
        check=True,
    )
    installed = time.perf_counter()
    sizes = subprocess.run(
        [str(python), "-c", _SIZES], check=True, capture_output=True, text=True
    ).stdout
    return created - started, installed - created, json.loads(sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="leave the environment in place")
    arguments = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="broadsheet-install-"))
    try:
        venv = scratch / "venv"
        create_seconds, install_seconds, sizes = measure(venv)
        total = directory_size(venv) / 1e6
        print(f"pip install . (no extras, no cache): {install_seconds:.1f} s", end=" ")
        print(f"(target < {TARGET_SECONDS} s; creating the venv: {create_seconds:.1f} s)")
        verdict = "meets" if total <= TARGET_MEGABYTES else "MISSES"
        print(f"venv size: {total:.1f} MB (target <= {TARGET_MEGABYTES} MB: {verdict})\n")
        print(f"{'largest distributions':32} {'MB':>7}")
        for name, size in sorted(sizes.items(), key=lambda item: -item[1])[:LARGEST]:
            print(f"{name:32} {size / 1e6:7.1f}")
        if arguments.keep:
            print(f"\nkept: {venv}")
    finally:
        if not arguments.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

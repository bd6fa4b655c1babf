"""The starter-kit download: a zip of an exercise's starter/ folder and nothing else."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path


def starter_zip(starter_dir: Path, folder_name: str) -> bytes:
    """Zip every regular file below `starter_dir`; links are skipped, so nothing outside leaks."""
    root = starter_dir.resolve()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for directory, subdirectories, files in os.walk(root, followlinks=False):
            subdirectories[:] = sorted(
                d for d in subdirectories if not (Path(directory) / d).is_symlink()
            )
            for name in sorted(files):
                path = Path(directory) / name
                if path.is_symlink() or not path.is_file() or name.startswith("."):
                    continue
                if root not in path.resolve().parents:
                    continue
                archive.write(path, f"{folder_name}/{path.relative_to(root).as_posix()}")
    return buffer.getvalue()

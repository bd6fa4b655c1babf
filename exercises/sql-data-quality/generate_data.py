"""Write the starter database of the sql-data-quality exercise, deterministically.

    python exercises/sql-data-quality/generate_data.py

The generator itself is hidden (``hidden/tests/churn_db.py``): grading builds fresh databases from
other seeds with it, so the starter database is one sample of what the hidden tests query.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent
STARTER_PATH = HERE / "starter" / "data" / "churn.sqlite"


def generator():
    path = HERE / "hidden" / "tests" / "churn_db.py"
    spec = importlib.util.spec_from_file_location("sql_data_quality_churn_db", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build() -> dict[Path, bytes]:
    """The files this script owns, as the exact bytes it writes."""
    churn_db = generator()
    return {STARTER_PATH: churn_db.build(churn_db.STARTER_SEED)}


def main() -> None:
    for path, content in build().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        print(f"wrote {path.relative_to(HERE)} ({len(content)} bytes)")


if __name__ == "__main__":
    main()

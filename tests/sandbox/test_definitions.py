"""The phase-2 loader keeps definitions only."""

from __future__ import annotations

import ast

from sandbox.runner.definitions import extract_definitions, strip_magics


def _kept(*cells: str) -> list[str]:
    return [ast.unparse(node) for _, node in extract_definitions(list(cells)).statements]


def test_definitions_and_literal_constants_are_kept():
    kept = _kept(
        "import pandas as pd\nfrom os import path\nSEED = 42\nCOLUMNS = ['a', 'b']\n"
        "A, B = (1, -2.5)\nLIMIT: int = 3",
        "def f(x):\n    return x\n\nclass Model:\n    pass\n\nasync def g():\n    pass",
    )
    assert kept == [
        "import pandas as pd",
        "from os import path",
        "SEED = 42",
        "COLUMNS = ['a', 'b']",
        "A, B = (1, -2.5)",
        "LIMIT: int = 3",
        "def f(x):\n    return x",
        "class Model:\n    pass",
        "async def g():\n    pass",
    ]


def test_everything_else_is_dropped():
    assert _kept(
        "df = pd.read_csv('x.csv')",
        "model.fit(X, y)",
        "print('hi')",
        "import builtins\nbuiltins.AssertionError = Exception",
        "x = f(1)",
        "for i in range(3):\n    pass",
        "obj.attr = 1",
        "X = [1, y]",
    ) == ["import builtins"]


def test_magics_are_dropped_and_broken_cells_reported():
    result = extract_definitions(["%matplotlib inline\n!pip install x\nK = 1", "def broken(:\n"])
    assert [ast.unparse(n) for _, n in result.statements] == ["K = 1"]
    assert len(result.skipped) == 1 and "code cell 2 does not parse" in result.skipped[0]
    assert strip_magics("  %time x\ny = 1") == "\ny = 1"

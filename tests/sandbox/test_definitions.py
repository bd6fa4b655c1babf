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


def test_names_and_where_they_are_defined_come_from_the_source():
    from sandbox.runner.definitions import defined_names, where_defined

    found = extract_definitions(["import numpy as np\nSEED = 1", "x = f()\n\n\ndef f():\n    pass"])
    assert defined_names(found) == ["SEED", "f", "np"]
    assert where_defined(found, "f", 2) == (2, 4) and where_defined(found, "nope", 2) == (2, 1)


def test_visible_text_keeps_only_what_a_reader_sees():
    from sandbox.runner.text import visible_text

    markdown = (
        "## Summary\n<!-- ROC AUC 0.96 -->AUC is **0.79** [see](http://x/0.99)\n"
        '<span style="display:none">0.99</span><div hidden>words</div> &amp; <!-- open'
    )
    assert visible_text(markdown) == "## Summary\nAUC is **0.79** see\n\n & "


def test_section_is_the_visible_text_from_its_heading_to_the_next_code_cell():
    from nbformat.v4 import new_code_cell, new_markdown_cell

    from sandbox.runner.text import section

    cells = [
        new_markdown_cell("# Churn\nsummary statistics come later"),
        new_code_cell("x = 1"),
        new_markdown_cell("Intro\n\n**Summary** <!-- salad -->\nAUC 0.79"),
        new_markdown_cell(["Next: ", "<div hidden>words</div>a time split"]),
        new_code_cell("y = 2"),
        new_markdown_cell("## Summary\nnot reached"),
    ]
    assert section(cells[1:], "summary") == "**Summary** \nAUC 0.79\nNext: \na time split"
    assert section(cells, "Summary") == "summary statistics come later"  # a line starting so
    assert section([dict(c) for c in cells[2:4]], "Root cause") is None


def test_unexecuted_code_cells_are_found_in_the_executed_notebook():
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from sandbox.runner.testing import unexecuted_cells

    cells = [new_code_cell("1", execution_count=1), new_markdown_cell("x"), new_code_cell("  ")]
    cells += [new_code_cell("2")]
    assert unexecuted_cells(nbformat.writes(new_notebook(cells=cells)).encode()) == (3,)

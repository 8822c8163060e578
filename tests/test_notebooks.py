"""Run every notebook of the book, as `nbdev_test` would: cells flagged with a `tst_flags` flag
(`slow`, `gpu`) are skipped, and `IN_TEST=1` makes long experiments shrink. One pytest test per
notebook, so `pytest -n 2` spreads them over two workers and a failure names its notebook."""
from pathlib import Path
import pytest
from nbdev.config import get_config
from nbdev.test import test_nb as run_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "nbs").glob("*.ipynb") if not p.name.startswith("_"))


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(nb):
    skip = get_config(path=ROOT).tst_flags.split()
    ok, secs = run_notebook(nb, skip_flags=skip, showerr=True, basepath=ROOT)
    assert ok, f"{nb.name} failed (traceback above, in the captured stderr)"


def test_notebooks_found():
    assert len(NOTEBOOKS) >= 2, f"expected the book's notebooks in {ROOT/'nbs'}, found {NOTEBOOKS}"

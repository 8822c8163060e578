"""Run every notebook of the book, as `nbdev_test` would: cells flagged with a `tst_flags` flag
(`slow`, `gpu`) are skipped, and `IN_TEST=1` makes long experiments shrink. One pytest test per
notebook, so `pytest -n 2` spreads them over two workers and a failure names its notebook.

Results that ship: a long experiment is a flagged cell that writes a results file under
`nbs/results/`, and the unflagged cell after it renders that file. Such a *render cell* (an
unflagged code cell that reads `results/...`) must print, on a clean clone, exactly what the
committed notebook shows: the same text and the same number of figures. So re-executing a
notebook reproduces its committed outputs from the committed results files, without the runs."""
import json, re, sys, time
from pathlib import Path
import pytest
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory
from nbdev.config import get_config
from nbdev.process import NBProcessor
from nbdev.frontmatter import FrontmatterProc

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "nbs").glob("*.ipynb") if not p.name.startswith("_"))
RESULTS_READ = re.compile(r"""["'](?:\./)?results/""")


def is_render_cell(source: str, flags: set) -> bool:
    "An unflagged code cell that reads a committed results file."
    return not flags and bool(RESULTS_READ.search(source)) and "write_results" not in source


def shown(outputs) -> tuple:
    "What a reader sees of a cell's outputs: its text (streams, plain-text results, errors) and its number of images."
    text, images = [], 0
    for o in outputs:
        o = dict(o)
        if o.get("output_type") == "stream": text.append("".join(o.get("text", "")))
        elif o.get("output_type") == "error": text.append(f"{o.get('ename')}: {o.get('evalue')}")
        else:
            data = dict(o.get("data", {}))
            if "image/png" in data: images += 1
            elif "text/plain" in data: text.append("".join(data["text/plain"]))
    return "".join(text).rstrip(), images


def run_notebook(path: Path, skip_flags) -> list:
    """Execute `path` like `nbdev.test.test_nb` (skipping flagged cells and `nbdev_export()`), and return
    (cell id, committed outputs, new outputs) for each render cell. Raises on the first failing cell."""
    committed = {c.get("id"): c.get("outputs", []) for c in json.loads(path.read_text())["cells"]}
    nb = NBProcessor(path, procs=FrontmatterProc, process=True).nb
    flags = set(skip_flags)
    def no_eval(cell):
        if cell.cell_type != "code" or "nbdev_export" + "(" in cell.source: return True
        direc = getattr(cell, "directives_", {}) or {}
        if direc.get("eval:", [""])[0].lower() == "false": return True
        return bool(flags & direc.keys())
    if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))
    shell = CaptureShell(path)
    try:
        with working_directory(path.parent): shell.run_all(nb, exc_stop=True, preproc=no_eval)
    except Exception:
        sys.stderr.write(shell.prettytb(fname=path) + "\n"); raise
    renders = []
    for c in nb.cells:
        if c.cell_type != "code": continue
        direc = set((getattr(c, "directives_", {}) or {}).keys())
        if is_render_cell(c.source, direc & {"slow", "gpu", "eval:"}):
            renders.append((c.get("id"), committed.get(c.get("id"), []), c.get("outputs", [])))
    return renders


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(nb):
    skip = get_config(path=ROOT).tst_flags.split()
    renders = run_notebook(nb, skip)
    for cid, old, new in renders:
        assert shown(new) == shown(old), (f"{nb.name}, cell {cid}: re-executed from the committed results file, it shows\n"
                                          f"{shown(new)}\nbut the committed notebook shows\n{shown(old)}")


def test_notebooks_found():
    assert len(NOTEBOOKS) >= 2, f"expected the book's notebooks in {ROOT/'nbs'}, found {NOTEBOOKS}"


def test_render_cells_found():
    "The notebooks whose long experiments ship as results files have render cells (so the check above is not vacuous)."
    for name in ("index", "10_evaluation", "11_superres"):
        cells = json.loads((ROOT / "nbs" / f"{name}.ipynb").read_text())["cells"]
        n = sum(is_render_cell("".join(c["source"]), set()) for c in cells if c["cell_type"] == "code"
                and not re.search(r"^\s*#\|\s*(slow|gpu)\b", "".join(c["source"]), re.M))
        assert n >= 1, f"{name}: no cell renders a committed results file"


def test_render_check_can_fail():
    "`shown` tells a changed number or a missing figure from the committed outputs."
    old = [{"output_type": "stream", "name": "stdout", "text": ["PSNR 24.23\n"]},
           {"output_type": "display_data", "data": {"image/png": "AAAA", "text/plain": ["<Image>"]}}]
    assert shown(old) == ("PSNR 24.23", 1)
    assert shown([dict(old[0], text=["PSNR 24.24\n"]), old[1]]) != shown(old)
    assert shown(old[:1]) != shown(old)
    assert is_render_cell('show_main_job("results/main_job.json")', set())
    assert not is_render_cell('show_main_job("results/main_job.json")', {"slow"})


def test_explorer_app_notebook_shows_only_the_widget():
    "`nbs/apps/explorer.ipynb` (served by Voilà as an app) runs in a fresh shell and outputs one widget, no text and no error."
    nb = json.loads((ROOT / "nbs" / "apps" / "explorer.ipynb").read_text())
    shell = CaptureShell()
    outs = []
    with working_directory(ROOT / "nbs" / "apps"):
        for c in nb["cells"]:
            if c["cell_type"] == "code": outs += shell.run("".join(c["source"])) or []
    assert [o.get("output_type") for o in outs] == ["execute_result"], outs
    assert "application/vnd.jupyter.widget-view+json" in outs[0]["data"], outs[0]["data"].keys()

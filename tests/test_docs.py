"""The documentation site (`python tools/build_docs.py`): the notebook clean-up, the checks on the
built pages (they must catch a broken link and an asset from the network), and a full build."""
import importlib.util, json, re, shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("build_docs", ROOT / "tools" / "build_docs.py")
bd = importlib.util.module_from_spec(spec); spec.loader.exec_module(bd)


def code(src, outputs=()): return {"cell_type": "code", "source": src, "metadata": {}, "outputs": list(outputs), "execution_count": None}


def test_directives_are_stripped_and_hidden_cells_dropped():
    out = {"output_type": "stream", "name": "stdout", "text": "42\n"}
    assert bd.book_cell(code("#| hide\nfrom nbdev.showdoc import *")) is None
    assert bd.book_cell(code("#| default_exp core")) is None
    assert bd.book_cell(code("#| hide\nimport nbdev; nbdev.nbdev_export()")) is None
    assert bd.book_cell(code("nbdev_export()")) is None
    c = bd.book_cell(code("#| export\ndef f(x): return x", [out]))
    assert c["source"] == "def f(x): return x" and c["outputs"] == [out]
    c = bd.book_cell(code("#| echo: false\nprint(42)", [out]))
    assert c["metadata"]["tags"] == ["remove_input"] and c["outputs"] == [out]
    assert bd.book_cell(code("#| output: false\nprint(42)", [out]))["outputs"] == []
    w = {"output_type": "display_data", "metadata": {}, "data": {"application/vnd.jupyter.widget-view+json": {}, "text/plain": "VBox()"}}
    assert bd.book_cell(code("ui", [w]))["outputs"][0]["data"] == {"text/html": bd.WIDGET_NOTE}   # a note, not "VBox()"


def test_printed_tables_become_html_tables():
    "A printed pipe table becomes an HTML table (numbers right-aligned, text escaped); the lines around it stay preformatted."
    text = "title <a>\n| method | PSNR |\n|---|---|\n| mean | 24.4 |\n| biharmonic | 23.85 |\nmeasured today\n"
    out = bd.book_cell(code("print(t)", [{"output_type": "stream", "name": "stdout", "text": text}]))["outputs"][0]
    html = out["data"]["text/html"]
    assert html.startswith("<pre>title &lt;a&gt;</pre>") and html.endswith("<pre>measured today\n</pre>")
    assert '<th style="text-align:right">PSNR</th>' in html and '<td style="text-align:right">24.4</td>' in html
    assert html.count("<tr>") == 3 and "<td>biharmonic</td>" in html
    two = "| a | b |\n|---|---|\n| 1 | 2 |\n| c |\n|---|\n| x |\n"          # two tables, one after the other
    html = bd.text_with_tables(two)
    assert html.count("<table>") == 2 and html.count("<tr>") == 4 and "<th>c</th>" in html
    plain = {"output_type": "stream", "name": "stdout", "text": "no table | here\n---\n"}
    assert bd.book_cell(code("print(t)", [plain]))["outputs"] == [plain]


def test_reading_order_is_index_then_numbers():
    names = [p.stem for p in bd.chapters()]
    assert names[0] == "index" and names[1:] == sorted(names[1:]) and "00_core" in names and "15_gpu_run" in names


def test_check_site_catches_broken_links_and_network_assets(tmp_path):
    (tmp_path / "a.html").write_text('<a href="b.html#x">ok</a><a href="https://example.org">a link out is fine</a>'
                                     '<img src="img/p.png"><script src="b.js"></script><a href="/b.html">root</a>')
    (tmp_path / "b.html").write_text("<p>b</p>"); (tmp_path / "b.js").write_text(""); (tmp_path / "img").mkdir()
    (tmp_path / "img" / "p.png").write_bytes(b"")
    assert bd.check_site(tmp_path) == []
    (tmp_path / "c.html").write_text('<a href="missing.html">x</a><script src="https://cdn.example/m.js"></script>'
                                     '<link rel="stylesheet" href="//fonts.example/css">')
    (tmp_path / "s.css").write_text("@import url('https://fonts.example/x.css'); .a{background:url(img/p.png)}")
    problems = bd.check_site(tmp_path)
    assert len(problems) == 4, problems
    assert any("missing.html" in p for p in problems) and any("cdn.example" in p for p in problems)


def test_api_page_shows_docstrings_and_docments():
    md = bd.api_page("metrics", "05_metrics")
    assert "## `psnr`" in md and "psnr(pred" in md
    assert "| `data_range` |" in md  # a docment became a table row
    assert "(../05_metrics.ipynb)" in md


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("docs")
    problems = bd.build(tmp / "site", work=tmp / "work", quiet=True)
    assert problems == [], problems
    return tmp / "site"


def test_the_site_builds_offline_with_every_chapter(site):
    for nb in bd.chapters():
        page = site / f"{nb.stem}.html"
        assert page.exists(), f"no page for {nb.name}"
    for mod in ["core", "metrics", "models", "explorer"]:
        assert (site / "api" / f"{mod}.html").exists()
    html = (site / "03_flow_matching.html").read_text()
    assert "assets/mathjax/MathJax.js" in html and (site / "assets" / "mathjax" / "MathJax.js").exists()
    assert not re.search(r"#\s*\|\s*(export|hide|default_exp)", html), "an nbdev directive reached the page"
    assert (site / "search" / "search_index.json").exists()


def test_math_renders_offline_in_chromium(site):
    "Open every chapter from disk in headless Chromium: MathJax typesets all its maths, and no request leaves the machine."
    chromium = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
    if chromium is None: pytest.skip("no Chromium on this machine (Debian: apt-get install chromium): math rendering not checked")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: math rendering not checked")
    counts, urls = {}, []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("request", lambda r: urls.append(r.url))
            for nb in bd.chapters():
                page.goto((site / f"{nb.stem}.html").as_uri())
                page.wait_for_function("window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0", timeout=120_000)
                counts[nb.stem] = page.evaluate("[document.querySelectorAll('span.MathJax').length, "
                                                "document.querySelectorAll('script[type^=\"math/tex\"]').length, "
                                                "document.querySelectorAll('.MathJax .merror, .MathJax_Error').length]")
        finally:
            browser.close()
    assert counts["01_sde"][1] > 50, counts["01_sde"]            # the SDE chapter is mostly maths
    for name, (typeset, sources, errors) in counts.items():
        assert typeset == sources and errors == 0, (name, typeset, sources, errors)
    assert [u for u in urls if not u.startswith(("file:", "data:", "about:"))] == []


# nbdev's docs processor runs every cell that imports, and warns (or, in 03, crashed with a NameError)
# on a cell that also computes: imports stand in cells of their own, in every notebook.
MIXED_ELSEWHERE = set()   # every notebook is split now; a name here marks a strict expected failure


def mixed_cells(nb_path):
    "Ids of code cells (not exported) whose code holds an import and also an expression or assignment (nbdev's rule)."
    import ast
    out = []
    for c in json.loads(nb_path.read_text())["cells"]:
        if c["cell_type"] != "code": continue
        d, code = bd.directives("".join(c["source"]))
        if d.keys() & {"export", "exports", "exporti", "exec_doc"} or d.get("eval") == "false" or "nbdev_export" in code:
            continue
        try: tree = ast.parse("\n".join(l for l in code.splitlines() if not l.lstrip().startswith(("%", "!"))))
        except SyntaxError: continue
        has = lambda types: any(isinstance(n, types) for n in ast.walk(tree))
        if has((ast.Import, ast.ImportFrom)) and has((ast.Expr, ast.Assign)): out.append(c["id"])
    return out


@pytest.mark.parametrize("nb", [p.stem for p in bd.chapters()])
def test_imports_stand_in_cells_of_their_own(nb, request):
    if nb in MIXED_ELSEWHERE:
        request.applymarker(pytest.mark.xfail(strict=True, reason="cells to split when the other branch lands"))
    assert mixed_cells(bd.NBS / f"{nb}.ipynb") == []

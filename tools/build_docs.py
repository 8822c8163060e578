"""Build the offline documentation site from the notebooks: `python tools/build_docs.py`.

nbdev's own site needs Quarto (and `nbdev_docs`/`nbdev_preview`/`nbdev_prepare` try to install it
with sudo), so the book is rendered with MkDocs: Material theme, mkdocs-jupyter for the
notebooks, MathJax from the `jupyter-server-mathjax` package, and no asset from the network.

1. Each notebook in `nbs/` (index first, then in the order of their numbers; `_scratch` notebooks
   are not part of the book) is copied to `_docs/src/` with nbdev's directives stripped, hidden
   cells and the `nbdev_export()` cell dropped, `echo: false` inputs and `output: false` outputs
   removed, widget views replaced by a note, printed pipe tables shown as HTML tables, and the committed
   outputs kept (nothing runs).
2. Each module gets an API page `api/MODULE.md`, written from its `__all__`: signatures,
   docstrings and the docments (the `# comment` after each parameter) as a table.
3. `mkdocs build --strict` renders `site/` (config: `mkdocs.yml` at the root, inherited by a
   generated `_docs/mkdocs.yml` that adds the reading order); then every page is checked: each
   relative link or asset resolves to a file of the site, and no page or stylesheet loads a
   script, stylesheet, font or image from another host. Any failure exits non-zero.
"""
import argparse, copy, importlib, inspect, json, re, shutil, subprocess, sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
NBS, WORK = ROOT / "nbs", ROOT / "_docs"
_DIRECTIVE = re.compile(r"^\s*#\s*\|\s*([\w-]+)\s*:?\s*(.*?)\s*$")


# ---------------------------------------------------------------- notebooks
def directives(src: str) -> tuple[dict, str]:
    "The leading `#|` directives of a code cell (dict, keys and values lower-case) and the code after them."
    lines, d = src.splitlines(), {}
    while lines and _DIRECTIVE.match(lines[0]):
        k, v = _DIRECTIVE.match(lines.pop(0)).groups(); d[k.lower()] = v.lower()
    return d, "\n".join(lines).strip("\n")


def _is_export_call(code): return re.fullmatch(r"(import nbdev;?\s*)?(nbdev\.)?nbdev_export\(\)\s*", code or "") is not None


WIDGET_NOTE = ("<p><em>An interactive widget: it runs in Jupyter (or as an app with Voilà), not on a static page. "
               "The figure below is what one click renders.</em></p>")


def _static(out):
    "Widget views cannot run in a static page: a note replaces their `VBox(children=...)` text."
    if "application/vnd.jupyter.widget-view+json" in out.get("data", {}):
        return {"output_type": "display_data", "metadata": {}, "data": {"text/html": WIDGET_NOTE}}
    return out


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _cells(row: str) -> list[str]:
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") else row
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)]


def text_with_tables(text: str) -> str | None:
    """HTML for printed text that holds pipe tables (the book prints its results as markdown tables): each table an
    HTML table, the text around it preformatted as printed. None when the text holds no table."""
    from html import escape
    lines, parts, pre, i, found = text.split("\n"), [], [], 0, False
    while i < len(lines):
        if (lines[i].lstrip().startswith("|") and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1])
                and len(_cells(lines[i])) == len(_cells(lines[i + 1]))):
            if pre: parts.append("<pre>" + escape("\n".join(pre)) + "</pre>"); pre = []
            head, k = _cells(lines[i]), i + 2
            body = []
            while (k < len(lines) and lines[k].lstrip().startswith("|")
                   and not (k + 1 < len(lines) and _TABLE_RULE.match(lines[k + 1]))):   # a second table's header ends this one
                body.append(_cells(lines[k])); k += 1
            num = lambda c: re.fullmatch(r"[-+−]?[\d.,]+(e[-+]?\d+)?%?|nan|inf", c.strip(), re.I) is not None
            right = [bool(body) and all(num(r[j]) or not r[j] for r in body if j < len(r)) for j in range(len(head))]
            align = lambda j: ' style="text-align:right"' if j < len(right) and right[j] else ""
            tr = lambda cells, tag: "<tr>" + "".join(f"<{tag}{align(j)}>{escape(c)}</{tag}>" for j, c in enumerate(cells)) + "</tr>"
            parts.append('<div class="results-table" style="overflow-x:auto"><table><thead>' + tr(head, "th") + "</thead><tbody>"
                         + "".join(tr(r, "td") for r in body) + "</tbody></table></div>")   # an unclassed table: the theme styles it
            found, i = True, k
        else:
            pre.append(lines[i]); i += 1
    if not found: return None
    if pre and "\n".join(pre).strip(): parts.append("<pre>" + escape("\n".join(pre)) + "</pre>")
    return "\n".join(parts)


def _tables(out):
    "A printed output holding pipe tables, shown with real tables (`text_with_tables`); other outputs as they are."
    if out.get("output_type") == "stream" and out.get("name") == "stdout":
        html = text_with_tables("".join(out.get("text", "")))
        if html is not None: return {"output_type": "display_data", "metadata": {}, "data": {"text/html": html}}
    elif out.get("output_type") in ("execute_result", "display_data") and set(out.get("data", {})) == {"text/plain"}:
        html = text_with_tables("".join(out["data"]["text/plain"]))
        if html is not None: return {**out, "data": {"text/html": html, "text/plain": out["data"]["text/plain"]}}
    return out


def book_cell(cell):
    "The cell as the site shows it, or None when it is not shown."
    if cell["cell_type"] != "code": return cell
    d, code = directives("".join(cell["source"]))
    if "hide" in d or d.get("include") == "false" or "default_exp" in d and not code or _is_export_call(code):
        return None
    if not code and not cell.get("outputs"): return None
    cell = copy.deepcopy(cell); cell["source"] = code
    tags = set(cell.get("metadata", {}).get("tags", []))
    if d.get("echo") == "false" or "hide_input" in d: tags.add("remove_input")
    if d.get("output") == "false" or "hide_output" in d: cell["outputs"] = []
    cell["metadata"] = {"tags": sorted(tags)} if tags else {}
    cell["outputs"] = [_tables(_static(o)) for o in cell.get("outputs", [])]
    return cell


def book_notebook(nb: dict) -> dict:
    "A notebook as the site shows it (see `book_cell`); widget state is dropped (it would load a CDN script)."
    nb = copy.deepcopy(nb)
    nb["cells"] = [c for c in map(book_cell, nb["cells"]) if c is not None]
    nb["metadata"].pop("widgets", None)
    return nb


def chapters() -> list[Path]:
    "The book's notebooks in reading order: index, then by number (`_scratch` notebooks are left out)."
    nbs = [p for p in NBS.glob("*.ipynb") if not p.name.startswith("_")]
    return sorted(nbs, key=lambda p: (p.stem != "index", p.stem))


def title(nb: dict, default: str) -> str:
    for c in nb["cells"]:
        if c["cell_type"] == "markdown":
            m = re.search(r"^#\s+(.+)$", "".join(c["source"]), re.M)
            if m: return m.group(1).strip()
    return default


def module_of(nb: dict) -> str | None:
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            d, _ = directives("".join(c["source"]))
            if "default_exp" in d: return d["default_exp"]
    return None


# ---------------------------------------------------------------- API pages
def _anno(a):
    if a is inspect.Parameter.empty: return ""
    return a if isinstance(a, str) else getattr(a, "__name__", None) or str(a).replace("typing.", "")


def _plain(s): return str(s).replace("](", "]\\(")  # docstrings are text: `f[-1](r)` is no link


def _esc(s): return _plain(s).replace("|", "\\|").replace("\n", " ")


def _signature(name, obj):
    try: sig = str(inspect.signature(obj))
    except (TypeError, ValueError): sig = "(...)"
    return f"```python\n{name}{sig}\n```\n"


def _params_table(obj):
    from fastcore.docments import docments
    try: ds = docments(obj, full=True)
    except Exception: return ""  # a builtin or an object docments cannot read
    rows = [(k, v) for k, v in ds.items() if k not in ("self", "return") and v.get("docment")]
    out = ""
    if rows:
        out += "\n| parameter | type | default | meaning |\n|---|---|---|---|\n"
        for k, v in rows:
            dflt = "" if v["default"] is inspect.Parameter.empty else f"`{_esc(repr(v['default']))}`"
            out += f"| `{k}` | {_esc(_anno(v['anno']))} | {dflt} | {_esc(v['docment'])} |\n"
    ret = ds.get("return", {})
    if ret.get("docment"): out += f"\n**returns** {_esc(_anno(ret.get('anno')))}: {_esc(ret['docment'])}\n"
    return out


def _doc(obj): return _plain(inspect.cleandoc(obj.__doc__)) if obj.__doc__ else ""


def api_page(module: str, chapter: str) -> str:
    "Markdown for one module's API: every name in `__all__` with its signature, docstring and docments."
    mod = importlib.import_module(f"mambaflow.{module}")
    md = [f"# `mambaflow.{module}`\n", _doc(mod), f"\nThe chapter that defines and tests it: [{chapter}](../{chapter}.ipynb).\n"]
    for name in getattr(mod, "__all__", []):
        obj = getattr(mod, name)
        if inspect.isclass(obj):
            md += [f"\n## class `{name}`\n", _signature(name, obj), _doc(obj), _params_table(obj)]
            for mname, m in vars(obj).items():
                if mname.startswith("_") or not callable(m) and not isinstance(m, (staticmethod, classmethod, property)): continue
                f = m.fget if isinstance(m, property) else getattr(m, "__func__", m)
                md += [f"\n### `{name}.{mname}`\n", "" if isinstance(m, property) else _signature(mname, f), _doc(f), _params_table(f)]
        elif callable(obj):
            md += [f"\n## `{name}`\n", _signature(name, obj), _doc(obj), _params_table(obj)]
        else:
            r = repr(obj); r = r if len(r) < 300 else r[:300] + " …"
            md += [f"\n## `{name}`\n", f"```python\n{name} = {r}\n```\n"]
    return "\n".join(md) + "\n"


# ---------------------------------------------------------------- checks on the built site
class _Refs(HTMLParser):
    "Collect (tag, attribute, url) for every link and asset reference in a page."
    def __init__(self): super().__init__(); self.refs = []
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src") and v: self.refs.append((tag, k, v))
            if k == "srcset" and v: self.refs += [(tag, k, s.split()[0]) for s in v.split(",") if s.strip()]


_EXTERNAL = re.compile(r"^(https?:)?//", re.I)
_CSS_URL = re.compile(r"(?:@import\s+|url\()\s*['\"]?((?:https?:)?//[^'\")\s]+)", re.I)


def check_site(site: Path) -> list[str]:
    "Problems with a built site: relative references that resolve to no file; assets loaded from another host."
    problems = []
    for page in sorted(site.rglob("*.html")):
        p = _Refs(); p.feed(page.read_text(encoding="utf-8", errors="replace"))
        for tag, attr, url in p.refs:
            rel = page.relative_to(site)
            if _EXTERNAL.match(url):
                if not (tag == "a" and attr == "href"):  # a link out is fine; loading from outside is not
                    problems.append(f"{rel}: <{tag} {attr}> loads {url} from the network")
                continue
            parts = urlsplit(url)
            if parts.scheme or not parts.path: continue  # mailto:, data:, javascript:, '#anchor'
            path = unquote(parts.path)  # an absolute path is from the site's root (404.html has them)
            target = (site / path.lstrip("/") if path.startswith("/") else page.parent / path).resolve()
            if target.is_dir(): target = target / "index.html"
            if not target.exists(): problems.append(f"{rel}: <{tag} {attr}={url!r}> is broken")
    for css in sorted(site.rglob("*.css")):
        for url in _CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{css.relative_to(site)}: loads {url} from the network")
    return problems


# ---------------------------------------------------------------- the build
def prepare(src: Path) -> list:
    "Write the book's notebooks, API pages and MathJax into `src`; return the nav."
    if src.exists(): shutil.rmtree(src)
    (src / "api").mkdir(parents=True)
    import jupyter_server_mathjax
    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / "static", src / "assets" / "mathjax")
    # the package ships MathJax's STIX-Web fonts only: use them (with the default TeX fonts primes fail to typeset)
    (src / "assets" / "mathjax" / "config" / "local").mkdir(parents=True, exist_ok=True)
    (src / "assets" / "mathjax" / "config" / "local" / "mambaflow.js").write_text(
        'MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null}});\n'
        'MathJax.Ajax.loadComplete("[MathJax]/config/local/mambaflow.js");\n')
    book, api = [], []
    for p in chapters():
        nb = json.loads(p.read_text(encoding="utf-8"))
        (src / p.name).write_text(json.dumps(book_notebook(nb), indent=1, ensure_ascii=False), encoding="utf-8")
        label = "Home" if p.stem == "index" else f"{p.stem}: {title(nb, p.stem)}"
        book.append({label: p.name})
        mod = module_of(nb)
        if mod:
            (src / "api" / f"{mod}.md").write_text(api_page(mod, p.stem), encoding="utf-8")
            api.append({mod: f"api/{mod}.md"})
    return [*book, {"API": api}]


def build(site: Path, work: Path = WORK, quiet: bool = False) -> list[str]:
    "Prepare the sources in `work`, run `mkdocs build --strict` into `site`, check it; the problems found."
    src = work / "src"
    nav = prepare(src)
    cfg = {"INHERIT": str(ROOT / "mkdocs.yml"), "docs_dir": str(src), "site_dir": str(site), "nav": nav}
    (work / "mkdocs.yml").write_text(json.dumps(cfg, indent=1))  # JSON is YAML
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(work / "mkdocs.yml")]
    r = subprocess.run(cmd + (["-q"] if quiet else []), cwd=ROOT)
    if r.returncode: return [f"mkdocs build --strict failed (exit {r.returncode})"]
    return check_site(site)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", default=str(ROOT / "site"), help="output folder (default: site/)")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args()
    problems = build(Path(a.site).resolve(), quiet=a.quiet)
    for p in problems: print("FAIL:", p)
    pages = len(list(Path(a.site).rglob("*.html")))
    print(f"{'FAILED' if problems else 'built'} {a.site}: {pages} pages, {len(problems)} problems")
    sys.exit(1 if problems else 0)

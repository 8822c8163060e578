"""Turn the executed `nbs/index.ipynb` into `README.md` (Quarto, which `nbdev_readme` needs, is
not installable here).

Rules: the title cell (`# name` / `> summary`) becomes the heading; markdown cells are copied;
code cells are shown as ```python blocks followed by their text outputs; PNG outputs are written
to `nbs/images/readme_<n>.png` and linked. Cell directives are honoured: `#| hide` drops the cell,
`#| echo: false` shows only its outputs, `#| output: false` only its source.

    python tests/make_readme.py          # write README.md and its images
    python tests/make_readme.py --check  # exit 1 if README.md is stale
"""
import base64, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INDEX, README, IMAGES = ROOT / "nbs" / "index.ipynb", ROOT / "README.md", ROOT / "nbs" / "images"
_DIRECTIVE = re.compile(r"^\s*#\|\s*([\w-]+):?\s*(.*)$")


def _directives(src):
    "Split a code cell's source into its `#|` directives (dict) and the remaining code."
    d, rest = {}, []
    for line in src.splitlines():
        m = _DIRECTIVE.match(line)
        if m and not rest: d[m.group(1)] = m.group(2).strip().lower()
        else: rest.append(line)
    return d, "\n".join(rest).strip("\n")


def _text(out):
    if out["output_type"] == "stream": return "".join(out["text"])
    if out["output_type"] in ("execute_result", "display_data"):
        data = out.get("data", {})
        if "image/png" in data: return None
        if "text/markdown" in data: return ("md", "".join(data["text/markdown"]))
        return "".join(data.get("text/plain", ""))
    if out["output_type"] == "error": raise ValueError("index.ipynb holds an error output: run it cleanly first")
    return ""


def render():
    "Return (markdown text, {image path: png bytes})."
    nb = json.loads(INDEX.read_text(encoding="utf-8"))
    parts, images = [], {}
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            parts.append(src.strip()); continue
        if cell["cell_type"] != "code": continue
        d, code = _directives(src)
        if "hide" in d or "default_exp" in d: continue
        if code and d.get("echo") != "false": parts.append(f"```python\n{code}\n```")
        if d.get("output") == "false": continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                name = f"readme_{len(images) + 1}.png"
                images[IMAGES / name] = base64.b64decode("".join(data["image/png"]))
                parts.append(f"![](nbs/images/{name})")
                continue
            t = _text(out)
            if isinstance(t, tuple): parts.append(t[1].strip())
            elif t and t.strip(): parts.append("```\n" + t.rstrip("\n") + "\n```")
    header = "<!-- generated from nbs/index.ipynb by tests/make_readme.py: edit the notebook, not this file -->\n\n"
    return header + "\n\n".join(p for p in parts if p) + "\n", images


def stale():
    "Names of the files that differ from what `render` would write."
    text, images = render()
    bad = [] if README.exists() and README.read_text(encoding="utf-8") == text else [README.name]
    bad += [str(p.relative_to(ROOT)) for p, b in images.items() if not p.exists() or p.read_bytes() != b]
    return bad


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if "--check" in argv:
        bad = stale()
        if bad: print("stale, regenerate with `python tests/make_readme.py`:", *bad); return 1
        print("README.md is up to date"); return 0
    text, images = render()
    IMAGES.mkdir(parents=True, exist_ok=True)
    for p, b in images.items(): p.write_bytes(b)
    README.write_text(text, encoding="utf-8")
    print(f"wrote {README.name} and {len(images)} image(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

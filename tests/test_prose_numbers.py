"""Prose checked against outputs: every number in a notebook's markdown is one the reader can see
printed, or is marked as somebody else's claim.

The rule (DESIGN.md, "Results that ship"). A number written in a markdown cell is **supported**
when its value appears in one of

- the same notebook's cell outputs: stream text, `text/plain`, `text/markdown`, `text/html`,
  `text/latex` (never images, never error tracebacks);
- the source of a code cell of the same notebook (the inputs a reader can see: `steps=50`,
  `ratio=0.2`, `minutes=30`);
- any committed results file under `nbs/results/` (JSON: every value walked, numbers inside
  strings too; CSV: every cell).

Values are matched, not strings: `1,024` and `65 536` are 1024 and 65536, `−0.3` and `-0.3` are 0.3 (signs are compared
by magnitude: prose says "lower by 0.3" where a table prints -0.3), `12%` may match 12 or 0.12,
`3.5×` is 3.5, `10k` may match 10 or 10000 (`10M`: 10 or 10**7), `1.5e-3` is 0.0015, `32²` may match 32 or
1024, `32x32` is two numbers. A prose number stands for any printed value that rounds to it at
the prose's precision: `23.4` matches a printed 23.42, `0.8` matches 0.803, `4` matches 3.6.

**Exempt by construction** (masked before numbers are read):

- LaTeX math (`$...$`, `$$...$$`), code spans and fenced code blocks, HTML tags and comments,
  markdown link targets and bare URLs, arXiv identifiers;
- the leading section number of a heading (`## 3.2 Sampling`) and of a numbered-list item;
- identifiers that contain digits: `08_models`, `float32`, `CIFAR-10`, `H200`, `V2`, `2.2.1`
  (a digit run touching a letter or underscore on its left, or joined to one by a hyphen, or
  with an underscore on its right, or a version with two or more dots);
- references into papers: `Alg. 1`, `Eq. (3)`, `Table 2`, `Fig. 4`, `Section 3.2`, `§3`,
  `Appendix B.1`, `Theorem 1`;
- years: a bare integer from 1900 to 2099 (citations such as "Karras et al. 2022", "(2021)");
- counts: a bare integer from 0 to 10 (no decimals, no `%`, `×`, `k`, `M`, `²`).

So a number derived on the page (`10 log10(8/3) = 4.26 dB`, a memory size from a shape) is
written in math with its derivation, where the reader can check it.

**Quoted claims** (the seeds', the system this project grew from, or a paper's) are marked, not
checked, and only in one of three ways:

- a blockquote line: a markdown line starting with `> `, e.g.
  `> Seeds: "V2 reaches 23.2 dB PSNR on CIFAR-10."` The nbdev summary (the first blockquote of
  the title cell, which becomes the module docstring) is ordinary prose and is checked;
- a table column whose header contains the word "claim" (e.g. `seeds' claim`, `claimed fix`):
  that column's cells are exempt in every row of the table; the other columns are checked;
- inline, a parenthetical that starts with `seeds:` or `paper:`, up to its closing parenthesis
  or the next semicolon: `V1 (seeds: ~15 M parameters)`, `(Heun, 20 steps; seeds: > 40 dB)`.

Our own measurement belongs beside the claim, printed by a cell.

One pytest test per notebook (parametrized like `tests/test_notebooks.py`); a failure lists each
unsupported number with its sentence. Pure JSON and regular expressions: a few seconds in all.
"""
from __future__ import annotations

import bisect
import csv
import io
import json
import math
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "nbs").glob("*.ipynb") if not p.name.startswith("_"))
RESULTS = ROOT / "nbs" / "results"
TEXT_MIMES = ("text/plain", "text/markdown", "text/html", "text/latex")

# ---------------------------------------------------------------------------------------------
# Numbers in printed text (outputs, code, results): lenient, every digit run counts.
_ANY_NUM = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d*\.\d+(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?")


def printed_values(text: str) -> list[float]:
    "Every number in `text` (magnitudes; `1,024` read both as 1024 and as 1 and 24)."
    out = []
    for m in _ANY_NUM.finditer(text.replace("−", "-")):
        s = m.group()
        if "," in s:
            out.extend(float(p) for p in s.split(","))
        out.append(float(s.replace(",", "")))
    return [v for v in out if math.isfinite(v)]


def _walk_json(x, out: list[float]):
    if isinstance(x, bool) or x is None:
        return
    if isinstance(x, (int, float)):
        if math.isfinite(x):
            out.append(abs(float(x)))
    elif isinstance(x, str):
        out.extend(printed_values(x))
    elif isinstance(x, dict):
        for k, v in x.items():
            _walk_json(k, out)
            _walk_json(v, out)
    elif isinstance(x, (list, tuple)):
        for v in x:
            _walk_json(v, out)


def results_values(root: Path = RESULTS) -> list[float]:
    "Every number in the committed results files under `root` (JSON values, CSV cells)."
    out: list[float] = []
    if not root.exists():
        return out
    for p in sorted(root.rglob("*")):
        if p.suffix == ".json":
            _walk_json(json.loads(p.read_text()), out)
        elif p.suffix == ".csv":
            for row in csv.reader(io.StringIO(p.read_text())):
                for cell in row:
                    out.extend(printed_values(cell))
    return out


def notebook_values(nb: dict) -> list[float]:
    "Every number a reader of `nb` sees printed or typed: code-cell sources and text outputs."
    out: list[float] = []
    for c in nb["cells"]:
        if c["cell_type"] != "code":
            continue
        out.extend(printed_values("".join(c["source"])))
        for o in c.get("outputs", []):
            if o.get("output_type") == "stream":
                out.extend(printed_values("".join(o.get("text", ""))))
            elif o.get("output_type") in ("execute_result", "display_data"):
                for mime in TEXT_MIMES:
                    if mime in o.get("data", {}):
                        out.extend(printed_values("".join(o["data"][mime])))
    return out


# ---------------------------------------------------------------------------------------------
# Masking: exempt spans become spaces of the same length, so positions still point at the text.
def _blank(m: re.Match) -> str:
    return re.sub(r"[^\n]", " ", m.group())


_REFS = (r"(?:§|\b(?:Alg(?:orithm)?s?|Eqs?|Equations?|Tables?|Figs?|Figures?|Sec(?:tion)?s?|Appendix"
         r"|Theorems?|Lemmas?|Prop(?:osition)?s?|Def(?:inition)?s?|Chapters?|Ch|Corollary|Remark))")
_MASKS = [
    re.compile(r"```.*?```|~~~.*?~~~", re.S),                     # fenced code
    re.compile(r"<!--.*?-->", re.S),                              # HTML comments
    re.compile(r"\$\$.+?\$\$", re.S),                             # display math
    re.compile(r"(?<!\\)\$(?!\s)(?:[^$\n]|\n(?![ \t]*\n))+?(?<![\s\\])\$"),  # inline math
    re.compile(r"\\\(.+?\\\)|\\\[.+?\\\]", re.S),                  # \( \) and \[ \] math
    re.compile(r"(`+).+?\1", re.S),                               # code spans
    re.compile(r"\]\([^)]*\)"),                                   # link targets
    re.compile(r"https?://\S+|www\.\S+"),                          # bare URLs
    re.compile(r"<[A-Za-z/!][^>]*>"),                             # HTML tags
    re.compile(r"(?<=[(;])[ \t]*(?:seeds|paper):(?:[^;)\n]|\n(?![ \t]*\n))*", re.I),  # (seeds: ...) claims
    re.compile(r"arXiv[:\s]*\d{4}\.\d{4,5}(?:v\d+)?", re.I),       # arXiv ids
    re.compile(r"(?m)^\s{0,3}#{1,6}\s*\d+(?:\.\d+)*\.?"),         # heading section numbers
    re.compile(r"(?m)^\s*\d+[.)](?=\s)"),                          # numbered-list markers
    re.compile(_REFS + r"\.?\s*\(?[A-Z]?\d+(?:\.\d+)*\)?(?:\s*(?:and|–|-)\s*\(?\d+(?:\.\d+)*\)?)*"),
]


def _mask_claim_columns(text: str) -> str:
    "Blank the cells of every table column whose header contains 'claim'."
    lines = text.split("\n")
    i = 0
    while i + 1 < len(lines):
        head, rule = lines[i], lines[i + 1]
        if head.lstrip().startswith("|") and re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", rule) and "-" in rule:
            cells = re.split(r"(?<!\\)\|", head.strip())[1:]
            cols = [j for j, h in enumerate(cells) if "claim" in h.lower()]
            k = i + 2
            while k < len(lines) and lines[k].lstrip().startswith("|"):
                if cols:
                    row = lines[k]
                    bars = [m.start() for m in re.finditer(r"(?<!\\)\|", row)]   # bars[j]: opens column j
                    for j in cols:
                        if j + 1 < len(bars):
                            a, b = bars[j] + 1, bars[j + 1]
                            row = row[:a] + " " * (b - a) + row[b:]
                    lines[k] = row
                k += 1
            i = k
        else:
            i += 1
    return "\n".join(lines)


def _mask_blockquotes(text: str, keep_first: bool) -> str:
    "Blank blockquote lines (claims); `keep_first` leaves the first blockquote (nbdev's summary)."
    out, state = [], "before" if keep_first else "after"   # before, in, after the kept blockquote
    for line in text.split("\n"):
        quoted = re.match(r"\s{0,3}>", line) is not None
        if quoted and state != "after":
            state = "in"
        else:
            if state == "in":
                state = "after"
            if quoted:
                line = " " * len(line)
        out.append(line)
    return "\n".join(out)


def mask(text: str, title_cell: bool = False) -> str:
    "`text` with every exempt span blanked out (same length, newlines kept)."
    text = _mask_blockquotes(text, keep_first=title_cell)
    text = _mask_claim_columns(text)
    for rx in _MASKS:
        text = rx.sub(_blank, text)
    return text


# ---------------------------------------------------------------------------------------------
# Numbers in prose: strict about what is a number, then about what supports it.
_PROSE_NUM = re.compile(
    r"(?<![\w.,/\\])(?<![A-Za-z_]-)(?<![A-Za-z_]‑)"          # not inside an identifier or a path
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d.,])"
    r"|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<exp>[eE][-+−]?\d+)?"
    r"(?!\.\d)(?!,\d{3})"                                     # not a version 1.2.3 / half a 1,024
    r"(?P<suffix>[ \u2009\u202f]%|[\w²³%×]*)")


def prose_numbers(text: str) -> list[tuple[str, list[tuple[float, float]], int]]:
    """The numbers to check in already-masked `text`: (token, candidates, start), each candidate a
    value the token may stand for and its tolerance, half a unit of the token's last digit."""
    text = re.sub(r"(?<=\d)\s*[x×]\s*(?=\d)", lambda m: ";" * len(m.group()), text)  # 32x32: two numbers (never one spaced 32 032)
    found = []
    for m in _PROSE_NUM.finditer(text):
        num, exp, suffix = m.group("num"), m.group("exp"), m.group("suffix").lstrip(" \u2009\u202f")
        if "_" in suffix:                                     # 08_models, 08a_inference
            continue
        if re.match(r"[A-Za-z]*\d", suffix) and not re.match(r"(st|nd|rd|th)\b", suffix):
            continue                                          # 3D4, 2b1: an identifier
        digits = re.sub(r"[,\s\u00a0\u2009\u202f]", "", num)
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        value = float(digits)
        tol = 0.5 * 10.0 ** (-decimals)
        if exp:
            e = int(exp[1:].replace("−", "-"))
            value, tol = value * 10.0 ** e, tol * 10.0 ** e
        plain = not exp and digits == num and "." not in num
        unit = suffix[:1]
        if plain and unit not in ("%", "×", "²", "³", "k", "K", "M") and not suffix.lower().startswith("x"):
            iv = int(digits)
            if iv <= 10 or 1900 <= iv <= 2099:                # counts and years
                continue
        cands = [(value, tol)]
        if unit == "%":
            cands.append((value / 100, tol / 100))
        elif unit in ("k", "K") and not suffix[1:2].isalpha():
            cands.append((value * 1e3, tol * 1e3))
        elif unit == "M" and not suffix[1:2].isalpha():
            cands.append((value * 1e6, tol * 1e6))
        elif unit == "²":
            cands.append((value ** 2, 0.5))
        elif unit == "³":
            cands.append((value ** 3, 0.5))
        found.append((m.group(), cands, m.start()))
    return found


def is_supported(cands, values: list[float]) -> bool:
    "True when a value in sorted `values` rounds to one of the candidates (value, tolerance)."
    for v, tol in cands:
        lo, hi = v - tol * (1 + 1e-9) - 1e-12, v + tol * (1 + 1e-9) + 1e-12
        i = bisect.bisect_left(values, lo)
        if i < len(values) and values[i] <= hi:
            return True
    return False


def _sentence(text: str, pos: int) -> str:
    "The sentence of `text` around `pos`, on one line."
    brk = r"\n\s*\n|\n(?=[ \t]*(?:[-*+]\s|\d+[.)]\s|\|))"                # paragraph, list item, table row
    starts = [m.end() for m in re.finditer(r"[.!?]\s+(?=[A-Z(*`\"'])|" + brk + r"|\|", text[:pos])]
    a = starts[-1] if starts else 0
    m = re.search(r"[.!?](?=\s+[A-Z(*`\"']|\s*$)|" + brk + r"|\|", text[pos:])
    b = pos + (m.end() if m else len(text) - pos)
    if b - a > 240:                                           # a long sentence: the part around pos
        a2, b2 = max(a, pos - 110), min(b, pos + 110)
        return ("..." if a2 > a else "") + " ".join(text[a2:b2].split()) + ("..." if b2 < b else "")
    return " ".join(text[a:b].split())


def unsupported_numbers(nb: dict, extra_values: list[float] = ()) -> list[str]:
    "Each number in `nb`'s markdown that no output, code cell or results value supports."
    values = sorted(abs(v) for v in [*notebook_values(nb), *extra_values])
    bad, first_md = [], True
    for c in nb["cells"]:
        if c["cell_type"] != "markdown":
            continue
        text = "".join(c["source"])
        masked = mask(text, title_cell=first_md and text.lstrip().startswith("# "))
        first_md = False
        for token, cands, pos in prose_numbers(masked):
            if not is_supported(cands, values):
                bad.append(f"{token!r} in: {_sentence(text, pos)}")
    return bad


# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def committed_results():
    return results_values()


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_prose_numbers(nb, committed_results):
    bad = unsupported_numbers(json.loads(nb.read_text()), committed_results)
    assert not bad, (f"{nb.name}: {len(bad)} number(s) in markdown that no cell prints, no code cell "
                     "sets and no results file holds; print them, point at the table that does, or "
                     "derive them in math, or mark them as a claim ('> ' line, a 'claim' table column or "
                     "'(seeds: ...)'; see this file's docstring):\n  "
                     + "\n  ".join(bad))


def _nb(*cells):
    return {"cells": [{"cell_type": t, "source": s, "outputs": o} if t == "code"
                      else {"cell_type": t, "source": s} for t, s, o in cells]}


def test_checker_itself():
    "The checker accepts what is printed, rounded, claimed, in math or code; and catches the rest."
    nb = _nb(("markdown", "# Title\n\n> The summary: 0.5 dB better.", None),
             ("code", "steps = 50\nprint(psnr)", [{"output_type": "stream", "name": "stdout",
                                                   "text": "PSNR 23.42 dB, ratio 0.803, 1,024 pixels\n"}]),
             ("markdown", "We measure 23.4 dB and a ratio of 0.8 over 1024 pixels in 50 steps, "
                          "12% fewer ($x^{17}$, `lr=3e-4`, Karras et al. 2022, Alg. 2, `08_models`, "
                          "CIFAR-10, float32, 3 layers).\n\n"
                          "V1 (seeds: ~15.5 M parameters; ours 0.13) and V2 (paper: 99.5%).\n"
                          "> Seeds: \"V2 reaches 31.7 dB.\"\n\n"
                          "| model | seeds' claim | ours |\n|---|---|---|\n| V2 | 31.7 | 23.4 |", None),
             ("markdown", "It takes 4.3 s, a 7.8× speed-up; 23.5 dB at 64² and $$y = 99.9$$.", None))
    bad = unsupported_numbers(nb)
    tokens = sorted(b.split(" in: ")[0] for b in bad)
    # the summary's 0.5, 12% (0.12 is not printed), 0.13 (after the claim's semicolon), 4.3, 7.8×,
    # 23.5 (23.42 rounds to 23.4, not 23.5) and 64²
    assert tokens == sorted(["'0.5'", "'12%'", "'0.13'", "'4.3'", "'7.8×'", "'23.5'", "'64²'"]), bad
    assert any("It takes 4.3 s" in b for b in bad), bad
    # a results value supports prose anywhere, and a claim-column cell is never read
    assert unsupported_numbers(nb, extra_values=[0.5, 0.12, 0.13, 4.27, 7.8, 23.5, 4096]) == []
    assert mask("| a | claim |\n|---|---|\n| 17.5 | 31.7 |").split("\n")[2].strip() == "| 17.5 |" + " " * 6 + "|"
    # a product of sides is two numbers, never one number with a thin-space thousands separator
    assert [t for t, _, _ in prose_numbers(mask("the 256×256 crop, 32 x 32 and 48x64"))] == ["256", "256", "32", "32", "48", "64"]


def test_notebooks_found():
    assert len(NOTEBOOKS) >= 2, f"expected the book's notebooks in {ROOT/'nbs'}, found {NOTEBOOKS}"

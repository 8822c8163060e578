"""Prose checked against outputs: every number in a notebook's markdown is one the reader can see
printed, or is marked as somebody else's claim.

The rule (DESIGN.md, "Results that ship"). A number written in a markdown cell is **supported**
when a line the reader sees *next to it* holds it, at its rounding, and speaks of the same thing:

- **next to it**: the code cells adjacent to the markdown cell (the run of code cells directly above
  it and the run directly below) — their text outputs (stream text, `text/plain`, `text/markdown`,
  `text/html`, `text/latex`; never images or tracebacks), the integers of their source (the inputs
  a reader can see: `steps=50`, `minutes=30`), and the committed results files they read (a path
  under `results/` named in their source; JSON: every value, its words being its key path;
  strings and CSV cells line by line). A summary far from its table cites the table's numbers
  only if a cell beside it prints them;
- **at its rounding**: a printed token matches only at the prose's number of decimals (`23.42`
  supports `23.42`, not `23.4`); a float stored in a results file supports a prose number with
  decimals at any rounding (`23.4` for 23.4187), never an integer; integers match integers;
- **the same thing**: the line shares a content word (three letters or more, not a stop word)
  with the number's sentence — two for a line of code, whose integers are everywhere.

Values are matched by magnitude: `1,024` and `65 536` are 1024 and 65536, `−0.3` and `-0.3` are
0.3 (prose says "lower by 0.3" where a table prints -0.3), `12%` may match 12 or 0.12 (at two more
decimals), `3.5×` is 3.5, `10k` may match 10 or 10000 (`10M`: 10 or 10**7), `1.5e-3` is 0.0015,
`32²` may match 32 or 1024, `32x32` is two numbers.

**The rule can fail.** `test_false_accept_rate` moves every checked number of the book to a random
value within ±50% at its own precision (20 draws each) and counts how often the rule accepts the
wrong number in its place; it prints that rate and requires it under 5%.

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
import functools
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


# ---------------------------------------------------------------------------------------------
# Support: a printed line near the number, that shares a word with its sentence, at its rounding.
STOP = set("""the and for with from that this are was were its one two all per not but than into each every when where which
what has have had our their can may does did more less most least over under same other only also both then them they these
those there here how why who whose about after before between while such very much many any some none out off just like been
being will would could should must shall its it's dB image images""".lower().split())


def words(text: str) -> set[str]:
    "Content words of `text`: three or more letters, lower case, not a stop word; `snake_case` also split."
    out = set()
    for w in re.findall(r"[A-Za-z][A-Za-z0-9_]{2,}", text):
        w = w.lower()
        if w in STOP:
            continue
        out.add(w)
        out.update(p for p in w.split("_") if len(p) >= 3 and p not in STOP)
    return out


ANY_DECIMALS = 99   # a stored float: it supports a prose number at any rounding with decimals


def line_entries(text: str, kind: str, integers_only: bool = False) -> list[tuple]:
    "(value, decimals as printed, the line's words, kind) for every number of every line of `text`."
    out = []
    for line in text.replace("−", "-").split("\n"):
        ws = None
        for m in _ANY_NUM.finditer(line):
            tok = m.group().replace(",", "")
            d = ANY_DECIMALS if "e" in tok.lower() else (len(tok.split(".")[1]) if "." in tok else 0)
            if integers_only and d:
                continue
            v = abs(float(tok))
            if not math.isfinite(v):
                continue
            ws = words(line) if ws is None else ws
            out.append((v, d, ws, kind))
    return out


def json_entries(x, path: tuple, out: list):
    "Entries of a results file: a number's words are its key path's; strings are read line by line."
    if isinstance(x, bool) or x is None:
        return
    if isinstance(x, (int, float)):
        if math.isfinite(x):
            out.append((abs(float(x)), ANY_DECIMALS if isinstance(x, float) else 0, words(" ".join(path)), "results"))
    elif isinstance(x, str):
        if len(x) > 64 and re.fullmatch(r"[0-9a-f]+", x):      # an image as hex
            return
        out.extend(line_entries(" ".join(path) + " " + x, "results"))
    elif isinstance(x, dict):
        for k, v in x.items():
            json_entries(v, path + (str(k),), out)
    elif isinstance(x, (list, tuple)):
        for v in x:
            json_entries(v, path, out)


def files_read(source: str, root: Path = RESULTS) -> list[Path]:
    "The committed results files a code cell reads: a path under results/ named in its source (a file, or a folder)."
    out = []
    for p in sorted(root.rglob("*")):
        if p.suffix not in (".json", ".csv") or not p.is_file():
            continue
        rel = p.relative_to(root)
        parent = str(rel.parent)
        if str(rel) in source or (parent != "." and (parent + "/" in source or f'"{parent}"' in source)):
            out.append(p)
    return out


@functools.lru_cache(maxsize=None)
def _results_file_entries(p: Path) -> tuple:
    out = []
    json_entries(json.loads(p.read_text()), (), out)
    return tuple(out)


def cell_entries(c: dict, root: Path = RESULTS) -> list[tuple]:
    "What one code cell shows a reader: its source's integers, its text outputs, and the results files it reads."
    src = "".join(c["source"])
    out = line_entries(src, "code", integers_only=True)
    for o in c.get("outputs", []):
        if o.get("output_type") == "stream":
            out += line_entries("".join(o.get("text", "")), "output")
        elif o.get("output_type") in ("execute_result", "display_data"):
            for mime in TEXT_MIMES:
                if mime in o.get("data", {}):
                    out += line_entries("".join(o["data"][mime]), "output")
                    break
    for p in files_read(src, root):
        if p.suffix == ".json":
            out += _results_file_entries(p)
        else:
            for row in csv.reader(io.StringIO(p.read_text())):
                out += line_entries(" ".join(row), "results")
    return out


def adjacent_code(cells: list, i: int) -> list[int]:
    "The code cells next to markdown cell i: the run of code cells just above it and the run just below."
    out, j = [], i - 1
    while j >= 0 and cells[j]["cell_type"] == "code":
        out.append(j)
        j -= 1
    j = i + 1
    while j < len(cells) and cells[j]["cell_type"] == "code":
        out.append(j)
        j += 1
    return sorted(out)


def prose_decimals(tol: float) -> int:
    "Decimals a candidate is written at (from its tolerance: half a unit of its last digit)."
    return max(0, round(-math.log10(2 * tol))) if tol < 0.5 else 0


SHARED_WORDS = {"code": 2, "output": 1, "results": 1}   # content words a line must share with the sentence, by source


def is_supported(cands, sentence_words: set, entries: list) -> bool:
    """True when an entry holds a candidate's value at its rounding (the same decimals as printed; a stored float at any
    rounding with decimals, never for an integer) on a line that shares content words with the number's sentence
    (one for a printed or stored line, two for a line of code, whose integers are dense)."""
    for v, tol in cands:
        d = prose_decimals(tol)
        lo, hi = v - tol * (1 + 1e-9) - 1e-12, v + tol * (1 + 1e-9) + 1e-12
        for ev, ed, ews, kind in entries:
            if lo <= ev <= hi and (ed == d or (ed == ANY_DECIMALS and d > 0)) and len(ews & sentence_words) >= SHARED_WORDS[kind]:
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


def markdown_numbers(nb: dict, root: Path = RESULTS):
    "Each checked number of `nb`'s markdown: (cell index, token, candidates, its sentence, the sentence's words, the entries near it)."
    cells, first_md, cache = nb["cells"], True, {}
    for i, c in enumerate(cells):
        if c["cell_type"] != "markdown":
            continue
        text = "".join(c["source"])
        masked = mask(text, title_cell=first_md and text.lstrip().startswith("# "))
        first_md = False
        near = []
        for j in adjacent_code(cells, i):
            if j not in cache:
                cache[j] = cell_entries(cells[j], root)
            near += cache[j]
        for token, cands, pos in prose_numbers(masked):
            sentence = _sentence(text, pos)
            yield i, token, cands, sentence, words(sentence), near


def unsupported_numbers(nb: dict, root: Path = RESULTS) -> list[str]:
    "Each number in `nb`'s markdown that no line near it supports."
    return [f"cell {i}: {token!r} in: {sentence}" for i, token, cands, sentence, sw, near in markdown_numbers(nb, root)
            if not is_supported(cands, sw, near)]


def false_accept_rate(notebooks=NOTEBOOKS, draws: int = 20, seed: int = 0) -> tuple[float, int]:
    """The share of random numbers of the prose's kinds that the rule accepts in the prose's place: each checked
    number moved to a uniform draw within ±50% of its value, at its own precision (draws equal to it skipped)."""
    import random
    rng, n, accepted = random.Random(seed), 0, 0
    for p in notebooks:
        for _, token, cands, sentence, sw, near in markdown_numbers(json.loads(Path(p).read_text())):
            v, tol = cands[0]
            for _ in range(draws):
                r = round(v * rng.uniform(0.5, 1.5) / (2 * tol)) * (2 * tol)
                if abs(r - v) <= tol or r == 0:
                    continue
                moved = [(r, tol)] + [(r * (cv / v), ct) for cv, ct in cands[1:]]
                n += 1
                accepted += is_supported(moved, sw, near)
    return accepted / max(n, 1), n


# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_prose_numbers(nb):
    bad = unsupported_numbers(json.loads(nb.read_text()))
    assert not bad, (f"{nb.name}: {len(bad)} number(s) in markdown that no cell beside them prints at that rounding "
                     "on a line about the same thing; print them beside the prose, move the prose to the cell that "
                     "prints them, derive them in math, or mark them as a claim ('> ' line, a 'claim' table column "
                     "or '(seeds: ...)'; see this file's docstring):\n  " + "\n  ".join(bad))


def test_false_accept_rate():
    "The rule rejects wrong numbers: random values of the prose's kinds put in the prose's place are accepted under 5% of the time."
    rate, n = false_accept_rate()
    print(f"prose-number rule: {rate:.1%} of {n} random numbers of the prose's kinds accepted in place of the prose's own")
    assert n > 1000 and rate < 0.05, (rate, n)


def _nb(*cells):
    cells = [{"cell_type": t, "source": s, "outputs": o} if t == "code" else {"cell_type": t, "source": s} for t, s, o in cells]
    return {"cells": cells}


def _out(text):
    return [{"output_type": "stream", "name": "stdout", "text": text}]


def test_checker_itself():
    "The checker accepts what is printed beside the prose, at its rounding and about the same thing; and catches the rest."
    nb = _nb(("markdown", "# Title\n\n> The summary: 0.5 dB better.", None),
             ("code", "steps = 50  # sampler steps\nprint(psnr)", _out("posterior mean PSNR 23.42 dB, SSIM ratio 0.803, 1,024 pixels\n")),
             ("markdown", "We measure a PSNR of 23.42 dB and an SSIM ratio of 0.803 over 1024 pixels with 50 sampler steps, "
                          "and 12% fewer ($x^{17}$, `lr=3e-4`, Karras et al. 2022, Alg. 2, `08_models`, "
                          "CIFAR-10, float32, 3 layers). The PSNR is 23.4 dB. The pixels number 1,024 PSNR.\n\n"
                          "V1 (seeds: ~15.5 M parameters; ours 0.13) and V2 (paper: 99.5%).\n"
                          "> Seeds: \"V2 reaches 31.7 dB.\"\n\n"
                          "| model | seeds' claim | ours |\n|---|---|---|\n| V2 | 31.7 | 23.42 PSNR |", None),
             ("markdown", "A far paragraph: the PSNR is 23.42 dB.", None),
             ("code", "print(1)", _out("an unrelated line 4.3 s\n")))
    bad = unsupported_numbers(nb)
    tokens = sorted(b.split(": ", 1)[1].split(" in: ")[0] for b in bad)
    # the summary's 0.5 (nothing beside it); 12% (not printed); 23.4 (printed as 23.42: another rounding);
    # 0.13 (after the claim's semicolon); 1,024 in a sentence whose only word shared with the printed line is... PSNR:
    # supported; the far paragraph's 23.42 (its neighbour prints no PSNR)
    assert tokens == sorted(["'0.5'", "'12%'", "'23.4'", "'0.13'", "'23.42'"]), bad
    assert any(b.startswith("cell 3: '23.42'") for b in bad), bad
    # integers match integers only, and a code line needs two shared words: "50 sampler steps" shares "sampler" and "steps"
    near = cell_entries(nb["cells"][1])
    assert is_supported([(50, 0.5)], words("with 50 sampler steps"), near)
    assert not is_supported([(50, 0.5)], words("with 50 steps"), near)            # one shared word with a code line
    assert not is_supported([(23, 0.5)], words("a PSNR of 23 dB"), near)         # 23.42 printed: not an integer
    assert mask("| a | claim |\n|---|---|\n| 17.5 | 31.7 |").split("\n")[2].strip() == "| 17.5 |" + " " * 6 + "|"
    # a product of sides is two numbers, never one number with a thin-space thousands separator
    assert [t for t, _, _ in prose_numbers(mask("the 256×256 crop, 32 x 32 and 48x64"))] == ["256", "256", "32", "32", "48", "64"]


def test_results_files_are_read_where_named(tmp_path):
    "A results file supports the prose beside the cell that names it, by its key path's words, at any rounding with decimals."
    (tmp_path / "study.json").write_text(json.dumps({"results": {"margin over biharmonic": 0.7512, "photographs": 300}}))
    cell = {"cell_type": "code", "source": 'r = read_results("results/study.json")', "outputs": []}
    near = cell_entries(cell, root=tmp_path)
    assert is_supported([(0.75, 0.005)], words("the margin is 0.75 dB"), near)
    assert is_supported([(0.8, 0.05)], words("a margin of about 0.8"), near)
    assert is_supported([(300, 0.5)], words("on 300 photographs"), near)
    assert not is_supported([(0.75, 0.005)], words("the speed is 0.75"), near)     # no shared word
    assert not is_supported([(1, 0.5)], words("a margin of 1 dB"), near)           # a float never supports an integer
    assert files_read("print(2)", root=tmp_path) == [] and files_read(cell["source"], root=tmp_path) == [tmp_path / "study.json"]


def test_notebooks_found():
    assert len(NOTEBOOKS) >= 2, f"expected the book's notebooks in {ROOT/'nbs'}, found {NOTEBOOKS}"

"""The book speaks of itself to its readers: no words from the workshop that built it.

Readers have no issue tracker, no working sessions and no task tags, so none of these may appear
in the notebooks (markdown and code cells, and their committed text outputs), in README.md or in
the exported package (`mambaflow/*.py`, except the generated `_modidx.py`):

- "issue" / "issues" as a word ("the [quality] issue asks", "the issue's timings"); "tissue",
  "reissue" or "issued" are other words and pass;
- "session" / "sessions" (the people who built the book worked in sessions; readers did not);
- a task tag in square brackets: `[quality]`, `[verdicts]`, `[harness]`, ...;
- "an earlier version of this book / chapter / cell": the book describes what it is now; the
  history is in git;
- the lending machinery of the GPU machine: "device machine", "device tool".

Deliberate exceptions (each one below, with its reason):

- identifiers such as `start_new_session` (the operating-system notion) never match, since `_` is a
  word character; in prose, say "a detached process" instead;
- a word reached by attribute access (`requests.Session`, `x.issues`): a library's API name;
- a tag right after a word character, a dot or a quote (`cfg[docs]`, `pip install -e ".[docs]"`):
  indexing or a pip extra, not a tag.

Pure text and regular expressions over JSON: well under a second.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Tags that named the tasks the book was built in (extend when a new one turns up).
TAGS = ("quality", "verdicts", "harness", "rigour", "multiscale", "v-family", "your-image", "reliability-2",
        "docs", "GPU-run")

WORKSHOP = {
    "issue": re.compile(r"(?<!\.)\bissues?\b", re.I),
    "session": re.compile(r"(?<!\.)\bsessions?\b", re.I),
    "tag": re.compile(r"(?<![\w.\"'])\[(?:" + "|".join(map(re.escape, TAGS)) + r")\]", re.I),
    "earlier version": re.compile(
        r"\bearlier versions? of (?:this|the) (?:book|chapter|notebook|cell|section|page|code)\b", re.I),
    "device machinery": re.compile(r"\bdevice (?:machine|tool)s?\b", re.I),
}


def _notebooks() -> list[Path]:
    return sorted(p for p in (ROOT / "nbs").glob("*.ipynb") if not p.name.startswith("_"))


def _modules() -> list[Path]:
    return sorted(p for p in (ROOT / "mambaflow").glob("*.py") if p.name != "_modidx.py")


def notebook_texts(nb: dict) -> list[tuple[str, str]]:
    "(where, text) for every cell's source and every text output (stream, text/* data, error text)."
    out = []
    for i, c in enumerate(nb["cells"]):
        out.append((f"cell {i} ({c['cell_type']}) source", "".join(c.get("source", ""))))
        for o in c.get("outputs", []):
            if "text" in o:
                out.append((f"cell {i} output", "".join(o["text"])))
            for mime, v in o.get("data", {}).items():
                if mime.startswith("text/"):
                    out.append((f"cell {i} output {mime}", "".join(v) if isinstance(v, list) else str(v)))
            if o.get("output_type") == "error":
                out.append((f"cell {i} error", " ".join([o.get("evalue", ""), *o.get("traceback", [])])))
    return out


def workshop_words(texts: list[tuple[str, str]]) -> list[str]:
    "One line per match: where, which rule, and the words around it."
    hits = []
    for where, text in texts:
        for rule, pat in WORKSHOP.items():
            for m in pat.finditer(text):
                ctx = text[max(0, m.start() - 60):m.end() + 60].replace("\n", " ")
                hits.append(f"{where}: {rule}: ...{ctx}...")
    return hits


def _texts(path: Path) -> list[tuple[str, str]]:
    if path.suffix == ".ipynb":
        return notebook_texts(json.loads(path.read_text()))
    return [("text", path.read_text())]


FILES = _notebooks() + [ROOT / "README.md"] + _modules()


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_no_workshop_words(path: Path):
    hits = workshop_words(_texts(path))
    assert not hits, f"{path.relative_to(ROOT)}: workshop words a reader cannot follow:\n" + "\n".join(hits)


@pytest.mark.parametrize("text", [
    "The [quality] issue asks which design wins.", "the issue's timings", "Issues were found.",
    "in a session whose task has a device machine", "a new process session (`setsid`)", "two sessions later", "see [verdicts] for the table",
    "(An earlier version of this book ran N steps.)", "an earlier version of this cell trained",
    "one call of the device tool's `run`"])
def test_pattern_flags(text):
    assert workshop_words([("example", text)]), text


@pytest.mark.parametrize("text", [
    "tissue and reissue", "the weights were issued", "subprocess.Popen(cmd, start_new_session=True)", "s = requests.Session()", "sizes[want] = got",
    "pip install -e \".[docs]\"", "an earlier version of mamba-ssm", "the device the run trained on",
    "x[docs] = 1"])
def test_pattern_passes(text):
    assert not workshop_words([("example", text)]), text

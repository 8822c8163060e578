"The README is generated from nbs/index.ipynb and must not drift from it."
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("make_readme", ROOT / "tests" / "make_readme.py")
make_readme = importlib.util.module_from_spec(spec); spec.loader.exec_module(make_readme)


def test_readme_up_to_date():
    assert make_readme.stale() == [], "README.md is stale: run `python tests/make_readme.py`"


def test_readme_has_the_two_setup_commands():
    text = (ROOT / "README.md").read_text()
    assert 'pip install torch==2.13.0 && pip install -e ".[dev]"' in text
    assert "\npytest -n 2\n" in text


def test_directives_are_honoured():
    d, code = make_readme._directives("#| hide\n#| echo: false\nx = 1")
    assert d == {"hide": "", "echo": "false"} and code == "x = 1"

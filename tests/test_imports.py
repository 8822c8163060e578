"""Every exported module imports in a fresh interpreter. This catches exported code that only
worked because a notebook global happened to exist when the notebook ran."""
import subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(p.stem for p in (ROOT / "mambaflow").glob("*.py") if p.stem not in ("__init__", "_modidx"))


@pytest.mark.parametrize("mod", MODULES)
def test_import_fresh(mod):
    r = subprocess.run([sys.executable, "-c", f"import mambaflow.{mod}"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, f"import mambaflow.{mod} failed:\n{r.stderr}"


def test_every_notebook_module_exists():
    "Each `#| default_exp` names a module that nbdev_export has written."
    import json
    for nb in (ROOT / "nbs").glob("[!_]*.ipynb"):
        for cell in json.loads(nb.read_text())["cells"]:
            src = "".join(cell["source"])
            for line in src.splitlines():
                if line.startswith("#| default_exp"):
                    mod = line.split()[-1]
                    assert (ROOT / "mambaflow" / f"{mod.replace('.', '/')}.py").exists(), f"{nb.name}: mambaflow/{mod}.py missing"

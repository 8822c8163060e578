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


def test_no_private_name_crosses_a_module_boundary():
    "DESIGN.md: no `_name` is imported from another module, by the package or by a notebook."
    import ast, json, re
    bad = []
    for p in sorted((ROOT / "mambaflow").glob("*.py")):
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").startswith("mambaflow")):
                bad += [f"{p.name}: from {node.module} import {a.name}" for a in node.names if a.name.startswith("_")]
    imp = re.compile(r"from\s+mambaflow\.\w+\s+import\s+\(?([^)\n]*(?:\n[^)\n]*)*?)\)?\s*$", re.M)
    for nb in sorted((ROOT / "nbs").glob("*.ipynb")):
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] != "code": continue
            for m in imp.finditer("".join(cell["source"])):
                names = [n.strip().split(" as ")[0] for n in m.group(1).replace("\\", "").split(",")]
                bad += [f"{nb.name}: {n}" for n in names if n.startswith("_")]
    assert not bad, "private names imported across modules:\n" + "\n".join(bad)


LAYERS = ("theory", "parts", "models", "engine", "experiments", "faces")


def module_layers() -> dict:
    "module -> layer, from the README's table of the package's layout (the table the rule is stated under)."
    import re
    rows = re.findall(r"^\| `[\w]+` \| `(\w+)` \| (\w+) \|", (ROOT / "README.md").read_text(), re.M)
    return {m: LAYERS.index(layer) for m, layer in rows}


def later_layer_imports(sources:dict, layer:dict) -> list:
    "Each import (at the top or inside a function) of a module from a later layer: sources is module -> source text."
    import ast
    bad = []
    for mod, src in sources.items():
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.ImportFrom) and node.level > 0: names = [node.module or ""]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mambaflow."): names = [node.module.split(".")[1]]
            elif isinstance(node, ast.Import): names = [a.name.split(".")[1] for a in node.names if a.name.startswith("mambaflow.")]
            else: continue
            bad += [f"{mod} ({LAYERS[layer[mod]]}) imports {n} ({LAYERS[layer[n]]})" for n in names if n in layer and layer[n] > layer[mod]]
    return sorted(set(bad))


def test_no_module_imports_a_later_layer():
    "README: a module imports only from its own layer or the layers before it."
    layer = module_layers()
    assert set(layer) == set(MODULES), f"the README's layout table and the package differ: {sorted(set(layer) ^ set(MODULES))}"
    bad = later_layer_imports({m: (ROOT / "mambaflow" / f"{m}.py").read_text() for m in MODULES}, layer)
    assert not bad, "imports from a later layer:\n" + "\n".join(bad)


def test_layer_rule_can_fail():
    "A parts module importing the engine, lazily inside a function or at the top, is caught; an earlier layer is not."
    layer = module_layers()
    src = "from .core import plain\ndef f():\n    from mambaflow.inference import reconstruct\n    import mambaflow.train\n"
    assert later_layer_imports({"data": src}, layer) == ["data (parts) imports inference (engine)", "data (parts) imports train (engine)"]
    assert later_layer_imports({"evaluate": src}, layer) == []

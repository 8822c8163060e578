"""The README's layer rule: a module imports only from its own layer or the layers before it
(theory → parts → models → engine → experiments → faces), at module level or inside a function."""
import ast, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ("theory", "parts", "models", "engine", "experiments", "faces")


def layers(readme:str) -> dict:
    "module -> layer, from the README's table of notebooks."
    rows = re.findall(r"^\| `[\w]+` \| `(\w+)` \| (\w+) \|", readme, re.M)
    return {m: l for m, l in rows}


def imports(src:str) -> set:
    "The mambaflow modules a module's source imports (absolute or relative, anywhere in it)."
    out = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level > 0: out |= {mod.split(".")[0]} if mod else {a.name for a in node.names}
            elif mod.startswith("mambaflow."): out.add(mod.split(".")[1])
            elif mod == "mambaflow": out |= {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name.split(".")[1] for a in node.names if a.name.startswith("mambaflow.")}
    return out


def violations(layer_of:dict, sources:dict) -> list:
    bad = []
    for mod, src in sources.items():
        for dep in sorted(imports(src) & set(layer_of)):
            if ORDER.index(layer_of[dep]) > ORDER.index(layer_of[mod]):
                bad.append(f"{mod} ({layer_of[mod]}) imports {dep} ({layer_of[dep]})")
    return bad


def test_the_rule_can_fail():
    lay = {"core": "theory", "train": "engine", "data": "parts"}
    assert violations(lay, {"data": "from mambaflow.train import train\n"}) == ["data (parts) imports train (engine)"]
    assert violations(lay, {"data": "def f():\n    from .train import train\n"}) == ["data (parts) imports train (engine)"]
    assert violations(lay, {"train": "from mambaflow.data import observe\nimport mambaflow.core\n"}) == []


def test_every_module_has_a_layer():
    layer_of = layers((ROOT / "README.md").read_text())
    mods = {p.stem for p in (ROOT / "mambaflow").glob("*.py") if not p.stem.startswith("_")}
    assert mods <= set(layer_of), f"modules missing from the README's table: {sorted(mods - set(layer_of))}"
    assert set(layer_of.values()) <= set(ORDER)


def test_no_module_imports_a_later_layer():
    layer_of = layers((ROOT / "README.md").read_text())
    sources = {p.stem: p.read_text() for p in (ROOT / "mambaflow").glob("*.py") if p.stem in layer_of}
    bad = violations(layer_of, sources)
    assert not bad, "the README's layer rule is broken:\n" + "\n".join(bad)

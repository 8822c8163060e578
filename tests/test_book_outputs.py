"""What the committed notebooks print can be trusted: no path of the machine they were run on, and no slow cell whose
committed output names another model, data set or step count than its code asks for."""
import json, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "nbs").glob("*.ipynb"))
MACHINE = re.compile(r"(?<![\w.])/(?:work|home|Users|root|mnt|scratch)/[\w.+-]+")   # a particular machine's folders
TEMP = re.compile(r"(?<![\w.])/(?:tmp|var/folders)/[\w.+-]+")                       # a temporary folder of one run


def cells(nb):
    for i, c in enumerate(json.loads(nb.read_text())["cells"]):
        text = "".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", "")) for o in c.get("outputs", []))
        yield i, c["cell_type"], "".join(c["source"]), text


def offending_paths(source:str, output:str) -> list:
    "Machine paths anywhere, temporary folders in outputs (code may name a scratch folder on purpose)."
    return MACHINE.findall(source) + MACHINE.findall(output) + TEMP.findall(output)


def test_path_check_can_fail():
    assert offending_paths("x = 1", "wrote /tmp/tmpab_12/demo\n") == ["/tmp/tmpab_12"]
    assert offending_paths('DATA = "cifar10:/work/shared/data/x.tar.gz"', "") == ["/work/shared"]
    assert offending_paths("out = Path('../runs')", "wrote demo/\n") == []


def test_no_machine_paths_in_the_book():
    bad = [f"{nb.name} cell {i}: {p}" for nb in NOTEBOOKS for i, _, s, o in cells(nb) for p in offending_paths(s, o)]
    for f in sorted((ROOT / "mambaflow").glob("*.py")) + [ROOT / "README.md"]:
        bad += [f"{f.name}: {p}" for p in MACHINE.findall(f.read_text())]
    assert not bad, "paths of a particular machine:\n" + "\n".join(bad)


TRAINING = re.compile(r"^training (\S+) on (\S+) for (\d+) steps", re.M)

def stale(source:str, output:str) -> list:
    "The models a slow cell's output says it trained that its code does not name."
    return [m for m, _, _ in TRAINING.findall(output) if m not in source]


def test_stale_check_can_fail():
    code = 'rows = main_job(TrainConfig.for_preset("grid_conv"), out)'
    assert stale(code, "training local_small on embedded for 958 steps (~10.0 min) into demo/\n") == ["local_small"]
    assert stale(code, "training grid_conv on embedded for 958 steps (~10.0 min) into demo/\n") == []


def test_slow_outputs_match_their_code():
    bad = [f"{nb.name} cell {i}: output trains {m}" for nb in NOTEBOOKS for i, kind, s, o in cells(nb)
           if kind == "code" and s.startswith("#| slow") for m in stale(s, o)]
    assert not bad, "slow cells whose committed output is not their code's:\n" + "\n".join(bad)

"""The source distribution and the wheel build from a copy of the tracked files, carry the
package, its licence and its shipped weights, and the wheel installs and imports in a fresh
virtual environment. Offline: `--no-isolation` builds with the build tools of this environment
(declared in the dev extra), and the fresh venv sees this one's packages (a .pth file
naming this environment's site-packages, which `venv --system-site-packages` would not give when
this environment is itself a venv), so the wheel installs with `--no-deps`."""
import json, os, shutil, site, subprocess, sys, tarfile, zipfile
from configparser import ConfigParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CFG = ConfigParser(delimiters=["="]); CFG.read(ROOT / "settings.ini")
VERSION = CFG["DEFAULT"]["version"]
WEIGHTS = sorted(p.name for p in (ROOT / "mambaflow" / "weights").iterdir() if p.suffix in (".safetensors", ".json"))


ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}  # nothing leaks in from the tree


def run(*cmd, cwd):
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, env=ENV)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r.stdout


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    "Build an sdist from a copy of the tracked files, then the wheel from that sdist (what `python -m build` does)."
    src = tmp_path_factory.mktemp("src") / "mambaflow"
    files = run("git", "ls-files", "-co", "--exclude-standard", cwd=ROOT).split("\n")
    for f in filter(None, files):
        if (ROOT / f).is_file():
            (src / f).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(ROOT / f, src / f)
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, src, cwd=src)
    sdist, = out.glob("*.tar.gz"); wheel, = out.glob("*.whl")
    return sdist, wheel


def test_sdist_carries_what_setup_py_reads(dists):
    names = {n.split("/", 1)[1] for n in tarfile.open(dists[0]).getnames() if "/" in n}
    for f in ["settings.ini", "README.md", "LICENSE", "setup.py", "MANIFEST.in", "mambaflow/__init__.py"]:
        assert f in names, f"sdist lacks {f}"
    assert {f"mambaflow/weights/{w}" for w in WEIGHTS} <= names


def test_wheel_carries_package_weights_and_licence(dists):
    wheel = dists[1]
    assert wheel.name == f"mambaflow-{VERSION}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    assert WEIGHTS and {f"mambaflow/weights/{w}" for w in WEIGHTS} <= names
    assert {"mambaflow/core.py", "mambaflow/models.py", "mambaflow/cli.py"} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") or n.endswith(".dist-info/LICENSE") for n in names)
    meta = zipfile.ZipFile(wheel).read(f"mambaflow-{VERSION}.dist-info/METADATA").decode()
    assert "Apache" in meta and "Requires-Dist: torch" in meta


def test_wheel_installs_in_a_fresh_venv(dists, tmp_path):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    py = venv / "bin" / "python"
    purelib = Path(run(py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip())
    (purelib / "_parent_env.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    run(py, "-m", "pip", "install", "-q", "--no-deps", "--no-index", dists[1], cwd=tmp_path)
    out = run(py, "-c", "import mambaflow, mambaflow.models as m; print(mambaflow.__file__); "
              "print(mambaflow.__version__); print(m.pretrained_names()); "
              "net = m.load_pretrained(); print(type(net).__name__)", cwd=tmp_path)
    path, version, names, cls = out.splitlines()
    assert all(w.split('.')[0] in names for w in WEIGHTS), f"shipped weights not found: {names}"
    assert path.startswith(str(venv)), f"imported {path}, not the installed wheel"
    assert version == VERSION
    assert (venv / "bin" / "mambaflow").exists(), "console script not installed"


# Every notebook carries its kernel now; a name here marks a strict expected failure.
PENDING_KERNEL = set()


@pytest.mark.parametrize("nb", sorted(p.name for p in (ROOT / "nbs").glob("*.ipynb")))
def test_every_notebook_names_its_kernel(nb, request):
    "Opening a notebook must not ask for a kernel: each carries kernelspec and language_info (nbdev_clean keeps both)."
    if nb in PENDING_KERNEL:
        request.applymarker(pytest.mark.xfail(strict=True, reason="kernel metadata added when the other branch lands"))
    meta = json.loads((ROOT / "nbs" / nb).read_text())["metadata"]
    assert meta.get("kernelspec", {}).get("name") == "python3", f"{nb}: no python3 kernelspec"
    assert meta.get("language_info", {}).get("name") == "python", f"{nb}: no language_info"


def test_nbdev_clean_keeps_language_info():
    cfg = ConfigParser(delimiters=["="]); cfg.read(ROOT / "settings.ini")
    assert "language_info" in cfg["DEFAULT"].get("allowed_metadata_keys", "").split()

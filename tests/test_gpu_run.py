"""The GPU run's CPU dry run, as the command a GPU window runs: every part writes a results file
that parses, holds finite numbers where numbers are expected and renders; bad arguments are refused;
and nothing below the experiment layer imports it. Keeps the script from rotting between windows."""
import math, os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(args, tmp_path, timeout=240):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "MAMBAFLOW_SCRATCH": str(tmp_path / "scratch"), "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "mambaflow.gpu_run", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def dry_out(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gpu_run")
    r = _run(["--dry-run", "--out", str(tmp / "out")], tmp)
    assert r.returncode == 0, f"dry run failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return tmp / "out"


def _finite(x, what):
    assert isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x), f"{what}: expected a finite number, got {x!r}"


def test_dry_run_files(dry_out):
    from mambaflow.core import read_results
    from mambaflow.gpu_run import PARTS, ARMS, CHECKPOINT_NAME
    for name in [f"{p}.json" for p in PARTS] + ["gpu_run.log", f"{CHECKPOINT_NAME}.safetensors", f"{CHECKPOINT_NAME}.json"]:
        assert (dry_out / name).is_file(), f"{name}: missing from the dry run's output"
    docs = {p: read_results(dry_out / f"{p}.json") for p in PARTS}
    for p, d in docs.items():
        assert d["meta"]["dry_run"] is True and d["meta"]["part"] == p
        assert "error" not in d["results"], f"{p}: {d['results'].get('error')}"
    arms = docs["train"]["results"]["arms"]
    assert [a["arm"] for a in arms] == [a for a, _ in ARMS]
    for a in arms:
        assert "error" not in a, a
        for k in ("params", "steps", "samples_per_s", "steps_per_s", "train_seconds", "final_loss", "psnr", "ssim",
                  "biharmonic_psnr", "biharmonic_ssim", "psnr_minus_biharmonic"):
            _finite(a[k], f"train {a['arm']} {k}")
        assert a["loss_curve"] and all(math.isfinite(v) for _, v in a["loss_curve"])
    rows = docs["sampling"]["results"]["rows"]
    assert {r["res"] for r in rows} == set(docs["sampling"]["meta"]["plan"]["resolutions"])
    for r in rows:
        for k in ("s_per_image", "est_mb", "nfe"): _finite(r[k], f"sampling {r['res']} {r['sampler']} {k}")
    ck = docs["checkpoint"]["results"]
    _finite(ck["max_abs_change_of_posterior_mean"], "checkpoint change")
    assert ck["megabytes"] < 16
    par = docs["parity"]["results"]
    assert all(r["ok"] for r in par["scan"]) and all(r["ok"] for r in par["mamba"]["rows"])
    for r in par["speed"]:
        for k in ("fwd_ms", "fwd_bwd_ms", "kernel_speedup_fwd_bwd"): _finite(r[k], f"speed {r['backend']} {k}")


def test_dry_run_renders(dry_out, tmp_path):
    from mambaflow.gpu_run import PARTS, render_gpu, loss_figure, CHECKPOINT_NAME, collect_results
    from mambaflow.models import load_pretrained
    for p in PARTS:
        s = render_gpu(p, dry_out)
        assert "CPU DRY RUN" in s and "| " in s and "error" not in s, s
        assert "not measured (GPU run NOT RUN)" in render_gpu(p, tmp_path / "empty")
    assert loss_figure(dry_out) is not None and loss_figure(tmp_path / "empty") is None
    model = load_pretrained(str(dry_out / CHECKPOINT_NAME)); info = model.info
    assert info["arm"] == "best"
    assert sum(p.numel() for p in model.parameters()) > 0
    with pytest.raises(ValueError, match="from a dry run"): collect_results(dry_out, tmp_path / "dest")


def test_bad_arguments(tmp_path):
    r = _run(["--dry-run"], tmp_path, timeout=60)
    assert r.returncode == 2 and "--out: expected an output folder" in r.stderr, r.stderr
    r = _run(["--dry-run", "--out", str(tmp_path / "o"), "--minutes-per-arm", "1"], tmp_path, timeout=60)
    assert r.returncode == 2 and "--minutes-per-arm: expected only on a GPU run" in r.stderr, r.stderr
    import torch
    if torch.cuda.is_available(): return                                 # the real run would start: not a unit test
    r = _run(["--out", str(tmp_path / "o")], tmp_path, timeout=60)      # no GPU here: refused before anything runs
    assert r.returncode != 0 and "device: expected a CUDA GPU" in r.stderr, r.stderr
    assert not (tmp_path / "o").exists()


def test_nothing_imports_the_experiment():
    for f in (ROOT / "mambaflow").glob("*.py"):
        if f.stem in ("gpu_run", "_modidx"): continue
        assert "gpu_run" not in f.read_text(), f"{f.name} imports the gpu_run experiment (arrows only point down)"

"""Issue 17 (reliability) and the CLI of issue 18, case by case: each bad input or fault is reproduced through the
`mambaflow` command (in process, `cli.main`; in a subprocess or a forked process where the process itself matters) or the library, on a
`tiny` model and a folder of 12x12 PNGs, and must end in one line naming the problem (exit status 2) with nothing
already written lost. Resume continues the recorded run exactly or refuses, naming each changed field."""
import json, os, shutil, signal, socket, subprocess, sys, time
from pathlib import Path
import numpy as np
import pytest
import torch
from PIL import Image

import mambaflow
from mambaflow.cli import main
from mambaflow.data import SparseFieldDataset, CIFAR10_ARCHIVE
from mambaflow.models import PRESETS, build_model, count_parameters
from mambaflow.inference import SAMPLERS
from mambaflow.train import TrainConfig, train, read_checkpoint, read_metrics, RESUME_FREE_FIELDS

ROOT = Path(__file__).resolve().parents[1]


def write_folder(path, n=8, sizes=None):
    "A folder:<path> dataset of n random RGB PNGs (12x12 unless `sizes` says otherwise) in two classes."
    rng = np.random.default_rng(0)
    for i in range(n):
        s = 12 if sizes is None else sizes[i]
        d = Path(path) / "train" / ("ab"[i % 2]); d.mkdir(parents=True, exist_ok=True)
        Image.fromarray((rng.random((s, s, 3)) * 255).astype(np.uint8)).save(d / f"{i}.png")
    return Path(path)


def base_args(data, out, steps=4):
    return ["train", "--preset", "tiny", "--data", f"folder:{data}", "--out", str(out), "--steps", str(steps),
            "--batch-size", "4", "--queries", "16", "--device", "cpu", "--no-progress", "--set", "n_val=2", "--set", "val_fraction=0.5",
            "--set", "warmup_steps=1", "--set", "val_every=2", "--set", "ckpt_every=1", "--set", "log_every=1"]


def cli(capsys, *args):
    "(exit status, stdout, stderr) of `mambaflow *args` run in this process."
    try: code = main(list(args))
    except SystemExit as e: code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def refused(code, err, *needles):
    assert code == 2, (code, err[-800:])
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err[-800:]
    for n in needles: assert n in err, (n, err)


def snapshot(folder):
    "Every file of a folder with its bytes and modification time."
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(Path(folder).rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return write_folder(tmp_path_factory.mktemp("data") / "imgs")


@pytest.fixture(scope="module")
def finished(data, tmp_path_factory):
    "A finished 4-step run (made once; tests work on copies)."
    out = tmp_path_factory.mktemp("runs") / "done"
    try: assert main(base_args(data, out)) == 0
    except SystemExit as e: pytest.fail(f"the reference run failed with exit {e.code}")
    return out


@pytest.fixture
def run(finished, tmp_path):
    shutil.copytree(finished, tmp_path / "run")
    return tmp_path / "run"


# ---- 1. checkpoints: nothing loaded can run code; non-finite weights are never checkpointed

def test_crafted_pickle_checkpoint_is_refused_without_running(run, data, capsys, tmp_path):
    class Evil:
        def __reduce__(self): return (os.system, (f"touch {tmp_path / 'pwned'}",))
    torch.save({"version": 2, "model": Evil()}, run / "latest.pt")
    code, _, err = cli(capsys, *base_args(data, run), "--resume")
    refused(code, err, "is not a readable checkpoint")
    assert not (tmp_path / "pwned").exists()


def test_infinite_lr_is_refused_and_a_diverging_lr_never_checkpoints_non_finite_weights(data, capsys, tmp_path):
    code, _, err = cli(capsys, *base_args(data, tmp_path / "inf"), "--lr", "inf")
    assert code == 2 and "--lr" in err and "inf" in err, err
    code, _, err = cli(capsys, *base_args(data, tmp_path / "huge"), "--lr", "1e30", "--set", "grad_clip=0")
    refused(code, err, "lr (1e+30)")                       # it diverges: one line naming the learning rate
    for ck in (tmp_path / "huge").glob("*.pt"):
        c = read_checkpoint(ck)
        for part in (c["model"], c["ema"]["model"]):
            assert all(bool(torch.isfinite(v).all()) for v in part.values() if v.is_floating_point()), ck


# ---- 2. resume continues the recorded run exactly, or refuses naming each change, having written nothing

@pytest.mark.parametrize("change,field", [(["--batch-size", "8"], "batch_size"), (["--seed", "3"], "seed"),
                                          (["--queries", "8"], "n_queries"), (["--lr", "0.01"], "lr"),
                                          (["--steps", "2"], "max_steps"), (["--steps", "50"], "max_steps"),
                                          (["--set", "ema_decay=0.9"], "ema_decay"), (["--minutes", "5"], "max_minutes"),
                                          (["--model-set", "d_model=16"], "model_overrides")])
def test_resume_refuses_a_change_and_writes_nothing(run, data, capsys, change, field):
    before = snapshot(run)
    code, _, err = cli(capsys, *base_args(data, run), "--resume", *change)
    refused(code, err, f"{field} (recorded", "resume:")
    assert snapshot(run) == before, "a refused resume changed the run folder"


def test_resume_names_every_changed_field(run, data, capsys):
    code, _, err = cli(capsys, *base_args(data, run), "--resume", "--lr", "0.01", "--seed", "5", "--batch-size", "8")
    refused(code, err, "lr (recorded 0.001, requested 0.01)", "seed (recorded 0, requested 5)", "batch_size (recorded 4, requested 8)")
    for f in ("progress", "ckpt_every", "device"): assert any(f in x for x in RESUME_FREE_FIELDS)


def test_resume_without_flags_continues_the_recorded_run_exactly(data, finished, capsys, tmp_path):
    cfg = TrainConfig.from_dict(read_checkpoint(finished / "latest.pt")["train_config"])
    train(cfg, tmp_path / "cut", stop_after=2)
    code, out, err = cli(capsys, "train", "--out", str(tmp_path / "cut"), "--resume", "--no-progress", "--set", "ckpt_every=2")
    assert code == 0, err
    assert json.loads(out.strip().splitlines()[-1])["steps"] == 4
    assert [r["loss"] for r in read_metrics(tmp_path / "cut")] == [r["loss"] for r in read_metrics(finished)]
    a, b = read_checkpoint(finished / "latest.pt")["model"], read_checkpoint(tmp_path / "cut" / "latest.pt")["model"]
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_resume_of_a_minutes_run_keeps_its_calibrated_schedule(data, capsys, tmp_path):
    cfg = TrainConfig(model="tiny", data=f"folder:{data}", batch_size=4, n_queries=16, n_val=2, device="cpu", progress=False)
    train(cfg, tmp_path / "m", minutes=0.01, stop_after=2)
    rec = read_checkpoint(tmp_path / "m" / "latest.pt")["train_config"]
    assert rec["max_steps"] != TrainConfig.max_steps and rec["max_minutes"] == 0.01
    code, out, err = cli(capsys, "train", "--out", str(tmp_path / "m"), "--resume", "--minutes", "0.01", "--no-progress")
    assert code == 0, err
    now = json.loads((tmp_path / "m" / "config.json").read_text())
    assert {k: now[k] for k in rec} == rec, "the resumed run's config differs from the recorded one"
    code, _, err = cli(capsys, "train", "--out", str(tmp_path / "m"), "--resume", "--minutes", "0.5", "--no-progress")
    refused(code, err, "max_minutes (recorded 0.01, requested 0.5)")


def test_resume_may_change_only_what_cannot_change_the_run(run, data, capsys):
    code, out, err = cli(capsys, *[a for a in base_args(data, run) if a != "--no-progress"], "--resume", "--set", "ckpt_every=3")
    assert code == 0, err
    assert json.loads(out.strip().splitlines()[-1])["steps"] == 4


# ---- 3. one run per folder

def _hold_lock(folder, held, release):
    "A forked process that holds a run folder's lock, as a training in progress does, until told to stop."
    from mambaflow.train import run_lock
    lock = run_lock(folder); held.set(); release.wait(60); lock.release()


def test_a_second_training_into_a_folder_another_process_trains_in_is_refused(data, capsys, tmp_path):
    "Another live process holds the folder (forked from this one, so no seconds of importing torch): train and resume are refused, naming it."
    import multiprocessing as mp
    out, ctx = tmp_path / "busy", mp.get_context("fork")
    held, release = ctx.Event(), ctx.Event()
    first = ctx.Process(target=_hold_lock, args=(out, held, release)); first.start()
    try:
        assert held.wait(60), "the holder never took the lock"
        code, _, err = cli(capsys, *base_args(data, out, steps=100000))
        refused(code, err, f"is in use by process {first.pid}@")
        code, _, err = cli(capsys, *base_args(data, out, steps=100000), "--resume")
        assert code == 2 and ("in use by process" in err or "no latest.pt" in err), err
        assert sorted(p.name for p in out.iterdir()) == [".lock"]                 # the refused runs wrote nothing
    finally:
        release.set(); first.join(60)


def test_a_stale_lock_is_taken_over_and_killed_writes_are_cleared(run, data, capsys):
    dead = subprocess.Popen(["true"]); dead.wait()
    (run / ".lock").write_text(f"{dead.pid}@{socket.gethostname()}")
    (run / ".latest.pt.x1y2.tmp").write_bytes(b"\0" * 100_000); (run / "figures" / ".val.png.z.tmp").write_bytes(b"x")
    code, _, err = cli(capsys, *base_args(data, run), "--resume")
    assert code == 0, err
    assert not list(run.rglob("*.tmp")) and not (run / ".lock").exists()


def test_a_lock_of_another_machine_is_refused_with_its_owner_named(run, data, capsys):
    (run / ".lock").write_text("4242@another-machine")
    before = snapshot(run)
    code, _, err = cli(capsys, *base_args(data, run), "--resume")
    refused(code, err, "locked by process 4242@another-machine of another machine", "delete")
    assert snapshot(run) == before


def _race_for_lock(folder, go, results, hold):
    "One racer (a forked process): wait for the start, try the lock, report, hold it a while."
    from mambaflow.train import run_lock
    go.wait()
    try: lock = run_lock(folder)
    except FileExistsError: results.put("refused"); return
    results.put("took"); time.sleep(hold); lock.release()


def test_two_processes_racing_for_a_stale_lock_never_both_take_it(tmp_path):
    """Four processes released at once onto a folder whose .lock names a dead process: exactly one takes it.
    The racers are forked from this process (separate processes, separate open files, already-imported modules), so
    they reach the lock within a millisecond of one another instead of after seconds of importing torch."""
    import multiprocessing as mp
    folder = tmp_path / "run"
    folder.mkdir(); (folder / ".lock").write_text(f"999999999@{socket.gethostname()}")
    ctx = mp.get_context("fork")
    go, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_race_for_lock, args=(folder, go, results, 0.5)) for _ in range(4)]
    for p in procs: p.start()
    go.set()
    outs = sorted(results.get(timeout=60) for _ in procs)
    for p in procs: p.join(timeout=60)
    assert outs == ["refused", "refused", "refused", "took"], outs
    assert all(p.exitcode == 0 for p in procs) and not (folder / ".lock").exists()


def test_a_new_run_into_a_folder_holding_one_is_refused(run, data, capsys):
    before = snapshot(run)
    code, _, err = cli(capsys, *base_args(data, run))
    refused(code, err, "already holds a run")
    assert snapshot(run) == before


# ---- 4. budgets and types

@pytest.mark.parametrize("flag,value", [("--minutes", "0"), ("--minutes", "-1"), ("--minutes", "nan"), ("--steps", "0"),
                                        ("--batch-size", "-4"), ("--queries", "abc")])
def test_bad_budgets_and_sizes_fail_before_anything_is_written(data, capsys, tmp_path, flag, value):
    code, _, err = cli(capsys, *base_args(data, tmp_path / "r"), flag, value)
    assert code == 2 and f"argument {flag}" in err and "> 0" in err, err
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("setting,needles", [
    (["--set", "max_steps=2.5"], ["max_steps: expected int, got 2.5"]), (["--set", "amp=yes"], ["amp: expected bool, got 'yes'"]),
    (["--set", "batch_size=abc"], ["batch_size: expected int, got 'abc'"]), (["--set", "n_val=0"], ["n_val: expected an int >= 1"]),
    (["--set", "epochs=3"], ["--set: unknown key 'epochs'", "ema_decay"]), (["--set", "oops"], ["--set: expected key=value"]),
    (["--model-set", "width=3"], ["--model-set: unknown key 'width'", "d_model"]),
    (["--model-set", "d_model=abc"], ["d_model: expected int, got 'abc'"])])
def test_typed_settings_name_the_key(data, capsys, tmp_path, setting, needles):
    code, _, err = cli(capsys, *base_args(data, tmp_path / "r"), *setting)
    refused(code, err, *needles)
    assert not (tmp_path / "r").exists()


def test_an_empty_dataset_fails_clearly(tmp_path):
    cfg = TrainConfig(model="tiny", batch_size=2, n_queries=8, max_steps=2, progress=False, device="cpu")
    with pytest.raises(ValueError, match="empty training set"):
        train(cfg, tmp_path / "e", data=(SparseFieldDataset(torch.zeros(0, 12, 12, 3), n_queries=8), None))
    with pytest.raises(ValueError, match="got an empty dataset"):
        SparseFieldDataset(torch.zeros(0, 12, 12, 3), n_queries=8).step_batch(0, 2)


def test_a_one_image_folder_fails_clearly(capsys, tmp_path):
    one = write_folder(tmp_path / "one", n=1)
    code, _, err = cli(capsys, *base_args(one, tmp_path / "r"))
    refused(code, err, "data: expected at least 2 images", "got 1")


# ---- 6. errors instead of tracebacks, checked before expensive work

@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_cuda_fails_before_data_loads(capsys, tmp_path):
    code, _, err = cli(capsys, *base_args(tmp_path / "no-such-data", tmp_path / "r"), "--device", "cuda")
    refused(code, err, "device:", "CUDA is not available")          # not the missing data: the device was checked first


def test_an_unwritable_out_fails_before_data_loads(capsys, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    code, _, err = cli(capsys, *base_args(tmp_path / "no-such-data", tmp_path / "file" / "run"))
    refused(code, err, "out: cannot create the run folder")


def test_an_empty_out_is_refused(data, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, *base_args(data, ""))
    assert code == 2 and "argument --out: expected a folder path" in err, err
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_is_one_line_and_keeps_the_last_checkpoint(data, finished, capsys, tmp_path):
    """A write that fails (here RLIMIT_FSIZE, as a full disk fails with ENOSPC) ends in one line; no .tmp is left behind.
    The limit is this process's soft limit, lowered for the one command and restored (the hard limit is untouched)."""
    import resource
    ck = (finished / "latest.pt").read_bytes()
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)        # the write fails with EFBIG instead of killing the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (len(ck) // 2, hard))
    try: code, _, err = cli(capsys, *base_args(data, tmp_path / "new", steps=6))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard)); signal.signal(signal.SIGXFSZ, handler)
    refused(code, err, "File too large")
    assert not list((tmp_path / "new").rglob("*.tmp")) and not (tmp_path / "new" / "latest.pt").exists()


def test_images_of_mixed_sizes_fail_clearly(capsys, tmp_path):
    mixed = write_folder(tmp_path / "mixed", n=4, sizes=[12, 12, 16, 12])
    code, _, err = cli(capsys, *base_args(mixed, tmp_path / "r"))
    refused(code, err, "expected every image of size (12, 12, 3)", "got (16, 16, 3)")


def write_sized(path, h, w, n=8):
    "A folder dataset of n random h x w RGB PNGs."
    rng = np.random.default_rng(0)
    for i in range(n):
        d = Path(path) / "train" / ("ab"[i % 2]); d.mkdir(parents=True, exist_ok=True)
        Image.fromarray((rng.random((h, w, 3)) * 255).astype(np.uint8)).save(d / f"{i}.png")
    return Path(path)


@pytest.mark.parametrize("side", [2, 3, 10])
def test_images_too_small_to_validate_are_refused_before_step_one_leaving_no_folder(capsys, tmp_path, side):
    small = write_sized(tmp_path / "small", side, side)
    code, _, err = cli(capsys, *base_args(small, tmp_path / "r"))
    refused(code, err, f"are {side}x{side} pixels", "SSIM window")
    assert not (tmp_path / "r").exists()


def test_a_query_count_the_images_cannot_give_is_refused_before_step_one(capsys, data, tmp_path):
    args = base_args(data, tmp_path / "r"); args[args.index("--queries") + 1] = "200"   # 12x12 at 20%: 115 unobserved pixels
    code, _, err = cli(capsys, *args)
    refused(code, err, "n_queries: asked for 200 query pixels")
    assert not (tmp_path / "r").exists()


def test_non_square_images_train_and_validate(capsys, tmp_path):
    wide = write_sized(tmp_path / "wide", 12, 16)
    code, out, err = cli(capsys, *base_args(wide, tmp_path / "r"))
    assert code == 0, err[-800:]
    assert "val PSNR" in err + out and (tmp_path / "r" / "best.pt").is_file()


def test_resume_refuses_changed_data_and_writes_nothing(capsys, tmp_path):
    own = write_folder(tmp_path / "imgs")
    code, _, err = cli(capsys, *base_args(own, tmp_path / "r", steps=4))
    assert code == 0, err[-800:]
    before = snapshot(tmp_path / "r")
    Image.fromarray(np.zeros((12, 12, 3), np.uint8)).save(own / "train" / "a" / "new.png")   # an image added to the data folder
    code, _, err = cli(capsys, "train", "--out", str(tmp_path / "r"), "--resume", "--no-progress")
    refused(code, err, "resume: the images of", "changed since the run", "images added, removed or modified")
    assert snapshot(tmp_path / "r") == before
    (own / "train" / "a" / "new.png").unlink()                                               # restored: the resume continues
    code, _, err = cli(capsys, "train", "--out", str(tmp_path / "r"), "--resume", "--no-progress")
    assert code == 0, err[-800:]


def test_a_16_bit_image_is_scaled_not_clipped(tmp_path):
    from mambaflow.data import image_folder
    ramp = np.linspace(0, 65535, 16 * 16).reshape(16, 16).astype(np.uint16)
    (tmp_path / "d" / "train" / "a").mkdir(parents=True)
    for i in range(2): Image.fromarray(ramp).save(tmp_path / "d" / "train" / "a" / f"{i}.png")
    x = image_folder(tmp_path / "d", "train")[0]
    np.testing.assert_allclose(x[..., 0].numpy(), ramp / 65535, atol=1e-6)     # the 16-bit values over 65535, not clipped at 255
    assert float((x >= 1).float().mean()) < 0.01


def test_a_decompression_bomb_is_refused_from_its_header(tmp_path):
    import time, tracemalloc
    from mambaflow.data import image_folder
    (tmp_path / "d" / "train" / "a").mkdir(parents=True)
    Image.new("1", (10000, 10000)).save(tmp_path / "d" / "train" / "a" / "bomb.png")      # 12 kB on disk, 100 M pixels
    Image.new("RGB", (8, 8)).save(tmp_path / "d" / "train" / "a" / "ok.png")
    folder = image_folder(tmp_path / "d", "train")
    tracemalloc.start()
    with pytest.raises(ValueError, match=r"bomb.png: 10000x10000 pixels; expected at most"):
        [folder[i] for i in range(len(folder))]
    assert tracemalloc.get_traced_memory()[1] < 50 * 2**20                      # refused before decoding: no 100 MB buffer
    tracemalloc.stop()


def test_a_run_folder_named_like_a_shipped_model_is_the_run(finished, capsys, tmp_path, monkeypatch):
    shutil.copytree(finished, tmp_path / "local_small_cifar10")                # the user's own run, named like a shipped model
    monkeypatch.chdir(tmp_path)
    args = ["--samplers", "euler", "--steps", "1", "--resolutions", "12", "--n-images", "1", "--n-samples", "1", "--no-progress"]
    code, out, err = cli(capsys, "evaluate", "local_small_cifar10", *args)
    assert code == 0, err[-800:]
    assert "model: the run in local_small_cifar10/" in out
    doc = json.loads((tmp_path / "local_small_cifar10" / "evaluation" / "results.json").read_text())
    assert doc["results"]["text"].startswith("# Sampler comparison: tiny (local_small_cifar10)")   # the run's model, not the shipped one
    code, out, err = cli(capsys, "evaluate", "shipped:nope", *args)
    refused(code, err, "expected a shipped model")


def test_an_evaluation_that_fails_half_way_leaves_the_previous_set_untouched(finished, capsys, tmp_path, monkeypatch):
    args = ["evaluate", str(finished), "--samplers", "euler", "--steps", "1", "--resolutions", "12", "--n-images", "1",
            "--n-samples", "1", "--no-progress", "--out", str(tmp_path / "ev")]
    code, _, err = cli(capsys, *args)
    assert code == 0, err[-800:]
    before = snapshot(tmp_path / "ev")
    import mambaflow.evaluate as ev
    real, calls = ev.atomic_savefig, []
    def dies_on_the_second_figure(fig, path, **kw):   # a failure after the table, the results file and one figure were written
        calls.append(path)
        if len(calls) == 2: raise OSError(28, "No space left on device")
        return real(fig, path, **kw)
    monkeypatch.setattr(ev, "atomic_savefig", dies_on_the_second_figure)
    code, _, err = cli(capsys, *args[:-1], str(tmp_path / "ev"), "--seed", "1")
    assert code != 0 and len(calls) == 2
    assert snapshot(tmp_path / "ev") == before                       # not a new table beside the old figures
    assert [p.name for p in tmp_path.iterdir()] == ["ev"]           # and no hidden folder left


def _evaluate_forked(argv):
    "A forked `mambaflow evaluate` (one torch thread, as DataLoader's forked workers run)."
    torch.set_num_threads(1)
    main(argv)


def test_an_evaluation_killed_at_a_random_moment_leaves_a_whole_set(finished, capsys, tmp_path):
    """SIGKILL at a random moment of a second evaluation: the folder holds the first set or the second, whole.
    The killed evaluations are processes forked from this one after the first set, so every moment of their
    life is computing or writing (no seconds of imports), and a kill time uniform over the whole run hits the writes."""
    import multiprocessing as mp, time as _time
    out = tmp_path / "ev"
    argv = ["evaluate", str(finished), "--samplers", "euler", "heun", "--steps", "2", "--resolutions", "12", "16",
            "--n-images", "2", "--n-samples", "2", "--no-progress", "--out", str(out)]
    t0 = _time.perf_counter(); assert main(argv) == 0; took = _time.perf_counter() - t0     # the first set, in this process
    names = sorted(p.name for p in out.iterdir())
    rng, ctx = np.random.default_rng(int.from_bytes(os.urandom(4), "little")), mp.get_context("fork")
    for _ in range(3):
        p = ctx.Process(target=_evaluate_forked, args=(argv + ["--seed", "1"],)); p.start()
        p.join(timeout=float(rng.uniform(0.0, 1.1 * took)))
        if p.is_alive(): p.kill(); p.join()
        assert sorted(p.name for p in out.iterdir()) == names
        doc = json.loads((out / "results.json").read_text())             # parses: never a torn file
        assert json.loads((out / ".output_set.json").read_text()) == [n for n in names if n != ".output_set.json"]
        assert doc["results"]["text"] == (out / "metrics_comparison.txt").read_text()   # table and results file of one run


@pytest.mark.parametrize("command,flag,value,needle", [
    ("evaluate", "--n-samples", "0", "expected int >= 1, got '0'"), ("evaluate", "--n-samples", "-1", "expected int >= 1"),
    ("evaluate", "--seed", str(2**70), "expected int in [0, 9223372036854775807]"), ("evaluate", "--seed", "-1", "expected int in [0,"),
    ("evaluate", "--resolutions", "0", "expected int >= 1"), ("evaluate", "--ratio", "1.5", "expected float in (0, 1)"),
    ("evaluate", "--steps", "0", "expected int >= 1"), ("evaluate", "--n-images", "0", "expected int >= 1"),
    ("evaluate", "--resolutions", "100000", "--resolutions: 100000² on 1 images needs at least"),
    ("superres", "--seed", str(2**64), "expected int in [0,"), ("superres", "--resolutions", "-64", "expected int >= 1"),
    ("superres", "--budget-mb", "0", "expected float > 0"), ("superres", "--steps", "nan", "got 'nan'")])
def test_argument_ranges_are_refused_before_any_work(finished, capsys, tmp_path, command, flag, value, needle):
    small = {"evaluate": ["--samplers", "euler", "--steps", "1", "--resolutions", "12", "--n-images", "1", "--n-samples", "1"],
             "superres": ["--resolutions", "16", "--n-images", "1"]}[command]
    code, _, err = cli(capsys, command, str(finished), *small, flag, value, "--no-progress", "--out", str(tmp_path / "o"))
    assert code == 2 and "Traceback" not in err and needle in err.strip().splitlines()[-1], err[-800:]   # argparse: usage, then one line
    assert not (tmp_path / "o").exists()


def test_reconstruct_and_train_seeds_beyond_64_bits_are_refused(capsys, data, tmp_path):
    code, _, err = cli(capsys, *base_args(data, tmp_path / "r"), "--seed", str(2**64))
    assert code == 2 and "argument --seed: expected int in [0, 9223372036854775807]" in err.strip().splitlines()[-1], err[-800:]
    code, _, err = cli(capsys, "reconstruct", "x.png", "--seed", str(2**64), "--out", str(tmp_path / "o"))
    assert code == 2 and "argument --seed" in err.strip().splitlines()[-1], err[-800:]
    assert not (tmp_path / "r").exists() and not (tmp_path / "o").exists()


def test_evaluating_a_run_of_non_square_images_names_the_size(capsys, tmp_path):
    wide = write_sized(tmp_path / "wide", 12, 16)
    assert cli(capsys, *base_args(wide, tmp_path / "r"))[0] == 0
    code, _, err = cli(capsys, "evaluate", str(tmp_path / "r"), "--samplers", "euler", "--steps", "1", "--resolutions", "12",
                       "--n-images", "1", "--n-samples", "1", "--no-progress", "--out", str(tmp_path / "ev"))
    refused(code, err, "are 12x16", "mambaflow reconstruct")
    assert not (tmp_path / "ev").exists()


def test_superres_of_a_one_channel_run_names_the_channels(capsys, tmp_path):
    args = ["train", "--preset", "tiny", "--data", "synthetic:sine", "--out", str(tmp_path / "r"), "--steps", "2", "--batch-size", "4",
            "--queries", "16", "--device", "cpu", "--no-progress", "--model-set", "channels=1", "--set", "n_val=2", "--set", "val_every=2"]
    code, _, err = cli(capsys, *args)
    assert code == 0, err[-800:]
    code, _, err = cli(capsys, "superres", str(tmp_path / "r"), "--resolutions", "64", "--n-images", "1", "--no-progress",
                       "--out", str(tmp_path / "sr"))
    refused(code, err, "the model reads 1 channel(s)", "have 3")
    assert not (tmp_path / "sr").exists()


def one_line_or_load(load, what):
    "load() either succeeds or raises a ValueError of one line; anything else (a traceback from deep inside) fails."
    try: load()
    except ValueError as e: assert "\n" not in str(e) and str(e), (what, str(e)[:300])
    except Exception as e: pytest.fail(f"{what}: {type(e).__name__} from deep inside: {str(e)[:300]}")


def test_malformed_checkpoints_end_in_one_line_or_load(finished, tmp_path):
    "Property-style: random truncations, byte flips and hand edits of a real checkpoint, fed to `load_model`."
    from mambaflow.train import load_model
    good = (finished / "latest.pt").read_bytes()
    rng = np.random.default_rng(0)
    bad = tmp_path / "bad.pt"
    for i in range(12):                                                 # truncated at random lengths
        bad.write_bytes(good[:int(rng.integers(0, len(good)))]); one_line_or_load(lambda: load_model(bad), f"truncation {i}")
    for i in range(12):                                                 # random bytes overwritten
        b = bytearray(good)
        for j in rng.integers(0, len(b), size=int(rng.integers(1, 64))): b[j] = int(rng.integers(0, 256))
        bad.write_bytes(bytes(b)); one_line_or_load(lambda: load_model(bad), f"byte flips {i}")
    ck = read_checkpoint(finished / "latest.pt")
    k0 = next(iter(ck["ema"]["model"]))
    edits = {"no train_config": lambda c: c.pop("train_config"), "no model_config": lambda c: c.pop("model_config"),
             "no ema": lambda c: c.pop("ema"), "ema a list": lambda c: c.update(ema=[1, 2]),
             "train_config a string": lambda c: c.update(train_config="x"), "unknown config key": lambda c: c["model_config"].update(width=3),
             "config value of another type": lambda c: c["model_config"].update(d_model="wide"),
             "a NaN weight": lambda c: c["ema"]["model"][k0].view(-1)[0].fill_(float("nan")),
             "an infinite weight": lambda c: c["ema"]["model"][k0].view(-1)[-1].fill_(float("inf")),
             "a weight of another shape": lambda c: c["ema"]["model"].update({k0: torch.zeros(3, 3, 3)}),
             "a missing weight": lambda c: c["ema"]["model"].pop(k0), "weights a list": lambda c: c["ema"].update(model=[1]),
             "an integer weight": lambda c: c["ema"]["model"].update({k0: c["ema"]["model"][k0].long()}),
             "a float64 weight": lambda c: c["ema"]["model"].update({k0: c["ema"]["model"][k0].double()})}
    for name, edit in edits.items():
        c = read_checkpoint(finished / "latest.pt"); edit(c); torch.save(c, bad)
        one_line_or_load(lambda: load_model(bad), name)
    c = read_checkpoint(finished / "latest.pt"); edits["a NaN weight"](c); torch.save(c, bad)
    with pytest.raises(ValueError, match="holds non-finite weights"): load_model(bad)     # never loaded silently


def test_malformed_weight_files_and_images_end_in_one_line_or_load(finished, tmp_path):
    from mambaflow.models import save_pretrained, load_pretrained
    from mambaflow.train import load_model
    from mambaflow.data import load_image
    stem = tmp_path / "m"
    save_pretrained(load_model(finished)[0], stem)
    st, js = stem.with_suffix(".safetensors").read_bytes(), stem.with_suffix(".json").read_bytes()
    rng = np.random.default_rng(1)
    def mutate(b):
        if rng.random() < 0.5: return b[:int(rng.integers(0, len(b)))]
        b = bytearray(b)
        for j in rng.integers(0, len(b), size=int(rng.integers(1, 32))): b[j] = int(rng.integers(0, 256))
        return bytes(b)
    for i in range(16):
        stem.with_suffix(".safetensors").write_bytes(mutate(st) if i % 2 == 0 else st)
        stem.with_suffix(".json").write_bytes(mutate(js) if i % 2 == 1 else js)
        one_line_or_load(lambda: load_pretrained(str(stem)), f"weight file mutation {i}")
    stem.with_suffix(".safetensors").write_bytes(st)
    for name, doc in {"a list": "[1, 2]", "no model_config": "{}", "info a string": json.dumps({**json.loads(js), "info": "x"}),
                      "not JSON": "{model", "not UTF-8": "\udcff"}.items():
        stem.with_suffix(".json").write_bytes(doc.encode("utf-8", "surrogateescape"))
        one_line_or_load(lambda: load_pretrained(str(stem)), name)
    img = tmp_path / "i.png"
    Image.fromarray((np.random.default_rng(2).random((20, 20, 3)) * 255).astype(np.uint8)).save(img)
    png = img.read_bytes()
    for i in range(16):
        (tmp_path / "j.png").write_bytes(mutate(png)); one_line_or_load(lambda: load_image(tmp_path / "j.png"), f"image mutation {i}")


def test_cifar10_without_a_path_says_how_to_get_it_and_download_needs_a_folder(capsys, tmp_path, monkeypatch, data):
    monkeypatch.setenv("MAMBAFLOW_CIFAR10", str(tmp_path / "nowhere"))           # no shared copy either
    code, _, err = cli(capsys, *base_args(data, tmp_path / "r"), "--data", "cifar10")
    refused(code, err, "no CIFAR-10 was found", "--download", "load_cifar10(DIR, download=True)")
    code, _, err = cli(capsys, *base_args(data, tmp_path / "r"), "--download")
    refused(code, err, "--download: expected --data cifar10:DIR")
    assert not (tmp_path / "r").exists()


def test_init_fine_tunes_a_shipped_model_and_refuses_another_architecture(capsys, data, tmp_path):
    code, _, err = cli(capsys, *base_args(data, tmp_path / "ft", steps=1), "--preset", "grid_conv", "--init", "shipped:grid_conv_cifar10")
    assert code == 0, err[-800:]
    assert json.loads((tmp_path / "ft" / "config.json").read_text())["init"] == "shipped:grid_conv_cifar10"
    code, _, err = cli(capsys, *base_args(data, tmp_path / "x"), "--init", "shipped:grid_conv_cifar10")      # tiny vs grid_conv
    refused(code, err, "init: the weights of 'shipped:grid_conv_cifar10' are another architecture", "arch 'grid' (the run: 'v2')")
    code, _, err = cli(capsys, *base_args(data, tmp_path / "y"), "--init", str(tmp_path / "nothing"))
    refused(code, err, "no run folder or checkpoint")
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


# ---- 7. smaller ones

def test_a_cifar_archive_in_a_folder_is_md5_checked(capsys, tmp_path):
    (tmp_path / "cifar").mkdir(); (tmp_path / "cifar" / CIFAR10_ARCHIVE).write_bytes(b"not the official archive")
    code, _, err = cli(capsys, *base_args(tmp_path / "x", tmp_path / "r")[:3], "--data", f"cifar10:{tmp_path / 'cifar'}",
                       "--out", str(tmp_path / "r"), "--steps", "2", "--device", "cpu", "--no-progress")
    refused(code, err, "MD5 mismatch")


def test_a_channels_first_tensor_is_refused():
    with pytest.raises(ValueError, match=r"expected \(N, H, W, C\)"):
        SparseFieldDataset(torch.rand(4, 3, 8, 8))


def test_a_three_channel_preset_on_one_channel_data_names_the_channels(tmp_path):
    cfg = TrainConfig(model="tiny", batch_size=2, n_queries=8, max_steps=2, progress=False, device="cpu")
    gray = SparseFieldDataset(torch.rand(4, 12, 12, 1), n_queries=8)
    with pytest.raises(ValueError, match=r"model's 3 channel\(s\).*got 1.*channels=1"):
        train(cfg, tmp_path / "g", data=(gray, None))


def test_superres_cli_honours_the_memory_budget(finished, capsys, tmp_path):
    base = ["superres", str(finished), "--resolutions", "64", "--n-images", "1", "--out", str(tmp_path / "sr"), "--no-progress"]
    code, _, err = cli(capsys, *base, "--budget-mb", "-5")
    assert code == 2 and "argument --budget-mb: expected float > 0, got '-5'" in err.strip().splitlines()[-1], err[-800:]
    code, _, err = cli(capsys, *base, "--budget-mb", "0.001")
    refused(code, err, "budget_mb=0")


def test_output_files_follow_the_umask(data, capsys, tmp_path):
    old = os.umask(0o027)
    try: code, _, err = cli(capsys, *base_args(data, tmp_path / "r", steps=2))
    finally: os.umask(old)
    assert code == 0, err
    for name in ("config.json", "metrics.csv", "latest.pt", "best.pt"):
        assert (tmp_path / "r" / name).stat().st_mode & 0o777 == 0o640, name


def test_stdout_json_is_strict(run, data, capsys):
    code, out, err = cli(capsys, *base_args(data, run), "--resume")     # nothing left to train: no step timed
    assert code == 0, err
    def no_constants(c): raise AssertionError(f"non-strict JSON constant {c}")
    s = json.loads(out.strip().splitlines()[-1], parse_constant=no_constants)
    assert s["steps"] == 4 and s["sec_per_step"] is None


# ---- issue 18: the command's help, version and progress bars

def test_train_help_lists_presets_with_parameter_counts_data_and_samplers(capsys):
    code, out, _ = cli(capsys, "train", "--help")
    assert code == 0
    for name, c in PRESETS.items():
        line = next((l for l in out.splitlines() if l.split()[:1] == [name] and "params" in l), None)
        assert line is not None and f"{count_parameters(build_model(c)):,} params" in line, (name, line)
    for s in SAMPLERS: assert s in out
    for scheme in ("embedded", "cifar10:<path>", "folder:<path>", "synthetic:<kind>", "sine", "interference", "am"): assert scheme in out
    assert "(default: 0)" in out and "--resume" in out


def test_top_level_help_has_examples_and_version(capsys):
    code, out, _ = cli(capsys, "--help")
    assert code == 0 and "examples:" in out and all(c in out for c in ("train", "demo", "evaluate", "superres", "diagnose"))
    code, out, _ = cli(capsys, "--version")
    assert code == 0 and out.strip() == f"mambaflow {mambaflow.__version__}"
    code, out, _ = cli(capsys, "evaluate", "--help")
    assert code == 0 and all(s in out for s in ("heun", "euler")) and "(default: 50)" in out and "--no-progress" in out


def test_progress_bars_on_evaluate_and_off_with_no_progress(finished, capsys, tmp_path):
    base = ["evaluate", str(finished), "--samplers", "euler", "--steps", "2", "--resolutions", "12", "--n-images", "2",
            "--n-samples", "1", "--out", str(tmp_path / "ev")]
    code, _, err = cli(capsys, *base)
    assert code == 0, err[-800:]
    assert "evaluate" in err and "2/2" in err, err[-800:]
    code, _, err = cli(capsys, *base[:-1], str(tmp_path / "ev2"), "--no-progress")
    assert code == 0 and "2/2" not in err, err[-800:]


def test_progress_bar_of_diagnose_runs(capsys):
    from mambaflow.diagnosis import run_grid
    run_grid(lambda c, s: {"x": 1.0}, ["a", "b"], [0], progress=True)
    assert "2/2" in capsys.readouterr().err
    run_grid(lambda c, s: {"x": 1.0}, ["a", "b"], [0], progress=False)
    assert "2/2" not in capsys.readouterr().err


def test_diagnose_refuses_results_of_other_settings(tmp_path, capsys):
    "A rerun of `diagnose` with other --steps meets an arm trained for 1 step: refused in one line, the file and folder unchanged."
    from mambaflow.diagnosis import cumulative_arms, run_ladder
    arms = cumulative_arms(); first = next(iter(arms))
    out = tmp_path / "dg"
    run_ladder(arms, out=out / "vfamily", seeds=(0,), steps=1, n_train=64, n_test=8, curve_points=0, n_images=1, sample_steps=2,
               only=(first,), full=())      # what `diagnose --steps 1` leaves for its first arm (smaller sets, fewer scores)
    f = out / "vfamily" / f"{first}_seed0.json"
    before, files = f.read_bytes(), sorted(p.name for p in out.rglob("*"))
    code, _, err = cli(capsys, "diagnose", "--out", str(out), "--seeds", "0", "--steps", "2", "--no-progress")
    refused(code, err, "was run with other", "steps")
    assert f.read_bytes() == before and sorted(p.name for p in out.rglob("*")) == files and not (out / "ladders.md").exists()

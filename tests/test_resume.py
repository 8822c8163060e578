"""A training process killed by SIGKILL at an arbitrary moment and resumed produces exactly the
loss sequence of an uninterrupted run (the claim of 09_training, tested with a real process)."""
import csv, os, random, signal, subprocess, sys, time
from pathlib import Path

ARGS = ["train", "--preset", "tiny", "--steps", "30", "--batch-size", "8", "--queries", "32", "--device", "cpu",
        "--no-progress", "--set", "log_every=1", "--set", "ckpt_every=3", "--set", "val_every=10",
        "--set", "n_val=4", "--set", "warmup_steps=3"]


def cli(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "mambaflow.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def losses(run):
    with open(Path(run) / "metrics.csv", newline="") as f:
        return [(int(r["step"]), r["loss"]) for r in csv.DictReader(f)]


def wait_for_rows(proc, metrics, n, timeout=300):
    "Until the running `proc` has logged `n` rows in `metrics` (or ended, or `timeout` seconds passed)."
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        if metrics.exists() and sum(1 for _ in open(metrics)) - 1 >= n: break
        time.sleep(0.02)


def test_kill_and_resume_matches_uninterrupted(tmp_path):
    full = cli(*ARGS, "--out", str(tmp_path / "full")); out, err = full.communicate(timeout=600)
    assert full.returncode == 0, err

    victim = cli(*ARGS, "--out", str(tmp_path / "killed"))
    kill_at = random.Random(os.getpid()).randint(5, 25)   # any step, often between checkpoints
    wait_for_rows(victim, tmp_path / "killed" / "metrics.csv", kill_at)
    assert victim.poll() is None, "the run ended before it could be killed"
    victim.send_signal(signal.SIGKILL); victim.wait()

    resumed = cli(*ARGS, "--out", str(tmp_path / "killed"), "--resume"); out, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err
    a, b = losses(tmp_path / "full"), losses(tmp_path / "killed")
    assert [s for s, _ in b] == list(range(1, 31)), f"metrics.csv of the resumed run has steps {[s for s, _ in b]}"
    assert a == b, f"killed at logged step {kill_at}: loss sequences differ"


def test_ctrl_c_checkpoints_says_how_to_resume_and_resume_matches_uninterrupted(tmp_path):
    "SIGINT (Ctrl-C) mid-run: the step in flight is finished and checkpointed, one line, exit 130; --resume continues exactly."
    args = [a if a != "ckpt_every=3" else "ckpt_every=1000" for a in ARGS]   # no periodic checkpoint: only Ctrl-C's
    full = cli(*args, "--out", str(tmp_path / "full")); out, err = full.communicate(timeout=600)
    assert full.returncode == 0, err
    victim = cli(*args, "--out", str(tmp_path / "int"))
    stop_at = random.Random(os.getpid() + 1).randint(4, 20)
    wait_for_rows(victim, tmp_path / "int" / "metrics.csv", stop_at)
    assert victim.poll() is None, "the run ended before it could be interrupted"
    victim.send_signal(signal.SIGINT); out, err = victim.communicate(timeout=120)
    assert victim.returncode == 130, err[-800:]
    last = err.strip().splitlines()[-1]
    assert "Traceback" not in err and "interrupted at step" in last and "--resume" in last, err[-800:]
    assert (tmp_path / "int" / "latest.pt").is_file() and not (tmp_path / "int" / ".lock").exists()
    resumed = cli(*args, "--out", str(tmp_path / "int"), "--resume"); out, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err
    assert losses(tmp_path / "full") == losses(tmp_path / "int"), f"interrupted after logged step {stop_at}: loss sequences differ"

"""Shared pytest set-up: one thread per worker (two xdist workers on two cores must not
oversubscribe), a non-interactive matplotlib backend, and IN_TEST so notebooks shrink their work."""
import os

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(var, "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["IN_TEST"] = "1"

import torch  # noqa: E402  (after the thread variables)

torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))

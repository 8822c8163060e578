"""`evaluate.claims_figure` (seaborn) draws what `claims_table` prints: the intervals on the figure
are the table's mean ± 2 s.e. of the paired differences, computed here by `paired_change`.
(It lives here rather than in 10_evaluation while that notebook is edited on another branch.)"""
import matplotlib
matplotlib.use("Agg")
import numpy as np
import torch

from mambaflow.evaluate import claims_figure, claims_table, paired_change


def per_image(n=24, seed=0):
    g = torch.Generator().manual_seed(seed)
    base = 22 + torch.randn(n, generator=g, dtype=torch.float64)
    mk = lambda shift, s: {"PSNR": base + shift + s * torch.randn(n, generator=g, dtype=torch.float64),
                           "speckle": 1 + torch.rand(n, generator=g, dtype=torch.float64)}
    return {"control": mk(0.0, 0.3), "treatment": mk(0.5, 0.3), "floor": mk(0.2, 0.1)}


def test_claims_figure_intervals_are_the_tables():
    pi = per_image()
    comparisons = [("sde", "toy", "control", "treatment", [("treatment", "floor"), ("control", "floor")])]
    fig = claims_figure(pi, comparisons)
    ax, dist = fig.axes[0], fig.axes[1]
    # seaborn draws each interval with its caps as one line broken by NaNs: its x extent is the interval
    bars = sorted((np.nanmin(x), np.nanmax(x)) for x in (np.asarray(l.get_xdata(), float) for l in ax.lines)
                  if len(x) > 2 and np.isnan(x).any())
    expected = sorted((c["psnr_db"] - 2 * c["psnr_db_se"], c["psnr_db"] + 2 * c["psnr_db_se"])
                      for c in (paired_change(pi, "control", "treatment"), paired_change(pi, "floor", "treatment"),
                                paired_change(pi, "floor", "control")))
    np.testing.assert_allclose(bars, expected, rtol=1e-9, atol=1e-9)
    assert [t.get_text() for t in dist.get_yticklabels()] == ["control", "treatment", "floor"]
    assert "2 s.e." in ax.get_xlabel()
    assert claims_table(pi, comparisons)[0]["arms − floor"].count("dB") == 2   # the table it draws

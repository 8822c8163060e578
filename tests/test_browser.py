"""The explorer in a real browser: JupyterLab on localhost, headless Chromium driven by playwright.

It opens a notebook that shows `Explorer(...).widget`, runs it, clicks Render, changes a control
(the resolution), clicks Render again and checks that the figure changed and the status line
follows. Chromium is Debian's (`apt-get install chromium`; `.ci/run` installs it); where it or
playwright is missing the test is skipped with the reason printed (pytest's `-ra` summary)."""
import json, os, shutil, signal, socket, subprocess, sys, time, urllib.request
from pathlib import Path

import pytest

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)

NOTEBOOK_CELLS = [
    "import torch; torch.set_num_threads(1)\n"
    "from mambaflow.data import embedded_images\n"
    "from mambaflow.explorer import Explorer",
    'ui = Explorer(images=embedded_images("test")[:4])\n'
    'ui.sampler.value, ui.steps.value, ui.n_samples.value = "heun", 2, 2\n'
    "ui.widget",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    "A JupyterLab server on localhost serving a folder with the explorer notebook: (base URL, token)."
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium): the browser test did not run")
    pytest.importorskip("playwright", reason="playwright is not installed (pip install -e '.[dev]'): the browser test did not run")
    root = tmp_path_factory.mktemp("lab")
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
                     "source": s} for i, s in enumerate(NOTEBOOK_CELLS)],
          "metadata": {"kernelspec": {"display_name": "python3", "language": "python", "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    (root / "explorer.ipynb").write_text(json.dumps(nb))
    port, token = free_port(), "mambaflow-browser-test"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "JUPYTER_CONFIG_DIR": str(root / ".jupyter"), "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1", "--allow-root",
           f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
           "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--ServerApp.disable_check_xsrf=True"]
    log = open(root / "lab.log", "w")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):  # wait for the server to answer (it is a condition, not a timed assert)
            if proc.poll() is not None: break
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2); break
            except OSError: time.sleep(0.5)
        if proc.poll() is not None:
            pytest.fail(f"JupyterLab exited: {(root / 'lab.log').read_text()[-3000:]}")
        yield base, token, root
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try: proc.wait(30)
        except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_explorer_renders_and_follows_a_control_in_chromium(lab):
    from playwright.sync_api import sync_playwright
    base, token, root = lab
    fig = ".mambaflow-explorer-figure img"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(240_000)  # a slow shared machine: waiting is not what is tested
            page.goto(f"{base}/lab/tree/explorer.ipynb?token={token}")
            page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget "
                                   "&& window.jupyterapp.shell.currentWidget.sessionContext "
                                   "&& window.jupyterapp.shell.currentWidget.sessionContext.session")
            page.wait_for_function("window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.connectionStatus === 'connected'")
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            render = page.locator("button.widget-button", has_text="Render")
            render.wait_for(state="visible")
            status = page.locator(".widget-html-content").last
            render.click()
            page.wait_for_selector(fig)
            first = page.get_attribute(fig, "src")
            assert first.startswith("data:image/png;base64,") and "32²" in status.inner_text()
            page.screenshot(path=str(root / "first.png"), full_page=True)
            # change a control as a user would: the resolution dropdown, 32 -> 64
            page.locator(".widget-dropdown", has_text="resolution").locator("select").select_option("64")
            render.click()
            page.wait_for_function("([s, old]) => { const i = document.querySelector(s); return i && i.getAttribute('src') !== old; }",
                                   arg=[fig, first], polling=500)
            second = page.get_attribute(fig, "src")
            page.screenshot(path=str(root / "second.png"), full_page=True)
            assert second != first, "the figure did not change after Render"
            assert "64²" in status.inner_text(), status.inner_text()
            # the figure is shown at its own size (titles are not shrunk to the notebook's width)
            natural, shown = page.evaluate(f"(() => {{ const i = document.querySelector('{fig}'); return [i.naturalWidth, i.getBoundingClientRect().width]; }})()")
            assert natural > 0 and abs(natural - shown) <= 1, (natural, shown)
        finally:
            browser.close()

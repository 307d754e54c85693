"""Retake the README screenshots: two briefing pages and the JupyterLab explorer.

Run from anywhere (paths are taken relative to the project root)::

    .venv/bin/python scripts/screenshots.py --out docs/

What it does:

1. Makes sure demo data exists: runs ``taskanalytics demo-progress`` when the progress store
   holds no reports, and ``taskanalytics run --quarter 2023Q4`` when
   ``reports/2023-工作报告/2023Q4/index.html`` is missing (a quarterly run takes 1-3 minutes).
2. Opens the overview and the source-audit briefings (found through the quarter's
   ``index.html``) via ``file://`` in headless Chromium (Debian's ``/usr/bin/chromium``, driven
   by playwright) and saves the top of each page to ``briefing-quarterly-overview.png`` and
   ``briefing-source-audit.png``.
3. Starts a headless JupyterLab on ``notebooks/`` (random port and token, autosave off, its
   settings and workspaces in a temporary folder), opens ``explore.ipynb``, runs all cells,
   waits for the explorer's widgets and charts, and saves the explorer's output to
   ``explore-lab.png``. The notebook is never saved; the server is always stopped; the script
   checks that ``notebooks/explore.ipynb`` is byte-for-byte unchanged afterwards and removes a
   ``notebooks/.ipynb_checkpoints`` folder that Lab created.

Requirements: the dev extras (playwright), Debian's chromium and a CJK font
(``scripts/sysdeps.sh``). Options: ``--help``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
QUARTER = "2023Q4"
EXPLORER_NOTEBOOK = "explore.ipynb"


def log(message: str) -> None:
    print(f"[screenshots] {message}", flush=True)


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (no Pillow needed)."""
    with path.open("rb") as fh:
        head = fh.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    return struct.unpack(">II", head[16:24])


# --------------------------------------------------------------------------- demo data


def taskanalytics_cli() -> list[str]:
    exe = VENV_BIN / "taskanalytics"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "taskanalytics"]


def store_report_count(store: Path) -> int:
    if not store.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as con:
            return con.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    except sqlite3.Error:
        return 0


def ensure_demo_store() -> Path:
    """Fill the progress store with 示例数据 if it holds no reports; return its path."""
    store = Path(os.environ.get("TASKANALYTICS_STORE") or ROOT / "data/progress/progress.sqlite")
    count = store_report_count(store)
    if count == 0:
        log(f"no reports in {store}: running taskanalytics demo-progress")
        subprocess.run([*taskanalytics_cli(), "demo-progress"], cwd=ROOT, check=True)
    else:
        log(f"{store.relative_to(ROOT) if store.is_relative_to(ROOT) else store}: {count} reports")
    return store


def ensure_demo_data(quarter: str) -> Path:
    """Fill the store with 示例数据 if it is empty and build the quarter's briefings if missing."""
    ensure_demo_store()
    index = ROOT / "reports" / "2023-工作报告" / quarter / "index.html"
    if not index.exists():
        log(f"{index.relative_to(ROOT)} missing: running taskanalytics run --quarter {quarter}")
        started = time.monotonic()
        subprocess.run([*taskanalytics_cli(), "run", "--quarter", quarter], cwd=ROOT, check=True)
        log(f"quarterly run done in {time.monotonic() - started:.0f} s")
    return index


def briefing_pages(index: Path) -> dict[str, Path]:
    """The overview and source-audit pages, found by their section headings in index.html."""
    html = index.read_text(encoding="utf-8")
    pages: dict[str, Path] = {}
    for key, heading, fallback in (
        ("overview", "全区总览", "overview.html"),
        ("audit", "源文件质量检查", "source_audit.html"),
    ):
        match = re.search(
            rf"<h2>{re.escape(heading)}.*?</h2>\s*<ul>\s*<li><a href=\"([^\"]+)\"", html, re.S
        )
        name = unquote(unescape(match.group(1))) if match else fallback
        page = index.parent / name
        if not page.exists():
            raise SystemExit(f"{page} (linked from {index}) does not exist")
        pages[key] = page
    return pages


# --------------------------------------------------------------------------- briefings


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def shoot_briefings(playwright, pages: dict[str, Path], out: Path, width: int, height: int):
    """Screenshot the top of each briefing; report console errors and network requests."""
    targets = {
        "overview": out / "briefing-quarterly-overview.png",
        "audit": out / "briefing-source-audit.png",
    }
    problems: list[str] = []
    browser = launch_browser(playwright)
    try:
        for key, page_path in pages.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            requests: list[str] = []
            page.on("request", lambda r, seen=requests: seen.append(r.url))
            page.on(
                "console",
                lambda m, name=page_path.name, sink=problems: (
                    sink.append(f"{name}: console {m.type}: {m.text}")
                    if m.type in ("error", "warning")
                    else None
                ),
            )
            page.on(
                "pageerror",
                lambda e, name=page_path.name, sink=problems: sink.append(f"{name}: {e}"),
            )
            page.goto(page_path.as_uri(), wait_until="load")
            page.evaluate("document.fonts.ready")
            page.wait_for_timeout(300)
            svgs = page.locator("svg").count()
            imgs = page.locator("img").count()
            broken = page.evaluate(
                "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length"
            )
            if broken:
                problems.append(f"{page_path.name}: {broken} of {imgs} images not drawn")
            external = [u for u in requests if not u.startswith(("file:", "data:"))]
            problems += [f"{page_path.name}: network request {u}" for u in external]
            page.screenshot(path=str(targets[key]))
            w, h = png_size(targets[key])
            log(f"{targets[key]} ({w}x{h}) from {page_path.name}: {svgs} svg, {imgs} img")
            page.close()
    finally:
        browser.close()
    return problems


# --------------------------------------------------------------------------- JupyterLab


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_lab_settings(folder: Path) -> None:
    """User settings for this throwaway Lab: no autosave, no news, no windowing, no update check."""
    settings = {
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
        "@jupyterlab/apputils-extension/notification": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        "@jupyterlab/notebook-extension/tracker": {
            "windowingMode": "none",
            "autoStartDefaultKernel": True,
        },
    }
    for plugin, values in settings.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


@contextmanager
def jupyter_lab(
    tmp: Path,
    start_timeout: float = 120.0,
    *,
    notebook_dir: Path | None = None,
    env: dict[str, str] | None = None,
):
    """Start JupyterLab on notebooks/ (or ``notebook_dir``) and yield its base URL and token;
    always stop it. ``env`` adds environment variables for the server and its kernels (the
    Lab test points ``TASKANALYTICS_STORE`` at its own store)."""
    port, token = free_port(), secrets.token_hex(16)
    write_lab_settings(tmp / "settings")
    cmd = [
        str(VENV_BIN / "jupyter"),
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--ServerApp.token={token}",
        f"--notebook-dir={notebook_dir or 'notebooks'}",
        f"--LabApp.user_settings_dir={tmp / 'settings'}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        "--LabApp.news_url=",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    logfile = (tmp / "lab.log").open("wb")
    env = {**os.environ, **(env or {}), "JUPYTER_RUNTIME_DIR": str(tmp / "runtime")}
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=logfile, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    log(f"jupyter lab pid {proc.pid} on {base} (log {tmp / 'lab.log'})")
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited ({proc.returncode}):\n{(tmp / 'lab.log').read_text()}"
                )
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("jupyter lab did not start in time") from None
                time.sleep(0.5)
        yield base, token
    finally:
        stop_lab(proc, base, token)
        logfile.close()
        errors = [
            line
            for line in (tmp / "lab.log").read_text(errors="replace").splitlines()
            if line.startswith("[E ") or "Traceback" in line
        ]
        for line in errors:
            log(f"lab log: {line}")


def stop_lab(proc: subprocess.Popen, base: str, token: str) -> None:
    """Ask the server to shut down (kernels too); then SIGTERM, then SIGKILL its process group."""
    if proc.poll() is None:
        try:
            req = urllib.request.Request(
                f"{base}/api/shutdown", method="POST", headers={"Authorization": f"token {token}"}
            )
            urllib.request.urlopen(req, timeout=10).close()
        except OSError:
            pass
        for sig, wait in ((None, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            if sig is not None and proc.poll() is None:
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    pass
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
    # kernels started by the server share its session; make sure none is left behind
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    log(f"jupyter lab stopped (exit {proc.returncode})")


def shoot_explorer(
    playwright,
    base: str,
    token: str,
    target: Path,
    width: int,
    height: int,
    lead_unit: str | None,
    tab: str | None,
    timeout_s: float,
) -> list[str]:
    """Open explore.ipynb in Lab, run all cells, screenshot the explorer's output."""
    problems: list[str] = []
    browser = launch_browser(playwright)
    try:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.on("pageerror", lambda e: problems.append(f"lab page error: {e}"))
        page.on(
            "console",
            lambda m: (
                problems.append(f"lab console error: {m.text}") if m.type == "error" else None
            ),
        )
        try:
            _run_explorer(page, base, token, target, lead_unit, tab, timeout_s, problems)
        except Exception:
            failed = Path(tempfile.gettempdir()) / "ta-screenshots-explore-failed.png"
            page.screenshot(path=str(failed), full_page=True)
            log(f"explorer failed; what Lab showed: {failed}")
            raise
        # leave without saving: the notebook stays as committed (no outputs)
        page.close(run_before_unload=False)
    finally:
        browser.close()
    return problems


def accept_kernel_dialog(page) -> None:
    """Accept a "Select Kernel" dialog (the notebook's own kernel is preselected) if one shows."""
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    if dialog.count():
        dialog.locator("button.jp-mod-accept").click()
        log("accepted the Select Kernel dialog")
        page.wait_for_timeout(1000)


#: The status bar's mark of an idle kernel in the open notebook.
KERNEL_IDLE = ".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']"


def open_notebook(page, base: str, token: str, name: str, timeout_ms: float) -> None:
    """Open notebook ``name`` of the Lab at ``base`` (layout reset) and wait for its kernel."""
    page.goto(f"{base}/lab/tree/{name}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout_ms)
    # the notebook's kernel comes up idle, or Lab first asks which kernel to start
    page.wait_for_selector(f"{KERNEL_IDLE}, .jp-Dialog", timeout=timeout_ms)
    accept_kernel_dialog(page)
    page.wait_for_selector(KERNEL_IDLE, timeout=timeout_ms)


def run_menu(page, menu: str, item: str) -> None:
    """Click ``menu`` in Lab's menu bar, then its item whose label starts with ``item``."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{menu}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(item)}")).click()


def wait_for_explorer(page, timeout_ms: float, charts: int):
    """Wait for the explorer's output (its tables and ``charts`` altair charts) and an idle
    kernel; return the output's locator."""
    explorer = page.locator(".jp-OutputArea-output", has=page.locator(".ta-table")).first
    explorer.wait_for(timeout=timeout_ms)
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-OutputArea-output .vega-embed svg, "
        ".jp-OutputArea-output .vega-embed canvas').length >= n",
        arg=charts,
        timeout=timeout_ms,
    )
    page.wait_for_selector(KERNEL_IDLE, timeout=timeout_ms)
    return explorer


def _run_explorer(page, base, token, target, lead_unit, tab, timeout_s, problems) -> None:
    """The steps of :func:`shoot_explorer` in an open page."""
    timeout_ms = timeout_s * 1000
    open_notebook(page, base, token, EXPLORER_NOTEBOOK, timeout_ms)
    # close the left sidebar so the notebook gets the width
    active = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if active.count():
        active.first.click()
    run_menu(page, "Run", "Run All Cells")
    page.wait_for_timeout(1000)
    accept_kernel_dialog(page)
    log("running all cells")
    started = time.monotonic()
    # four altair charts: statuses by unit, due per month, achievement, indicator series
    explorer = wait_for_explorer(page, timeout_ms, charts=4)
    log(f"explorer rendered in {time.monotonic() - started:.0f} s")
    if lead_unit:
        select = explorer.locator(
            ".widget-dropdown", has=page.locator("label", has_text="牵头单位")
        ).locator("select")
        summary = explorer.locator(".widget-html-content").first
        before = summary.inner_text()
        select.select_option(label=lead_unit)
        # the kernel recomputes the selection; the summary line changes, charts redraw
        page.wait_for_function(
            "([el, text]) => el.innerText !== text",
            arg=[summary.element_handle(), before],
            timeout=timeout_ms,
        )
        page.wait_for_selector(KERNEL_IDLE, timeout=timeout_ms)
        page.wait_for_timeout(2000)
    if tab:
        explorer.locator(".lm-TabBar-tab", has_text=re.compile(rf"^{tab}$")).first.click()
        page.wait_for_timeout(1000)
    errors = page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error'], "
        ".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr'], "
        ".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']"
    )
    for i in range(errors.count()):
        problems.append("notebook output on stderr/error: " + errors.nth(i).inner_text()[:500])
    page.mouse.move(0, 0)  # no hover state on the charts' action buttons
    explorer.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    explorer.screenshot(path=str(target))
    w, h = png_size(target)
    log(f"{target} ({w}x{h})")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder (default docs/)")
    parser.add_argument(
        "--quarter", default=QUARTER, help="briefings' quarter (default %(default)s)"
    )
    parser.add_argument("--width", type=int, default=1280, help="viewport width (default 1280)")
    parser.add_argument(
        "--height", type=int, default=1600, help="briefing viewport height (default 1600)"
    )
    parser.add_argument(
        "--lab-width", type=int, default=1050,
        help="Lab viewport width; the explorer output is a little narrower (default 1050)",
    )  # fmt: skip
    parser.add_argument(
        "--lab-height", type=int, default=3600,
        help="Lab viewport height, tall enough for the whole explorer (default 3600)",
    )  # fmt: skip
    parser.add_argument(
        "--lead-unit",
        default="财政局",
        help="牵头单位 filter set before the explorer shot ('' for none)",
    )
    parser.add_argument("--tab", default="节点", help="table tab shown (任务, 节点 or 指标)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds for Lab to render")
    parser.add_argument("--skip-briefings", action="store_true")
    parser.add_argument("--skip-explorer", action="store_true")
    parser.add_argument(
        "--only-explorer",
        action="store_true",
        help="only explore-lab.png: no briefings and no quarterly run (needs the demo store)",
    )
    args = parser.parse_args(argv)
    if args.only_explorer:
        args.skip_briefings = True

    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    out.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)

    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    if not args.skip_briefings:
        index = ensure_demo_data(args.quarter)
        pages = briefing_pages(index)
        with sync_playwright() as pw:
            problems += shoot_briefings(pw, pages, out, args.width, args.height)

    if not args.skip_explorer:
        if args.only_explorer:
            ensure_demo_store()
        elif args.skip_briefings:
            ensure_demo_data(args.quarter)
        notebook = ROOT / "notebooks" / EXPLORER_NOTEBOOK
        original = notebook.read_bytes()
        checkpoints = ROOT / "notebooks" / ".ipynb_checkpoints"
        virtual_docs = ROOT / "notebooks" / ".virtual_documents"
        had = {p: p.exists() for p in (checkpoints, virtual_docs)}
        try:
            with tempfile.TemporaryDirectory(prefix="ta-screenshots-") as tmp:
                with jupyter_lab(Path(tmp)) as (base, token), sync_playwright() as pw:
                    problems += shoot_explorer(
                        pw, base, token, out / "explore-lab.png", args.lab_width,
                        args.lab_height, args.lead_unit or None, args.tab or None, args.timeout,
                    )  # fmt: skip
        finally:
            if notebook.read_bytes() != original:
                notebook.write_bytes(original)
                problems.append(f"{notebook} was modified by Lab; restored the original bytes")
            for path, existed in had.items():
                if path.exists() and not existed:
                    shutil.rmtree(path)
                    log(f"removed {path.relative_to(ROOT)} (created by Lab)")

    for p in problems:
        log(f"PROBLEM: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

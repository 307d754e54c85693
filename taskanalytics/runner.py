"""Run a report notebook with papermill and export it as an offline, code-free HTML briefing.

``notebooks/<name>.ipynb`` -> papermill (parameters injected) -> ``<output_dir>/<name>.ipynb``
-> nbconvert with the shipped ``offline`` template (the lab page without require.js, MathJax,
Mermaid and the widget manager, so nothing is fetched from a CDN), inputs and prompts left out
-> ``<output_dir>/<name>.html``, written atomically.
"""

from __future__ import annotations

import html
import logging
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from taskanalytics import config
from taskanalytics.errors import NotebookRunError

__all__ = [
    "LAB_STYLESHEET",
    "ExportProcess",
    "OFFLINE_TEMPLATE",
    "execute_notebook",
    "export_html",
    "lab_stylesheet",
    "skip_rfc3987_syntax",
    "run_notebook",
    "shared_kernel",
]

logger = logging.getLogger("taskanalytics")

#: Name of the nbconvert template directory shipped in ``taskanalytics/nbtemplates/``.
OFFLINE_TEMPLATE = "offline"


#: File name of the lab stylesheet a quarter folder shares (see :func:`export_html`).
LAB_STYLESHEET = "ta-lab.css"

#: The guard of :func:`skip_rfc3987_syntax`, as one line of Python (run in each kernel).
_SKIP_RFC3987 = "import sys; sys.modules.setdefault('rfc3987_syntax', None)"

#: Arguments of a python kernel of :func:`shared_kernel`: it runs skip_rfc3987_syntax's guard
#: before any cell (``IPKernelApp.exec_lines`` run at start-up, before the first request), and
#: keeps no IPython history: a batch kernel never reads it back, and writing each cell's input
#: to ``~/.ipython``'s SQLite file cost ~1.7 ms a cell (7.0 -> 5.3 ms a cell of a 31-cell
#: notebook), shared between the run's kernels.
_PYTHON_KERNEL_ARGS = [
    f"--IPKernelApp.exec_lines={_SKIP_RFC3987}",
    "--HistoryManager.enabled=False",
]


def skip_rfc3987_syntax() -> bool:
    """Keep ``rfc3987_syntax`` from being imported in this process; True when the guard is set.

    ``jsonschema`` (imported by nbformat, papermill and altair) tries ``import rfc3987_syntax``
    when it is installed (here it comes with jupyterlab's ``jupyter-events`` ->
    ``jsonschema[format-nongpl]``), and that module builds its lark parsers at import: about
    3 s of CPU in every process that imports altair or nbformat. A ``None`` entry in
    ``sys.modules`` makes that import fail with ``ImportError``, which jsonschema catches:
    only its ``iri`` and ``iri-reference`` *format* checks are then not registered. Nothing in
    a run checks formats (altair and nbformat validate structure, without a format checker),
    and a format with no checker passes in jsonschema. The guard is set only when neither
    ``rfc3987_syntax`` nor jsonschema's format module is loaded yet (later it would change
    nothing), and only in the processes of a run: the driver (this module) and its kernels
    (:func:`shared_kernel`), and in the test suite's processes (``tests/conftest.py``);
    JupyterLab and other programs are untouched.
    """
    if "rfc3987_syntax" in sys.modules or "jsonschema._format" in sys.modules:
        return sys.modules.get("rfc3987_syntax", 0) is None
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    return True


skip_rfc3987_syntax()  # before nbformat, papermill or nbconvert (imported lazily below)


_H1 = re.compile(r'<h1 class="ta-h">([^<]+)</h1>')
_QUARTER = re.compile(r"<span>季度：([^<]+)</span>")


def _first_line(source: str) -> str:
    line = next((s for s in source.splitlines() if s.strip()), "")
    return line if len(line) <= 80 else line[:77] + "..."


class _AbsolutePathIO:
    """papermill's I/O for absolute local paths, without its ``os.chdir``.

    papermill's own local handler wraps every read and write of a notebook in ``os.chdir`` to
    the directory it was started from: a change of the whole process's working directory, made
    by each worker thread of a quarterly run while the others work. Registered for paths
    starting with ``/``, this handler reads and writes them as they are; relative paths still
    go to papermill's handler, and :func:`execute_notebook` passes absolute ones only.
    """

    def read(self, path: str) -> str:
        with open(path, encoding="utf-8") as handle:
            return handle.read()

    def write(self, buf: str, path: str) -> None:
        folder = os.path.dirname(path)
        if folder and not os.path.isdir(folder):
            raise FileNotFoundError(f"output folder {folder} doesn't exist.")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(buf)

    def listdir(self, path: str) -> list[str]:
        return [os.path.join(path, name) for name in os.listdir(path)]

    def pretty_path(self, path: str) -> str:
        return path


_IO_LOCK = threading.Lock()


def _register_absolute_path_io() -> None:
    """Route papermill's I/O of absolute paths through :class:`_AbsolutePathIO` (once)."""
    from papermill.iorw import papermill_io

    with _IO_LOCK:
        if not any(isinstance(h, _AbsolutePathIO) for _, h in papermill_io._handlers):
            papermill_io.register("/", _AbsolutePathIO())


def execute_notebook(
    name: str,
    *,
    parameters: dict[str, Any] | None = None,
    output_dir: Path | None = None,
    kernel_name: str = "python3",
    notebooks_dir: Path | None = None,
    output_name: str | None = None,
    kernel: Any = None,
) -> Path:
    """Execute ``notebooks/<name>.ipynb`` with papermill into ``<output_dir>/<output_name>.ipynb``.

    Parameters
    ----------
    name
        Notebook name without ``.ipynb``, e.g. ``"source_audit"``.
    parameters
        Values injected after the notebook's ``parameters`` cell.
    output_dir
        Where the executed notebook and the HTML go; default :data:`config.REPORTS_DIR`.
        Created if missing.
    kernel_name
        Jupyter kernel to run with; named explicitly because user-level kernelspecs from other
        work may exist.
    notebooks_dir
        Directory holding the notebooks; default :data:`config.NOTEBOOKS_DIR`. The kernel
        runs with this as its working directory; this process's working directory is never
        changed (papermill's ``cwd`` and its local file I/O would ``os.chdir`` the whole
        process, under every other thread: see :class:`_AbsolutePathIO`), so paths given to a
        notebook must be absolute.
    output_name
        Stem of the output files; default ``name``. A quarterly run writes one notebook many
        times (``unit_财政局``, ``unit_住建局`` …).
    kernel
        A started ``jupyter_client`` kernel manager to run in (see :func:`shared_kernel`);
        default a new kernel for this notebook, started in ``notebooks_dir``. Reusing one kernel for a batch saves the
        kernel start and the imports (about 2 s) on every notebook after the first.

    Returns
    -------
    pathlib.Path
        The executed notebook.

    Raises
    ------
    NotebookRunError
        If the notebook does not exist or a cell raises (the message names the notebook, the
        cell and the exception); the partly executed notebook is kept for debugging.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else config.NOTEBOOKS_DIR
    source = nb_dir / f"{name}.ipynb"
    if not source.is_file():
        available = sorted(p.stem for p in nb_dir.glob("*.ipynb"))
        raise NotebookRunError(f"no notebook {source}; available: {available}")
    out_dir = Path(output_dir) if output_dir is not None else config.REPORTS_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = output_name or name
    executed = out_dir / f"{stem}.ipynb"
    if kernel is None:  # a kernel of its own, started in nb_dir (never papermill's cwd=)
        with shared_kernel(kernel_name=kernel_name, cwd=nb_dir) as own:
            return execute_notebook(
                name, parameters=parameters, output_dir=out_dir, kernel_name=kernel_name,
                notebooks_dir=nb_dir, output_name=output_name, kernel=own,
            )  # fmt: skip

    _register_absolute_path_io()
    started = time.perf_counter()
    clients: list[Any] = []
    try:
        with _closing_clients(kernel, clients):
            # request_save_on_cell_execute=False: papermill writes the executed notebook once,
            # at the end (or when a cell fails), not before and after every cell (about 40
            # writes of a growing notebook, 0.3 s a briefing of this process's CPU)
            pm.execute_notebook(
                str(source.resolve()),
                str(executed.resolve()),
                parameters=dict(parameters or {}),
                kernel_name=kernel_name,
                progress_bar=False,
                request_save_on_cell_execute=False,
                km=kernel,
            )
    except PapermillExecutionError as exc:
        raise NotebookRunError(
            f"notebook {source.name} failed in cell {exc.cell_index} "
            f"(execution count {exc.exec_count}, starting {_first_line(exc.source)!r}): "
            f"{exc.ename}: {exc.evalue}; the partly executed notebook is {executed}"
        ) from exc
    except Exception as exc:  # kernel start-up, bad parameters, invalid notebook JSON ...
        raise NotebookRunError(
            f"notebook {source.name} could not be run: {type(exc).__name__}: {exc}"
        ) from exc
    logger.info("executed %s in %.1f s", source.name, time.perf_counter() - started)
    return executed


@contextmanager
def _closing_clients(kernel: Any, clients: list[Any]) -> Iterator[None]:
    """Stop the channels of every client papermill opens on a shared kernel, when it is done.

    nbclient stops its client only when it owns the kernel manager; on a kernel we lend it
    (``km=``) each notebook left its client's ZeroMQ sockets open: about ten descriptors a
    notebook, 900 for a quarterly run, past the common limit of 1,024 for a run of two plans.
    """
    original = kernel.client
    reused = getattr(kernel, _REUSED_CLIENT, None)

    def client(*args: Any, **kwargs: Any) -> Any:
        if reused is not None:  # shared_kernel's client: stopped when the kernel is shut down
            return reused
        made = original(*args, **kwargs)
        clients.append(made)
        return made

    kernel.client = client
    try:
        yield
    finally:
        kernel.client = original
        for made in clients:
            try:
                made.stop_channels()
            except Exception:  # noqa: BLE001 - closing is best effort; the run's result stands
                logger.debug("could not stop a kernel client's channels", exc_info=True)


def run_notebook(
    name: str,
    *,
    parameters: dict[str, Any] | None = None,
    output_dir: Path | None = None,
    kernel_name: str = "python3",
    notebooks_dir: Path | None = None,
    output_name: str | None = None,
    kernel: Any = None,
) -> Path:
    """Execute a report notebook (:func:`execute_notebook`) and export it (:func:`export_html`).

    Parameters are those of :func:`execute_notebook`.

    Returns
    -------
    pathlib.Path
        The HTML briefing, ``<output_dir>/<output_name or name>.html``.

    Raises
    ------
    NotebookRunError
        If the notebook does not exist, a cell raises, or the export fails.

    Examples
    --------
    >>> run_notebook("source_audit", parameters={"plan_path": None})  # doctest: +SKIP
    PosixPath('.../reports/source_audit.html')
    """
    executed = execute_notebook(
        name,
        parameters=parameters,
        output_dir=output_dir,
        kernel_name=kernel_name,
        notebooks_dir=notebooks_dir,
        output_name=output_name,
        kernel=kernel,
    )
    return export_html(executed, executed.with_suffix(".html"))


@contextmanager
def shared_kernel(*, kernel_name: str = "python3", cwd: Path | None = None) -> Iterator[Any]:
    """Start one kernel for a batch of notebooks and shut it down afterwards.

    Every notebook run in it still goes through papermill (parameters injected, outputs
    recorded); only the kernel process, and with it the imported modules, is shared. Notebooks
    must therefore define everything they use (they do: a parameters cell, then library calls).

    Examples
    --------
    >>> with shared_kernel() as kernel:  # doctest: +SKIP
    ...     run_notebook("unit_briefing", parameters={"unit": "财政局"}, kernel=kernel)
    """
    from jupyter_client.manager import KernelManager

    # ipc: local socket files (absolute paths, as the kernel runs in another directory) instead
    # of TCP on loopback, which also avoids the kernel's "TCP without encryption" warning
    with tempfile.TemporaryDirectory(prefix="ta-kernel-") as sockets:
        manager = KernelManager(
            kernel_name=kernel_name, transport="ipc", ip=str(Path(sockets) / "k")
        )
        extra = _PYTHON_KERNEL_ARGS if "python" in kernel_name else []
        try:
            manager.start_kernel(cwd=str(cwd or config.NOTEBOOKS_DIR), extra_arguments=extra)
        except Exception as exc:
            raise NotebookRunError(f"could not start kernel {kernel_name!r}: {exc}") from exc
        try:
            client = _ready_client(manager)
            setattr(manager, _REUSED_CLIENT, client)
            try:
                yield manager
            finally:
                client.stop_channels()
        finally:
            manager.shutdown_kernel(now=True)


#: The attribute of a :func:`shared_kernel` manager holding the client every notebook reuses.
_REUSED_CLIENT = "_taskanalytics_client"


def _ready_client(manager: Any) -> Any:
    """One started client of a kernel, for every notebook run in it.

    nbclient makes a new client for each notebook on a kernel it is lent (``km=``): new
    sockets and a ``wait_for_ready`` that ends by waiting 0.2 s for IOPub to be quiet, about
    0.2 s of an idle kernel per briefing. This client is started and made ready once; its
    ``start_channels`` and ``wait_for_ready`` then do nothing, as its channels run and the kernel
    has answered. Replies are matched to requests by message id, so what one notebook left
    unread on a channel is skipped by the next.
    """
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
    except Exception as exc:
        client.stop_channels()
        raise NotebookRunError(f"kernel {manager.kernel_name!r} did not answer: {exc}") from exc
    client.start_channels = lambda *args, **kwargs: None
    client.wait_for_ready = lambda *args, **kwargs: None
    return client


def _page_title(nb: Any) -> str | None:
    """The Chinese title a briefing states: its header's ``<h1 class="ta-h">`` and the
    quarter of its ``季度：`` line, read from the outputs; None when it has no such header."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get("text/html", "")
            text = data if isinstance(data, str) else "".join(data)
            found = _H1.search(text)
            if found:
                title = html.unescape(found.group(1)).strip()
                quarter = _QUARTER.search(text)
                return f"{title} {html.unescape(quarter.group(1))}" if quarter else title
    return None


_EXPORTERS = threading.local()


def _exporter() -> Any:
    """This thread's ``HTMLExporter`` with the offline template, made once and reused.

    A new exporter loads and compiles its Jinja templates again (about 0.1 s a page); one
    exporter per thread keeps them, and never shares one between threads.
    """
    exporter = getattr(_EXPORTERS, "html", None)
    if exporter is None:
        exporter = _lean_exporter_class()(
            template_name=OFFLINE_TEMPLATE,
            extra_template_basedirs=[str(config.NBTEMPLATES_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        _EXPORTERS.html = exporter
    return exporter


#: A numeric character reference (the Markdown renderer writes every CJK character as one).
_CHAR_REF = re.compile(r"&#(x[0-9a-fA-F]+|[0-9]+);")


def _char(match: re.Match[str]) -> str:
    """The character itself for a reference to a non-ASCII one (UTF-8 pages); else as is."""
    ref = match.group(1)
    code = int(ref[1:], 16) if ref[0] in "xX" else int(ref)
    return (
        chr(code) if 0x80 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)
    )


_FOCUSABLE = re.compile(r'(<div class="[^"]*\bjp-OutputArea-output\b[^"]*")')


def _lean_exporter_class() -> type:
    """nbconvert's ``HTMLExporter`` without its BeautifulSoup pass over the finished page.

    ``HTMLExporter.from_notebook_node`` parses the whole page with BeautifulSoup to add an
    English alt text to images that have none and ``tabindex="0"`` to input and output areas,
    then prints the tree again: about 0.09 s of the 0.13 s a briefing's export costs. Here the
    template gives every chart its Chinese alt text (``data_svg``), pages have no input
    areas, and the output areas get their ``tabindex`` from a regular expression. The rest is
    ``HTMLExporter.from_notebook_node`` of nbconvert 7.17 as it is.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class LeanHTMLExporter(HTMLExporter):
        def from_notebook_node(  # type: ignore[override]
            self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
        ) -> tuple[str, dict[str, Any]]:
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            page = _CHAR_REF.sub(_char, page)  # 季度 as text, as BeautifulSoup prints it
            return _FOCUSABLE.sub(r'\1 tabindex="0"', page), resources

    return LeanHTMLExporter


def lab_stylesheet() -> str:
    """The CSS the offline template inlines on every page unless pages share a stylesheet.

    JupyterLab's ``index.css`` and light theme (about 140 KB) and the few rules the lab page adds;
    a quarterly run writes it once as :data:`LAB_STYLESHEET` in the quarter's folder and its
    pages link it (``export_html(..., stylesheet=LAB_STYLESHEET)``).
    """
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from pygments.formatters import HtmlFormatter

    env = _exporter().environment
    parts = [env.loader.get_source(env, name)[0] for name in ("static/index.css",
                                                              "static/theme-light.css")]  # fmt: skip
    pygments = CSSHTMLHeaderPreprocessor()  # its CSS, dropped from the pages (_lean_page)
    parts.append(HtmlFormatter(style=pygments.style).get_style_defs(pygments.highlight_class))
    return "\n".join(parts) + "\n"


def export_html(
    notebook_path: Path,
    html_path: Path | None = None,
    *,
    title: str | None = None,
    stylesheet: str | None = None,
) -> Path:
    """Export an executed notebook to a code-free HTML page that loads nothing from the network.

    Uses nbconvert's ``HTMLExporter`` with the shipped ``offline`` template, inputs and
    input/output prompts excluded. The file is written to a temporary file in the target
    directory and then moved into place, so readers never see half a page.

    Parameters
    ----------
    notebook_path
        An executed ``.ipynb``.
    html_path
        Target file; default the notebook path with ``.html``.
    title
        The page's ``<title>`` (the browser tab, bookmarks); default the notebook's metadata
        ``title``, else the briefing's own header (its ``<h1>`` and quarter), else the file
        name.
    stylesheet
        A relative URL of :func:`lab_stylesheet` written beside the page (a quarter folder's
        :data:`LAB_STYLESHEET`): the page links it instead of inlining JupyterLab's CSS
        (140 KB a page), and inlines only a small critical subset so that the page copied
        alone still reads well. Default None: the page is self-contained.

    Returns
    -------
    pathlib.Path
        ``html_path``.

    Raises
    ------
    NotebookRunError
        If the notebook cannot be read or exported.

    Examples
    --------
    >>> export_html(Path("reports/source_audit.ipynb"))  # doctest: +SKIP
    PosixPath('reports/source_audit.html')
    """
    import nbformat

    notebook_path = Path(notebook_path)
    target = Path(html_path) if html_path is not None else notebook_path.with_suffix(".html")
    started = time.perf_counter()
    try:
        nb = nbformat.read(notebook_path, as_version=4)
        page_title = title or nb.metadata.get("title") or _page_title(nb)
        if page_title:  # the lab template's <title> is metadata.title, else the file name
            nb.metadata["title"] = page_title
        resources: dict[str, Any] = {"metadata": {"name": notebook_path.stem}}
        if stylesheet:
            resources["ta_stylesheet"] = stylesheet
        body, _ = _exporter().from_notebook_node(nb, resources=resources)
        body = _lean_page(body, shared=bool(stylesheet))
    except Exception as exc:
        raise NotebookRunError(
            f"could not export {notebook_path} to HTML: {type(exc).__name__}: {exc}"
        ) from exc
    _write_atomically(target, body)
    logger.info("exported %s in %.2f s", target.name, time.perf_counter() - started)
    return target


_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style>\s*", re.S)

#: The start of the pygments CSS nbconvert's lab template inlines (code highlighting; no
#: briefing shows code); a page sharing the stylesheet finds it there (:func:`lab_stylesheet`).
_PYGMENTS = "td.linenos .normal"


def _lean_page(page: str, *, shared: bool) -> str:
    """The page with each distinct ``<style>`` block once, where it first appears.

    The briefing components repeat their stylesheet in every output (about 4.8 KB, nine
    times a page) so that each renders alone in JupyterLab; on a page, the first copy is the
    one that counts (the same rules again later change nothing, as only copies of themselves
    come between). With a shared stylesheet, the pygments block goes too (it is in the file).
    """
    seen: set[str] = set()

    def keep(match: re.Match[str]) -> str:
        css = match.group(1).strip()
        if css in seen or (shared and _PYGMENTS in css):
            return ""
        seen.add(css)
        return match.group(0)

    return _STYLE_BLOCK.sub(keep, page)


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)  # mkstemp makes 0600; a briefing is meant to be shared
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------- export in its own process

#: Marks the export process's answers on its stdout (anything else printed there is ignored).
_ANSWER = "\x1eta-export "


class ExportProcess:
    """Export pages (:func:`export_html`) in a Python process of its own, one page after another.

    A quarterly run's driver holds papermill's clients of every kernel; exporting there too
    takes the GIL from them (about 0.1 s a page), and a kernel waits while its page is
    exported. Here the driver only sends the paths: ``submit`` returns at once and ``done`` is
    called (from a reader thread) when the page is written, with the seconds it took and the
    error's text or None. The process imports nbconvert once, reuses one exporter and exits
    when its input closes or the driver is gone (a killed run leaves no exporter behind).

    Examples
    --------
    >>> with ExportProcess() as exports:  # doctest: +SKIP
    ...     exports.submit(Path("a.ipynb"), Path("a.html"), title="甲", done=print)
    """

    def __init__(self) -> None:
        import subprocess

        self._proc = subprocess.Popen(
            [sys.executable, "-c", "from taskanalytics.runner import _serve_exports as s; s()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
        )  # fmt: skip
        self._pending: dict[int, Any] = {}
        self._lock = threading.Lock()
        self._next = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def submit(
        self, notebook: Path, html_path: Path, *, title: str | None = None,
        stylesheet: str | None = None, done: Any = None,
    ) -> None:  # fmt: skip
        """Queue ``export_html(notebook, html_path, title=..., stylesheet=...)``."""
        import json

        with self._lock:
            self._next += 1
            key = self._next
            self._pending[key] = done
            line = json.dumps({"id": key, "notebook": str(notebook), "html": str(html_path),
                               "title": title, "stylesheet": stylesheet}, ensure_ascii=False)  # fmt: skip
            try:
                self._proc.stdin.write(line + "\n")  # type: ignore[union-attr]
                self._proc.stdin.flush()  # type: ignore[union-attr]
            except OSError as exc:  # the process died: answered by the reader's end of input
                self._pending.pop(key, None)
                if done is not None:
                    done(0.0, f"the export process is gone: {exc}")

    def _read(self) -> None:
        import json

        for line in self._proc.stdout:  # type: ignore[union-attr]
            if not line.startswith(_ANSWER):
                continue
            answer = json.loads(line[len(_ANSWER) :])
            with self._lock:
                done = self._pending.pop(answer["id"], None)
            if done is not None:
                done(answer["seconds"], answer["error"])
        with self._lock:  # its output ended: whatever was not answered failed
            left, self._pending = list(self._pending.values()), {}
        for done in left:
            if done is not None:
                done(0.0, f"the export process ended (exit status {self._proc.wait()})")

    def close(self) -> None:
        """Wait for every queued page, then end the process."""
        try:
            self._proc.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass
        self._reader.join()
        self._proc.wait()

    def __enter__(self) -> ExportProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve_exports() -> None:
    """The export process: one JSON request a line on stdin, one answer a line on stdout."""
    import json

    parent = os.getppid()
    for line in sys.stdin:
        if os.getppid() != parent:  # the driver was killed: write nothing more
            return
        job = json.loads(line)
        started = time.perf_counter()
        error = None
        try:
            export_html(
                Path(job["notebook"]), Path(job["html"]), title=job["title"],
                stylesheet=job["stylesheet"],
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - reported to the driver, which stops the run
            error = str(exc)
        answer = {"id": job["id"], "seconds": time.perf_counter() - started, "error": error}
        sys.stdout.write(_ANSWER + json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()

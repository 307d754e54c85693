"""Check one uploaded progress report, and store it when asked: the logic of the 自查 page.

A clerk uploads a filled template (``.xlsx``, or a ``.csv``) through the check page
(:mod:`taskanalytics.checkpage`); :func:`check_upload` gets its bytes and the name the browser
gave, and answers what the clerk needs to know, in Chinese:

- whether the file would be accepted, and every problem found (:meth:`RowProblem.zh
  <taskanalytics.errors.RowProblem.zh>` sentences, in Excel's terms);
- the warnings (values accepted but worth a second look), shown as 提醒;
- with ``submit=True`` and no problem: that it is now in the store, or was already there.

The bytes are written to a private temporary folder (mode 0700, removed afterwards) under a
name made from the upload's base name with anything unsafe replaced (:func:`safe_file_name`):
the browser's name is never used as a path. The size limit of :mod:`taskanalytics.limits`
(``max_file_mb``) is checked before anything is written. Nothing is stored for a file with a
problem: validation runs first, with the same rules as ``taskanalytics ingest``, and
:func:`~taskanalytics.progress.store.ingest_files` validates again in its own transaction.
"""

from __future__ import annotations

import logging
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from taskanalytics.errors import RowProblem, StoreError, ValidationError
from taskanalytics.limits import MB, Limits, current_limits
from taskanalytics.plan.build import PlanLike
from taskanalytics.plan.identity import plan_identity
from taskanalytics.progress.db import writable

__all__ = [
    "CheckResult",
    "check_upload",
    "require_writable_store",
    "safe_file_name",
    "versions_lookup",
]

logger = logging.getLogger("taskanalytics")

#: Longest file name kept, in characters (before the suffix); the rest is cut.
MAX_NAME_CHARS = 80

#: The name used when nothing of the browser's name is usable.
FALLBACK_STEM = "报送文件"

# Characters no stored name may hold: path separators, what Windows refuses, controls.
_UNSAFE = re.compile(r'[/\\<>:"|?*\x00-\x1f\x7f]')
_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")


@dataclass(frozen=True)
class CheckResult:
    """What :func:`check_upload` found and did, in the words the clerk reads.

    Attributes
    ----------
    file_name
        The name the file was checked and (if stored) recorded under (:func:`safe_file_name`
        of the upload's name).
    accepted
        True when the file has no problem: it would be (or was) accepted.
    unit, quarter
        The reporting unit and quarter the file says, when it was read (None otherwise).
    problems
        One Chinese sentence per problem; empty when accepted.
    warnings
        One Chinese sentence per warning (提醒): accepted, but worth a second look.
    submitted
        True when the caller asked to store the file.
    stored
        True when this call wrote the file to the store.
    already_stored
        True when the very same file (the same bytes) was already in the store; nothing was
        written again.
    """

    file_name: str
    accepted: bool
    unit: str | None = None
    quarter: str | None = None
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    submitted: bool = False
    stored: bool = False
    already_stored: bool = False

    @property
    def in_store(self) -> bool:
        """True when the file is in the store now (stored by this call, or before)."""
        return self.stored or self.already_stored


def safe_file_name(name: str | None) -> str:
    """Return a file name safe to create in a private folder, made from an upload's name.

    Only the last path component is kept (a browser may send ``C:\\fakepath\\x.xlsx``);
    path separators, characters Windows refuses and control characters become ``_``; leading
    dots and spaces are dropped; the stem is cut to :data:`MAX_NAME_CHARS`. The suffix is kept
    (lower-cased) when it looks like one (``.xlsx``, ``.xls``, ``.csv`` …), since the intake
    tells a clerk what to do about a ``.xls`` from it.

    Parameters
    ----------
    name
        The name the browser gave; may be empty or None.

    Returns
    -------
    str
        A non-empty name without any path separator.

    Examples
    --------
    >>> safe_file_name("../../etc/财政局_2023Q2.XLSX")
    '财政局_2023Q2.xlsx'
    >>> safe_file_name("C:\\\\fakepath\\\\.hidden.xls")
    'hidden.xls'
    >>> safe_file_name("")
    '报送文件'
    """
    base = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip().lstrip(". ")
    stem, dot, suffix = base.rpartition(".")
    if not dot or not _SUFFIX.match("." + suffix) or not stem.strip(". "):
        stem, suffix = base, ""
    stem = stem[:MAX_NAME_CHARS].rstrip(". ") or FALLBACK_STEM
    return f"{stem}.{suffix.lower()}" if suffix else stem


def versions_lookup(plans: Iterable[PlanLike]) -> Callable[[str], PlanLike | None]:
    """Find a plan among ``plans`` (the versions of one plan) by its source's hash.

    The ``versions`` argument of :func:`~taskanalytics.progress.intake.read_progress_file`,
    built from the plan documents themselves (the workspace's ``versions``), so a template made
    before a 调整 is checked against its own version without reading the store.

    Parameters
    ----------
    plans
        Parsed versions of one plan.

    Returns
    -------
    callable
        ``sha256 -> plan`` (None when no version has that hash).
    """
    by_hash = {plan_identity(p).sha256: p for p in plans}
    return by_hash.get


def require_writable_store(store: str | Path) -> Path:
    """Check that a progress store exists and this process can write it.

    Parameters
    ----------
    store
        The store's SQLite file.

    Returns
    -------
    pathlib.Path
        The store's absolute path.

    Raises
    ------
    StoreError
        If the file does not exist, is not a file, or it (or its folder) is read-only for
        this user.
    """
    path = Path(store).expanduser().resolve()
    if not path.exists():
        raise StoreError(
            f"{path}: the progress store does not exist; create it with a first "
            "`taskanalytics ingest` (or `taskanalytics demo-progress`), give --store, or check "
            "files only with --check-only"
        )
    if not path.is_file():
        raise StoreError(f"{path}: expected a progress store (an SQLite file), found a folder")
    if not writable(path):
        raise StoreError(
            f"{path}: the progress store is read-only for this user (the file or its folder is "
            "not writable); fix the permissions or check files only with --check-only"
        )
    return path


def _too_big(file_name: str, size: int, limits: Limits) -> RowProblem:
    """The problem of an upload over ``max_file_mb`` (refused before it is written)."""
    cap = f"{limits.max_file_mb:g}"
    return RowProblem(
        file_name, None, 0, "<file>", f"{size / MB:.1f} MB",
        f"a file of at most {cap} MB ({limits.hint('max_file_mb')})",
        expected_zh=f"文件大小为 {size / MB:.1f} MB，超过 {cap} MB 的上限；请报送督查室下发的"
        "模板，删除多余的工作表和图片后重新上传",
    )  # fmt: skip


def check_upload(
    data: bytes | bytearray | memoryview,
    file_name: str | None,
    *,
    plan: PlanLike,
    versions: Callable[[str], PlanLike | None] | None = None,
    store: str | Path | None = None,
    submit: bool = False,
    limits: Limits | None = None,
) -> CheckResult:
    """Check an uploaded progress report and, with ``submit``, add it to the store.

    Parameters
    ----------
    data
        The file's bytes, as uploaded.
    file_name
        The name the browser gave; only its base name is used, made safe
        (:func:`safe_file_name`). Never used as a path.
    plan
        The plan the report is about (its latest version); not modified.
    versions
        Finds an earlier version of ``plan`` by its hash (:func:`versions_lookup`), for a
        template made before a 调整.
    store
        The progress store's SQLite file; required when ``submit``.
    submit
        Store the file when it has no problem. False only checks it.
    limits
        Input limits; default :func:`taskanalytics.limits.current_limits`.

    Returns
    -------
    CheckResult
        Accepted or not, the unit and quarter, problems and warnings in Chinese, and whether
        the file is now in the store. A file with a problem is never stored.

    Raises
    ------
    StoreError
        With ``submit``: no ``store`` given, or the store cannot be opened or written (then
        nothing was stored).
    TaskAnalyticsError
        Any other library error while reading the plan's versions or writing the store.

    Examples
    --------
    >>> result = check_upload(path.read_bytes(), path.name, plan=plan)  # doctest: +SKIP
    >>> result.accepted, result.problems  # doctest: +SKIP
    (False, ('第 2 行（节点 T003.02）「状态」列：填写的“完工”不是可选的状态……',))
    """
    from taskanalytics.progress.intake import read_progress_file
    from taskanalytics.progress.store import ingest_files

    if submit and store is None:
        raise StoreError("check_upload(submit=True) needs the progress store's path")
    name = safe_file_name(file_name)
    data = bytes(data)
    limits = limits or current_limits()
    if len(data) > limits.max_file_mb * MB:
        problem = _too_big(name, len(data), limits)
        logger.info("check page: %s refused: %s", name, problem)
        return CheckResult(name, False, problems=(problem.zh(),), submitted=submit)
    with tempfile.TemporaryDirectory(prefix="taskanalytics-check-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            pf = read_progress_file(path, plan=plan, versions=versions, limits=limits)
        except ValidationError as err:
            logger.info("check page: %s refused: %d problem(s)", name, len(err.problems))
            return CheckResult(name, False, problems=tuple(err.zh_lines()), submitted=submit)
        warnings = tuple(w.zh() for w in pf.warnings)
        result = CheckResult(name, True, pf.unit, pf.quarter, warnings=warnings)
        if not submit:
            return result
        try:
            done = ingest_files([path], plan=plan, store=store)
        except ValidationError as err:  # the store knows the plan differently than the page
            logger.warning("check page: %s valid but refused by ingest: %s", name, err)
            return CheckResult(name, False, pf.unit, pf.quarter, tuple(err.zh_lines()),
                               warnings, submitted=True)  # fmt: skip
    stored, skipped = bool(done.ingested), bool(done.skipped)
    logger.info("check page: %s %s", name, "ingested" if stored else "already in the store")
    return CheckResult(name, True, pf.unit, pf.quarter, (), warnings, True, stored, skipped)

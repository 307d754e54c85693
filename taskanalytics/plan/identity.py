"""Which plan is this? A stable identity for a plan document and its versions.

A plan is known by a short **name** (``2023-工作报告``, ``2023-民生实事``: the workspace's
choice, else its year and kind), its **year** and its **document number**; one *version* of it is
the exact source file, known by the SHA-256 of its bytes. A plan revised mid-year (调整) keeps
its name and year and gets a new version. The progress store keys every report on a version
(:mod:`taskanalytics.progress.store`) and a template carries the identity of the version it was
made from (:mod:`taskanalytics.progress.templates`), so nothing made for one plan or year is
counted for another.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from taskanalytics.errors import TaskAnalyticsError

__all__ = ["KIND_LABELS", "PlanIdentity", "default_plan_name", "plan_identity", "plan_kind"]

#: Chinese name of a plan by what it holds (used in default plan names and on pages).
KIND_LABELS: dict[str, str] = {"work_report": "工作报告", "livelihood": "民生实事"}


@dataclass(frozen=True)
class PlanIdentity:
    """Who a plan is: name, year, document number, and the hash of the version's source.

    Attributes
    ----------
    name
        Short name, unique in a store (``2023-工作报告``).
    year
        The plan year.
    doc_number
        The 文号 (``双区政办发〔2023〕1号``), or None when the document has none.
    sha256
        Hex SHA-256 of the source file read (of the tables, for a plan built in memory).
    title
        The document's title (for messages and pages).
    kind
        ``work_report`` or ``livelihood`` (a document holding only 民生实事).
    name_given
        Whether ``name`` was given (``read_plan(..., name=...)``, the workspace) rather than
        made up by :func:`default_plan_name`: a store that registered the same source under
        another name answers to a made-up name, never to a given one.
    """

    name: str
    year: int
    doc_number: str | None
    sha256: str
    title: str = ""
    kind: str = "work_report"
    name_given: bool = False

    @property
    def short_sha(self) -> str:
        """The first 12 hex digits of the version hash (as printed to people)."""
        return self.sha256[:12]

    def describe(self) -> str:
        """One line in Chinese: ``2023-工作报告（双区政办发〔2023〕1号，版本 1a2b3c4d5e6f）``."""
        doc = f"{self.doc_number}，" if self.doc_number else ""
        return f"{self.name}（{doc}版本 {self.short_sha}）"


def plan_kind(tasks: pd.DataFrame) -> str:
    """``livelihood`` when every task is a 民生实事, else ``work_report``."""
    sections = set(tasks["section"]) if "section" in tasks else set()
    return "livelihood" if sections == {"livelihood"} else "work_report"


def default_plan_name(year: int, kind: str) -> str:
    """The name a plan gets when the workspace does not give one: ``<year>-<kind in Chinese>``.

    Examples
    --------
    >>> default_plan_name(2024, "livelihood")
    '2024-民生实事'
    """
    return f"{year}-{KIND_LABELS.get(kind, kind)}"


def _tables_sha256(plan: Any) -> str:
    digest = hashlib.sha256()
    for name in ("tasks", "milestones", "targets"):
        frame = getattr(plan, name).astype(str)
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def plan_identity(plan: Any) -> PlanIdentity:
    """Return the identity of a plan read by :func:`taskanalytics.read_plan`.

    Parameters
    ----------
    plan
        A :class:`~taskanalytics.plan.build.Plan` (or anything with its ``meta`` and frames).
        ``meta["name"]`` is used when set (``read_plan(..., name=...)``), else
        :func:`default_plan_name`; ``meta["source_sha256"]`` when set, else a hash of the tables.

    Returns
    -------
    PlanIdentity

    Raises
    ------
    TaskAnalyticsError
        If the plan has no year.

    Examples
    --------
    >>> from taskanalytics import read_plan
    >>> from taskanalytics.config import DEFAULT_PLAN_PATH
    >>> plan_identity(read_plan(DEFAULT_PLAN_PATH)).name
    '2023-工作报告'
    """
    meta: Mapping[str, Any] = plan.meta
    year = meta.get("year")
    if not isinstance(year, int):
        raise TaskAnalyticsError(f"plan {meta.get('source', '')!s}: no plan year in its meta")
    kind = meta.get("kind") or plan_kind(plan.tasks)
    return PlanIdentity(
        name=str(meta.get("name") or default_plan_name(year, kind)),
        year=year,
        doc_number=meta.get("doc_number") or None,
        sha256=str(meta.get("source_sha256") or _tables_sha256(plan)),
        title=str(meta.get("title") or meta.get("table_title") or ""),
        kind=kind,
        name_given=bool(meta.get("name")),
    )

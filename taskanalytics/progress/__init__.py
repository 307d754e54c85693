"""Stage 2, progress: what units report each quarter, validated and kept.

:mod:`~taskanalytics.progress.templates` writes each lead unit's Excel template,
:mod:`~taskanalytics.progress.intake` reads and validates a filled one,
:mod:`~taskanalytics.progress.store` keeps every accepted report in an append-only SQLite file
(:func:`load_progress`, :func:`load_progress_history`; the intake's warnings of each stored file:
:func:`load_warnings`) and the 督查室's 研判 of each task
(:mod:`~taskanalytics.progress.judgements`), and :mod:`~taskanalytics.progress.demo`
fills templates with labelled 示例数据. The templates' Chinese words are
:mod:`~taskanalytics.progress.vocab`.

Importing this package loads neither openpyxl nor the intake: the store's readers are plain
SQLite and pandas, so the assessment and the briefings can read progress without the Excel layer.
"""

from __future__ import annotations

from taskanalytics.progress.judgements import (
    JUDGEMENT_LABELS,
    load_judgements,
    read_judgement_file,
    record_judgements,
    write_judgement_template,
)
from taskanalytics.progress.store import (
    ProgressStore,
    load_progress,
    load_progress_history,
    load_warnings,
    open_store,
)

__all__ = [
    "JUDGEMENT_LABELS",
    "ProgressStore",
    "load_judgements",
    "load_progress",
    "load_progress_history",
    "load_warnings",
    "open_store",
    "read_judgement_file",
    "record_judgements",
    "write_judgement_template",
]

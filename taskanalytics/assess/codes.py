"""The integer codes the engine computes with: statuses, bands, lights, the unit's own word.

Verdicts are held in small integer arrays (one entry per milestone or target) and turned into
Chinese categoricals only when a table is built. Each code here is the position of its label in
:mod:`taskanalytics.assess.vocab` (or :mod:`taskanalytics.progress.vocab` for the unit's word), so
``pandas.Categorical.from_codes(codes, categories=labels)`` gives the label; the check at the end
of this module keeps the two in step.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final

import numpy as np

from taskanalytics.assess import vocab as va
from taskanalytics.progress import vocab as vp

__all__ = ["Band", "Light", "Reported", "STATUS_BY_SEVERITY", "SEVERITY", "Status"]


class Status(IntEnum):
    """Schedule verdict of a milestone (``vocab.STATUS_LABELS``, same order)."""

    ON_TIME = 0  # 按期完成
    DONE_LATE = 1  # 逾期完成
    OVERDUE = 2  # 逾期未完成
    NOT_REPORTED = 3  # 未报送
    DUE_TODAY = 4  # 今日到期
    DUE_SOON = 5  # 临期
    IN_PROGRESS = 6  # 推进中
    NOT_STARTED = 7  # 未启动
    NOT_DUE = 8  # 未到期


class Band(IntEnum):
    """Achievement band of a target (``vocab.BAND_LABELS``, same order)."""

    MET = 0  # 达标
    NEARLY_MET = 1  # 基本达标
    BEHIND = 2  # 滞后
    NO_DATA = 3  # 无数据
    NOT_DUE = 4  # 未到期 (a series point after the as-of date)


class Light(IntEnum):
    """Traffic light of a milestone or a roll-up row (``vocab.LIGHT_LABELS``); worse is larger."""

    GREEN = 0
    YELLOW = 1
    RED = 2


class Reported(IntEnum):
    """The status word a unit reported (``progress.vocab.STATUS_LABELS``, same order)."""

    DONE = 0  # 已完成
    IN_PROGRESS = 1  # 推进中
    NOT_STARTED = 2  # 未启动
    LATE = 3  # 滞后


#: Severity of each status code (``SEVERITY[Status.OVERDUE]`` is the worst), from the vocabulary.
SEVERITY: Final = np.array([va.STATUS_SEVERITY[s.name.lower()] for s in Status], dtype=np.int64)
#: The inverse: the status of each severity (severities are a permutation of the status codes).
STATUS_BY_SEVERITY: Final = np.argsort(SEVERITY)


def _check(codes: type[IntEnum], labels: dict[str, str]) -> None:
    names = [c.name.lower() for c in codes]
    if names != list(labels) or [int(c) for c in codes] != list(range(len(labels))):
        raise RuntimeError(f"{codes.__name__} is out of step with its labels: {list(labels)}")


_check(Status, va.STATUS_LABELS)
_check(Band, va.BAND_LABELS)
_check(Light, va.LIGHT_LABELS)
_check(Reported, vp.STATUS_LABELS)
if sorted(SEVERITY.tolist()) != list(range(len(Status))):
    raise RuntimeError(f"STATUS_SEVERITY must be a permutation of 0..{len(Status) - 1}")

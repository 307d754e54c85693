"""Quantitative targets: every number with a unit in a milestone's text.

``新开工项目5个、复工项目30个`` gives two targets. A target's ``comparator`` is ``>=`` after
以上/不低于/不少于/至少/突破/超过, ``<=`` after 以内/以下/不超过/不高于/控制在/低于 (a word right
after the number wins over one before it; the word nearest the number wins among those before
it), else ``=``. Money is normalized to 万元, area to 平方米,
volume to 立方米; counts keep their measure word. Numbers without a unit (``315转播台``,
``12345热线``, ``6.5环境日``, years) are not targets, nor are capacities such as ``10000吨/年``.

A target's ``metric`` names the quantity: the words before the number in its clause, with fillers
such as 完成/累计/达到 removed (``一般公共预算收入累计完成20300万元`` → 一般公共预算收入), joined
with the noun after it when the number qualifies a noun (``开展1次银企对接会``).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from taskanalytics.plan import vocab

_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
#: A full-width digit or point: a text without one is read as it is (translating costs more
#: than looking).
_FULLWIDTH_RE = re.compile("[０-９．]")
_DROP_QUOTES = str.maketrans("", "", vocab.QUOTES)


@dataclass(frozen=True)
class Target:
    """One quantity: its name, value in the normalized unit, unit and comparator."""

    metric: str
    value: float
    unit: str
    comparator: str
    raw: str


def _drop_date_phrases(text: str) -> str:
    return vocab.DATE_PHRASE_RE.sub("", text)


@functools.lru_cache(maxsize=4096)
def _strip_fillers(name: str) -> str:
    """A quantity's name without filler words and quotes; cached, as a plan names the same
    quantity in many milestones (and many quantities have no noun after the number: ``""``)."""
    for word in vocab.INNER_FILLERS:
        name = name.replace(word, "")
    name = name.translate(_DROP_QUOTES)
    changed = True
    while changed:
        changed = False
        name = name.strip("、和及与并 \u3000" + vocab.QUOTES)
        if name.startswith(vocab.LEADING_FILLERS):  # any filler at all: then word by word
            for word in vocab.LEADING_FILLERS:
                if name.startswith(word) and len(name) > len(word):
                    name, changed = name[len(word) :], True
        if name.endswith(vocab.TRAILING_FILLERS):
            for word in vocab.TRAILING_FILLERS:
                if name.endswith(word):
                    name, changed = name[: -len(word)], True
    return name


def _clause_start(text: str, pos: int) -> int:
    k = pos
    while k > 0 and text[k - 1] not in vocab.CLAUSE_DELIMS:
        k -= 1
    return k


def _comparator_before(before: str) -> str:
    """``>=``/``<=`` from the comparator word nearest the number in its clause, else ``=``."""
    words = vocab.COMPARATOR_BEFORE_RE.findall(before)
    return vocab.COMPARATOR_BEFORE[words[-1]] if words else "="


def extract_targets(text: str) -> list[Target]:
    """Return the quantitative targets in a milestone's text, in printed order.

    Parameters
    ----------
    text
        A leaf milestone's text.

    Returns
    -------
    list of Target

    Examples
    --------
    >>> [(t.metric, t.value, t.unit) for t in extract_targets("3月底前，化解政府性债务17501万元")]
    [('化解政府性债务', 17501.0, '万元')]
    """
    norm = text.translate(_FULLWIDTH) if _FULLWIDTH_RE.search(text) else text
    matches = list(vocab.QUANTITY_RE.finditer(norm))
    targets: list[Target] = []
    consumed = 0  # text before this index is already named by an earlier target
    for k, m in enumerate(matches):
        start = max(_clause_start(norm, m.start()), consumed)
        before_raw = norm[start : m.start()]
        comparator = _comparator_before(before_raw)
        after_start = m.end()
        for word, after_comparator in vocab.COMPARATOR_AFTER.items():
            if norm.startswith(word, after_start):
                comparator = after_comparator
                after_start += len(word)
        next_num = matches[k + 1].start() if k + 1 < len(matches) else len(norm)
        stop = after_start
        while stop < next_num and norm[stop] not in vocab.AFTER_STOPS:
            stop += 1
        after = norm[after_start:stop]
        # Text up to a delimiter is named here; text running into the next number is shared
        # ("完成2个老旧小区改造60%工程量": both quantities are about 老旧小区改造).
        consumed = stop + 1 if stop < next_num else after_start
        before = _strip_fillers(_drop_date_phrases(before_raw))
        after = _strip_fillers(after)
        metric = before + after if after else before
        if not metric:
            metric = _strip_fillers(norm[_clause_start(norm, m.start()) : m.start()])
        unit, factor = vocab.UNITS[m.group("unit")]
        value = round(float(m.group("num")) * factor, 6)
        if not math.isfinite(value):
            continue  # 400 digits before 万元 overflow a float: not a quantity anyone plans
        targets.append(Target(metric or "（未命名）", value, unit, comparator, m.group(0)))
    return targets

"""Chinese ordering of names a person picks from or reads down: plan order, else pinyin.

Python sorts Chinese by code point (交警大队, 人武部, 人社局 …), which no reader expects. Where the
plan has an order (sections, categories, tasks, metrics) that order is used; names it does not
order (lead units and leaders across tasks) are sorted by their pinyin (:mod:`pypinyin`), tones
breaking ties, then the name itself, so the order is total and stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

__all__ = ["chinese_order", "pinyin_key"]


@lru_cache(maxsize=4096)
def pinyin_key(name: str) -> tuple[tuple[str, ...], str]:
    """Return the sort key of a name: its syllables in pinyin with tone numbers, then the name.

    Parameters
    ----------
    name
        Any text; characters without pinyin (Latin, digits) sort as themselves, lower case.

    Returns
    -------
    tuple
        Compare keys to compare names (``sorted(names, key=pinyin_key)``).

    Examples
    --------
    >>> sorted(["人社局", "交警大队", "财政局"], key=pinyin_key)
    ['财政局', '交警大队', '人社局']
    """
    syllables = lazy_pinyin(name, style=Style.TONE3, errors=lambda s: [c.lower() for c in s])
    return tuple(syllables), name


def chinese_order(names: Iterable[object], plan: Iterable[object] | None = None) -> list[str]:
    """Return the distinct names in plan order where the plan has one, else in pinyin order.

    Parameters
    ----------
    names
        Names to order (duplicates, None and NaN dropped; the input is not modified).
    plan
        The plan's own order of (some of) these names; names it lists come first in that
        order, the others follow in pinyin order. None: pinyin order for all.

    Returns
    -------
    list of str

    Examples
    --------
    >>> chinese_order(["人武部", "交警大队", "人社局"])
    ['交警大队', '人社局', '人武部']
    >>> chinese_order(["乙", "甲", "丙"], plan=["丙", "甲"])
    ['丙', '甲', '乙']
    """
    distinct = list(dict.fromkeys(str(n) for n in names if isinstance(n, str) and n))
    ranked = [str(p) for p in plan or () if isinstance(p, str)]
    position = {n: i for i, n in enumerate(dict.fromkeys(ranked))}
    known = sorted((n for n in distinct if n in position), key=position.__getitem__)
    rest = sorted((n for n in distinct if n not in position), key=pinyin_key)
    return known + rest

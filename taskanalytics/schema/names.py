"""File names made from data (a unit's or leader's name, a metric) that every file system takes.

Which characters a name may keep is each caller's rule (:func:`taskanalytics.progress.templates.
template_filename`, :func:`taskanalytics.briefing.pages.page_stem`); this module holds what they
share: a length limit. A file name may be 255 bytes on Linux (ext4) and 255 UTF-16 units on
Windows; a unit name of 100 Chinese characters is already 300 bytes in UTF-8. A longer stem is cut
and given a short hash of the whole name, so two long names that share their beginning still get
two files.

Examples
--------
>>> fit_stem("财政局")
'财政局'
>>> len(fit_stem("长" * 200).encode("utf-8")) <= MAX_STEM_BYTES
True
"""

from __future__ import annotations

import hashlib

__all__ = ["MAX_STEM_BYTES", "fit_stem"]

#: The longest stem in UTF-8 bytes: room is left for a suffix (``_2023Q1.xlsx``, ``.html``), a
#: prefix (``unit-``) and the temporary name a file is first written under.
MAX_STEM_BYTES = 150
_HASH_CHARS = 8


def fit_stem(stem: str, *, key: str | None = None, max_bytes: int = MAX_STEM_BYTES) -> str:
    """Return ``stem``, or, if longer than ``max_bytes`` in UTF-8, its beginning plus a hash.

    Parameters
    ----------
    stem
        A file name stem already free of separators and reserved characters.
    key
        What the hash is taken of (default ``stem``): pass the original name, so names that
        differ only in characters the caller replaced still differ.
    max_bytes
        The limit.

    Returns
    -------
    str
        At most ``max_bytes`` bytes: ``<beginning>~<8 hex digits>`` when cut.
    """
    data = stem.encode("utf-8")
    if len(data) <= max_bytes:
        return stem
    digest = hashlib.sha256((key if key is not None else stem).encode("utf-8", "replace"))
    head = data[: max_bytes - _HASH_CHARS - 1].decode("utf-8", "ignore")  # whole characters only
    return f"{head}~{digest.hexdigest()[:_HASH_CHARS]}"

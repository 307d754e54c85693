"""Plan documents for the year-two tests, derived from the bundled seed by string edits.

Every function returns the *text* of a document in exactly the seed's style (the text export of
the Word table): the seed itself, the seed rolled to another year, its two sections as separate
documents, and a mid-year revision (调整). Because each is the seed with a few replacements,
they follow the seed; a replacement that no longer finds its text fails loudly
(:func:`_replace_once`) instead of silently producing a document that tests nothing.

The revision's facts are module constants (``REVISED_*``) so tests can assert on them.
"""

from __future__ import annotations

import re
from pathlib import Path

from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.plan.readers.text import decode

__all__ = [
    "REVISED_ADDED",
    "REVISED_ADDED_TEXT",
    "REVISED_DOC_NUMBER",
    "REVISED_DROPPED",
    "REVISED_ISSUED",
    "REVISED_REDATED",
    "REVISED_RENUMBERED",
    "REVISED_REWORDED",
    "SEED_YEAR",
    "livelihood_text",
    "revised_text",
    "seed_text",
    "work_report_text",
    "write_plan",
    "year_text",
]

SEED_YEAR = 2023

#: The header row of a task table, as the export prints it (a stray space before the first cell).
_HEADER = " \t类别\n"
#: What the livelihood table's note declares; used to find where that table starts.
_LIVELIHOOD_NOTE = "共确定工作任务10项、形成阶段性指标50个。"

# --------------------------------------------------------------------------- the revision

REVISED_DOC_NUMBER = "双区政办发〔2023〕9号"
REVISED_ISSUED = "2023年7月10日"
#: T003's （2）: a changed quantity (20300 -> 21000 万元), same label and date: old id -> new id.
REVISED_REWORDED = ("T003.02", "T003.02")
#: A new （2） inserted in T012 (5月底前): its id in the revised plan.
REVISED_ADDED = "T012.02"
#: T080's （2） (the 6.5环境日 campaign) removed: its id in the seed.
REVISED_DROPPED = "T080.02"
#: T045's （2） 体验馆试运营 moved from 6月底前 to 8月底前: old id -> new id.
REVISED_REDATED = ("T045.02", "T045.02")
#: Milestones whose text is unchanged but whose label (so id) moved: seed id -> revised id.
#: T012's （2）（3）（4） make room for the new （2）; T080's （3）（4） close the gap.
REVISED_RENUMBERED = {
    "T012.02": "T012.03",
    "T012.03": "T012.04",
    "T012.04": "T012.05",
    "T080.03": "T080.02",
    "T080.04": "T080.03",
}
#: The inserted milestone's text (without label).
REVISED_ADDED_TEXT = "5月底前，完成行政许可事项实施规范编制，报市政务服务中心备案"

# (old, new) edits of the revision; each old text must occur exactly once in the seed
_REVISION_EDITS: tuple[tuple[str, str], ...] = (
    # the letter
    ("双区政办发〔2023〕1号", REVISED_DOC_NUMBER),
    ("2023年区政府工作报告任务分解的通知", "2023年区政府工作报告任务分解（调整）的通知"),
    (
        "经区政府同意，现将《2023年区政府工作报告任务分解》印发给你们，",
        "经区政府同意，现将调整后的《2023年区政府工作报告任务分解》印发给你们，"
        "原任务分解（双区政办发〔2023〕1号）同时废止，",
    ),
    (
        "                              2023年3月16日",
        "                              " + REVISED_ISSUED,
    ),
    # reworded: a quantity changes
    (
        "（2）6月底前，一般公共预算收入累计完成20300万元；",
        "（2）6月底前，一般公共预算收入累计完成21000万元；",
    ),
    # added: a new （2） in T012, the later ones renumbered
    (
        "（2）6月底前，完善行政许可事项办事指南，线上线下同步更新；\n"
        "（3）9月底前，落实行政许可清单与市场准入负面清单、“互联网+监管”事项清单等有效衔接；\n"
        "（4）12月底前，更新调整区级行政许可事项并及时公布。",
        f"（2）{REVISED_ADDED_TEXT}；\n"
        "（3）6月底前，完善行政许可事项办事指南，线上线下同步更新；\n"
        "（4）9月底前，落实行政许可清单与市场准入负面清单、“互联网+监管”事项清单等有效衔接；\n"
        "（5）12月底前，更新调整区级行政许可事项并及时公布。",
    ),
    # dropped: T080's （2）, the later ones renumbered
    (
        "（2）6月底前，结合6.5环境日组织开展一次“无废城市”宣传活动；\n"
        "（3）9月底前，组织土壤污染重点监管单位",
        "（2）9月底前，组织土壤污染重点监管单位",
    ),
    (
        "（4）12月底前，完成2023年度变更“一住两公”用地土壤污染状况调查。",
        "（3）12月底前，完成2023年度变更“一住两公”用地土壤污染状况调查。",
    ),
    # redated: only the month changes
    ("（2）6月底前，体验馆试运营；", "（2）8月底前，体验馆试运营；"),
)


# --------------------------------------------------------------------------- helpers


def _replace_once(text: str, old: str, new: str) -> str:
    count = text.count(old)
    if count != 1:
        raise AssertionError(f"the seed should hold {old!r} exactly once, found {count}")
    return text.replace(old, new)


def _livelihood_start(text: str) -> int:
    """Offset of the livelihood table's header row (the header just before its note)."""
    note = text.index(_LIVELIHOOD_NOTE)
    return text.rindex(_HEADER, 0, note)


def _preamble_end(text: str) -> int:
    """Offset of the first table's header row: everything before it is the cover letter."""
    return text.index(_HEADER)


# A year as the document writes it: 2023年, 〔2023〕, or at the start of a quoted name
# (“2023辽宁网上年货节”). Quantities (2000万元) are left alone.
_YEAR_RE = re.compile(r"(?<![\d.])(20\d{2})(?=\s*年|〕)|(?<=[“\"])(20\d{2})(?!\d)")


def _shift_years(text: str, delta: int) -> str:
    def shift(m: re.Match[str]) -> str:
        return str(int(m.group(0)) + delta)

    return _YEAR_RE.sub(shift, text)


# --------------------------------------------------------------------------- the documents


def seed_text() -> str:
    """Return the bundled seed document, decoded (BOM and export artefacts removed)."""
    return decode(DEFAULT_PLAN_PATH)


def year_text(year: int) -> str:
    """Return the seed rolled to ``year``: every year it prints moves by ``year - 2023``.

    The document number (〔2023〕), the titles, the issue date (2023年3月16日) and the years
    in cells (2023年度, 2022年, “2023辽宁网上年货节”) all shift by the same number of years;
    month and day stay.
    """
    return _shift_years(seed_text(), year - SEED_YEAR)


def work_report_text(year: int = SEED_YEAR) -> str:
    """Return the seed without its 十件民生实事 table: the 122 work-report tasks only."""
    text = year_text(year)
    return text[: _livelihood_start(text)]


def livelihood_text(year: int = SEED_YEAR) -> str:
    """Return the 十件民生实事 table as a document of its own.

    Its cover letter is the seed's with the document number 双区政办发〔year〕2号, the title
    and table title 《year年区十件民生实事任务分解》 and the issue date year年3月20日; then the
    seed's livelihood header, note and ten rows.
    """
    text = year_text(year)
    letter = text[: _preamble_end(text)]
    letter = _replace_once(letter, f"〔{year}〕1号", f"〔{year}〕2号")
    letter = _replace_once(letter, f"{year}年3月16日", f"{year}年3月20日")
    letter = letter.replace("区政府工作报告任务分解", "区十件民生实事任务分解")
    return letter + text[_livelihood_start(text) :]


def revised_text() -> str:
    """Return a mid-year revision (调整) of the 2023 seed.

    双区政办发〔2023〕9号 of 2023年7月10日, replacing 〔2023〕1号. Against the seed it rewords
    one milestone (:data:`REVISED_REWORDED`), inserts one in the middle of a task
    (:data:`REVISED_ADDED`), drops one from another task (:data:`REVISED_DROPPED`), moves one
    milestone's due month (:data:`REVISED_REDATED`); the later milestones of the two changed
    tasks are renumbered (:data:`REVISED_RENUMBERED`). Tasks are the same 122 + 10.
    """
    text = seed_text()
    for old, new in _REVISION_EDITS:
        text = _replace_once(text, old, new)
    return text


def write_plan(folder: Path, text: str, name: str = "plan.txt") -> Path:
    """Write ``text`` to ``folder / name`` in UTF-8 and return the path."""
    path = Path(folder) / name
    path.write_text(text, encoding="utf-8")
    return path

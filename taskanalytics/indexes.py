"""The index pages of the reports: a quarter's ``index.html`` and the plans' ``index.html``.

:func:`write_index` writes a quarter's page (headline numbers, 单位排名, every briefing grouped,
the source files with their hashes); :func:`write_root_index` the reports root's, linking every
plan's published quarters. :func:`taskanalytics.quarterly.run_quarter` calls both.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pandas as pd

from taskanalytics.quarters import Quarter

if TYPE_CHECKING:
    from taskanalytics.quarterly import Briefing

__all__ = ["GROUPS", "write_index", "write_root_index"]

#: Index groups, in page order, with their Chinese headings.
GROUPS: dict[str, str] = {
    "overview": "全区总览",
    "watchlist": "督办清单",
    "unit": "牵头单位简报",
    "leader": "分管领导简报",
    "indicator": "指标专题",
    "audit": "源文件质量检查",
}


def _quarter_dirs(folder: Path) -> list[Quarter]:
    """Quarters published in ``folder`` (sub-folders named like 2023Q2 with an index), newest
    first."""
    found = []
    for sub in folder.iterdir() if folder.is_dir() else ():
        if sub.is_dir() and not sub.name.startswith(".") and (sub / "index.html").is_file():
            try:
                found.append(Quarter.parse(sub.name))
            except Exception:  # noqa: BLE001 - not a quarter folder: not listed
                continue
    return sorted(found, reverse=True)


def write_root_index(top: Path) -> Path:
    """Write ``<top>/index.html``: every plan's published quarters, newest first.

    A plan is a sub-folder of ``top`` holding quarter folders (``<plan>/<quarter>/index.html``,
    a link to the quarter's build, or a folder); quarter folders directly under ``top`` (the
    layout before plans) are listed as 未分计划. The page is written to a temporary file and
    renamed, so a reader never sees half of it; runs of other plans finishing at the same time
    take turns (``<top>/.index.lock``), so the last one written lists them all.

    Parameters
    ----------
    top
        The reports root.

    Returns
    -------
    pathlib.Path
        The index written.
    """
    import fcntl

    with open(top / ".index.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        return _write_root_index(top)


def _write_root_index(top: Path) -> Path:
    e = html.escape
    plans = []
    for sub in sorted(top.iterdir(), key=lambda p: p.name):
        if not sub.is_dir() or sub.name.startswith("."):
            continue
        quarters = _quarter_dirs(sub)
        if quarters:
            plans.append((sub.name, quarters))
    plans.sort(key=lambda item: (-item[1][0].year, item[0]))
    loose = _quarter_dirs(top)
    if loose:
        plans.append(("", loose))
    sections = []
    for name, quarters in plans:
        prefix = f"{quote(name)}/" if name else ""
        links = "".join(
            f'<li><a href="{e(prefix)}{e(q.label)}/index.html">{e(q.zh)}</a></li>' for q in quarters
        )
        heading = e(name) if name else "未分计划的早期简报"
        sections.append(f"<section><h2>{heading}</h2><ul>{links}</ul></section>")
    body = "".join(sections) or "<p>尚无已发布的简报。</p>"
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>督查简报目录</title>
<style>
body {{ font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif;
       max-width: 960px; margin: 0 auto; padding: 16px; color: #1f2d3d; line-height: 1.6; }}
h1 {{ font-size: 1.5em; }} h2 {{ font-size: 1.15em; border-bottom: 2px solid #2f6db5; }}
ul {{ columns: 4 9em; padding-left: 1.2em; }}
@media screen and (max-width: 600px) {{ body {{ padding: 8px; }} ul {{ columns: 2; }} }}
</style></head><body>
<h1>督查简报目录</h1>
<p>按计划列出各季度简报，最新的在前。</p>
{body}
</body></html>
"""
    target = top / "index.html"
    tmp = top / f".index.html.tmp-{os.getpid()}"
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return target


def write_index(
    folder: Path,
    briefings: Sequence[Briefing],
    *,
    quarter: str,
    as_of: dt.date,
    plan_file: Path,
    store_file: Path,
    ctx: Any = None,
) -> Path:
    """Write ``index.html``: headline numbers, 单位排名, every briefing grouped, the sources.

    Parameters
    ----------
    folder
        The folder holding the briefings (links are relative to it).
    briefings
        The briefings written there.
    quarter, as_of
        The quarter and the data's as-of date.
    plan_file, store_file
        The plan document and the progress store; the store's source files with an as-of date
        up to ``as_of`` are listed with their hashes (数据来源, at the end), and a 示例数据 banner
        shows when any is synthetic.
    ctx
        The quarter's :class:`~taskanalytics.briefing.BriefingContext` (the run loads it once):
        the page opens with its headline numbers (:func:`~taskanalytics.briefing.headline_cards`,
        the overview's figures) and the 单位排名, 先进 and 后进 named, each unit linked to its
        page when the run wrote one. Without it, the index lists the pages only.

    Returns
    -------
    pathlib.Path
    """
    if ctx is not None:  # the run's context already holds the reports up to the as-of date
        used = ctx.progress
    else:
        from taskanalytics.plan.build import read_plan
        from taskanalytics.progress.store import load_progress_history

        history = load_progress_history(store_file, plan=read_plan(plan_file))
        used = history[history["as_of_date"] <= pd.Timestamp(as_of)]
    files = (
        used.groupby(["source_file", "sha256"], as_index=False)
        .agg(
            unit=("unit", "first"), quarter=("quarter", "first"), synthetic=("is_synthetic", "max")
        )
        .sort_values(["quarter", "unit"], key=_pinyin_column)
    )
    synthetic = bool(files["synthetic"].any()) if len(files) else False
    e = html.escape
    sections = []
    for group, heading in GROUPS.items():
        items = [b for b in briefings if b.group == group]
        if not items:
            continue
        links = "".join(
            f'<li><a href="{e(quote(b.stem))}.html">{e(b.title)}</a>'
            + (f' · <a href="pdf/{e(quote(b.stem))}.pdf">PDF</a>'
               if (folder / "pdf" / f"{b.stem}.pdf").is_file() else "")
            + "</li>"
            for b in items
        )  # fmt: skip
        if group == "watchlist" and (folder / "watchlist.xlsx").is_file():
            links += '<li><a href="watchlist.xlsx">督办清单（Excel 表格）</a></li>'
        notice = f"督查通报_{quarter}.docx"  # briefing.pages.NOTICE_DOCX (not imported: heavy)
        if group == "watchlist" and (folder / notice).is_file():
            links += (
                f'<li><a href="{e(quote(notice))}">督查通报（Word 草稿，供修改后印发）</a></li>'
            )
        sections.append(f"<section><h2>{e(heading)}（{len(items)}）</h2><ul>{links}</ul></section>")
    rows = "".join(
        f"<tr><td>{e(str(r.quarter))}</td><td>{e(str(r.unit))}</td><td>{e(str(r.source_file))}</td>"
        f"<td><code>{e(str(r.sha256)[:12])}</code></td><td>{'是' if r.synthetic else '否'}</td></tr>"
        for r in files.itertuples(index=False)
    )
    banner = (
        '<div class="banner" role="alert">⚠ 示例数据：本期进度数据为程序生成的示例，'
        "不是各单位报送的真实进度，不得作为工作依据。</div>"
        if synthetic
        else ""
    )
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    opening = "" if ctx is None else _index_opening(ctx, briefings)
    zh = Quarter.parse(quarter).zh
    plan = _plan_words(ctx)
    version = "" if ctx is None or not ctx.version_text else f"　·　计划版本 {e(ctx.version_text)}"
    named = "" if ctx is None else f"计划 {e(ctx.plan_name)}　·　"
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(zh)}{e(plan)}任务推进督查简报</title>
<style>
body {{ font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif;
       max-width: 960px; margin: 0 auto; padding: 16px; color: #1f2d3d; line-height: 1.6; }}
h1 {{ font-size: 1.5em; margin: 0.2em 0; }} h2 {{ font-size: 1.15em; border-bottom: 2px solid #2f6db5; }}
.meta {{ color: #5a6b7d; }} ul {{ columns: 3 12em; padding-left: 1.2em; }}
.banner {{ background: #fdecea; color: #a61b1b; border: 2px solid #d93025; padding: 8px 12px;
          font-weight: 600; margin: 12px 0; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.9em; }}
td, th {{ border-bottom: 1px solid #dde3ea; padding: 4px 6px; text-align: left; }}
.scroll {{ overflow-x: auto; max-width: 100%; }} footer {{ margin-top: 2em; }}
summary {{ cursor: pointer; color: #3d4b5c; }}
@media screen and (max-width: 600px) {{ body {{ padding: 8px; }} ul {{ columns: 1; }} }}
@media print {{ ul {{ columns: 2; }} a {{ color: inherit; text-decoration: none; }} }}
</style></head><body>
<p class="meta"><a href="../../index.html">← 全部计划与季度</a></p>
<h1>{e(zh)}{e(plan)}任务推进督查简报</h1>
<p class="meta">{named}数据截至 {as_of:%Y-%m-%d}　·　生成时间 {e(now)}{version}</p>
{banner}
{opening}
{"".join(sections)}
<footer><h2>数据来源</h2>
<p class="meta">任务分解：{e(plan_file.name)}</p>
<details><summary>本期使用的报送文件及校验值（{len(files)} 份）</summary><div class="scroll">
<table><tr><th>季度</th><th>报送单位</th><th>文件</th><th>SHA-256</th><th>示例数据</th></tr>{rows}</table>
</div></details></footer></body></html>
"""
    target = folder / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


def _plan_words(ctx: Any) -> str:
    """政府工作报告 or 十件民生实事, by the kind of plan briefed."""
    from taskanalytics.plan.identity import plan_kind
    from taskanalytics.progress.vocab import README_PLAN_WORDS

    kind = "work_report" if ctx is None else plan_kind(ctx.plan.tasks)
    return README_PLAN_WORDS[kind]


def _index_opening(ctx: Any, briefings: Sequence[Briefing]) -> str:
    """The index's first sections: the quarter's headline numbers, then the 单位排名 with 先进
    and 后进 named; units link to the pages the run wrote (HTML text)."""
    from taskanalytics.assess import vocab as va
    from taskanalytics.briefing import headline_cards, unit_ranking_table
    from taskanalytics.briefing.pages import href

    e = html.escape
    pages = {b.key: href(f"{b.stem}.html") for b in briefings if b.group == "unit" and b.key}
    ranking = ctx.assessment.unit_ranking(ctx.quarter)

    def named(code: str) -> str:
        units = ranking.loc[ranking["standing"] == va.STANDING_LABELS[code], "unit"]
        return (
            "、".join(f'<a href="{e(pages[u])}">{e(u)}</a>' if u in pages else e(u) for u in units)
            or "无"
        )

    table = unit_ranking_table(ctx, links=pages).data
    return (
        f"<section><h2>本季度总体情况</h2>{headline_cards(ctx).data}</section>"
        "<section><h2>单位排名</h2>"
        f'<p class="meta"><b>先进：</b>{named("advanced")}　<b>后进：</b>{named("lagging")}</p>'
        f"<details open><summary>全部单位排名（{len(ranking)} 个单位）</summary>{table}</details>"
        "</section>"
    )


def _pinyin_column(column: pd.Series) -> pd.Series:
    """Units sort by their pinyin (财政局, 交警大队, 人社局), not by code point."""
    if column.name != "unit":
        return column
    from taskanalytics.plan.order import pinyin_key

    return column.astype(str).map(lambda name: pinyin_key(name))

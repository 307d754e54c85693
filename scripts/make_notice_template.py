"""Rebuild the Word template of the quarterly 督查通报 (GB/T 9704-2012 layout).

Run from the project root::

    .venv/bin/python scripts/make_notice_template.py

Writes ``taskanalytics/nbtemplates/notice/督查通报模板.docx``: a python-docx document whose
styles carry the official layout and whose text carries docxtpl (Jinja) placeholders, filled by
:func:`taskanalytics.briefing.notice.write_notice`. The office may restyle the template in Word
(fonts, sizes, the masthead, the prose) without touching code; the placeholders (``{{ … }}``,
``{%p … %}``, ``{%tr … %}``) must stay as they are, each within one run of text (retype a
placeholder in one go if Word splits it). See ``docs/notice.md``.

Layout (docs/notice.md, and ``../shared/notes/gongwen-format.md``):

- A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (text block 156 × 225 mm);
- 版头: the issuing office (发文机关标志) in red 方正小标宋简体, the issue number, a red line;
- title 二号 (22 pt) 方正小标宋简体, centred; body 三号 (16 pt) 仿宋_GB2312, 28 pt exact line
  spacing, two-character first-line indent; headings 一、 黑体, （一） 楷体_GB2312, 1. 仿宋;
- tables 五号 仿宋, header row repeated on every page;
- page numbers "— 1 —", 四号 宋体, odd pages right and even pages left, one character in;
- fonts not installed fall back: each font is declared in the font table with a Chinese
  charset (GB2312, 86), a family and an alternative name (``w:altName``: 宋体, 仿宋, 楷体,
  SimHei), which Word uses when the named font is missing; LibreOffice falls back through
  fontconfig to Noto Serif/Sans CJK SC (the language is set to zh-CN).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "taskanalytics" / "nbtemplates" / "notice" / "督查通报模板.docx"

# The fonts GB/T 9704 names, and what each falls back to where it is not installed.
XIAOBIAOSONG = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
#: name -> (altName, w:family, panose): the font table's declaration of each font.
FONT_TABLE = {
    XIAOBIAOSONG: ("宋体", "script", "02000000000000000000"),
    FANGSONG: ("仿宋", "modern", "02010609030101010101"),
    HEITI: ("SimHei", "modern", "02010609060101010101"),
    KAITI: ("楷体", "modern", "02010609030101010101"),
    SONGTI: ("SimSun", "auto", "02010600030101010101"),
}

RED = RGBColor(0xE6, 0x00, 0x12)
SAN_HAO, ER_HAO, SI_HAO, WU_HAO, XIAO_CHU = Pt(16), Pt(22), Pt(14), Pt(10.5), Pt(36)
LINE = Pt(28)  # 28 磅, exact: 22 lines on the 225 mm text block
INDENT = Pt(32)  # two characters of 三号
ZERO = Pt(0)


# --------------------------------------------------------------------------- fonts and styles


def set_fonts(rpr_owner, name: str) -> None:
    """Name ``name`` for every script of a style or run (no theme fonts left to override it)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), name)
    fonts.set(qn("w:hint"), "eastAsia")


def declare_fonts(doc) -> None:
    """Add the fonts to the font table with Chinese charset, family and alternative name."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    for name, (alt, family, panose) in FONT_TABLE.items():
        for old in root.findall(qn("w:font")):
            if old.get(qn("w:name")) == name:
                root.remove(old)
        root.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}">'
                f'<w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
                f'<w:charset w:val="86"/><w:family w:val="{family}"/>'
                '<w:pitch w:val="variable"/></w:font>'
            )
        )
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def set_lang(doc) -> None:
    """zh-CN for East Asian text in the document defaults (fallback picks SC glyphs)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    rpr.insert(
        0,
        parse_xml(
            f'<w:rFonts {nsdecls("w")} w:ascii="{FANGSONG}" w:hAnsi="{FANGSONG}" '
            f'w:eastAsia="{FANGSONG}" w:cs="{FANGSONG}"/>'
        ),
    )
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-US" w:eastAsia="zh-CN"/>'))


def paragraph_style(
    doc,
    name: str,
    *,
    font: str,
    size,
    bold: bool = False,
    color: RGBColor | None = None,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent=INDENT,
    line=LINE,
    before=ZERO,
    after=ZERO,
    base: str | None = "Normal",
):
    """Create (or reset) a paragraph style of the notice."""
    try:
        style = doc.styles[name]
    except KeyError:
        from docx.enum.style import WD_STYLE_TYPE

        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base and name != base:
        style.base_style = doc.styles[base]
    style.quick_style = True
    set_fonts(style.element, font)
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = color or RGBColor(0, 0, 0)
    pf = style.paragraph_format
    pf.alignment = align
    pf.first_line_indent = indent
    pf.left_indent = Pt(0)
    pf.space_before, pf.space_after = before, after
    if line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = line
    pf.widow_control = True
    return style


#: What follows ``w:pBdr`` in a paragraph's properties (the schema's order).
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
               "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
               "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
               "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
               "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
               "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")  # fmt: skip


def set_border(style, edges: str | None) -> None:
    """Give a paragraph style the borders ``edges`` (``w:pBdr`` children), or none."""
    ppr = style.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:pBdr")):
        ppr.remove(old)
    if edges is not None:
        ppr.insert_element_before(
            parse_xml(f"<w:pBdr {nsdecls('w')}>{edges}</w:pBdr>"), *_AFTER_PBDR
        )


def make_styles(doc) -> None:
    set_lang(doc)
    paragraph_style(doc, "Normal", font=FANGSONG, size=SAN_HAO, base=None)
    paragraph_style(doc, "Title", font=XIAOBIAOSONG, size=ER_HAO, indent=Pt(0),
                    align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36), after=LINE)  # fmt: skip
    for level, font, bold in ((1, HEITI, False), (2, KAITI, False), (3, FANGSONG, True)):
        style = paragraph_style(doc, f"Heading {level}", font=font, size=SAN_HAO, bold=bold)
        style.paragraph_format.keep_with_next = True
    paragraph_style(doc, "版头", font=XIAOBIAOSONG, size=XIAO_CHU, color=RED, indent=Pt(0),
                    align=WD_ALIGN_PARAGRAPH.CENTER, line=None, before=Pt(24))  # fmt: skip
    paragraph_style(doc, "发文字号", font=FANGSONG, size=SAN_HAO, indent=Pt(0),
                    align=WD_ALIGN_PARAGRAPH.CENTER, before=Pt(12))  # fmt: skip
    red_line = paragraph_style(doc, "红色分隔线", font=FANGSONG, size=Pt(6), indent=Pt(0),
                               line=None, after=LINE)  # fmt: skip
    set_border(red_line, '<w:bottom w:val="single" w:sz="18" w:space="1" w:color="E60012"/>')
    set_border(doc.styles["Title"], None)  # the default template's blue rule under the title
    paragraph_style(doc, "主送机关", font=FANGSONG, size=SAN_HAO, indent=Pt(0))
    paragraph_style(doc, "示例数据", font=HEITI, size=SAN_HAO, color=RED, bold=True)
    paragraph_style(doc, "落款", font=FANGSONG, size=SAN_HAO, indent=Pt(0),
                    align=WD_ALIGN_PARAGRAPH.RIGHT)  # fmt: skip
    paragraph_style(doc, "表格文字", font=FANGSONG, size=WU_HAO, indent=Pt(0), line=None,
                    align=WD_ALIGN_PARAGRAPH.LEFT)  # fmt: skip
    paragraph_style(doc, "表头文字", font=HEITI, size=WU_HAO, indent=Pt(0), line=None,
                    align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    paragraph_style(doc, "页码", font=SONGTI, size=SI_HAO, indent=Pt(0), line=None,
                    align=WD_ALIGN_PARAGRAPH.RIGHT)  # fmt: skip
    paragraph_style(doc, "页眉标记", font=HEITI, size=WU_HAO, color=RED, indent=Pt(0),
                    line=None, align=WD_ALIGN_PARAGRAPH.RIGHT)  # fmt: skip
    # keep the header and footer styles from adding tab stops or borders of their own
    for name in ("Header", "Footer"):
        doc.styles[name].base_style = doc.styles["Normal"]


# --------------------------------------------------------------------------- page


def page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(23)  # the number's line sits about 7 mm below the text block
    section.start_type = WD_SECTION.NEW_PAGE
    doc.settings.odd_and_even_pages_header_footer = True
    page_number(doc, section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    page_number(doc, section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    for header in (section.header, section.even_page_header):
        p = header.paragraphs[0]
        p.style = doc.styles["页眉标记"]
        p.add_run("{% if is_synthetic %}示例数据{% endif %}")


def page_number(doc, paragraph, align) -> None:
    """``— 1 —``: 四号 宋体, one character in from the outside margin."""
    paragraph.style = doc.styles["页码"]
    paragraph.alignment = align
    pf = paragraph.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        pf.right_indent = Pt(14)
    else:
        pf.left_indent = Pt(14)
    paragraph.add_run("— ")
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        )
    )
    paragraph.add_run(" —")


# --------------------------------------------------------------------------- tables


def loop_table(doc, rows: str, columns: list[tuple[str, str, float]]):
    """A table: a header row repeated on each page, then one row per item of ``rows``.

    ``rows`` is the context list (``watch_rows``); ``columns`` gives each column's header, the
    item's field (``{{ r.<field> }}``) and width in mm. The rows holding ``{%tr … %}`` vanish
    when rendered.
    """
    headers = [header for header, _, _ in columns]
    cells = [f"{{{{ r.{field} }}}}" for _, field, _ in columns]
    widths_mm = [width for _, _, width in columns]
    loop = f"r in {rows}"
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_pr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    total = int(sum(widths_mm) * 1440 / 25.4)
    tbl_pr.append(parse_xml(f'<w:tblW {nsdecls("w")} w:w="{total}" w:type="dxa"/>'))
    for i, w in enumerate(widths_mm):
        table.columns[i].width = Mm(w)
        for row in table.rows:
            row.cells[i].width = Mm(w)
    texts = [headers, [f"{{%tr for {loop} %}}"], cells, ["{%tr endfor %}"]]
    for row, values in zip(table.rows, texts, strict=True):
        for cell, text in zip(row.cells, values, strict=False):
            p = cell.paragraphs[0]
            p.style = doc.styles["表头文字" if row is table.rows[0] else "表格文字"]
            p.add_run(text)
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    for row in table.rows[1:]:  # a row is not split over two pages
        row._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    return table


def table_or_text(doc, rows: str, columns: list[tuple[str, str, float]], empty: str) -> None:
    """:func:`loop_table` of ``rows`` when it has any, else the sentence ``empty``."""
    tag(doc, f"{{%p if {rows} %}}")
    loop_table(doc, rows, columns)
    tag(doc, "{%p else %}")
    para(doc, empty)
    tag(doc, "{%p endif %}")


# --------------------------------------------------------------------------- content


def para(doc, text: str, style: str = "Normal"):
    return doc.add_paragraph(text, style=doc.styles[style])


def tag(doc, text: str):
    """A paragraph holding only a ``{%p … %}`` tag (removed when rendered)."""
    return doc.add_paragraph(text, style=doc.styles["Normal"])


def placeholder(doc, text: str) -> None:
    """A paragraph the office writes: highlighted in yellow so it is not missed."""
    p = doc.add_paragraph(style=doc.styles["Normal"])
    run = p.add_run(text)
    rpr = run._r.get_or_add_rPr()
    rpr.append(parse_xml(f'<w:highlight {nsdecls("w")} w:val="yellow"/>'))


def build() -> Document:
    doc = Document()
    make_styles(doc)
    declare_fonts(doc)
    page_setup(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):  # the default template's empty paragraph
        body.remove(p)
    core = doc.core_properties
    core.title, core.author, core.comments = "督查通报", "taskanalytics", "GB/T 9704-2012 版式模板"

    # 版头
    para(doc, "{{ issuer }}", "版头")
    para(doc, "{{ doc_number }}", "发文字号")
    para(doc, "", "红色分隔线")
    para(doc, "关于{{ quarter_zh }}全区重点工作任务推进情况的通报", "Title")
    tag(doc, "{%p if is_synthetic %}")
    para(doc, "【示例数据】本通报所用进度数据为程序生成的示例数据，仅供演示，不得作为工作依据。",
         "示例数据")  # fmt: skip
    tag(doc, "{%p endif %}")
    para(doc, "{{ recipients }}：", "主送机关")
    para(
        doc,
        "根据《{{ plan_title }}》，区政府督查室对{{ quarter_zh }}全区重点工作任务推进情况进行了"
        "督查。现将有关情况通报如下。",
    )

    # 一、总体情况
    para(doc, "一、总体情况", "Heading 1")
    para(
        doc,
        "截至{{ as_of_zh }}（{{ as_of_basis }}），全区{{ tasks }}项重点工作任务共分解为"
        "{{ milestones }}个工作节点，其中应完成节点{{ due }}个，已完成{{ done }}个"
        "（按期完成{{ done_on_time }}个、逾期完成{{ done_late }}个），逾期未完成{{ overdue }}个，"
        "未报送进度{{ not_reported }}个{% if due_today %}，当日到期{{ due_today }}个{% endif %}；"
        "按期完成率{{ on_time_rate_text }}"
        "{% if previous %}，{{ previous.change_text }}{% endif %}。",
    )
    para(
        doc,
        "本季度列入督办事项{{ watch_count }}项，其中新增{{ watch_new }}项、"
        "持续督办{{ watch_carried }}项。"
        "{% if silent_units %}有到期节点但本季度未报送进度的牵头单位{{ silent_units|length }}个："
        "{{ silent_units_text }}。{% else %}有到期节点的牵头单位均已报送进度。{% endif %}",
    )

    # 二、主要指标完成情况
    para(doc, "二、主要指标完成情况", "Heading 1")
    para(
        doc,
        "本季度纳入评估的量化指标{{ indicators }}个，其中达标{{ bands.met }}个、"
        "基本达标{{ bands.nearly_met }}个、滞后{{ bands.behind }}个、"
        "无数据{{ bands.no_data }}个。",
    )
    para(doc, "（一）主要预期目标", "Heading 2")
    table_or_text(
        doc,
        "main_rows",
        [
            ("指标", "metric", 36),
            ("牵头单位", "lead_units", 18),
            ("年度目标", "year_target", 20),
            ("本季目标", "target", 20),
            ("本季实际", "actual", 20),
            ("差距", "gap", 28),
            ("评价", "band", 14),
        ],
        "计划中没有主要预期目标。",
    )
    para(doc, "（二）滞后指标", "Heading 2")
    table_or_text(
        doc,
        "behind_rows",
        [
            ("节点编号", "milestone_id", 20),
            ("指标", "metric", 32),
            ("牵头单位", "lead_units", 18),
            ("截止日期", "due_date", 22),
            ("目标", "target", 20),
            ("实际", "actual", 22),
            ("差距", "gap", 22),
        ],
        "本季度没有滞后的量化指标。",
    )

    # 三、督办事项
    para(doc, "三、督办事项", "Heading 1")
    para(
        doc,
        "逾期未完成、量化指标欠进度或到期未报送的节点列入督办，共{{ watch_count }}项"
        "（{{ watch_reasons_text }}，一项可有多个原因），按严重程度、逾期天数排列如下。",
    )
    table_or_text(
        doc,
        "watch_rows",
        [
            ("节点编号", "milestone_id", 18),
            ("督办事项", "text", 46),
            ("牵头单位", "lead_units", 20),
            ("分管领导", "leaders", 19),
            ("督办原因", "reason", 19),
            ("逾期天数", "days_overdue", 15),
            ("类别", "carried", 19),
        ],
        "本季度没有需要督办的事项。",
    )

    # 四、单位排名
    para(doc, "四、单位排名", "Heading 1")
    para(
        doc,
        "按按期完成率排名，应完成节点不少于{{ ranking_min_due }}个的{{ ranked_count }}个单位参与；"
        "完成率相同的，逾期未完成少者在前，再以最长逾期天数少者在前。"
        "{% if unranked_count %}应完成节点不足{{ ranking_min_due }}个的{{ unranked_count }}个单位"
        "不参与排名。{% endif %}",
    )
    para(doc, "1.先进单位", "Heading 3")
    para(doc, "{% if advanced %}{{ advanced|join('、') }}。{% else %}本季度无。{% endif %}")
    para(doc, "2.后进单位", "Heading 3")
    para(doc, "{% if lagging %}{{ lagging|join('、') }}。{% else %}本季度无。{% endif %}")
    para(doc, "3.排名情况", "Heading 3")
    table_or_text(
        doc,
        "ranking_rows",
        [
            ("名次", "rank", 12),
            ("单位", "unit", 40),
            ("等次", "standing", 14),
            ("应完成", "due", 16),
            ("按期完成", "done_on_time", 18),
            ("逾期未完成", "overdue", 20),
            ("未报送", "not_reported", 16),
            ("按期完成率", "on_time_rate", 20),
        ],
        "本季度没有参与排名的单位。",
    )

    # 五、上期督办整改情况
    para(doc, "五、上期督办整改情况", "Heading 1")
    tag(doc, "{%p if not previous_listed %}")
    para(doc, "{{ previous_quarter_zh }}不在本年度评估范围内，无上期督办事项。")
    tag(doc, "{%p elif not rect_rows %}")
    para(doc, "{{ previous_quarter_zh }}没有督办事项。")
    tag(doc, "{%p else %}")
    para(
        doc,
        "{{ previous_quarter_zh }}督办事项{{ rect_rows|length }}项，已整改{{ rect_done }}项，"
        "未整改{{ rect_open }}项（已完成且不再列入本季度督办的为已整改）。",
    )
    loop_table(
        doc,
        "rect_rows",
        [
            ("节点编号", "milestone_id", 18),
            ("督办事项", "text", 44),
            ("牵头单位", "lead_units", 20),
            ("分管领导", "leaders", 19),
            ("上期督办原因", "reason", 19),
            ("目前状态", "status", 17),
            ("整改情况", "rectified", 19),
        ],
    )
    tag(doc, "{%p endif %}")

    # 六、下一步工作
    para(doc, "六、下一步工作", "Heading 1")
    para(doc, "（一）加快推进督办事项", "Heading 2")
    placeholder(
        doc, "【请填写：对本季度{{ watch_count }}项督办事项的督办措施、完成时限和责任要求。】"
    )
    para(doc, "（二）抓好上期事项整改", "Heading 2")
    placeholder(doc, "【请填写：对未整改事项的跟踪督办和问责要求。】")
    para(doc, "（三）规范进度报送", "Heading 2")
    placeholder(doc, "【请填写：对未按时报送进度单位的要求，以及下季度报送时间安排。】")

    # 落款
    para(doc, "")
    p = para(doc, "{{ issuer }}", "落款")
    p.paragraph_format.right_indent = Pt(64)  # four characters from the right margin
    p = para(doc, "{{ issue_date_zh }}", "落款")
    p.paragraph_format.right_indent = Pt(64)
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"default {OUT.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    build().save(args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

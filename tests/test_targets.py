"""extract_targets: numbers with units, normalized, named."""

from __future__ import annotations

import pytest

from taskanalytics.plan.targets import extract_targets


def _t(text):
    return [(t.metric, t.value, t.unit, t.comparator) for t in extract_targets(text)]


def test_several_targets_in_one_milestone():
    assert _t("3月底前，新开工项目5个、复工项目30个、竣工项目5个、投产项目5个") == [
        ("新开工项目", 5, "个", "="), ("复工项目", 30, "个", "="),
        ("竣工项目", 5, "个", "="), ("投产项目", 5, "个", "="),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("入库总额20亿元", ("入库总额", 200000.0, "万元", "=")),
        ("融资金额2.5亿元", ("融资金额", 25000.0, "万元", "=")),
        ("贸易额突破2500万元人民币", ("贸易额", 2500.0, "万元", ">=")),
        ("裸露土地绿化植物补植1.5万平方米", ("裸露土地绿化植物补植", 15000.0, "平方米", "=")),
        ("景观工程完成22万平", ("景观工程", 220000.0, "平方米", "=")),
        ("土方工程18万方", ("土方工程", 180000.0, "立方米", "=")),
        ("巡护路完成600m", ("巡护路", 600.0, "米", "=")),
        ("空气质量达标率不低于85%", ("空气质量达标率", 85.0, "%", ">=")),
        ("完成回迁安置1000户以上", ("回迁安置", 1000.0, "户", ">=")),
        ("一般公共预算收入累计完成20300万元", ("一般公共预算收入", 20300.0, "万元", "=")),
        ("累计引进急需紧缺人才200人", ("引进急需紧缺人才", 200.0, "人", "=")),
        ("养老护理员专业化培训100人次", ("养老护理员专业化培训", 100.0, "人次", "=")),
        ("完成３０户居家适老化改造工程", ("居家适老化改造工程", 30.0, "户", "=")),
        ("“一金三制”落实率100%", ("一金三制落实率", 100.0, "%", "=")),
    ],
)
def test_units_normalized_and_named(text, expected):
    assert _t(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "5月底前，起草完成第十四届荷花旅游文化节方案",
        "3月底前，完成315转播台征收前期工作",
        "加大宣传12345投诉热线",
        "6月底前，开展6.5环境日宣传活动",
        "完成2022年度研发投入数据归集",
        "推动杰润化工10000吨/年高性能精细化学品新材料项目竣工",
        "跨境电商一般B2B贸易",
        "持续推进60岁以上老年人新冠疫苗接种",
    ],
)
def test_not_targets(text):
    assert _t(text) == []


def test_a_number_qualifying_a_noun_takes_the_noun():
    assert _t("金融发展局组织开展1次银企对接会")[0][0] == "金融发展局组织开展银企对接会"
    assert [m for m, *_ in _t("动态调整93个电子证照和27个政务服务部门电子印章底数")] == [
        "动态调整电子证照",
        "政务服务部门电子印章底数",
    ]
    assert _t("完成2个老旧小区改造60%工程量")[1][0] == "老旧小区改造工程量"


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("3月底前完成改造小区5个", "改造小区"),
        ("6月底前完成改造5个小区", "改造小区"),
        ("9月底前实现覆盖率100%", "覆盖率"),
    ],
)
def test_a_date_without_a_comma_leaves_no_trace_in_the_name(text, metric):
    assert _t(text)[0][0] == metric

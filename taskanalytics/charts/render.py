"""The offline chart renderer and theme: static SVG by vl-convert, a CJK font stack.

Briefings are exported to HTML that must work with no network, so :func:`enable_offline_charts`
registers a renderer that turns each chart into static SVG with vl-convert at execution time
(nbconvert embeds it as an image; no JavaScript, no CDN), plus a theme with a CJK font stack.
vl-convert measures text with the fonts of the machine that *runs* the notebook, so that machine
needs a CJK font (``fonts-noto-cjk``); the SVG keeps text as text, drawn by the reader's fonts.
The charts of this package's builders carry a plot drawn by hand (:func:`hand_drawn`), so a
quarterly run never starts vl-convert; it is imported only for a chart made elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from types import ModuleType
from typing import Any

from taskanalytics.charts.bars import BarPlot
from taskanalytics.charts.grid import GridPlot
from taskanalytics.charts.lazy import alt, altair_api_module, when_imported
from taskanalytics.charts.svg import (
    CJK_FONT,
    PHONE_MIN_FONT,
    PHONE_WIDTH,
    LinePlot,
    mime_bundle,
    wrap,
)

__all__ = [
    "CJK_FONT",
    "chart_description",
    "describe",
    "RENDERER_NAME",
    "THEME_NAME",
    "cjk_theme",
    "enable_offline_charts",
    "hand_drawn",
    "phone_spec",
    "render_svg",
    "render_svg_variants",
]

logger = logging.getLogger("taskanalytics")

RENDERER_NAME = "taskanalytics_svg"
THEME_NAME = "taskanalytics_cjk"


# --------------------------------------------------------------------------- offline rendering


def _vl_version() -> str | None:
    """Return the Vega-Lite version string vl-convert expects for this altair (e.g. ``"v6_4"``)."""
    import vl_convert as vlc

    major_minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    wanted = ".".join(major_minor)
    supported = vlc.get_vegalite_versions() if hasattr(vlc, "get_vegalite_versions") else []
    if supported and wanted not in supported:
        # Let vl-convert use its default rather than fail on an unknown version string.
        logger.warning("vl-convert does not list Vega-Lite %s; using its default", wanted)
        return None
    return "v" + "_".join(major_minor)


def render_svg(spec: dict[str, Any]) -> str:
    """Render a Vega-Lite spec (a chart's ``to_dict()``) to an SVG string with vl-convert.

    Parameters
    ----------
    spec
        The Vega-Lite specification, with data inlined.

    Returns
    -------
    str
        The SVG document. Text stays text, so Chinese labels are drawn by the reader's fonts.

    Examples
    --------
    >>> import pandas as pd
    >>> svg = render_svg(alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x="a").to_dict())
    >>> svg.startswith("<svg")
    True
    """
    import vl_convert as vlc

    version = _vl_version()
    if version is None:
        return vlc.vegalite_to_svg(spec)
    return vlc.vegalite_to_svg(spec, vl_version=version)


def describe(title: str, parts: list[str], *, limit: int = 12, unit: str = "项") -> str:
    """Return a chart's Chinese description: what it shows, then its key numbers.

    Parameters
    ----------
    title
        What the chart shows (its title).
    parts
        One phrase per bar, point or series, most important first (``"财政局 12"``).
    limit
        At most this many phrases; the rest are counted (``"等 33 项"``).
    unit
        The measure word used when phrases are left out.

    Returns
    -------
    str
        ``"各牵头单位牵头任务数：发改局 12，财政局 9，……等 33 项"``.

    Examples
    --------
    >>> describe("各季度按期完成率", ["一季度 60%", "二季度 72%"])
    '各季度按期完成率：一季度 60%，二季度 72%'
    """
    shown = "，".join(parts[:limit])
    if len(parts) > limit:
        shown += f"……等 {len(parts)} {unit}"
    return f"{title}：{shown}" if shown else f"{title}：无数据"


def chart_description(spec: dict[str, Any]) -> str:
    """Return the text that stands for a chart where it cannot be seen (the image's alt text).

    The chart's ``description`` (set by every chart builder of this package, with its key
    numbers), else its title, else ``"图表"``.
    """
    text = spec.get("description")
    if isinstance(text, str) and text.strip():
        return text
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = "".join(map(str, title))
    return f"图表：{title}" if isinstance(title, str) and title.strip() else "图表"


# ----------------------------------------------------------------------------- phone variant

#: Axis and legend labels are cut with an ellipsis beyond this many px on a phone.
PHONE_LABEL_LIMIT = 96
#: Title lines are wrapped at this many px (the SVG's width less its padding and a margin).
_PHONE_TEXT_WIDTH = PHONE_WIDTH - 24
#: A facet's y axis and padding (px), taken from PHONE_WIDTH to give its panels' width.
_PHONE_FACET_AXIS = 70

_FONT_KEYS = ("fontSize", "labelFontSize", "titleFontSize", "subtitleFontSize")

#: Merged over the chart's own config (the theme's) in the phone variant.
_PHONE_CONFIG: dict[str, Any] = {
    "axis": {
        "labelFontSize": PHONE_MIN_FONT,
        "titleFontSize": PHONE_MIN_FONT,
        "labelLimit": PHONE_LABEL_LIMIT,
    },
    "legend": {
        "labelFontSize": PHONE_MIN_FONT,
        "titleFontSize": PHONE_MIN_FONT,
        "labelLimit": PHONE_LABEL_LIMIT,
        "columns": 3,
    },
    "header": {"labelFontSize": PHONE_MIN_FONT, "titleFontSize": PHONE_MIN_FONT},
    "title": {"fontSize": 15, "subtitleFontSize": PHONE_MIN_FONT},
    "text": {"fontSize": PHONE_MIN_FONT},
}


def _phone_title(title: object, config: dict[str, Any]) -> object:
    size = config.get("title", {}).get("fontSize", 15)
    if isinstance(title, dict):
        out = dict(title)
        if "text" in out:
            out["text"] = wrap(out["text"], max(size, out.get("fontSize", 0)), _PHONE_TEXT_WIDTH)
        if "subtitle" in out:
            out["subtitle"] = wrap(out["subtitle"], PHONE_MIN_FONT, _PHONE_TEXT_WIDTH)
        return out
    return wrap(title, size, _PHONE_TEXT_WIDTH)


def _phone_walk(node: Any, config: dict[str, Any]) -> Any:
    """A copy of a spec's tree with fonts raised, label limits cut, step widths fixed."""
    if isinstance(node, list):
        return [_phone_walk(v, config) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("data", "datasets", "config"):
            out[key] = value  # data is not layout; config is merged by phone_spec
        elif key in _FONT_KEYS and isinstance(value, (int, float)):
            out[key] = max(value, PHONE_MIN_FONT)
        elif key == "labelLimit" and isinstance(value, (int, float)):
            out[key] = min(value, PHONE_LABEL_LIMIT) if value else PHONE_LABEL_LIMIT
        elif key == "title" and not isinstance(value, type(None)):
            out[key] = _phone_walk(_phone_title(value, config), config)
        elif key == "columns" and isinstance(value, int):
            out[key] = 1  # facets and concats: one panel per row
        elif key == "hconcat":
            out["vconcat"] = _phone_walk(value, config)
        else:
            out[key] = _phone_walk(value, config)
    return out


def phone_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a chart's spec sized for a 375 px phone.

    The chart is :data:`PHONE_WIDTH` px wide in all (``autosize`` ``fit-x``; a step width
    such as ``alt.Step(90)`` becomes that fixed width), every font is at least
    :data:`PHONE_MIN_FONT` px, axis and legend labels are cut at :data:`PHONE_LABEL_LIMIT`
    px, long titles wrap, and facets get one panel per row. Drawn at 1:1 on the phone, its
    smallest text is :data:`PHONE_MIN_FONT` px. The spec is not modified.

    Parameters
    ----------
    spec
        A Vega-Lite specification (a chart's ``to_dict()``).

    Returns
    -------
    dict
        The phone variant's specification.

    Examples
    --------
    >>> import pandas as pd
    >>> chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x="a:N")
    >>> phone_spec(chart.properties(width=alt.Step(90)).to_dict())["width"]
    320
    """
    config = {**spec.get("config", {})}
    for key, extra in _PHONE_CONFIG.items():
        config[key] = {**config.get(key, {}), **extra}
    out = _phone_walk(spec, config)
    out["config"] = config
    if "facet" in out and "spec" in out:  # a facet cannot "fit": size its panels instead
        out["spec"] = {**out["spec"], "width": PHONE_WIDTH - _PHONE_FACET_AXIS}
    elif "vconcat" in out or "concat" in out:
        for part in out.get("vconcat", out.get("concat", [])):
            if isinstance(part, dict):
                part["width"] = PHONE_WIDTH - _PHONE_FACET_AXIS
    else:
        out["width"] = PHONE_WIDTH
        out["autosize"] = {"type": "fit-x", "contains": "padding"}
    return out


def hand_drawn(spec: dict[str, Any]) -> LinePlot | BarPlot | GridPlot | None:
    """The plot a chart builder of this package left in a spec's ``usermeta`` (a line chart,
    bars, a grid of panels), or None for a chart that only vl-convert can draw."""
    for kind in (LinePlot, BarPlot, GridPlot):
        plot = kind.from_spec(spec)
        if plot is not None:
            return plot
    return None


#: Charts rendered in this process, newest last: an identical chart (same spec, same data) is
#: drawn once; each vl-convert call costs 0.05-0.6 s.
_RENDERED: OrderedDict[str, tuple[str, str | None]] = OrderedDict()
_RENDERED_MAX = 128


def render_svg_variants(spec: dict[str, Any]) -> tuple[str, str | None]:
    """Return a chart's desktop SVG and its phone SVG (None if the phone variant fails).

    A chart whose spec carries a plot (:func:`hand_drawn`: every chart builder of this package
    leaves one) is drawn by hand (:mod:`~taskanalytics.charts.svg`,
    :mod:`~taskanalytics.charts.bars`, :mod:`~taskanalytics.charts.grid`); any other by
    vl-convert.
    Both are kept for the process's last :data:`_RENDERED_MAX` distinct specs, so a chart
    shown again (on another page run in the same kernel) is not drawn again.

    Parameters
    ----------
    spec
        The Vega-Lite specification, with data inlined.

    Returns
    -------
    tuple of str and str or None
        The SVG of ``spec`` and the SVG of :func:`phone_spec` of it.
    """
    key = hashlib.sha256(
        json.dumps(spec, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()
    if key in _RENDERED:
        _RENDERED.move_to_end(key)
        return _RENDERED[key]
    plot = hand_drawn(spec)
    if plot is not None:  # drawn by hand, ~100x cheaper than vl-convert
        desktop, phone = plot.svg_variants()
    else:
        desktop = render_svg(spec)
        try:
            phone = render_svg(phone_spec(spec))
        except Exception as exc:  # a phone variant is a nicety; never lose the chart for it
            logger.warning("phone variant of a chart failed (%s); showing the desktop chart", exc)
            phone = None
    _RENDERED[key] = (desktop, phone)
    while len(_RENDERED) > _RENDERED_MAX:
        _RENDERED.popitem(last=False)
    return desktop, phone


def _svg_renderer(
    spec: dict[str, Any], **metadata: Any
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    return mime_bundle(*render_svg_variants(spec), chart_description(spec))


def cjk_theme() -> dict[str, Any]:
    """Return the altair theme used by the briefings: CJK font stack, horizontal x labels.

    Returns
    -------
    dict
        An altair theme (``{"config": {...}}``).
    """
    return {
        "config": {
            "font": CJK_FONT,
            # the default turned short Chinese x labels vertical
            "axisX": {"labelAngle": 0},
            "title": {"fontSize": 15, "anchor": "start"},
            "view": {"stroke": None},
        }
    }


def enable_offline_charts() -> None:
    """Show altair charts as static SVG rendered by vl-convert, with a CJK theme.

    Registers and enables the renderer ``"taskanalytics_svg"`` (mime bundle of
    ``image/svg+xml`` and ``text/plain``) and the theme ``"taskanalytics_cjk"``, and keeps the
    default (inline) data transformer, since the ``json`` transformer silently gives empty SVG
    charts. Safe to call more than once. Call it in a notebook's set-up cell.

    Examples
    --------
    >>> enable_offline_charts()
    >>> alt.renderers.active
    'taskanalytics_svg'

    altair itself is imported only when a chart needs it (:mod:`~taskanalytics.charts.lazy`):
    the renderer and the theme are registered then, and a notebook that draws every chart by
    hand never imports it.
    """
    when_imported(_register)
    _show_without_validation()


def _register(altair: ModuleType) -> None:
    """Register and enable the renderer and the theme of :func:`enable_offline_charts`."""
    altair.renderers.register(RENDERER_NAME, _svg_renderer)
    altair.renderers.enable(RENDERER_NAME)
    theme_api = getattr(altair, "theme", None)
    if theme_api is not None and hasattr(theme_api, "register"):  # altair >= 5.5
        theme_api.register(THEME_NAME, enable=True)(cjk_theme)
    else:  # pragma: no cover - altair < 5.5
        altair.themes.register(THEME_NAME, cjk_theme)
        altair.themes.enable(THEME_NAME)
    altair.data_transformers.enable("default")


def _show_charts(chart: Any) -> Any:
    """A chart's mime bundle, its spec built without validation against the Vega-Lite schema
    (altair's own display validates every chart: a jsonschema walk of the whole spec); other
    renderers than ours get altair's own bundle. Reading ``alt`` here runs the set-up of
    :func:`enable_offline_charts` if altair was imported without :data:`lazy.alt`."""
    if alt.renderers.active != RENDERER_NAME:
        return chart._repr_mimebundle_()
    return _svg_renderer(chart.to_dict(validate=False, context={"pre_transform": False}))


def _show_without_validation() -> None:
    """In IPython (a kernel), show altair charts with :func:`_show_charts`.

    The builders of this package make their charts from code, not user input, and
    ``tests/test_charts.py`` validates each kind; a notebook's display need not do it again.
    vl-convert still refuses a spec it cannot draw.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with altair's extras
        return
    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.mimebundle_formatter
    # by name: altair need not be imported yet (a chart's class is matched when one is shown)
    formatter.for_type_by_name(altair_api_module(), "TopLevelMixin", _show_charts)

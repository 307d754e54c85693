"""The offline chart renderer and theme: static SVG by vl-convert, a CJK font stack.

Briefings are exported to HTML that must work with no network, so :func:`enable_offline_charts`
registers a renderer that turns each chart into static SVG with vl-convert at execution time
(nbconvert embeds it as an image; no JavaScript, no CDN), plus a theme with a CJK font stack.
vl-convert measures text with the fonts of the machine that *runs* the notebook, so that machine
needs a CJK font (``fonts-noto-cjk``); the SVG keeps text as text, drawn by the reader's fonts.
"""

from __future__ import annotations

import logging
from typing import Any

import altair as alt

__all__ = [
    "CJK_FONT",
    "chart_description",
    "describe",
    "RENDERER_NAME",
    "THEME_NAME",
    "cjk_theme",
    "enable_offline_charts",
    "render_svg",
]

logger = logging.getLogger("taskanalytics")

#: Font stack for charts: Windows and macOS readers get YaHei / PingFang; on Linux (and in
#: vl-convert, which measures text when it renders) it falls through to Noto Sans CJK. Without
#: it vl-convert picks a serif CJK face.
CJK_FONT = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif'

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


def _svg_renderer(spec: dict[str, Any], **metadata: Any) -> dict[str, str]:
    # Only image/svg+xml and text/plain: altair 6's vega-lite mime key
    # (application/vnd.vegalite.v6.json) fails nbformat validation and papermill aborts.
    # The offline template uses text/plain as the image's alt text.
    return {"image/svg+xml": render_svg(spec), "text/plain": chart_description(spec)}


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
    """
    alt.renderers.register(RENDERER_NAME, _svg_renderer)
    alt.renderers.enable(RENDERER_NAME)
    theme_api = getattr(alt, "theme", None)
    if theme_api is not None and hasattr(theme_api, "register"):  # altair >= 5.5
        theme_api.register(THEME_NAME, enable=True)(cjk_theme)
    else:  # pragma: no cover - altair < 5.5
        alt.themes.register(THEME_NAME, cjk_theme)
        alt.themes.enable(THEME_NAME)
    alt.data_transformers.enable("default")

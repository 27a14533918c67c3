"""The briefing's charts 图表 as PNG images, drawn with matplotlib (Agg, no display).

What they show (the epidemic curve 流行曲线, the screening progress 排查进度, the checkpoint flows
卡口流量) is gathered in chart_data.py, which the dispatch meeting page draws too (with ECharts):
this module only draws. Labels are Chinese in a Chinese briefing: the CJK font (fonts.py) is
registered with matplotlib's font manager once and put first in the family list of every chart.

Figures are built with `matplotlib.figure.Figure` on their own canvas (never pyplot's global
state), so two briefings drawn at once in one process do not share a figure.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence

from django.utils.translation import gettext as _

from epigrid.briefing.chart_data import BAR, GREY, LINE, ChartData, Series
from epigrid.briefing.fonts import NoCJKFontError, cjk_font

SIZE = (7.2, 3.0)  # inches
DPI = 120
FALLBACK = ["DejaVu Sans"]


@functools.cache
def font_families() -> tuple[str, ...]:
    """The CJK family first (registered from its file), then matplotlib's default."""
    from matplotlib import font_manager

    try:
        font = cjk_font()
    except NoCJKFontError:
        return tuple(FALLBACK)
    font_manager.fontManager.addfont(str(font.path))
    return (font.family, *FALLBACK)


def _png(title: str, labels: Sequence[str], series: Sequence[Series], *,
         horizontal: bool = False, percent: bool = False, empty: str = "") -> bytes:
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with rc_context({"font.family": list(font_families()), "font.size": 9,
                     "axes.unicode_minus": False}):
        figure = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        axes.set_title(title, fontsize=11)
        positions = list(range(len(labels)))
        bars = [s for s in series if s.kind == BAR]
        width = 0.8 / max(1, len(bars))
        for n, found in enumerate(bars):
            offset = [p - 0.4 + width * (n + 0.5) for p in positions]
            if horizontal:
                axes.barh(offset, found.values, height=width, color=found.color,
                          label=found.label)
            else:
                axes.bar(offset, found.values, width=width, color=found.color,
                         label=found.label)
        for found in series:
            if found.kind == LINE:
                axes.plot(positions, found.values, color=found.color, marker="o",
                          markersize=2.5, linewidth=1.4, label=found.label)
        _ticks(axes, labels, horizontal)
        if percent:
            (axes.set_xlim if horizontal else axes.set_ylim)(0, 100)
        if not any(any(s.values) for s in series):
            if not percent:
                (axes.set_xlim if horizontal else axes.set_ylim)(0, 1)
            axes.text(0.5, 0.5, empty or _("Nothing recorded."), transform=axes.transAxes,
                      ha="center", va="center", color=GREY)
        if len(series) > 1:
            axes.legend(loc="upper left", fontsize=8, frameon=False)
        axes.spines[["top", "right"]].set_visible(False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _ticks(axes: object, labels: Sequence[str], horizontal: bool) -> None:
    from matplotlib.axes import Axes

    assert isinstance(axes, Axes)  # noqa: S101 - narrows the type for mypy
    every = max(1, len(labels) // 10)
    shown = [(i, label) for i, label in enumerate(labels) if i % every == 0]
    if horizontal:
        axes.set_yticks([i for i, _label in shown], [label for _i, label in shown])
        axes.invert_yaxis()
    else:
        axes.set_xticks([i for i, _label in shown], [label for _i, label in shown])


def day_labels(days: Sequence[str]) -> list[str]:
    """ISO days as the axis shows them: MM-DD."""
    return [day[5:] for day in days]


def draw(chart: ChartData) -> bytes:
    """The chart as a PNG image."""
    labels = day_labels(chart.categories) if chart.by_day else list(chart.categories)
    return _png(chart.title, labels, chart.series, horizontal=chart.horizontal,
                percent=chart.percent, empty=chart.empty)

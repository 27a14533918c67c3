"""The briefing's charts 图表 as PNG images, drawn with matplotlib (Agg, no display).

The epidemic curve 流行曲线 (new cases per day by report date, and by onset date), the screening
progress 排查进度 (households visited in the running campaigns, per child area, against those
registered) and the checkpoint flows 卡口流量 (passages in and out per day, and those persuaded to
turn back). Labels are Chinese in a Chinese briefing: the CJK font (fonts.py) is registered with
matplotlib's font manager once and put first in the family list of every chart.

Figures are built with `matplotlib.figure.Figure` on their own canvas (never pyplot's global
state), so two briefings drawn at once in one process do not share a figure.
"""

from __future__ import annotations

import datetime
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from epigrid.briefing.fonts import NoCJKFontError, cjk_font

SIZE = (7.2, 3.0)  # inches
DPI = 120
BLUE, ORANGE, RED, GREY = "#1f6fb2", "#e08a1e", "#c0392b", "#8c8c8c"
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


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int]
    color: str
    kind: str = "bar"  # or "line"


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
        bars = [s for s in series if s.kind == "bar"]
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
            if found.kind == "line":
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


def day_labels(days: Sequence[datetime.date]) -> list[str]:
    return [day.strftime("%m-%d") for day in days]


def epidemic_curve(days: Sequence[datetime.date], by_report: Sequence[int],
                   by_onset: Sequence[int]) -> bytes:
    return _png(_("Epidemic curve: new confirmed and asymptomatic cases"), day_labels(days), [
        Series(_("by report date"), by_report, BLUE),
        Series(_("by onset date"), by_onset, ORANGE, kind="line")],
        empty=_("No confirmed or asymptomatic case in these days."))


def screening_progress(names: Sequence[str], visited: Sequence[int],
                       registered: Sequence[int]) -> bytes:
    percents = [round(v * 100 / r) if r else 0 for v, r in zip(visited, registered, strict=True)]
    return _png(_("Screening progress: households visited in the running campaigns (%)"),
                list(names), [Series(_("visited"), percents, BLUE)], horizontal=True,
                percent=True, empty=_("No household visited in a running campaign."))


def checkpoint_flows(days: Sequence[datetime.date], passages_in: Sequence[int],
                     passages_out: Sequence[int], turned_back: Sequence[int]) -> bytes:
    return _png(_("Checkpoint flows: passages per day"), day_labels(days), [
        Series(_("in"), passages_in, BLUE), Series(_("out"), passages_out, GREY),
        Series(_("persuaded to turn back"), turned_back, RED, kind="line")],
        empty=_("No passage logged in these days."))

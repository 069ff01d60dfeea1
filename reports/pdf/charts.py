"""Charts for the PDF report, drawn with reportlab.graphics: shares against a standard line, and
the year-over-year trend of the main indicators.

Printed reports are often copied in black and white, so every chart also says with shape, dash
or words what it says with colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.graphics.widgets.markers import Marker, makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from reports.judge.wording import percent
from reports.pdf.layout import fit

PASS_FILL = colors.HexColor("#4F6D8F")
FAIL_FILL = colors.HexColor("#C0504D")
LINE_RED = colors.HexColor("#B00000")
GRID = colors.HexColor("#D9D9D9")
INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#666666")

ROW = 13.0  # height of one bar's row, points
BARS_PER_CHART = 45  # more rows than this would not fit one page; the chart is split


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: not reported


def _axis_max(values: Sequence[float], threshold: float) -> float:
    """The right end of the axis: a round 10% step above the largest value and the line."""
    top = max([threshold, *values, 0.0]) + 0.05
    tenths = min(int(top * 10 + 0.999), 10)
    return max(tenths, 1) / 10


def share_bars(bars: Sequence[Bar], threshold: float, width: float, font: str) -> list[Drawing]:
    """Horizontal bars, one per institution, with a dashed line at `threshold`; split in parts of
    at most BARS_PER_CHART rows so each part fits on a page."""
    values = [b.value for b in bars if b.value is not None]
    top = _axis_max(values, threshold)
    label_w = min(max((stringWidth(b.label, font, 8) for b in bars), default=60) + 8, width * 0.36)
    return [_share_part(bars[i:i + BARS_PER_CHART], threshold, top, width, label_w, font)
            for i in range(0, len(bars), BARS_PER_CHART)]


def _share_part(bars: Sequence[Bar], threshold: float, top: float, width: float, label_w: float,
                font: str) -> Drawing:
    value_w = 34.0
    x0, x1 = label_w, width - value_w
    axis_h, head_h, legend_h = 16.0, 14.0, 18.0
    height = legend_h + axis_h + ROW * len(bars) + head_h
    d = Drawing(width, height, initialFontName=font)
    y_axis = legend_h + axis_h

    def x_of(v: float) -> float:
        return x0 + (x1 - x0) * min(v, top) / top

    for step in range(int(round(top * 10)) + 1):
        v = step / 10
        d.add(Line(x_of(v), y_axis, x_of(v), y_axis + ROW * len(bars), strokeColor=GRID,
                   strokeWidth=0.4))
        d.add(String(x_of(v), y_axis - 10, percent(v), fontName=font, fontSize=7,
                     textAnchor="middle", fillColor=MUTED))
    for i, bar in enumerate(bars):
        y = y_axis + ROW * (len(bars) - 1 - i)
        d.add(String(x0 - 4, y + 3.5, fit(bar.label, x0 - 8, font, 8), fontName=font,
                     fontSize=8, textAnchor="end", fillColor=INK))
        if bar.value is None:
            d.add(String(x0 + 3, y + 3.5, "未填报", fontName=font, fontSize=7.5, fillColor=MUTED))
            continue
        ok = bar.value >= threshold
        d.add(Rect(x0, y + 2.5, max(x_of(bar.value) - x0, 0.6), ROW - 5,
                   fillColor=PASS_FILL if ok else FAIL_FILL, strokeColor=None))
        d.add(String(x_of(bar.value) + 3, y + 3.5, percent(bar.value, trim=False), fontName=font,
                     fontSize=7.5, fillColor=INK if ok else LINE_RED))
    xt = x_of(threshold)
    d.add(Line(xt, y_axis - 2, xt, y_axis + ROW * len(bars) + 4, strokeColor=LINE_RED,
               strokeWidth=1, strokeDashArray=[3, 2]))
    d.add(String(xt, y_axis + ROW * len(bars) + 5, f"标准线 {percent(threshold)}", fontName=font,
                 fontSize=7.5, textAnchor="middle", fillColor=LINE_RED))
    _share_legend(d, threshold, x0, font)
    return d


def _share_legend(d: Drawing, threshold: float, x: float, font: str) -> None:
    items = ((PASS_FILL, f"达到 {percent(threshold)}"), (FAIL_FILL, f"未达到 {percent(threshold)}"))
    for fill, text in items:
        d.add(Rect(x, 3, 9, 7, fillColor=fill, strokeColor=None))
        d.add(String(x + 12, 3.5, text, fontName=font, fontSize=7.5, fillColor=INK))
        x += 16 + stringWidth(text, font, 7.5) + 12


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # one per year; None: no data that year


_STYLES = (
    (colors.HexColor("#1F4E79"), "FilledCircle", None),
    (colors.HexColor("#C0504D"), "FilledSquare", [4, 2]),
    (colors.HexColor("#4E8542"), "FilledTriangle", None),
    (colors.HexColor("#7F6084"), "FilledDiamond", [1.5, 1.5]),
    (colors.HexColor("#C07A00"), "Circle", [6, 2, 1.5, 2]),
    (colors.HexColor("#3E8A9A"), "Square", None),
    (colors.HexColor("#555555"), "Triangle", [4, 2]),
    (colors.HexColor("#8C564B"), "Diamond", None),
)


def trend_lines(years: Sequence[int], series: Sequence[Series], width: float,
                font: str) -> Drawing:
    """Shares (0–100%) over the years, one line with its own colour, marker and dash each."""
    per_row = 2
    legend_rows = (len(series) + per_row - 1) // per_row
    legend_h = 13.0 * legend_rows + 6
    plot_h = 150.0
    x0, x1 = 34.0, width - 16.0
    y0 = legend_h + 18
    d = Drawing(width, y0 + plot_h + 10, initialFontName=font)

    def y_of(v: float) -> float:
        return y0 + plot_h * max(min(v, 1.0), 0.0)

    def x_of(i: int) -> float:
        return (x0 + x1) / 2 if len(years) == 1 else x0 + 16 + (x1 - x0 - 32) * i / (len(years) - 1)

    for step in range(0, 11, 2):
        v = step / 10
        d.add(Line(x0, y_of(v), x1, y_of(v), strokeColor=GRID, strokeWidth=0.4))
        d.add(String(x0 - 4, y_of(v) - 2.5, percent(v), fontName=font, fontSize=7,
                     textAnchor="end", fillColor=MUTED))
    for i, year in enumerate(years):
        d.add(String(x_of(i), y0 - 12, f"{year}年", fontName=font, fontSize=8,
                     textAnchor="middle", fillColor=INK))
    for n, s in enumerate(series):
        colour, marker, dash = _STYLES[n % len(_STYLES)]
        _draw_series(d, s, colour, marker, dash, x_of, y_of)
    _trend_legend(d, series, x0, (x1 - x0) / per_row, per_row, legend_h, font)
    return d


def _draw_series(d: Drawing, s: Series, colour: colors.Color, marker: str,
                 dash: list[float] | None, x_of: Callable[[int], float],
                 y_of: Callable[[float], float]) -> None:
    run: list[float] = []
    for i, v in enumerate([*s.values, None]):
        if v is None:
            if len(run) >= 4:  # a gap year breaks the line rather than bridging it
                d.add(PolyLine(run, strokeColor=colour, strokeWidth=1.2, strokeDashArray=dash))
            run = []
            continue
        run += [x_of(i), y_of(v)]
    for i, v in enumerate(s.values):
        if v is not None:
            d.add(_marker(marker, colour, x_of(i), y_of(v)))


def _marker(kind: str, colour: colors.Color, x: float, y: float) -> Marker:
    m = makeMarker(kind)
    m.size = 5
    m.x, m.y = x, y
    m.fillColor = colour if kind.startswith("Filled") else colors.white
    m.strokeColor = colour
    m.strokeWidth = 0.8
    return m


def _trend_legend(d: Drawing, series: Sequence[Series], x0: float, col_w: float, per_row: int,
                  legend_h: float, font: str) -> None:
    for n, s in enumerate(series):
        colour, marker, dash = _STYLES[n % len(_STYLES)]
        row, col = divmod(n, per_row)
        x = x0 + col * col_w
        y = legend_h - 10 - 13 * row
        d.add(Line(x, y + 3, x + 20, y + 3, strokeColor=colour, strokeWidth=1.2,
                   strokeDashArray=dash))
        d.add(_marker(marker, colour, x + 10, y + 3))
        d.add(String(x + 25, y, s.label, fontName=font, fontSize=7.5, fillColor=INK))

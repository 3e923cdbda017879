"""The progress chart of a leaderboard: every dated result over time, and the best so far.

Computes the geometry only (points, the step line, ticks); the SVG is drawn by
``templates/progress_chart.svg.j2``.  A static SVG costs a few kilobytes a
chart and needs no script or library; colours come from CSS, so it follows
the light and dark themes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from generator.views.leaderboard import LeaderboardView

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 28, 32
#: Fewer dated results than this make no chart: two dots are a line, not a trend.
MIN_POINTS = 3


@dataclass
class Point:
    x: float
    y: float
    name: str  # the result's display name
    index: int  # the row's position in the default order
    number: float  # the value, for the page script's redrawing
    date: str
    value: str
    record: bool  # set a new best when it appeared


@dataclass
class Chart:
    points: list[Point]
    step: str  # SVG path of the best-so-far line
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    summary: str
    best: Point  # the current best, labelled with its value
    best_label: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def _time(date: str) -> float:
    """A date as a fractional year; a year or month alone stands at its middle."""
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 1:
        return parts[0] + 0.5
    if len(parts) == 2:
        return parts[0] + (parts[1] - 0.5) / 12
    return parts[0] + (parts[1] - 1) / 12 + (parts[2] - 1) / 365


def _nice_step(span: float, count: int = 5) -> Decimal:
    """A step of 1, 2, 2.5 or 5 times a power of ten giving about ``count`` ticks."""
    raw = Decimal(repr(span / max(count - 1, 1))) if span > 0 else Decimal(1)
    magnitude = Decimal(1).scaleb(raw.adjusted())
    return next(m * magnitude for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5),
                                        Decimal(10)) if m * magnitude >= raw)


def _nice_ticks(low: float, high: float, count: int = 5) -> list[Decimal]:
    """Ticks at multiples of a nice step, from the last one at or below ``low`` to the first
    at or above ``high``: the axis spans every point, and each tick is an exact decimal."""
    step = _nice_step(high - low, count)
    first = (Decimal(repr(low)) / step).to_integral_value(rounding=ROUND_FLOOR) * step
    last = (Decimal(repr(high)) / step).to_integral_value(rounding=ROUND_CEILING) * step
    ticks, value = [], first
    while value <= last:
        ticks.append(value)
        value += step
    return ticks


def _tick_label(value: Decimal, ticks: list[Decimal]) -> str:
    """The tick's value, exactly, with as many decimals as the step needs (82.5, not 82)."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else Decimal(1)
    decimals = max(0, -step.normalize().as_tuple().exponent)
    return f"{value:.{decimals}f}"


def progress(view: LeaderboardView, shown: int | None = None) -> Chart | None:
    """The chart of the view's primary metric, or None if no result has both a date and a
    value.  ``shown``: only the first rows in the default order (those the page's table
    shows) and the records are drawn as points; the line and the summary count them all."""
    metric = view.primary
    if metric is None:
        return None
    dated = [(_time(row.date), row.cells[0].number, row, row.date) for row in view.rows
             if row.cells[0].number is not None and row.date]
    if len(dated) < MIN_POINTS:
        return None
    dated.sort(key=lambda d: (d[0], d[2].index))
    t0, t1 = dated[0][0], dated[-1][0]
    if t1 - t0 < 1:
        t0, t1 = t0 - 0.5, t1 + 0.5
    low, high = min(d[1] for d in dated), max(d[1] for d in dated)
    if high == low:  # one value: a band around it, at its own scale
        spread = abs(low) * 0.05 or 1.0
        low, high = low - spread, high + spread
    values = _nice_ticks(low, high)
    v0, v1 = float(values[0]), float(values[-1])

    def sx(t: float) -> float:
        return round(LEFT + (t - t0) / (t1 - t0) * (WIDTH - RIGHT - LEFT), 2)

    def sy(v: float) -> float:
        return round(HEIGHT - BOTTOM - (v - v0) / (v1 - v0) * (HEIGHT - BOTTOM - TOP), 2)

    better = (lambda a, b: a < b) if metric.lower_is_better else (lambda a, b: a > b)
    points, best, path = [], None, []
    for t, number, row, date in dated:
        record = best is None or better(number, best)
        if record:
            if best is None:
                path.append(f"M{sx(t)},{sy(number)}")
            else:
                path.append(f"H{sx(t)}V{sy(number)}")
            best = number
        if record or shown is None or row.index < shown:
            points.append(Point(sx(t), sy(number), row.display_name, row.index, number, date,
                                row.cells[0].text, record))
    path.append(f"H{sx(t1)}")
    years = range(math.ceil(t0), math.floor(t1) + 1)
    every = max(1, math.ceil(len(years) / 8))
    x_ticks = [(sx(y), str(y)) for y in years if (y - years[0]) % every == 0] if years else []
    y_ticks = [(sy(float(v)), _tick_label(v, values)) for v in values]
    first, last = dated[0], dated[-1]
    word = "lowest" if metric.lower_is_better else "highest"
    record_points = [p for p in points if p.record]
    summary = (f"{len(dated)} results from {first[3]} to {last[3]}; the best {metric.name} "
               f"({word} is best) went from {record_points[0].value} ({record_points[0].name}, "
               f"{record_points[0].date}) to {record_points[-1].value} "
               f"({record_points[-1].name}, {record_points[-1].date}).")
    best = record_points[-1]
    # above the plot, at its right edge: inside the chart whatever the point's place, and
    # short enough for a phone's larger text
    name = best.name if len(best.name) <= 24 else best.name[:23].rstrip() + "…"
    return Chart(points, "".join(path), x_ticks, y_ticks, summary, best,
                 f"best {best.value} ({name})")

"""The progress chart of a leaderboard: every dated result over time, and the best so far.

Computes the geometry only (points, the step line, ticks, labels); the SVG is drawn by
``templates/progress_chart.svg.j2``.  A static SVG costs a few kilobytes a
chart and needs no script or library; colours come from CSS, so it follows
the light and dark themes.

Every piece of text is placed for the largest size the stylesheet gives it (``FONT``
units, on a phone, where the 640-unit chart is drawn about 350 px wide), with widths
estimated generously (``text_width``): the left margin fits the longest tick label, the
axis title and the best label share a row only when both fit, and a record's label is left
out rather than drawn over another label, a point or the line.  So no text leaves the chart
or covers another at any width.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from generator.views.leaderboard import LeaderboardView

WIDTH = 640
PLOT_HEIGHT = 180
RIGHT = 16  # the plot's right margin
#: The years' row starts this far below the plot, clear of the lowest value's label, and
#: ends within ``BOTTOM``.
YEAR_GAP = 12
BOTTOM = 38
#: Fewer dated results than this make no chart: two dots are a line, not a trend.
MIN_POINTS = 3
#: The chart text's largest size, in the chart's units (leaderboard.css: 21 on a phone,
#: 13 on a wider screen); every box is measured at it.
FONT = 21
#: A text box's height around its baseline, in ems: ascent above, descent below.
ASCENT, DESCENT = 0.95, 0.25
PAD = 2  # the gap kept between text and the chart's edge
#: Dots: a record (a new best when it appeared) and any other result.
RECORD_R, POINT_R = 5.5, 3.5
#: Records labelled with their model's name, besides the best (which has its own label).
RECORD_LABELS = 3
#: A record's label is left out where another record's dot is not this much farther from it.
AMBIGUOUS = 10
LABEL_CHARS = 18  # a record label's name, cut with "…" past this
BEST_CHARS = 24  # the best label's name, likewise
TITLE_CHARS = 48
#: Dots of one date stand side by side, at most this far from their date.
JITTER, JITTER_STEP = 12.0, 2.5

# Widths in ems, a little above Arial's and Helvetica's (the theme's fonts when it loads
# none) so that wider system fonts fit too.
_NARROW = set("iljtf.,:;'!|I ")
_WIDE = set("mwMW%@")
_DIGITS = set("0123456789")


def text_width(text: str, size: float = FONT) -> float:
    """A generous estimate of ``text``'s width at ``size``."""
    ems = 0.0
    for char in text:
        if char in _DIGITS:
            ems += 0.6
        elif char in _NARROW:
            ems += 0.32
        elif char in _WIDE:
            ems += 0.95
        elif char.isupper():
            ems += 0.74
        elif char.isascii():
            ems += 0.6
        else:  # arrows, the ellipsis, letters of other scripts
            ems += 1.0
    return ems * size


@dataclass
class Point:
    x: float
    y: float
    name: str  # the result's display name
    index: int  # the row's position in the default order
    number: float  # the value, for the page script's redrawing
    date: str
    value: str  # as printed, its digits grouped (1,234,567.5)
    record: bool  # set a new best when it appeared
    t: float = 0.0  # the date as a fractional year, for the page script's redrawing
    dx: float = 0.0  # moved this far sideways from its date, off the dots of the same date

    @property
    def r(self) -> float:
        return RECORD_R if self.record else POINT_R


@dataclass
class Label:
    """A record's model name beside its dot (``anchor``: SVG's text-anchor; ``dy`` in ems)."""
    x: float
    y: float
    anchor: str
    dy: float
    text: str
    index: int  # the labelled point's row


@dataclass
class Chart:
    points: list[Point]
    step: str  # SVG path of the best-so-far line
    x_ticks: list[tuple[float, float, str]]  # the tick's place, its label's, the year
    y_ticks: list[tuple[float, str]]
    summary: str
    best: Point  # the current best, labelled with its value
    best_label: str
    title: str = ""  # the y axis: the metric, its unit and its direction
    labels: list[Label] = field(default_factory=list)
    t0: float = 0.0  # the x axis's first and last instants, as fractional years
    t1: float = 1.0
    width: int = WIDTH
    height: int = 240
    left: float = 64
    right: float = WIDTH - RIGHT
    top: float = 28
    bottom: float = 208
    best_y: float = 2  # the best label's row (its box's top; the baseline is 0.95em lower)
    year_half: float = 0  # a year's label stays this far from the chart's sides
    year_y: float = 0  # the top of the years' row
    radii: tuple[float, float] = (RECORD_R, POINT_R)  # a record's dot, another's


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


_LEADING_DIGITS = re.compile(r"^([-+−]?)(\d{4,})(?=\D|$)")


def grouped(text: str) -> str:
    """A number as written with its thousands separated: ``1234567.5`` → ``1,234,567.5``.
    Text that does not start with digits (or has four or fewer) is left as it is."""
    return _LEADING_DIGITS.sub(lambda m: m[1] + f"{int(m[2]):,}", text, count=1)


_SUFFIXES = ((Decimal(10) ** 12, "T"), (Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"),
             (Decimal(10) ** 3, "k"))


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}" if value else "0"


def compact(value: Decimal) -> str:
    """A tick's value in a few characters, exactly: 750000 → 750k, 1000000 → 1M,
    2500000000 → 2.5B; below a thousand as it is (0, 500, 82.5)."""
    for scale, suffix in _SUFFIXES:
        if abs(value) >= scale:
            return _plain(value / scale) + suffix
    return _plain(value)


def tick_labels(ticks: list[Decimal]) -> list[str]:
    """The y ticks' labels.  Plain, with the decimals the step needs (80.0, 82.5, 85.0) and
    thousands separated (1,250); from ten thousand on, compact (250k, 1M, 2.5B) where each
    label needs at most four digits (10,001 rather than 10.001k)."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else Decimal(1)
    decimals = max(0, -step.normalize().as_tuple().exponent)
    plain = [grouped(f"{value:.{decimals}f}") for value in ticks]
    if max(abs(value) for value in ticks) >= 10_000:
        short = [compact(value) for value in ticks]
        if all(sum(c.isdigit() for c in label.lstrip("0.-")) <= 4 for label in short):
            return short
    return plain


def _cut(name: str, chars: int) -> str:
    return name if len(name) <= chars else name[:chars - 1].rstrip() + "…"


Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def _text_box(x: float, y: float, anchor: str, dy: float, text: str) -> Box:
    """The box of ``text`` drawn at (x, y) with ``dy`` ems, at the largest size."""
    width = text_width(text)
    x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    base = y + dy * FONT
    return (x0, base - ASCENT * FONT, x0 + width, base + DESCENT * FONT)


def _distance(box: Box, x: float, y: float) -> float:
    """How far (x, y) is from the box."""
    return math.hypot(max(box[0] - x, 0, x - box[2]), max(box[1] - y, 0, y - box[3]))


def _overlap(a: Box, b: Box, gap: float = 0.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _jitter(points: list[Point], left: float, right: float) -> None:
    """Dots of one date side by side where they would cover each other: each in turn takes
    the nearest free place (0, +2.5, -2.5, +5, ... units) inside the plot (``left`` to
    ``right``), or the least covered one.  Records stay on their date, where the line turns."""
    by_date: dict[float, list[Point]] = {}
    for p in points:
        by_date.setdefault(p.t, []).append(p)
    offsets = [0.0]
    step = JITTER_STEP
    while step <= JITTER:
        offsets += [step, -step]
        step += JITTER_STEP
    xs = sorted({group[0].x for group in by_date.values()})
    for group in by_date.values():
        if len(group) < 2:
            continue
        placed = [p for p in group if p.record]
        x = group[0].x
        # not past half the way to the next date's dots, whose order they would blur
        room = min((abs(x - other) / 2 for other in xs if other != x), default=JITTER)
        inside = [dx for dx in offsets if left <= x + dx <= right and abs(dx) <= room] or [0.0]
        for p in sorted((p for p in group if not p.record), key=lambda p: (p.y, p.index)):
            def clearance(dx: float) -> float:
                return min((math.hypot(p.x + dx - q.x, p.y - q.y) - q.r - p.r for q in placed),
                           default=math.inf)
            free = next((dx for dx in inside if clearance(dx) >= -0.5), None)
            p.dx = free if free is not None else max(inside, key=clearance)
            p.x = round(p.x + p.dx, 2)
            placed.append(p)


def _segments(path: list[tuple[float, float]], end: float) -> list[Box]:
    """The step line's pieces as thin boxes: across from each record to the next, then up or
    down to it, and across to the axis's end."""
    boxes = []
    for (x0, y0), (x1, y1) in zip(path, path[1:]):
        boxes.append((x0, y0 - 1, x1, y0 + 1))
        boxes.append((x1 - 1, min(y0, y1), x1 + 1, max(y0, y1)))
    if path:
        boxes.append((path[-1][0], path[-1][1] - 1, end, path[-1][1] + 1))
    return boxes


def _record_labels(points: list[Point], lower: bool, area: Box, line: list[Box],
                   taken: list[Box]) -> list[Label]:
    """The names of the latest records before the best, at most ``RECORD_LABELS``, each
    beside its dot on the side the line leaves free (above it when higher is better: no
    result is above the best so far), else on the other side; a label that would cover
    another text (``taken``, the labels before it), a dot or the line, or leave ``area``, is
    left out, and so is one nearer another record's dot than its own."""
    records_all = [p for p in points if p.record]
    records = records_all[:-1]
    above, below = -DESCENT, ASCENT  # dy in ems: the box ends at y, or starts there
    sides = (below, above) if lower else (above, below)
    labels: list[Label] = []
    boxes: list[Box] = list(taken)
    for p in reversed(records):
        if len(labels) == RECORD_LABELS:
            break
        text = _cut(p.name, LABEL_CHARS)
        gap = p.r + 2
        for dy in sides:
            for x, anchor in ((p.x - gap, "end"), (p.x, "middle"), (p.x + gap, "start")):
                y = p.y + gap if dy == below else p.y - gap
                box = _text_box(x, y, anchor, dy, text)
                if not (area[0] <= box[0] and box[2] <= area[2] and area[1] <= box[1]
                        and box[3] <= area[3]):
                    continue
                if any(_overlap(box, b, 3) for b in boxes) or any(_overlap(box, b) for b in line):
                    continue
                if any(_overlap(box, (q.x - q.r, q.y - q.r, q.x + q.r, q.y + q.r), 1)
                       for q in points):
                    continue
                # read as another record's name if that dot is about as near as its own
                near = _distance(box, p.x, p.y) + AMBIGUOUS
                if any(_distance(box, q.x, q.y) < near for q in records_all if q is not p):
                    continue
                labels.append(Label(round(x, 2), round(y, 2), anchor, dy, text, p.index))
                boxes.append(box)
                break
            else:
                continue
            break
    return labels


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
    labels = tick_labels(values)
    v0, v1 = float(values[0]), float(values[-1])

    # the frame: the axis title on the first row, the best label beside it when both fit
    # (else on a row of its own), the tick labels' column as wide as the longest
    lower = metric.lower_is_better
    records_so_far, best = [], None
    better = (lambda a, b: a < b) if lower else (lambda a, b: a > b)
    for _, number, row, _ in dated:
        if best is None or better(number, best):
            best = number
            records_so_far.append(row)
    best_row = records_so_far[-1]
    best_text = f"best {grouped(best_row.cells[0].text)} ({_cut(best_row.display_name, BEST_CHARS)})"
    right = WIDTH - RIGHT
    title = _cut(f"{metric.label} {metric.arrow}", TITLE_CHARS)
    row_height = (ASCENT + DESCENT) * FONT
    one_row = PAD + text_width(title) + 12 + text_width(best_text) <= right
    best_y = PAD if one_row else PAD + row_height + PAD
    rows_bottom = best_y + row_height
    top = math.ceil(rows_bottom + (ASCENT - 0.32) * FONT + PAD)  # the top tick label below them
    left = math.ceil(max(text_width(label) for label in labels) + 6 + PAD)
    bottom = top + PLOT_HEIGHT
    height = bottom + BOTTOM

    def sx(t: float) -> float:
        return round(left + (t - t0) / (t1 - t0) * (right - left), 2)

    def sy(v: float) -> float:
        return round(bottom - (v - v0) / (v1 - v0) * (bottom - top), 2)

    points, best, path = [], None, []
    for t, number, row, date in dated:
        record = best is None or better(number, best)
        if record:
            path.append((sx(t), sy(number)))
            best = number
        if record or shown is None or row.index < shown:
            points.append(Point(sx(t), sy(number), row.display_name, row.index, number, date,
                                grouped(row.cells[0].text), record, round(t, 5)))
    _jitter(points, left, right)
    step = "".join((f"M{x},{y}" if i == 0 else f"H{x}V{y}") for i, (x, y) in enumerate(path))
    step += f"H{right}"
    years = range(math.ceil(t0), math.floor(t1) + 1)
    every = max(1, math.ceil(len(years) / 8))
    half = text_width("0000") / 2 + PAD  # a year's label, kept inside the chart
    x_ticks = [(sx(y), round(min(max(sx(y), half), WIDTH - half), 2), str(y))
               for y in years if (y - years[0]) % every == 0]
    y_ticks = [(sy(float(v)), label) for v, label in zip(values, labels)]
    first, last = dated[0], dated[-1]
    word = "lowest" if lower else "highest"
    record_points = [p for p in points if p.record]
    summary = (f"{len(dated)} results from {first[3]} to {last[3]}; the best {metric.name} "
               f"({word} is best) went from {record_points[0].value} ({record_points[0].name}, "
               f"{record_points[0].date}) to {record_points[-1].value} "
               f"({record_points[-1].name}, {record_points[-1].date}).")
    # over the plot, and above it where the title and the best label leave room
    area = (left + 1, PAD, right, bottom - 1)
    taken = [_text_box(PAD, PAD, "start", ASCENT, title),
             _text_box(right, best_y, "end", ASCENT, best_text)]
    record_labels = _record_labels(points, lower, area, _segments(path, right), taken)
    return Chart(points, step, x_ticks, y_ticks, summary, record_points[-1], best_text, title,
                 record_labels, round(t0, 5), round(t1, 5), WIDTH, height, left, right, top,
                 bottom, round(best_y, 2), round(half, 2), bottom + YEAR_GAP)

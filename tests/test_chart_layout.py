"""The progress chart's numbers and layout (generator/views/chart.py): compact tick labels,
grouped digits, and text that stays inside the chart and off the other text (issue 26).
The browser tests (tests/browser/test_chart.py) measure the same in Chromium."""
from __future__ import annotations

from decimal import Decimal

import pytest

from generator.project.pipeline import load_project
from generator.views import chart
from generator.views.chart import compact, grouped, text_width, tick_labels
from generator.views.leaderboard import leaderboard_view


def ticks(*values) -> list[Decimal]:
    return [Decimal(str(v)) for v in values]


@pytest.mark.parametrize("values, labels", [
    # Atari's Video Pinball: "1000000" was cut to "00000" on a phone
    ((0, 250000, 500000, 750000, 1000000), ["0", "250k", "500k", "750k", "1M"]),
    ((1000000, 1250000, 1500000), ["1M", "1.25M", "1.5M"]),
    ((0, 2500000000, 5000000000), ["0", "2.5B", "5B"]),
    ((0, 2500, 5000, 7500, 10000), ["0", "2.5k", "5k", "7.5k", "10k"]),
    ((-50000, 0, 50000), ["-50k", "0", "50k"]),
    ((2e12, 4e12), ["2T", "4T"]),
    # small values keep the decimals the step needs, as before
    ((80, 82.5, 85, 87.5, 90), ["80.0", "82.5", "85.0", "87.5", "90.0"]),
    ((0.25, 0.5, 0.75), ["0.25", "0.50", "0.75"]),
    ((70, 75, 80), ["70", "75", "80"]),
    # thousands below ten thousand: plain, grouped
    ((1200, 1250, 1300), ["1,200", "1,250", "1,300"]),
    # compact only where it is shorter: not 10.001k
    ((10000, 10001, 10002), ["10,000", "10,001", "10,002"]),
    ((1000000, 1000000.5), ["1,000,000.0", "1,000,000.5"]),
])
def test_tick_labels_are_compact_and_exact(values, labels):
    assert tick_labels(ticks(*values)) == labels


def test_compact_names_each_value_exactly():
    assert [compact(Decimal(v)) for v in ("0", "999", "1000", "1500", "750000", "1E+6",
                                          "12345678", "-2500")] == \
        ["0", "999", "1k", "1.5k", "750k", "1M", "12.345678M", "-2.5k"]


@pytest.mark.parametrize("text, shown", [
    ("1234567", "1,234,567"), ("999383.2", "999,383.2"), ("-12345.678", "-12,345.678"),
    ("1234", "1,234"), ("123", "123"), ("82.50", "82.50"), ("0.12345", "0.12345"),
    ("15.9M", "15.9M"), ("N/A", "N/A"), ("12345±3", "12,345±3"),
])
def test_grouped_separates_thousands_of_a_value_as_written(text, shown):
    assert grouped(text) == shown


def _board(tmp_path, name, values, lower=False, unit=None):
    data = tmp_path / "data"
    (data / "tasks").mkdir(parents=True)
    lines = ["title: T", "leaderboards:", "- id: b", "  title: B", "  metrics:",
             f"  - name: {name}", f"    direction: {'lower' if lower else 'higher'}"]
    if unit:
        lines.append(f"    unit: '{unit}'")
    lines.append("  results:")
    for i, (date, value, model) in enumerate(values):
        lines += [f"  - model: {model}", f"    values: {{{name}: {value}}}", f"    date: '{date}'"]
    (data / "tasks" / "t.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = load_project(data)
    assert loaded.ok, loaded.problems
    return leaderboard_view(loaded.project.tasks[0].leaderboards[0])


PINBALL = [("2012-07-19", 254748, "UCT"), ("2015-09-22", 447408.6, "Prior+Duel hs"),
           ("2015-09-22", 196760.4, "DQN noop"), ("2016-02-15", 811610, "Bootstrapped DQN"),
           ("2017-06-30", 870954, "NoisyNet-Dueling"), ("2017-07-21", 949604.0, "C51 noop"),
           ("2019-05-01", 999383.2, "R2D2"), ("2019-11-19", 981791.88, "MuZero")]


def _boxes(c: chart.Chart) -> list[tuple[str, tuple]]:
    """Every text of the chart with its box at the largest size, as chart.py estimates it."""
    f = chart.FONT
    out = [(label, chart._text_box(c.left - 6, y, "end", 0.32, label)) for y, label in c.y_ticks]
    out += [(label, chart._text_box(x, c.year_y, "middle", 0.95, label)) for _, x, label in c.x_ticks]
    out.append((c.title, chart._text_box(2, 2, "start", 0.95, c.title)))
    out.append((c.best_label, chart._text_box(c.right, c.best_y, "end", 0.95, c.best_label)))
    out += [(l.text, chart._text_box(l.x, l.y, l.anchor, l.dy, l.text)) for l in c.labels]
    assert all(b[3] - b[1] == pytest.approx((chart.ASCENT + chart.DESCENT) * f) for _, b in out)
    return out


def assert_inside_and_apart(c: chart.Chart) -> None:
    boxes = _boxes(c)
    for text, (x0, y0, x1, y1) in boxes:
        assert 0 <= x0 and x1 <= c.width and 0 <= y0 and y1 <= c.height, text
    for i, (a, box) in enumerate(boxes):
        for b, other in boxes[i + 1:]:
            assert not chart._overlap(box, other), (a, b)


def test_large_values_get_a_margin_their_labels_fit_and_every_text_stays_inside(tmp_path):
    view = _board(tmp_path, "Score", PINBALL)
    c = chart.progress(view)
    assert [label for _, label in c.y_ticks] == ["0", "250k", "500k", "750k", "1M"]
    assert c.title == "Score ↑"
    assert c.best_label == "best 999,383.2 (R2D2)"
    assert "from 254,748 (UCT, 2012-07-19) to 999,383.2 (R2D2, 2019-05-01)" in c.summary
    assert {p.name: p.value for p in c.points}["MuZero"] == "981,791.88"
    assert_inside_and_apart(c)
    # the tick labels end before the plot, which starts after the longest
    assert c.left >= max(text_width(label) for _, label in c.y_ticks)


def test_records_are_labelled_latest_first_beside_their_own_dot(tmp_path):
    view = _board(tmp_path, "Score", PINBALL)
    c = chart.progress(view)
    records = [p for p in c.points if p.record]
    assert [p.name for p in records] == ["UCT", "Prior+Duel hs", "Bootstrapped DQN",
                                          "NoisyNet-Dueling", "C51 noop", "R2D2"]
    assert 1 <= len(c.labels) <= chart.RECORD_LABELS
    names = [label.text for label in c.labels]
    assert names == [p.name for p in reversed(records[:-1]) if p.name in names]
    by_index = {p.index: p for p in c.points}
    for label in c.labels:
        box = chart._text_box(label.x, label.y, label.anchor, label.dy, label.text)
        own = chart._distance(box, by_index[label.index].x, by_index[label.index].y)
        assert own < 12
        assert all(chart._distance(box, p.x, p.y) >= own + chart.AMBIGUOUS
                   for p in records if p.index != label.index)


def test_a_long_title_and_best_label_take_two_rows(tmp_path):
    view = _board(tmp_path, "Mean Human Normalized Score Over Fifty Seven Games", [
        ("2015-01-01", 10, "A"), ("2016-01-01", 20, "A Remarkably Long Model Name, Large"),
        ("2017-01-01", 15, "C")], unit="%")
    c = chart.progress(view)
    assert c.title.endswith("…") and len(c.title) <= chart.TITLE_CHARS
    assert c.best_label == "best 20 (A Remarkably Long Model…)"
    assert c.best_y > 2  # a row of its own, under the title
    assert_inside_and_apart(c)
    assert c.top > c.best_y + (chart.ASCENT + chart.DESCENT) * chart.FONT


def test_dots_of_one_date_stand_side_by_side_near_it(tmp_path):
    rows = [("2019-05-28", 70 + i / 10, f"Net-{i}") for i in range(40)]
    rows += [("2021-06-04", 80 + i / 10, f"Next-{i}") for i in range(40)]
    c = chart.progress(_board(tmp_path, "Top-1 Accuracy", rows, unit="%"))
    first = [p for p in c.points if p.date == "2019-05-28"]
    assert len({p.x for p in first}) >= 3
    assert all(abs(p.dx) <= chart.JITTER and c.left <= p.x <= c.right for p in c.points)
    assert all(p.dx == 0 for p in c.points if p.record)  # the line turns at their date
    # the same chart twice: the same places
    again = chart.progress(_board(tmp_path / "again", "Top-1 Accuracy", rows, unit="%"))
    assert [(p.x, p.y) for p in again.points] == [(p.x, p.y) for p in c.points]


def test_lower_is_better_labels_the_side_below_the_line(tmp_path):
    rows = [(f"{2012 + i}-03-01", v, f"Model {chr(65 + i)}")
            for i, v in enumerate([9800, 8750, 6400, 5150, 3320, 1990])]
    c = chart.progress(_board(tmp_path, "Latency", rows, lower=True, unit="ms"))
    assert c.title == "Latency (ms) ↓"
    assert [label for _, label in c.y_ticks] == ["0", "2k", "4k", "6k", "8k", "10k"]
    # below the line, where no result is: none is better than the best so far
    assert c.labels and all(label.dy == chart.ASCENT for label in c.labels)
    assert_inside_and_apart(c)

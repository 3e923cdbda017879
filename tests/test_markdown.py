"""Markdown tables drawn from data: order, escaping, precision, highlight."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from helpers import html


def write_task(data: Path, body: str, task_id: str = "toy") -> Path:
    (data / "tasks").mkdir(parents=True, exist_ok=True)
    (data / "datasets").mkdir(parents=True, exist_ok=True)
    path = data / "tasks" / f"{task_id}.yml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def table_rows(page: str) -> list[list[str]]:
    rows = []
    for line in page.splitlines():
        if line.startswith("| ") and not line.startswith("| Model"):
            rows.append([c.strip() for c in _split_cells(line)])
    return rows


def _split_cells(line: str) -> list[str]:
    cells, cur, i = [], "", 1
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            cur += line[i:i + 2]
            i += 2
            continue
        if ch == "|":
            cells.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    return cells


TOY = """\
    title: Toy task
    leaderboards:
    - id: depth
      title: Depth
      metrics:
      - {name: RMSE, direction: lower}
      - {name: Time, unit: ms, direction: lower, decimals: 1}
      results:
      - {model: B, values: {RMSE: 2.517, Time: 12}}
      - {model: A, values: {RMSE: 2.271}}
      - {model: N, values: {RMSE: null, Time: 3}}
      - {model: C, values: {RMSE: 2.517, Time: 4.2}}
    """


@pytest.fixture
def toy(tmp_path):
    write_task(tmp_path / "data", TOY)
    return tmp_path / "data"


def test_lower_is_better_orders_ascending_with_na_last_and_ties_stable(cli, toy):
    run = cli("markdown", "toy", "--data", str(toy))
    assert run.code == 0, run.err
    assert [r[0] for r in table_rows(run.out)] == ["A", "B", "C", "N"]


def test_units_in_headers_and_decimals_applied(cli, toy):
    page = cli("markdown", "toy", "--data", str(toy)).out
    assert "| RMSE  | Time, ms |" in page
    rows = {r[0]: r for r in table_rows(page)}
    assert rows["B"][1:3] == ["2.517", "12.0"]
    assert rows["C"][2] == "4.2"
    assert rows["A"][2] == "N/A" and rows["N"][1] == "N/A"


def test_highlight_bolds_the_best_n_per_metric(cli, toy):
    path = toy / "tasks" / "toy.yml"
    path.write_text(path.read_text().replace("  title: Depth\n", "  title: Depth\n  highlight: 1\n"))
    rows = {r[0]: r for r in table_rows(cli("markdown", "toy", "--data", str(toy)).out)}
    assert rows["A"][1] == "**2.271**" and rows["N"][2] == "**3.0**"
    assert rows["B"][1] == "2.517" and rows["C"][2] == "4.2"


def test_names_that_would_break_a_table_are_escaped(cli, tmp_path):
    data = tmp_path / "data"
    write_task(data, """\
        title: "Pipes | and [brackets]"
        leaderboards:
        - id: x
          title: "A|B a<0.5 & c>d"  # a<b would be a tag to a browser: refused
          metrics: [{name: "Acc|1"}]
          results:
          - model: "Net|v2 *star* _under_ `tick`"
            values: {"Acc|1": 1.5}
            weights: [{label: "Py|Torch", url: "https://example.org/a|b(c"}]
          - model: "Two  lines & &amp; 統一"
            values: {"Acc|1": 1.0}
        """)
    run = cli("markdown", "toy", "--data", str(data))
    assert run.code == 0, run.err
    out = html(run.out)
    assert "<h1>Pipes | and [brackets]</h1>" in out
    assert "<h3>A|B a&lt;0.5 &amp; c&gt;d</h3>" in out
    assert "<th style=\"text-align:center\">Acc|1</th>" in out
    assert ">Net|v2 *star* _under_ `tick`</td>" in out
    assert ">Two lines &amp; &amp;amp; 統一</td>" in out
    assert 'href="https://example.org/a%7Cb%28c"' in out
    assert out.count("<tr>") == 3  # header + 2 rows: nothing broke the table


def test_an_empty_leaderboard_renders_a_header_only_table(cli, tmp_path):
    data = tmp_path / "data"
    write_task(data, """\
        title: Empty
        leaderboards:
        - {id: x, title: X, metrics: [{name: Score}], results: []}
        """)
    run = cli("markdown", "toy", "--data", str(data))
    assert run.code == 0, run.err
    table = html(run.out).split("<table>")[1].split("</table>")[0]
    assert ">Model</th>" in table and "<th style=\"text-align:center\">Score</th>" in table
    assert "<td>" not in table


def test_markdown_refuses_invalid_data_and_writes_nothing(cli, tmp_path):
    data = tmp_path / "data"
    write_task(data, "title: Broken\nleaderboards: 3\n")
    out = tmp_path / "page.md"
    run = cli("markdown", "toy", "--data", str(data), "--out", str(out))
    assert run.code == 1
    assert "toy.yml:2:15: 'leaderboards' must be a list, not the number 3" in run.err
    assert not out.exists()


@pytest.mark.parametrize("notes", ["See:\n```\nleft open", "~~~~\nopen", "Text\n\n```python\nx = 1"])
def test_a_code_fence_left_open_in_notes_ends_with_them(cli, tmp_path, notes):
    """Notes that open a code fence and never close it do not swallow what the page prints
    after them: the table stays a table in every markdown output."""
    import json
    data = tmp_path / "data"
    write_task(data, f"""\
        title: Toy
        leaderboards:
        - id: board
          title: Board
          notes: {json.dumps(notes)}
          metrics:
          - name: Accuracy
          results:
          - model: Net
            values: {{Accuracy: 90.5}}
        """)
    out = tmp_path / "toy.md"
    run = cli("markdown", "toy", "--data", str(data), "--out", str(out))
    assert run.code == 0, run.err
    rendered = html(out.read_text(encoding="utf-8"), alignment=False)
    assert "<table>" in rendered and "<td>Net</td>" in rendered
    assert rendered.count("<code") == 1  # the notes' own code only

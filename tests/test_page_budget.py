"""Bounded work (issue 25): a page has a size budget at any number of results.  A
leaderboard page shows its first ``site.PAGE_ROWS`` rows and says where the rest are (the
downloads stay whole); so do model and paper pages; badges and chart points follow the
rows shown."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from generator.project.pipeline import load_project
from generator.site import build as sitebuild
from generator.views import site

RESULTS = site.PAGE_ROWS * 3


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data = tmp_path_factory.mktemp("budget") / "data"
    (data / "tasks").mkdir(parents=True)
    lines = ["title: Big", "leaderboards:", "- id: big", "  title: Big board", "  metrics:",
             "  - name: Accuracy", "  results:"]
    for i in range(RESULTS):  # one model and one paper reporting every result
        lines += [f"  - model: Net", f"    id: net-{i}", f"    values: {{Accuracy: {i / 100:.2f}}}",
                  "    paper: https://example.org/one-paper",
                  f"    date: {2000 + i % 20}-0{1 + i % 9}-01"]
    (data / "tasks" / "big.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = load_project(data)
    assert loaded.ok, loaded.problems[:3]
    return loaded.project, sitebuild.site_pages(loaded.project), site.site_files(loaded.project)


def test_a_huge_leaderboard_page_shows_its_first_rows_within_a_megabyte(built):
    _, pages, _ = built
    page = pages["tasks/big/big.md"]
    assert len(page.encode()) < 1_000_000
    rows = re.findall(r'<tr id="big--', page)
    assert len(rows) == site.PAGE_ROWS
    assert f"The table shows the first {site.PAGE_ROWS:,} of {RESULTS:,} results" in page
    assert f"{RESULTS} results" in page  # the count is of them all
    # the chart draws the rows shown and the records, and counts them all
    assert len(re.findall(r"<circle", page)) <= site.PAGE_ROWS + 50
    assert f"{RESULTS} results from" in page


def test_the_downloads_stay_whole_and_badges_follow_the_rows_shown(built):
    _, _, files = built
    table = list(csv.reader(io.StringIO(files["data/big/big.csv"])))
    assert len(table) == RESULTS + 1
    badges = [p for p in files if p.startswith("badges/big/")]
    assert len(badges) == site.PAGE_ROWS


def test_model_and_paper_pages_are_bounded_too(built):
    _, pages, _ = built
    for path in ("models/net.md", "papers/" + next(
            p[len("papers/"):] for p in pages if p.startswith("papers/example-org"))):
        page = pages[path]
        assert len(page.encode()) < 1_000_000, path
        assert page.count("<tr><td>") == site.PAGE_ROWS, path
        assert f"The table shows the first {site.PAGE_ROWS:,} of {RESULTS:,} results" in page


def test_a_small_leaderboard_shows_every_row_and_no_note(tmp_path):
    from helpers import DATA
    pages = sitebuild.site_pages(load_project(DATA).project)
    assert not any("The table shows the first" in text for text in pages.values())


def test_rows_heavy_with_notes_and_links_are_cut_by_weight_not_only_by_count(tmp_path):
    """520 results, each with 9.6 KB of notes and 50 code links (valid data): the page holds
    as many rows as fit under a megabyte and says how many of how many."""
    data = tmp_path / "data"
    (data / "tasks").mkdir(parents=True)
    lines = ["title: Heavy", "leaderboards:", "- id: heavy", "  title: Heavy board", "  metrics:",
             "  - name: Accuracy", "  results:"]
    for i in range(520):
        lines += [f"  - model: Net {i}", f"    values: {{Accuracy: {i / 10:.1f}}}",
                  f"    notes: {'a note ' * 1370}", "    code:"]
        lines += [f"    - {{label: repo{j}, url: 'https://github.com/owner-{i}/repository-{j}'}}"
                  for j in range(50)]
    (data / "tasks" / "heavy.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = load_project(data)
    assert loaded.ok, loaded.problems[:3]
    page = sitebuild.site_pages(loaded.project)["tasks/heavy/heavy.md"]
    assert len(page.encode()) < 900_000  # the theme around it stays within the megabyte
    shown = len(re.findall(r'<tr id="heavy--', page))
    assert 1 <= shown < 100
    assert f"The table shows the first {shown:,} of 520 results" in page
    files = site.site_files(loaded.project)
    assert len([p for p in files if p.startswith("badges/heavy/")]) == shown

"""`import` on seven public repositories of hand-written leaderboards it was not built on
(tests/fixtures/wild, each with its licence and SOURCE.md; rows counted by hand in
expected.yml and checked by tests/wild_count.py, which does not use the importer): the
acceptance of issue 27, per repository, measured by tests/wild_measure.py."""
from __future__ import annotations

import sys

import pytest

from helpers import ROOT

sys.path.insert(0, str(ROOT / "tests"))
import wild_count  # noqa: E402
import wild_measure  # noqa: E402

REPOS = sorted(p for p in wild_measure.WILD.iterdir() if (p / "expected.yml").exists())


def test_the_corpus_is_real_licensed_and_counted_by_hand():
    assert len(REPOS) >= 6
    for repo in REPOS:
        assert (repo / "LICENSE").is_file() or list(repo.glob("LICENSE*")), repo.name
        assert "commit" in (repo / "SOURCE.md").read_text(encoding="utf-8").lower(), repo.name
        counted = wild_count.check(repo)  # the counter agrees with the hand count
        assert not counted["problems"], counted["problems"]
        assert counted["rows_hand"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("repo", REPOS, ids=[r.name for r in REPOS])
def test_a_repository_imports_nine_rows_in_ten_and_nothing_it_does_not_hold(repo):
    found = wild_measure.measure(repo)
    assert found["exit"] == 0, found["stderr_head"]
    assert found["imported"] >= 0.9 * found["rows_hand"], found["tables_detail"]
    assert found["invented"] == 0, found["invented_examples"]
    assert found["misplaced"] == 0, found["misplaced_examples"]
    assert found["lower_right"] == found["lower_total"], found["lower_wrong"]
    assert not found["false_leaderboards"], found["false_leaderboards"]

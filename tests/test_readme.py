"""README regeneration: only the marked sections change; --check reports staleness."""
from __future__ import annotations

import shutil

import pytest
from helpers import DATA, ROOT


@pytest.fixture
def repo(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    return tmp_path


def test_committed_readme_is_fresh(cli):
    run = cli("readme", "--check", cwd=ROOT)
    assert run.code == 0, run.out + run.err
    assert run.out.strip() == "README.md is up to date"


def test_hand_edited_table_is_stale_and_regenerated_keeping_outside_edits(cli, repo):
    readme = repo / "README.md"
    text = readme.read_text(encoding="utf-8")
    text = text.replace("| 88.80 |", "| 99.99 |", 1)  # a hand edit inside a generated table
    text = text.replace("## Adding a result\n", "## Adding a result\n\nA maintainer's note.\n", 1)
    readme.write_text(text, encoding="utf-8")

    run = cli("readme", "--check", cwd=repo)
    assert run.code == 1
    assert "-| SDN-M2\\* + COCO + MS           | 99.99 |" in run.out
    assert "+| SDN-M2\\* + COCO + MS           | 88.80 |" in run.out
    assert "is stale" in run.err
    assert readme.read_text(encoding="utf-8") == text  # --check writes nothing

    assert cli("readme", cwd=repo).code == 0
    assert cli("readme", "--check", cwd=repo).code == 0
    fixed = readme.read_text(encoding="utf-8")
    assert "| 99.99 |" not in fixed and "| 88.80 |" in fixed
    assert "## Adding a result\n\nA maintainer's note.\n" in fixed


def test_a_data_change_makes_the_readme_stale(cli, repo):
    task = repo / "data" / "tasks" / "semantic_segmentation.yml"
    task.write_text(task.read_text(encoding="utf-8").replace("{Score: 77.33}", "{Score: 89.01}"),
                    encoding="utf-8")
    run = cli("readme", "--check", cwd=repo)
    assert run.code == 1 and "89.01" in run.out
    cli("readme", cwd=repo)
    text = (repo / "README.md").read_text(encoding="utf-8")
    # the new best moved to the top of its table
    table = text.split("#### PASCAL VOC 2012 — Validation set")[1]
    first_row = [l for l in table.splitlines() if l.startswith("| ")][1]
    assert first_row.startswith("| DeepLab_v3-MobileNet-v2 + COCO | 89.01 |")


@pytest.mark.parametrize("broken,message", [
    ("<!-- END GENERATED: summary -->\n", "BEGIN marker inside section 'summary' opened at line"),
    ("<!-- END GENERATED: leaderboards -->\n", "section 'leaderboards' has no END marker"),
    ("<!-- BEGIN GENERATED: summary -->\n", "END marker for 'summary' without a BEGIN"),
])
def test_broken_markers_are_clear_errors_and_nothing_is_written(cli, repo, broken, message):
    readme = repo / "README.md"
    text = readme.read_text(encoding="utf-8").replace(broken, "", 1)
    readme.write_text(text, encoding="utf-8")
    run = cli("readme", cwd=repo)
    assert run.code == 1 and message in run.err
    assert readme.read_text(encoding="utf-8") == text


def test_readme_without_markers(cli, repo):
    (repo / "README.md").write_text("# Hello\n", encoding="utf-8")
    run = cli("readme", cwd=repo)
    assert run.code == 1 and "README.md:1:1: no generated sections" in run.err


def test_invalid_data_leaves_readme_untouched(cli, repo):
    task = repo / "data" / "tasks" / "semantic_segmentation.yml"
    task.write_text(task.read_text(encoding="utf-8").replace("{Score: 77.33}", "{Score: high}"),
                    encoding="utf-8")
    before = (repo / "README.md").read_text(encoding="utf-8")
    run = cli("readme", cwd=repo)
    assert run.code == 1 and "value of metric 'Score' must be a number" in run.err
    assert (repo / "README.md").read_text(encoding="utf-8") == before


def test_a_crlf_readme_stays_crlf(cli, repo):
    """A README checked out with Windows line ends is regenerated with them, every line."""
    readme = repo / "README.md"
    original = readme.read_bytes()
    readme.write_bytes(original.replace(b"| 88.80 |", b"| 99.99 |", 1).replace(b"\n", b"\r\n"))
    assert cli("readme", cwd=repo).code == 0
    written = readme.read_bytes()
    assert b"| 88.80 |" in written and b"| 99.99 |" not in written
    assert written.count(b"\n") == written.count(b"\r\n")  # no lone LF
    assert written.replace(b"\r\n", b"\n") == original
    assert cli("readme", "--check", cwd=repo).code == 0

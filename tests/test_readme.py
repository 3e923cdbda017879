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


# --- issue 25: nothing in the data can forge or hide a marker ---------------------------------

MARKERS = ["<!-- BEGIN GENERATED: summary -->", "<!-- END GENERATED: summary -->",
           "<!-- BEGIN GENERATED: leaderboards -->", "<!-- END GENERATED: leaderboards -->"]
SEG = "semantic_segmentation"


def markers_seen(text: str) -> list[str]:
    """The markers as CommonMark reads the README: HTML comments of their own at the start
    of a line at the top level, not lines of a code block."""
    from markdown_it import MarkdownIt
    return [t.content.strip() for t in MarkdownIt("commonmark").enable("table").parse(text)
            if t.type == "html_block" and t.level == 0 and t.content.startswith("<!-- ")
            and "GENERATED:" in t.content]


def outside_sections(text: str) -> list[str]:
    """The hand-written parts: before, between and after the generated sections."""
    parts, rest = [], text
    for begin, end in ((MARKERS[0], MARKERS[1]), (MARKERS[2], MARKERS[3])):
        head, _, rest = rest.partition(begin + "\n")
        parts.append(head)
        rest = rest.partition("\n" + end + "\n")[2]
    return parts + [rest]


def test_markers_in_fenced_notes_cannot_end_a_section(cli, repo):
    """A task's notes show every marker in a fenced block, and the last leaderboard's notes
    leave a fence open around an END marker: both validate (code may show anything), and
    `readme` twice gives the same README, with the four real markers and nothing else."""
    path = repo / "data" / "tasks" / f"{SEG}.yml"
    text = path.read_text(encoding="utf-8")
    fenced = "".join(f"  {m}\n" for m in [MARKERS[3], MARKERS[1], MARKERS[0], MARKERS[2]])
    text = text.replace("notes: '**NB**: evaluation", "notes: |\n  ```html\n" + fenced +
                        "  ```\n\n  **NB**: evaluation", 1)
    text = text.replace("  title: Cityscapes — Testing set\n", "  title: Cityscapes — Testing set\n"
                        "  notes: |\n    Scores as reported:\n\n    ~~~~\n    " + MARKERS[3] +
                        "\n\n    ## Taken over\n", 1)
    path.write_text(text, encoding="utf-8")
    readme = repo / "README.md"
    before = readme.read_text(encoding="utf-8")
    assert cli("validate", "--data", str(repo / "data")).code == 0

    run = cli("readme", cwd=repo)
    assert run.code == 0, run.err
    first = readme.read_text(encoding="utf-8")
    run = cli("readme", cwd=repo)
    assert run.code == 0, run.err
    assert readme.read_text(encoding="utf-8") == first  # stable
    assert cli("readme", "--check", cwd=repo).code == 0
    assert markers_seen(first) == MARKERS
    assert outside_sections(first) == outside_sections(before)
    # the notes show the markers as code, one space in; the open fence is closed before END
    assert "```html\n" + "".join(f" {m}\n" for m in [MARKERS[3], MARKERS[1], MARKERS[0],
                                                        MARKERS[2]]) + "```\n" in first
    # the fence the notes left open is closed where they end, so the table after them is a table
    assert "\n ## Taken over\n~~~~\n" in first or "\n## Taken over\n~~~~\n" in first
    after_notes = first.split("## Taken over\n~~~~\n", 1)[1].split(MARKERS[3])[0]
    assert "~~~~" not in after_notes and "| Model" in after_notes
    assert "\n## Sources and licence\n" in first.split(MARKERS[3] + "\n")[-1]


@pytest.mark.parametrize("template", [None, "{% for task, boards in tasks %}\n"
                                             "### {{ task.title }}\n\n{{ task.notes }}\n\n"
                                             "{% endfor %}\n"], ids=["shipped", "raw-notes"])
def test_markers_outside_code_cannot_end_a_section_even_unvalidated(repo, tmp_path, template):
    """Markers as raw lines of notes (refused by validate), rendered with validation
    switched off, by the shipped template and by a site's own that prints the notes as they
    are: regenerating twice keeps the README whole."""
    from generator.outputs import readme as readme_out
    from generator.project.pipeline import load_project

    path = repo / "data" / "tasks" / f"{SEG}.yml"
    raw = "".join(f"  {m}\n" for m in [MARKERS[3], MARKERS[0]])
    path.write_text(path.read_text(encoding="utf-8").replace(
        "notes: '**NB**: evaluation", "notes: |\n" + raw + "\n  **NB**: evaluation", 1),
        encoding="utf-8")
    templates = None
    if template is not None:
        templates = tmp_path / "templates"
        templates.mkdir()
        (templates / "readme_leaderboards.md.j2").write_text(template, encoding="utf-8")
    loaded = load_project(repo / "data")
    assert any("raw HTML" in p.message for p in loaded.problems)
    before = (repo / "README.md").read_text(encoding="utf-8")
    first = readme_out.regenerate(before, loaded.project, templates=templates)
    assert readme_out.regenerate(first, loaded.project, templates=templates) == first
    assert markers_seen(first) == MARKERS
    assert outside_sections(first) == outside_sections(before)


def test_hand_written_examples_of_the_markers_are_left_alone(cli, repo):
    readme = repo / "README.md"
    example = "## How the tables are made\n\n```markdown\n" + "\n".join(MARKERS) + "\n```\n\n"
    text = readme.read_text(encoding="utf-8").replace("## Sources and licence\n",
                                                      example + "## Sources and licence\n", 1)
    readme.write_text(text, encoding="utf-8")
    assert cli("readme", "--check", cwd=repo).code == 0
    assert cli("readme", cwd=repo).code == 0
    assert readme.read_text(encoding="utf-8") == text


def test_an_end_marker_inside_a_code_block_is_named_and_nothing_is_written(cli, repo):
    """A README whose section holds a fence left open (by an older generator) hides its END
    marker in code: the error says where, instead of regenerating around it."""
    readme = repo / "README.md"
    text = readme.read_text(encoding="utf-8").replace(
        "\n" + MARKERS[3] + "\n", "\n```\n" + MARKERS[3] + "\n", 1)
    readme.write_text(text, encoding="utf-8")
    fence = text.splitlines().index("```", text.splitlines().index(MARKERS[2])) + 1
    run = cli("readme", cwd=repo)
    assert run.code == 1
    begin = text.splitlines().index(MARKERS[2]) + 1
    assert run.err.strip() == (f"README.md:{begin}:1: section 'leaderboards' has no END marker: "
                               f"the one at line {fence + 1} is inside a code block opened at "
                               f"line {fence}; close that block first")
    assert readme.read_text(encoding="utf-8") == text

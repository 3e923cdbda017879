"""The tests stand alone: what they read is in the repository, with its licence and source.

The reference material (the seed page, SotA-CV's pages, a slice of the Papers with Code
export) is copied into tests/fixtures/; these tests keep it that way, and check that the
slice holds what it was cut for.
"""
from __future__ import annotations

import re

import pytest
import yaml
from helpers import FIXTURES, PWC_SLICE, ROOT, SEED, SOTA_CV

from generator.importers.pwc import KINDS

TESTS = ROOT / "tests"

# Ways a test could reach outside the repository: the reference folder beside it, absolute
# paths of this machine, or climbing above the repository's root. (Written so that this file
# does not match them itself.)
OUTSIDE = [
    (re.compile(r"\.\./+shared"), "the folder beside the repository"),
    (re.compile(r"""["']shared["']"""), "a folder named shared"),
    (re.compile(r"shared/+(seeds|reference|design)"), "the shared reference folder"),
    (re.compile(r"/wor[k]/|/roo[t]/|/hom[e]/"), "an absolute path of this machine"),
    (re.compile(r"ROOT\.parent\b|ROOT\s*/\s*[\"']\.\.[\"']"), "a path above the repository"),
]


def _test_sources():
    return sorted(p for p in TESTS.rglob("*.py")
                  if "__pycache__" not in p.parts and "fixtures" not in p.relative_to(TESTS).parts)


def test_no_test_reads_outside_the_repository():
    sources = _test_sources()
    assert TESTS / "helpers.py" in sources and TESTS / "browser" / "conftest.py" in sources
    found = []
    for path in sources:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, what in OUTSIDE:
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()}")
    assert found == [], "\n".join(found)


def test_the_fixture_paths_are_inside_the_repository():
    for path in (SEED, SOTA_CV, PWC_SLICE):
        assert path.exists(), path
        assert path.resolve().is_relative_to(FIXTURES.resolve()), path


@pytest.mark.parametrize("folder,licence", [("sota-cv", "MIT"), ("seed", "MIT"),
                                            ("pwc-slice", "CC-BY-SA 4.0"),
                                            ("pwc-areas", "CC-BY-SA 4.0")])
def test_each_copy_names_its_source_and_licence(folder, licence):
    readme = (FIXTURES / folder / "README.md").read_text(encoding="utf-8")
    assert licence in readme and "changed" in readme
    if licence == "MIT":  # the MIT licence asks for its notice in every copy
        notice = (FIXTURES / folder / "LICENSE").read_text(encoding="utf-8")
        assert "Copyright (c) 2018 Roman Trusov" in notice and "MIT License" in notice
        assert "Roman Trusov" in readme and "542698b" in readme


def test_the_seed_is_sota_cvs_semantic_segmentation_page():
    assert SEED.read_bytes() == (SOTA_CV / "content" / "semantic_segmentation.md").read_bytes()


def test_the_slice_is_small():
    # under a megabyte (the whole export is 47.6 MB): 758 KB, of which ImageNet's 199 rows,
    # with their lists of code links, are 490 KB and SQuAD1.1's 186 rows most of the rest
    assert PWC_SLICE.stat().st_size < 1_000_000


@pytest.fixture(scope="module")
def slice_import(tmp_path_factory):
    """The slice imported once, in-process (the cli fixture is per test)."""
    import contextlib
    import io

    from generator.cli import main
    data = tmp_path_factory.mktemp("pwc") / "data"
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["import-pwc", str(PWC_SLICE), "--data", str(data)])
    assert code == 0, err.getvalue()
    return data, err.getvalue()


def _task(data, task_id):
    return yaml.safe_load((data / "tasks" / f"{task_id}.yml").read_text(encoding="utf-8"))


def test_the_slice_imports_and_validates(cli, slice_import):
    data, err = slice_import
    # the counts of the slice, not of the whole export (see tests/fixtures/pwc-slice/README.md);
    # when the slice changes, recount with
    # python -m generator import-pwc tests/fixtures/pwc-slice/evaluation-tables.json --data DIR
    assert cli("validate", "--data", str(data)).out.strip() == \
        "valid: 28 tasks, 23 datasets, 22 leaderboards, 506 results"
    assert "tasks: 28 (4 repeats of a subtask under another parent merged" in err
    # no row is lost: results + rows merged into an identical one + rows in repeats
    assert "the archive lists 26 leaderboards and 522 rows counting repeats: 22 + 4 in repeats; " \
           "506 results + 1 merged into an identical row + 15 in repeats" in err
    assert "datasets without rows (no leaderboard made): 1" in err
    sources = yaml.safe_load((data / "sources.yml").read_text(encoding="utf-8"))
    assert sources[0]["license"] == "CC-BY-SA 4.0"


def test_the_slice_holds_every_kind_of_value_the_import_leaves_out(slice_import):
    data, _ = slice_import
    kinds = {kind for _, kind in KINDS} | {"other"}
    lines = [l for l in (data / "pwc-import-report.txt").read_text(encoding="utf-8").splitlines()
             if l.startswith("value not imported: ")]  # each ends with '(KIND)'
    assert {kind for kind in kinds if not any(l.endswith(f"({kind})") for l in lines)} == set()


def test_a_subtask_under_two_parents_one_of_them_repeated_too(slice_import):
    data, _ = slice_import
    assert _task(data, "multi-frame-super-resolution")["parent"] == \
        ["image-super-resolution", "super-resolution"]
    assert _task(data, "image-super-resolution")["parent"] == "super-resolution"


def test_the_slice_directions_and_units(slice_import):
    data, _ = slice_import
    def metrics(task_id):
        return {m["name"]: (m["direction"], m.get("unit"))
                for lb in _task(data, task_id)["leaderboards"] for m in lb["metrics"]}
    assert metrics("image-classification")["Percentage error"] == ("lower", None)
    assert metrics("speech-recognition")["Word Error Rate (WER)"] == ("lower", None)
    assert metrics("recipe-generation") == {"BLEU": ("higher", None), "Perplexity": ("lower", None)}
    # names the rules would call lower-is-better, turned around by the reviewed list
    assert metrics("image-generation")["MS-SSIM"] == ("higher", None)
    assert metrics("disguised-face-verification")["GAR @1% FAR"] == ("higher", None)
    assert metrics("horizon-line-estimation")["AUC (horizon error)"] == ("higher", None)
    # '%' is the unit where most values carry it (3 of 5), not where a few do (1 of 4)
    assert metrics("node-classification")["Accuracy"] == ("higher", "%")
    assert metrics("6d-pose-estimation-using-rgb")["Mean ADD"] == ("higher", None)


def test_the_largest_slice_table_renders_ranked(cli, slice_import):
    data, _ = slice_import
    run = cli("markdown", "image-classification", "--data", str(data))
    assert run.code == 0, run.err
    mnist = run.out[run.out.index("\n### MNIST"):]
    rows = [l for l in mnist.splitlines() if l.startswith("| ") and not l.startswith("| Model")]
    assert len(rows) == 71  # MNIST, every row of it
    errors = [float(c) for c in (l.split("|")[2].strip().strip("*") for l in rows) if c != "N/A"]
    assert errors == sorted(errors)  # lower is better: the smallest error first


# --- rankings a reader can trust (directions from evidence, imports that lose nothing) -------

def _board(data, task_id, title):
    return next(lb for lb in _task(data, task_id)["leaderboards"] if lb["title"] == title)


def _first(data, task_id, title):
    """The model and values ranked first, as every output ranks them."""
    from generator.views import leaderboard as views
    from generator.project.pipeline import load_valid_project
    project = load_valid_project(data).project
    lb = next(lb for lb in project.task(task_id).leaderboards if lb.title == title)
    row = views.leaderboard_view(lb).rows[0]
    return row.display_name, [c.text for c in row.cells]


def test_lower_is_better_columns_named_by_no_pattern_crown_the_right_model(slice_import):
    data, _ = slice_import
    # FPR95: 0.0 is best (before: 34.94 ranked first)
    assert _first(data, "out-of-distribution-detection", "CIFAR-10") == ("WRN 40-2", ["0"])
    # Hub5'00: CallHome 14.0 ranks above 16.2 (the reviewed directions file)
    board = _board(data, "speech-recognition", "Hub5'00 SwitchBoard")
    assert {m["name"]: m["direction"] for m in board["metrics"]}["CallHome"] == "lower"
    assert _first(data, "speech-recognition", "Hub5'00 SwitchBoard")[1][0] == "14"
    # PROBA-V's normalised cPSNR: lower is better, as the archive's own order says
    name, values = _first(data, "multi-frame-super-resolution", "PROBA-V")
    board = _board(data, "multi-frame-super-resolution", "PROBA-V")
    lowest = min(float(r["values"]["Normalized cPSNR"]) for r in board["results"]
                 if r["values"].get("Normalized cPSNR") is not None)
    assert float(values[0]) == lowest


def test_no_column_named_plainly_as_a_score_is_lower_is_better(slice_import):
    from generator.rules.directions import PLAIN_SCORE
    data, _ = slice_import
    lower = [m["name"] for p in (data / "tasks").glob("*.yml")
             for lb in yaml.safe_load(p.read_text(encoding="utf-8"))["leaderboards"]
             for m in lb["metrics"] if m["direction"] == "lower"]
    assert lower and not [n for n in lower if PLAIN_SCORE.fullmatch(n)]


def test_a_row_with_its_paper_and_code_is_never_dropped_for_a_bare_copy(slice_import):
    data, err = slice_import
    board = _board(data, "question-answering", "SQuAD1.1")
    xlnet = [r for r in board["results"] if r["model"] == "XLNet (single model)"]
    assert any(r.get("paper", "").startswith("https://arxiv.org/abs/1906.08237")
               and len(r.get("code", [])) == 12 for r in xlnet)
    assert "rows kept apart (same model and values, another paper): " in err


def test_the_report_counts_directions_by_source_of_evidence(slice_import):
    data, err = slice_import
    counts = dict((source, int(n)) for n, source in
                  re.findall(r"^\s+(\d+) from (\w+)", err, flags=re.M))
    assert {"name", "order", "default"} <= set(counts)
    summary = re.search(r"metric directions by source of evidence: (.*)", err)[1]
    assert "explicit" in summary
    assert "directions where the evidence disagreed: " in err
    assert "Normalized cPSNR': lower is better: the source stores its rows in this order " \
           "(against: name says higher)" in (data / "pwc-import-report.txt").read_text(encoding="utf-8")

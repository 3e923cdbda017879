"""A task's research area, decided from all the evidence (the Papers with Code import), and
the counts the site shows for tasks and areas, subtasks included.

The fixture (tests/fixtures/pwc-areas) holds real tasks of the archive whose first category
is no decision: Named Entity Recognition is tagged Adversarial and Natural Language
Processing; "3D" Adversarial, Computer Vision, Medical and Playing Games."""
from __future__ import annotations

import json
import re

import pytest
import yaml

from generator.importers import pwc, pwc_areas
from generator.importers.pwc_areas import decide, generic
from helpers import PWC_AREAS, run_module

CV, NLP, MED = "Computer Vision", "Natural Language Processing", "Medical"


# --- the decision, on hand-made families -------------------------------------------

def areas(categories, parents=None):
    return {task: d.area for task, d in decide(categories, parents or {}).items()}


def test_a_generic_category_never_wins_over_a_specific_one():
    assert areas({"ner": ["Adversarial", NLP]}) == {"ner": NLP}
    assert areas({"t": ["Miscellaneous", MED]}) == {"t": MED}
    # a task tagged with a generic category alone keeps it: nothing says more
    assert areas({"defense": ["Adversarial"]}) == {"defense": "Adversarial"}


def test_a_tasks_own_category_comes_before_its_familys():
    got = areas({"mt": [NLP], "multimodal": [CV], "a": [NLP], "b": [NLP]},
                {"multimodal": ["mt"], "a": ["mt"], "b": ["mt"]})
    assert got["multimodal"] == CV and got["mt"] == NLP


def test_of_several_own_categories_the_family_picks():
    # "3D": the alphabetical first is Adversarial; its subtasks are mostly vision
    categories = {"3d": ["Adversarial", CV, MED, "Playing Games"], "recon": [CV],
                  "shape": [CV], "summarization": [NLP], "pose": []}
    parents = {t: ["3d"] for t in ("recon", "shape", "summarization", "pose")}
    got = decide(categories, parents)
    assert got["3d"] == pwc_areas.Decision(CV, pwc_areas.OWN_FAMILY)
    assert got["summarization"].area == NLP  # its own, not its parent's
    assert got["pose"] == pwc_areas.Decision(CV, pwc_areas.FAMILY)


def test_an_untagged_task_takes_the_area_most_of_its_family_has():
    # Representation Learning is tagged Graphs, NLP and Methodology; its subtasks say
    # Methodology: an untagged subtask follows the area its parent was given
    got = decide({"repr": ["Graphs", NLP, "Methodology"], "meta": ["Methodology"],
                  "unsupervised": ["Methodology"], "multi-view": []},
                 {"meta": ["repr"], "unsupervised": ["repr"], "multi-view": ["repr"]})
    assert got["repr"] == pwc_areas.Decision("Methodology", pwc_areas.OWN_FAMILY)
    assert got["multi-view"] == pwc_areas.Decision("Methodology", pwc_areas.FAMILY)
    # a tie between its relatives' areas: the one they are most tagged with (each relative
    # one vote, shared among its categories): Few-Shot Relation Classification's parents
    # are Relation Classification (NLP) and Few-Shot Learning (CV and Methodology)
    got = areas({"relation": [NLP], "few-shot": [CV, "Methodology"], "fsrc": []},
                {"fsrc": ["few-shot", "relation"]})
    assert got["fsrc"] == NLP


def test_an_untagged_task_takes_the_area_its_parents_were_given_down_the_chain():
    categories = {"root": [CV], "child": [], "grandchild": [], "great": []}
    parents = {"child": ["root"], "grandchild": ["child"], "great": ["grandchild"]}
    got = decide(categories, parents)
    assert {t: d.area for t, d in got.items()} == dict.fromkeys(categories, CV)
    assert got["grandchild"].source == pwc_areas.PARENTS
    # and from below when nothing above says anything
    got = decide({"top": [], "mid": [], "leaf": [MED]}, {"mid": ["top"], "leaf": ["mid"]})
    assert got["top"] == pwc_areas.Decision(MED, pwc_areas.SUBTASKS)


def test_no_evidence_no_area():
    assert decide({"ssim": []}, {}) == {"ssim": pwc_areas.Decision(None, pwc_areas.NONE)}


def test_a_category_that_tags_few_tasks_across_many_areas_is_generic():
    big = {f"{area}-{n}": [area] for area in (CV, NLP, MED, "Speech") for n in range(20)}
    tagged = {"a": ["Hype", CV], "b": ["Hype", NLP], "c": ["Hype", MED], "d": ["Hype"]}
    assert "Hype" in generic({**big, **tagged})
    assert areas({**big, **tagged})["a"] == CV
    # tagging many tasks of its own, or found beside few others, it is an area like any
    assert "Hype" not in generic({**big, **tagged, **{f"h{n}": ["Hype"] for n in range(20)}})
    assert "Hype" not in generic({**big, "a": ["Hype", CV], "b": ["Hype", NLP], "d": ["Hype"]})
    # a small archive: an area is not generic for being beside many, when it tags more
    assert generic({"3d": [CV, MED, "Robots", "Playing Games"], "x": [CV]}) \
        == set(pwc_areas.GENERIC)


# --- the import writes each task's area ----------------------------------------------

@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    data = tmp_path_factory.mktemp("areas") / "data"
    run = run_module("import-pwc", str(PWC_AREAS), "--data", str(data))
    assert run.code == 0, run.err
    return data, run


def _task(data, task_id):
    return yaml.safe_load((data / "tasks" / f"{task_id}.yml").read_text(encoding="utf-8"))


def test_the_import_writes_every_tasks_area_from_the_evidence(imported):
    data, run = imported
    expected = {
        "named-entity-recognition": NLP,  # tagged Adversarial first
        "nested-named-entity-recognition": NLP,  # untagged: its parent's
        "entity-extraction-using-gan": NLP,
        "3d": CV,  # tagged Adversarial first
        "3d-reconstruction": CV,
        "text-summarization": NLP,  # first listed under 3D
        "abstractive-text-summarization": NLP,
        "semantic-segmentation": CV,  # Computer Vision, Medical, Robots: its family's
        "tumor-segmentation": CV,
        "few-shot-relation-classification": NLP,
        "adversarial-defense": "Adversarial",
        "image-classification": CV,
    }
    assert {t: _task(data, t).get("area") for t in expected} == expected
    assert _task(data, "text-summarization")["parent"] == "3d"  # the archive's family kept
    assert "area" not in _task(data, "ssim")  # no category, no family
    assert "task areas by evidence: its own category 13" in run.err
    report = (data / "pwc-import-report.txt").read_text(encoding="utf-8")
    assert "task area from its own categories, the one its family shares: 3D: Computer Vision" \
        in report
    assert "task area from no evidence: SSIM: none" in report


def test_every_listing_of_a_task_adds_to_its_evidence():
    # a subtask untagged where first listed and tagged where listed again
    archive = [{"task": "Parent", "categories": [CV], "subtasks": [{"task": "Child"}]},
               {"task": "Other", "categories": [NLP],
                "subtasks": [{"task": "Child", "categories": [MED]}]}]
    tasks, _, _ = pwc.convert(archive, {})
    assert tasks["child"]["area"] == MED and tasks["child"]["parent"] == ["parent", "other"]
    assert list(tasks["child"])[:3] == ["title", "parent", "area"]
    assert json.dumps(tasks["parent"]["area"]) == json.dumps(CV)


# --- what the site shows: areas, and counts with the subtasks' ------------------------

@pytest.fixture(scope="module")
def site_pages(imported):
    from generator.project.pipeline import load_valid_project
    from generator.site import build as sitebuild
    return sitebuild.site_pages(load_valid_project(imported[0]).project)


def _sections(page: str) -> dict[str, str]:
    """An index page's text by area heading."""
    parts = re.split(r'<h2 id="area-[^"]+">([^<]+?) <span', page)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _text(html: str) -> str:
    """What a reader reads: block elements apart, inline ones run in."""
    html = re.sub(r"</?(li|ul|p|h\d|tr|td|th|div|details|summary)\b[^>]*>", " ", html)
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_a_dataset_is_listed_under_the_area_most_of_its_leaderboards_are_in(site_pages):
    areas = _sections(site_pages["datasets/index.md"])
    # CIFAR-10's first leaderboard is Adversarial Defense's; three are Computer Vision's
    # or Methodology's, two of them Computer Vision
    assert [area for area, html in areas.items() if ">CIFAR-10<" in html] == [CV]
    assert [area for area, html in areas.items() if ">ACE 2004<" in html] == [NLP]


def test_the_tasks_index_lists_a_task_under_its_own_area_with_its_subtasks_counts(site_pages):
    index = site_pages["tasks/index.md"]
    areas = _sections(index)
    assert ">Text Summarization<" in areas[NLP] and ">Text Summarization<" not in areas[CV]
    assert index.count(">Text Summarization<") == 1
    text = {name: _text(html) for name, html in areas.items()}
    # 3D has no leaderboard of its own: its subtasks' (3D Reconstruction; Text
    # Summarization and its own subtask, in another area) are its counts
    assert "3D 3 leaderboards, 3 results 3D Reconstruction 1 leaderboard, 1 result" in text[CV]
    assert "Text Summarization 2 leaderboards, 2 results Abstractive Text Summarization " \
           "1 leaderboard, 1 result" in text[NLP]
    assert "A task's leaderboards and results include its subtasks'." in _text(index)
    # an area's counts are its tasks' own, each once: together the site's
    heads = re.findall(r'<span class="lb-count">(\d+) tasks?, (\d+) leaderboards?, '
                       r'(\d+) results?</span></h2>', index)
    assert [sum(int(h[i]) for h in heads) for i in range(3)] == [22, 11, 25]


def test_a_task_page_counts_its_subtasks_leaderboards_and_results(site_pages):
    three_d = _text(site_pages["tasks/3d.md"])
    assert "3 leaderboards, 3 results, all in its subtasks" in three_d
    assert "Subtasks: 3D Reconstruction (1 result), Text Summarization (2 results)" in three_d
    summarization = _text(site_pages["tasks/text-summarization.md"])
    assert "2 leaderboards, 2 results with its subtasks' (1 leaderboard, 1 result its own)" \
        in summarization
    assert "1 leaderboard, 1 result " in _text(site_pages["tasks/3d-reconstruction.md"])
    assert "No leaderboard yet, nor in its subtasks" in _text(
        site_pages["tasks/semantic-segmentation.md"])


def test_the_home_page_says_one_of_a_kind_in_the_singular(site_pages, project_of_one):
    home = _text(site_pages["index.md"])
    assert "22 tasks · 7 datasets · 11 leaderboards · 25 results" in home
    assert "1 task · 1 dataset · 1 leaderboard · 1 result" in _text(project_of_one["index.md"])


@pytest.fixture(scope="module")
def project_of_one():
    from generator.project.model import Dataset, Leaderboard, Metric, Project, Result, Task
    from generator.site import build as sitebuild
    board = Leaderboard(id="b", title="B", metrics=[Metric("Score", direction="higher")],
                        task_id="t", dataset="d",
                        results=[Result(model="M", values={})])
    project = Project(tasks=[Task(id="t", title="T", leaderboards=[board])],
                      datasets={"d": Dataset(id="d", name="D")})
    return sitebuild.site_pages(project)

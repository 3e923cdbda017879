"""A rebuild of `mkdocs serve` after an edit (the file cache and the page cache): it
reads again only the files that changed and renders again only the pages and files they
touch, and what it hands over is what a clean build of the same data makes. Random edits of
results, models, titles, datasets, parents and whole files, on the bundled data (quick) and
on an archive slice (slow)."""
from __future__ import annotations

import random
import shutil

import pytest
import yaml

from generator.project import pipeline
from generator.site import build as sitebuild
from generator.project.filecache import FileCache
from helpers import PWC_SLICE, ROOT, run_module


def _docs(data, folder):
    return sorted((data / folder).glob("*.yml"))


def _load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(path, doc):
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _results(doc):
    return [(lb, r) for lb in doc.get("leaderboards", []) for r in lb.get("results", [])]


def _pick_task(data, rng, need_results=True):
    paths = [p for p in _docs(data, "tasks") if not need_results or _results(_load(p))]
    return rng.choice(paths) if paths else None


def edit_value(data, rng):
    path = _pick_task(data, rng)
    doc = _load(path)
    lb, result = rng.choice(_results(doc))
    metric = rng.choice(lb["metrics"])
    decimals = metric.get("decimals", 2)
    value = round(rng.uniform(0, 99), decimals)
    result.setdefault("values", {})[metric["name"]] = int(value) if decimals == 0 else value
    _dump(path, doc)


def rename_model(data, rng):
    """To another result's name, even one of another task: models merge and part."""
    path = _pick_task(data, rng)
    doc = _load(path)
    names = [r["model"] for p in _docs(data, "tasks") for _, r in _results(_load(p))]
    _, result = rng.choice(_results(doc))
    result["model"] = rng.choice(names + ["Fresh-Net"])
    _dump(path, doc)


def retitle_task(data, rng):
    path = rng.choice(_docs(data, "tasks"))
    doc = _load(path)
    doc["title"] = rng.choice(["Aardvark detection", "Zebra counting", doc["title"] + " 2"])
    _dump(path, doc)


def rename_dataset(data, rng):
    path = rng.choice(_docs(data, "datasets"))
    doc = _load(path)
    doc["name"] = doc["name"] + " (v2)"
    _dump(path, doc)


def move_board_to_dataset(data, rng):
    path = rng.choice(_docs(data, "tasks"))
    doc = _load(path)
    if doc.get("leaderboards"):
        rng.choice(doc["leaderboards"])["dataset"] = rng.choice(_docs(data, "datasets")).stem
        _dump(path, doc)


def drop_result(data, rng):
    path = _pick_task(data, rng)
    doc = _load(path)
    lb, result = rng.choice(_results(doc))
    lb["results"].remove(result)
    _dump(path, doc)


def change_paper(data, rng):
    path = _pick_task(data, rng)
    doc = _load(path)
    papers = [r["paper"] for p in _docs(data, "tasks") for _, r in _results(_load(p)) if r.get("paper")]
    _, result = rng.choice(_results(doc))
    result["paper"] = rng.choice(papers + ["https://arxiv.org/abs/2101.00001"])
    result.pop("paper_title", None)
    _dump(path, doc)


def reparent(data, rng):
    """A parent that makes no loop, or none."""
    path = rng.choice(_docs(data, "tasks"))
    doc = _load(path)
    parents = {p.stem: _load(p).get("parent") for p in _docs(data, "tasks")}

    def ancestors(task):
        seen = set()
        while isinstance(parents.get(task), str) and task not in seen:
            seen.add(task)
            task = parents[task]
        return seen | {task}
    options = [t for t in parents if path.stem not in ancestors(t)]
    if rng.random() < 0.3 or not options:
        doc.pop("parent", None)
    else:
        doc["parent"] = rng.choice(options)
    _dump(path, doc)


def add_task(data, rng):
    n = rng.randrange(10_000)
    dataset = rng.choice(_docs(data, "datasets")).stem
    model = rng.choice([r["model"] for p in _docs(data, "tasks") for _, r in _results(_load(p))])
    _dump(data / "tasks" / f"added_{n}.yml", {
        "title": f"Added task {n}", "area": "Computer Vision",
        "leaderboards": [{"id": "main", "title": "Main", "dataset": dataset,
                          "metrics": [{"name": "Accuracy"}],
                          "results": [{"model": model, "values": {"Accuracy": 50.5},
                                       "paper": "https://arxiv.org/abs/1706.05587",
                                       "date": "2019-05-01"}]}]})


def remove_task(data, rng):
    tasks = _docs(data, "tasks")
    if len(tasks) > 2:
        path = rng.choice(tasks)
        path.unlink()
        for other in _docs(data, "tasks"):  # no child left with a parent that is gone
            doc = _load(other)
            if doc.get("parent") == path.stem:
                doc.pop("parent")
                _dump(other, doc)


def add_dataset(data, rng):
    n = rng.randrange(10_000)
    _dump(data / "datasets" / f"set_{n}.yml", {"name": f"Set {n}"})


EDITS = [edit_value, rename_model, retitle_task, rename_dataset, move_board_to_dataset,
         drop_result, change_paper, reparent, add_task, remove_task, add_dataset]


def _clean(data):
    loaded = pipeline.load_project(data)
    assert loaded.ok, [p.format() for p in loaded.problems][:5]
    return sitebuild.generate(loaded.project, "Intro.", edit_base="https://example.org/edit/main/data/")


def _check_rebuilds(data, seed, steps):
    """Random edits, each loaded as `mkdocs serve` does: with the last load's file cache."""
    rng = random.Random(seed)
    memory = FileCache()
    loaded = pipeline.load_project(data, cache=memory)
    previous = sitebuild.generate(loaded.project, "Intro.", edit_base="https://example.org/edit/main/data/")
    rendered_again = []
    for step in range(steps):
        edit = rng.choice(EDITS)
        edit(data, rng)
        loaded = pipeline.load_project(data, cache=memory)
        assert loaded.ok, (edit.__name__, [p.format() for p in loaded.problems][:5])
        assert [p.format() for p in loaded.problems] == \
            [p.format() for p in pipeline.load_project(data).problems], edit.__name__
        before = dict(previous.pages)  # the rebuild takes the previous build's dicts over
        assert 1 <= len(memory.changed) <= 3, (edit.__name__, memory.changed)
        built = sitebuild.generate(loaded.project, "Intro.",
                                   edit_base="https://example.org/edit/main/data/",
                                   previous=previous)
        clean = _clean(data)
        where = f"seed {seed}, step {step}: {edit.__name__}"
        assert built.pages.keys() == clean.pages.keys(), where
        for path in clean.pages:
            assert built.pages[path] == clean.pages[path], f"{where}: {path} differs"
        assert built.site_files == clean.site_files, where
        assert (built.files, built.stamped, built.direct) == (clean.files, clean.stamped, clean.direct)
        rendered_again.append(sum(built.pages[p] is not before.get(p) for p in built.pages))
        previous = built
    return rendered_again


@pytest.mark.parametrize("seed", range(3))
def test_a_rebuild_after_an_edit_makes_what_a_clean_build_makes(tmp_path, seed):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    _check_rebuilds(data, seed, 12)


@pytest.mark.slow
def test_on_an_archive_slice_a_rebuild_renders_few_pages_and_matches_a_clean_build(tmp_path):
    data = tmp_path / "data"
    run = run_module("import-pwc", str(PWC_SLICE), "--data", str(data))
    assert run.code == 0, run.err
    pages = len(_clean(data).pages)
    again = _check_rebuilds(data, 7, 20)
    # most edits touch a handful of pages of the hundreds: the rest is the previous build's
    assert sorted(again)[len(again) // 2] < pages // 5, (again, pages)


def test_a_model_renamed_elsewhere_is_renamed_on_the_pages_of_the_models_beside_it(tmp_path):
    data = tmp_path / "data"
    (data / "datasets").mkdir(parents=True)
    (data / "tasks").mkdir()
    board = lambda rows: [{"id": "main", "title": "Main", "metrics": [{"name": "Accuracy"}],
                           "results": [{"model": m, "values": {"Accuracy": v}} for m, v in rows]}]
    _dump(data / "tasks" / "beta.yml", {"title": "Beta task",
                                        "leaderboards": board([("Mnet", 90.5), ("ResNet", 80.5)])})
    _dump(data / "tasks" / "alpha.yml", {"title": "Alpha task",  # Mnet: two results, a page
                                         "leaderboards": board([("resnet", 70.5), ("Mnet", 60.5)])})
    memory = FileCache()
    previous = sitebuild.generate(pipeline.load_project(data, cache=memory).project)
    assert ">resnet</a>" in previous.pages["models/mnet.md"]  # the first spelling, on a tie
    _dump(data / "tasks" / "alpha.yml", {"title": "Alpha task",
                                         "leaderboards": board([("Other", 70.5), ("Mnet", 60.5)])})
    built = sitebuild.generate(pipeline.load_project(data, cache=memory).project,
                               previous=previous)
    assert memory.changed == {("task", "alpha")}
    assert ">ResNet</a>" in built.pages["models/mnet.md"]
    assert built.pages == sitebuild.generate(pipeline.load_project(data).project).pages


INDEXES = ("tasks/index.md", "datasets/index.md", "papers/index.md", "models/index.md")


def test_an_index_page_is_taken_over_while_it_shows_the_same(tmp_path):
    """A value edited: no index shows it, all four are the last build's.  A task retitled:
    the tasks and datasets indexes show it and are drawn again, the others taken over."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    memory = FileCache()
    previous = sitebuild.generate(pipeline.load_project(data, cache=memory).project)
    for edit, drawn in ((edit_value, set()),
                        (retitle_task, {"tasks/index.md", "datasets/index.md"})):
        edit(data, random.Random(5))
        before = dict(previous.pages)  # the rebuild takes the previous build's dicts over
        built = sitebuild.generate(pipeline.load_project(data, cache=memory).project,
                                   previous=previous)
        clean = _clean(data)
        assert {p for p in INDEXES if built.pages[p] is not before[p]} == drawn, edit
        assert all(built.pages[p] == clean.pages[p] for p in INDEXES)
        previous = built


def test_a_load_reads_again_only_the_files_whose_stamp_changed(tmp_path):
    """`mkdocs serve` loads the data again for each rebuild: a file whose size, times and
    inode are as before is the last load's, an edited one and a new one are read, and the
    data is what a load from scratch makes."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    memory = FileCache()
    pipeline.load_project(data, cache=memory)
    rng = random.Random(11)
    edit_value(data, rng)
    loaded = pipeline.load_project(data, cache=memory)
    assert len(memory.changed) == 1 and memory.kept == len(memory.entries) - 1
    assert loaded.project == pipeline.load_project(data).project
    add_dataset(data, rng)
    loaded = pipeline.load_project(data, cache=memory)
    assert {kind for kind, _ in memory.changed} == {"dataset"} and memory.read == 1
    assert loaded.project == pipeline.load_project(data).project
    pipeline.load_project(data, cache=memory)
    assert not memory.changed and memory.read == 0

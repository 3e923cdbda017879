"""One page namespace and stable identity (issue 25): nothing a pull request writes takes
over another page, another result's permalink or badge, or an arXiv paper's page.

Every data field, file name and id here is what a hostile contributor could write."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.project.model import arxiv_id, paper_key
from generator.project.pipeline import load_project
from generator.rules import urls
from generator.site import build as sitebuild
from generator.views import leaderboard as views
from generator.views import site
from helpers import DATA, ROOT, run_module

TASK = """\
title: {title}
leaderboards:
- id: {board}
  title: Board
  metrics:
  - name: Accuracy
  results:
{results}
"""


def _result(model: str, value: float, paper: str | None = None, extra: str = "") -> str:
    out = f"  - model: {model!r}\n    values: {{Accuracy: {value}}}\n"
    if paper:
        out += f"    paper: {paper}\n"
    return out + extra


def _data(tmp_path: Path, tasks: dict[str, str], datasets: dict[str, str] = {}) -> Path:
    data = tmp_path / "data"
    (data / "tasks").mkdir(parents=True)
    (data / "datasets").mkdir()
    for name, text in tasks.items():
        (data / "tasks" / name).write_text(text, encoding="utf-8")
    for name, text in datasets.items():
        (data / "datasets" / name).write_text(text, encoding="utf-8")
    return data


def _task(results: list[str], title: str = "Task", board: str = "board") -> str:
    return TASK.format(title=title, board=board, results="".join(results))


# --- one namespace: ids that would name another page or file are refused at their line ---

@pytest.mark.parametrize("folder,name,says", [
    ("tasks", "index.yml", "tasks/index/ is the list of tasks"),
    ("datasets", "index.yml", "datasets/index/ is the list of datasets"),
    ("tasks", "all.json.yml", "data/all.json is a file of its own"),
    ("tasks", "schema.json.yml", "data/schema.json is a file of its own"),
    ("tasks", "models.json.yml", "data/models.json is a file of its own"),
    ("tasks", "con.yml", "Windows reserves the name 'con'"),
    ("datasets", "nul.yml", "Windows reserves the name 'nul'"),
    ("tasks", "com1.backup.yml", "Windows reserves the name 'com1'"),
    ("tasks", "lpt9.yml", "Windows reserves the name 'lpt9'"),
])
def test_a_file_named_like_a_page_or_file_of_the_site_is_refused(tmp_path, folder, name, says):
    text = _task([_result("A", 1.0)]) if folder == "tasks" else "name: A dataset\n"
    data = _data(tmp_path, {"ok.yml": _task([_result("B", 2.0)])})
    (data / folder / name).write_text(text, encoding="utf-8")
    run = run_module("validate", "--data", str(data))
    assert run.code == 1
    assert f"{data / folder / name}:1:1: file name '{name}': " in run.err and says in run.err


def test_a_leaderboard_id_index_would_be_its_tasks_page_and_is_refused(tmp_path):
    data = _data(tmp_path, {"t.yml": _task([_result("A", 1.0)], board="index")})
    run = run_module("validate", "--data", str(data))
    assert run.code == 1
    assert f"{data / 'tasks' / 't.yml'}:3:7: 'index' cannot be a leaderboard id" in run.err


def test_a_page_that_would_replace_another_stops_the_build_even_past_validation(tmp_path):
    # two leaderboards: each has a page of its own (one alone would be its task's page)
    second = "- id: other\n  title: Other\n  metrics:\n  - name: Accuracy\n  results: []\n"
    data = _data(tmp_path, {"t.yml": _task([_result("A", 1.0)], board="index") + second})
    loaded = load_project(data)  # invalid: built anyway, as if validation were bypassed
    assert not loaded.ok
    with pytest.raises(ValueError, match="tasks/t.md and tasks/t/index.md would be one page"):
        sitebuild.site_pages(loaded.project)


def test_ids_that_merely_contain_a_reserved_name_are_fine(tmp_path):
    data = _data(tmp_path, {"index-of-tasks.yml": _task([_result("A", 1.0)], board="con-board"),
                            "console.yml": _task([_result("A", 1.0)])})
    assert run_module("validate", "--data", str(data)).code == 0


# --- model pages: a name keeps what tells it apart ------------------------------------

@pytest.mark.parametrize("a,b", [
    ("通义千问", "文心一言"), ("α-Net", "β-Net"), ("C++Net", "C Net"), ("PointNet++", "PointNet"),
    ("C#Net", "CNet"), ("Сеть", "Netz"), ("★", "☆"),
])
def test_names_a_reader_tells_apart_get_pages_of_their_own(a, b):
    assert views.model_key(a) != views.model_key(b)
    for name in (a, b):
        key = views.model_key(name)
        assert key and key != "index" and "/" not in key


@pytest.mark.parametrize("a,b", [
    ("BERT-Large", "BERT large"), ("XLNet", "xlnet"), ("Yeung et al.", "Yeung et. al."),
    ("SDN\u200b", "SDN"), ("ＢＥＲＴ", "BERT"), ("DeepLab_v3", "DeepLab v3"),
])
def test_spellings_of_one_name_are_one_model(a, b):
    assert views.model_key(a) == views.model_key(b)


@pytest.mark.parametrize("name", ["Index", "index", "CON", "nul", "Com1"])
def test_a_model_named_like_a_reserved_page_or_device_gets_a_page_of_its_own(name):
    key = views.model_key(name)
    assert key != "index" and not urls.is_device_name(key)
    assert site.model_path(key) != "models/index.md"


def test_no_name_can_fold_into_the_page_another_name_was_given():
    """The forms that keep a page apart (a reserved name's, a name of symbols', a long
    name's) cannot be written out as an ordinary name and merged into."""
    long = "A" * 240
    for name in ("Index", "CON", "🚀🔥", long):
        key = views.model_key(name)
        spelled = key.replace("_", " ")
        assert views.model_key(spelled) != key, (name, key)
    assert views.model_key("Index") != views.model_key("Index Model")
    assert views.model_key("CON") != views.model_key("Con Model")


def test_a_very_long_name_gives_bounded_file_names_that_stay_apart():
    a, b = "N" * 239 + "a", "N" * 239 + "b"
    for name in (a, b, "模" * 200):
        assert len(views.model_key(name).encode()) <= urls.KEY_BYTES
        assert len(urls.anchor("x" * 100, name).encode()) + len(".svg") < 255
    assert views.model_key(a) != views.model_key(b)


def test_hostile_model_names_build_pages_that_do_not_replace_each_other(tmp_path):
    names = ["Index", "通义千问", "文心一言", "α-Net", "β-Net", "C++Net", "C Net", "X" * 240]
    results = [_result(n, 90 - i) for i, n in enumerate(names)]  # on two tasks: a page each
    data = _data(tmp_path, {"t.yml": _task(results), "u.yml": _task(results, "Other task")})
    loaded = load_project(data)
    assert loaded.ok, loaded.problems
    pages = sitebuild.site_pages(loaded.project)
    models = {p: text for p, text in pages.items() if p.startswith("models/")}
    assert len(models) == len(names) + 1  # a page each, and the index
    index = pages["models/index.md"]
    assert all(n.replace("+", "") in index.replace("+", "") for n in ("通义千问", "α-Net"))
    for name in names:  # each model's page is its own: it names no other model as its own
        page = models[site.model_path(views.model_key(name))]
        assert name in page or name[:50] in page
    files = site.site_files(loaded.project)
    assert all(len(Path(p).name.encode()) < 255 for p in list(files) + list(pages))


# --- stable identity: a result's permalink and badge are its own -----------------------

def _anchors(data: Path) -> dict[str, str]:
    loaded = load_project(data)
    view = views.leaderboard_view(loaded.project.leaderboards[0])
    return {row.anchor: f"{row.display_name} {row.cells[0].text}" for row in view.rows}


def test_a_better_result_with_the_same_name_cannot_take_the_old_ones_permalink(tmp_path):
    data = _data(tmp_path, {"t.yml": _task([_result("Net", 80.0)])})
    path = data / "tasks" / "t.yml"
    before = _anchors(data)
    assert before == {"board--net": "Net 80.0"}
    badge = site.site_files(load_project(data).project)["badges/t/board--net.svg"]
    # a stranger adds a better 'Net' at the top: refused at its line, naming the other
    path.write_text(_task([_result("Net", 99.0), _result("Net", 80.0)]), encoding="utf-8")
    run = run_module("validate", "--data", str(data))
    assert run.code == 1
    assert f"{path}:10:12: the results at lines 8 and 10 would share the permalink #board--net" \
        in run.err
    assert "give the one this change adds an 'id' of its own" in run.err
    # with an id of its own, the old result keeps its permalink and its badge
    path.write_text(_task([_result("Net", 99.0, extra="    id: net-large\n"),
                           _result("Net", 80.0)]), encoding="utf-8")
    assert run_module("validate", "--data", str(data)).code == 0
    after = _anchors(data)
    assert after["board--net"] == "Net 80.0" and after["board--net-large"] == "Net 99.0"
    files = site.site_files(load_project(data).project)
    assert "80.0" in badge and "80.0" in files["badges/t/board--net.svg"]  # still its own
    assert "99.0" not in files["badges/t/board--net.svg"] and "#2" in files["badges/t/board--net.svg"]
    assert "99.0" in files["badges/t/board--net-large.svg"]


def test_an_id_that_takes_another_results_permalink_is_refused(tmp_path):
    data = _data(tmp_path, {"t.yml": _task([_result("Net", 80.0),
                                            _result("Other", 90.0, extra="    id: net\n")])})
    run = run_module("validate", "--data", str(data))
    assert run.code == 1 and "would share the permalink #board--net" in run.err


def test_importers_give_a_repeated_name_an_id_in_the_sources_order(tmp_path):
    from generator.importers import Plan
    data = tmp_path / "data"
    (data / "tasks").mkdir(parents=True)
    plan = Plan(data)
    plan.add_task("t", {"title": "T", "leaderboards": [{"id": "b", "title": "B", "metrics": [
        {"name": "Accuracy"}], "results": [{"model": "Net", "values": {"Accuracy": 1.0}},
                                           {"model": "Net", "values": {"Accuracy": 2.0}}]}]})
    plan.write()
    assert "- model: Net\n    id: net-2\n" in (data / "tasks" / "t.yml").read_text()
    assert set(_anchors(data)) == {"b--net", "b--net-2"}


def test_the_bundled_datas_permalinks_are_those_it_had():
    view = views.leaderboard_view(next(lb for lb in load_project(DATA).project.leaderboards
                                       if lb.id == "imagenet"))
    anchors = {row.anchor: row.cells[0].text for row in view.rows}
    assert anchors["imagenet--inception-v4"] == "80.200"
    assert anchors["imagenet--inception-v4-2"] == "80.170"


# --- a paper is arXiv's only on arXiv's hosts ------------------------------------------

@pytest.mark.parametrize("url,ident", [
    ("https://arxiv.org/abs/1706.05587", "1706.05587"),
    ("http://arxiv.org/pdf/1706.05587v2.pdf", "1706.05587"),
    ("https://export.arxiv.org/abs/cs/0701001v1", "cs/0701001"),
    ("https://evil.example/phish?next=arxiv.org/abs/1706.05587", None),
    ("https://evil.example/arxiv.org/abs/1706.05587", None),
    ("https://arxiv.org.evil.example/abs/1706.05587", None),
    ("https://arxiv.org@evil.example/abs/1706.05587", None),
    ("https://me@arxiv.org/abs/1706.05587", None),
    ("javascript://arxiv.org/abs/1706.05587", None),
])
def test_a_paper_is_an_arxiv_paper_only_at_arxivs_address(url, ident):
    assert arxiv_id(url) == ident
    assert (paper_key(url) == "arxiv-1706.05587") == (ident == "1706.05587")


def test_a_borrowed_arxiv_address_gets_its_own_paper_page(tmp_path):
    real, fake = "https://arxiv.org/abs/1706.05587", \
        "https://evil.example/phish?next=arxiv.org/abs/1706.05587"
    results = [_result("Real", 80.0, real), _result("Fake", 90.0, fake)]  # two each: pages
    data = _data(tmp_path, {"t.yml": _task(results), "u.yml": _task(results, "Other task")})
    pages = sitebuild.site_pages(load_project(data).project)
    arxiv = pages["papers/arxiv-1706.05587.md"]
    assert "Real" in arxiv and "evil.example" not in arxiv and "Fake" not in arxiv
    own = [p for p, text in pages.items() if p.startswith("papers/evil-example") and "Fake" in text]
    assert len(own) == 1


# --- the site as MkDocs builds it --------------------------------------------------------

@pytest.mark.slow
def test_a_site_of_hostile_names_builds_strictly_with_a_page_each(tmp_path):
    names = ["Index", "通义千问", "文心一言", "α-Net", "β-Net", "C++Net", "C Net"]
    data = _data(tmp_path, {"t.yml": _task([_result(n, 90 - i) for i, n in enumerate(names)]),
                            "index-task.yml": _task([_result("A", 1.0)], board="b")},
                 {"ds.yml": "name: DS\n"})
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", LEADERBOARD_DATA=str(data))
    out = tmp_path / "site"
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    models = out / "models"
    assert "Every model" in (models / "index.html").read_text(encoding="utf-8") or \
        "Models" in (models / "index.html").read_text(encoding="utf-8")
    for name in names:
        page = models / views.model_key(name) / "index.html"
        assert name in page.read_text(encoding="utf-8"), name


# --- importers make ids the site can use -------------------------------------------------

def test_imported_names_that_would_be_reserved_ids_get_ids_of_their_own(cli, tmp_path):
    """A Papers with Code export whose task, dataset and leaderboard are named 'Index' and
    'CON' imports to ids the site can use, and the result validates."""
    import json
    rows = [{"model_name": "Net", "metrics": {"Accuracy": "90.5"}, "paper_title": "P",
             "paper_url": "https://arxiv.org/abs/1905.00001", "paper_date": "2019-05-01",
             "code_links": [], "model_links": []}]
    tasks = [{"task": name, "description": "", "categories": [], "synonyms": [],
              "source_link": None, "subtasks": [],
              "datasets": [{"dataset": dataset, "description": "", "dataset_citations": [],
                            "dataset_links": [], "subdatasets": [],
                            "sota": {"metrics": ["Accuracy"], "rows": rows}}]}
             for name, dataset in (("Index", "CON"), ("CON", "Index"))]
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    data = tmp_path / "data"
    run = cli("import-pwc", str(path), "--data", str(data))
    assert run.code == 0, run.err
    names = sorted(p.name for p in (data / "tasks").iterdir())
    assert names == ["con-task.yml", "index-task.yml"], names
    assert sorted(p.name for p in (data / "datasets").iterdir()) == \
        ["con-dataset.yml", "index-dataset.yml"]
    assert cli("validate", "--data", str(data)).code == 0
    again = cli("import-pwc", str(path), "--data", str(data))  # what to do says import-pwc's way
    assert again.code == 1 and "--task-id" not in again.err and "Import into another folder" in again.err


@pytest.mark.parametrize("stem", ["index", "con"])
def test_a_page_named_like_a_reserved_id_is_refused_with_the_option_to_use(cli, tmp_path, stem):
    from helpers import SOTA_CV
    page = tmp_path / f"{stem}.md"
    shutil.copy(SOTA_CV / "content" / "depth_estimation.md", page)
    run = cli("import", str(page), "--data", str(tmp_path / "data"))
    assert run.code == 1 and f"'{stem}' cannot be" in run.err and "--task-id" in run.err, run.err
    assert not (tmp_path / "data" / "tasks" / f"{stem}.yml").exists()
    run = cli("import", str(page), "--data", str(tmp_path / "data"), "--task-id", "seg")
    assert run.code == 0, run.err


def test_a_result_elsewhere_cannot_retitle_a_paper_or_change_its_link(tmp_path):
    """Two results give an arXiv paper its title; a newcomer in another task, first in the
    site's order, gives another title and its own address for the same paper: the paper's
    page keeps what most results say and arXiv's own address, and validate warns at the
    newcomer's line."""
    real = "https://arxiv.org/abs/1706.05587"
    title = "    paper_title: Rethinking Atrous Convolution\n"
    data = _data(tmp_path, {
        "b.yml": _task([_result("DeepLab", 80.0, real, title), _result("DeepLab-2", 70.0, real, title)]),
        "a.yml": _task([_result("Newcomer", 99.0, real + "v9?ref=evil.example",
                                "    paper_title: Retracted - code moved to evil.example\n")])})
    loaded = load_project(data)
    warnings = [p for p in loaded.problems if p.severity == "warning"]
    assert loaded.ok and len(warnings) == 1, loaded.problems
    assert warnings[0].file.endswith("a.yml") and warnings[0].line == 11
    assert "'Rethinking Atrous Convolution', which the paper's page shows" in warnings[0].message
    page = sitebuild.site_pages(loaded.project)["papers/arxiv-1706.05587.md"]
    assert "Rethinking Atrous Convolution" in page.split("\n# ")[1].split("\n")[0]
    assert "evil.example" not in page.split("<table")[0]  # title and link above the table
    assert 'href="https://arxiv.org/abs/1706.05587"' in page


def test_the_models_index_counts_one_model_in_the_singular(tmp_path):
    data = _data(tmp_path, {"t.yml": _task([_result("Only", 1.0)])})
    index = sitebuild.site_pages(load_project(data).project)["models/index.md"]
    assert "1 model. " in index and "1 models" not in index

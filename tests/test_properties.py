"""Property tests (hypothesis).

* Any valid data the markdown format can carry survives the trip
  data -> ``markdown`` -> ``import`` -> data unchanged.
* ``validate`` given any data at all (random structures where the schema expects
  something, random text, random bytes) exits 0 or 1 with file:line messages, and never
  raises.
"""
from __future__ import annotations

import re
import string
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.project import validate
from generator.project import yamlwrite
from generator.rules import text as text_rules
from generator.importers.markdown_page import EXTRA_DATA, NA
from generator.project.loader import number_from_text
from generator.project.pipeline import load_project

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# --- data -> markdown -> import -> data ------------------------------------------------

_NAME_CHARS = string.ascii_letters + string.digits + " -_.()|*[]`~#!&;<>/:éü日本"


def _one_line(chars: str, max_size: int = 24):
    return st.text(chars, min_size=1, max_size=max_size).map(lambda s: " ".join(s.split())).filter(
         lambda s: s and not text_rules.browser_markup(s) and " + " not in s
        and s.lower() not in NA and s.lower() != "model name")


model_names = _one_line(_NAME_CHARS)
labels = _one_line(string.ascii_letters + string.digits + " -_.()|*", 12)
urls = st.text(string.ascii_lowercase + string.digits + "-_./", min_size=1, max_size=16).map(
    lambda s: "https://example.org/" + s)
links = st.lists(st.fixed_dictionaries({"label": labels, "url": urls}), max_size=2)
papers = st.builds(lambda y, m, n: f"https://arxiv.org/abs/{y:02d}{m:02d}.{n:05d}",
                   st.integers(10, 25), st.integers(1, 12), st.integers(1, 99999))
values = st.one_of(st.none(), st.builds(  # numbers that keep how they are written: 12.340
    lambda whole, frac: number_from_text(f"{whole}.{frac}" if frac else str(whole)),
    st.integers(0, 999), st.text(string.digits, max_size=3)))
metric_names = st.text(string.ascii_letters + string.digits + "@-%/", min_size=1, max_size=8).filter(
    lambda s: s.lower() not in ("model", "weights", "paper", "code"))


@st.composite
def leaderboards(draw, index: int):
    names = draw(st.lists(metric_names, min_size=1, max_size=3, unique_by=str.lower))
    # a page does not say which way a column is better; the importer is told per column name,
    # so a name means one direction throughout the task
    metrics = [{"name": n, "direction": "lower" if n[0].islower() else "higher"} for n in names]
    results, seen = [], set()
    for _ in range(draw(st.integers(0, 5))):
        result = {"model": draw(model_names)}
        extra = draw(st.lists(st.sampled_from(sorted(EXTRA_DATA - {"extra data"})), max_size=2, unique=True))
        if extra:
            result["extra_data"] = extra
        if draw(st.booleans()):
            result["multi_scale"] = True
        result["values"] = {n: draw(values) for n in names}
        for field, strategy in (("paper", papers), ("weights", links), ("code", links)):
            value = draw(st.one_of(st.none(), strategy))
            if value:
                result[field] = value
        key = (result["model"], tuple(extra), "multi_scale" in result)
        if key not in seen:
            seen.add(key)
            results.append(result)
    title = draw(_one_line(string.ascii_letters + string.digits + " -()", 20).filter(
        lambda s: re.search("[A-Za-z]", s)))
    return {"id": f"board-{index}", "title": f"{title} {index}", "metrics": metrics, "results": results}


@st.composite
def tasks(draw):
    task = {"title": draw(_one_line(string.ascii_letters + string.digits + " -()&", 20))}
    if draw(st.booleans()):
        task["description"] = draw(st.text(string.ascii_letters + " ,.", min_size=1, max_size=60)
                                   .map(lambda s: " ".join(s.split())).filter(bool))
    task["leaderboards"] = [draw(leaderboards(i)) for i in range(draw(st.integers(1, 3)))]
    return task


def _carried(project) -> tuple:
    """What the markdown page carries of a project's one task, order of results aside."""
    task = project.tasks[0]
    return (task.title, task.description, [(
        lb.title, [(m.name, m.direction) for m in lb.metrics],
        sorted(repr((r.model, r.extra_data, r.multi_scale,
                     {n: v.text if v else None for n, v in r.values.items()}, r.paper,
                     [(k.label, k.url) for k in r.weights], [(k.label, k.url) for k in r.code]))
               for r in lb.results)) for lb in task.leaderboards])


@pytest.mark.slow
@SETTINGS
@given(task=tasks())
def test_markdown_then_import_gives_back_the_same_data(cli, task):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source = tmp / "source"
        (source / "tasks").mkdir(parents=True)
        (source / "tasks" / "prop.yml").write_text(yamlwrite.dump(task), encoding="utf-8")
        original = load_project(source)
        assert original.ok, [p.format() for p in original.problems]
        page = tmp / "prop.md"
        run = cli("markdown", "prop", "--data", str(source), "--out", str(page))
        assert run.code == 0, run.err
        flags = [f"--{m['direction']}-is-better={m['name']}"
                 for lb in task["leaderboards"] for m in lb["metrics"]]
        run = cli("import", str(page), "--data", str(tmp / "back"), *flags)
        assert run.code == 0, run.err + page.read_text(encoding="utf-8")
        back = load_project(tmp / "back")
        assert back.ok, [p.format() for p in back.problems]
        assert _carried(back.project) == _carried(original.project)


# --- validate never crashes ------------------------------------------------------------

KEYS = ["title", "description", "notes", "parent", "leaderboards", "sections", "id", "dataset",
        "metrics", "results", "name", "direction", "unit", "decimals", "model", "values",
        "extra_data", "multi_scale", "paper", "paper_title", "date", "weights", "code", "label",
        "url", "highlight", "body", "links", "kind", "Score"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
                    st.sampled_from(["demo", "base", "../x", "https://x.org/a", "javascript:x",
                                     "2017-02-30", "<b>x</b>", "a\nb", "1e999", ".nan"]))
anything = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), inner, max_size=4)),
    max_leaves=10)


def _or_anything(strategy):
    return st.one_of(strategy, strategy, anything)


def _mapping(required: dict, optional: dict):
    return st.fixed_dictionaries({k: _or_anything(v) for k, v in required.items()},
                                 optional={k: _or_anything(v) for k, v in optional.items()})


near_metric = _mapping({"name": st.sampled_from(["Score", "Acc"])},
                       {"direction": st.sampled_from(["higher", "lower", "up"]),
                        "decimals": st.integers(-1, 14), "unit": st.text(max_size=3)})
near_result = _mapping({"model": st.text(max_size=10), "values": st.dictionaries(
    st.sampled_from(["Score", "Acc", "Other"]), st.one_of(st.none(), st.floats(), st.integers()))},
    {"paper": st.sampled_from(["https://arxiv.org/abs/1706.05587", "https://arxiv.org/abs/9912.00001",
                               "x", "https://arxiv.org/abs/2999.00001"]),
     "date": st.sampled_from(["2017", "2017-13", "2999-01-01", "20170101"]),
     "weights": st.lists(_mapping({"label": st.text(max_size=5), "url": st.sampled_from(
         ["https://e.org", "file:///x", "rel/path"])}, {}), max_size=2),
     "extra_data": st.lists(st.text(max_size=5), max_size=2), "multi_scale": st.booleans()})
near_board = _mapping({"id": st.sampled_from(["a", "a", "b", "B/c"]), "title": st.text(max_size=8),
                       "metrics": st.lists(near_metric, max_size=3),
                       "results": st.lists(near_result, max_size=4)},
                      {"dataset": st.sampled_from(["demo", "nope", "../demo"]),
                       "highlight": st.one_of(st.integers(-1, 5), st.sampled_from(["best", "none"]))})
near_task = _mapping({"title": st.text(max_size=10), "leaderboards": st.lists(near_board, max_size=3)},
                     {"parent": st.sampled_from(["base", "nope", "prop", ["base", "base"]]),
                      "description": st.text(max_size=30),
                      "sections": st.lists(_mapping({"title": st.text(max_size=5),
                                                     "body": st.text(max_size=10)}, {}), max_size=2)})
near_dataset = _mapping({"name": st.text(max_size=10)},
                        {"links": st.lists(_mapping({"kind": st.sampled_from(["website", "x"]),
                                                     "label": st.text(max_size=4),
                                                     "url": st.sampled_from(["https://e.org", "data:x"])},
                                                    {}), max_size=2)})
LINE = re.compile(r"^(data/[^:]+:\d+:\d+: |data/[^:]+: |invalid: \d+ errors? in data$|"
                  r"valid: .+ results?$)")


def _dump(doc) -> bytes:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8")


files = st.one_of(near_task.map(_dump), anything.map(_dump), st.text(max_size=200).map(str.encode),
                  st.binary(max_size=200))
dataset_files = st.one_of(near_dataset.map(_dump), st.binary(max_size=60))


@pytest.mark.slow
@settings(SETTINGS, max_examples=300)
@given(task=files, dataset=dataset_files)
def test_validate_exits_0_or_1_with_clean_messages(cli, task, dataset):
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        for folder in ("tasks", "datasets"):
            (data / folder).mkdir(parents=True)
        (data / "tasks" / "base.yml").write_text("title: Base\nleaderboards: []\n", encoding="utf-8")
        (data / "tasks" / "prop.yml").write_bytes(task)
        (data / "datasets" / "demo.yml").write_bytes(dataset)
        run = cli("validate", "--data", "data", cwd=Path(tmp))
        assert run.code in (0, 1)
        lines = (run.out + run.err).splitlines()
        assert lines, "validate says something"
        for line in lines:
            assert LINE.match(line), line
        assert (run.code == 0) == (lines[-1].startswith("valid: "))

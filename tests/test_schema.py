"""The shipped JSON Schemas are valid draft 2020-12 and match the typed model."""
from __future__ import annotations

import dataclasses

import jsonschema
import pytest

from generator.project import model
from generator.project.validate import schema

# schema object -> (model class, fields the model derives rather than reads)
# (the schema's `parent` is read into the model's `parents`: see the test below)
PAIRS = [
    (("task",), model.Task, {"id", "src"}),
    (("task", "leaderboard"), model.Leaderboard, {"task_id", "src"}),
    (("task", "metric"), model.Metric, set()),
    (("task", "result"), model.Result, {"src"}),
    (("task", "link"), model.Link, set()),
    (("task", "section"), model.Section, set()),
    (("dataset",), model.Dataset, {"id", "src"}),
]


def _object(path):
    s = schema(path[0])
    return s if len(path) == 1 else s["$defs"][path[1]]


@pytest.mark.parametrize("kind", ["task", "dataset"])
def test_schemas_are_valid_2020_12(kind):
    jsonschema.Draft202012Validator.check_schema(schema(kind))
    assert schema(kind)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path,cls,derived", PAIRS, ids=lambda x: getattr(x, "__name__", None))
def test_schema_properties_match_model_fields(path, cls, derived):
    fields = {f.name for f in dataclasses.fields(cls)} - derived
    properties = {"parents" if p == "parent" else p for p in _object(path)["properties"]}
    assert properties == fields
    assert _object(path)["additionalProperties"] is False


def test_task_parent_is_one_id_or_a_list(tmp_path):
    from generator.project.model import build_task
    from generator.project.loader import parse_text
    for text, parents in (("parent: a", ["a"]), ("parent: [a, b]", ["a", "b"])):
        doc, _ = parse_text(f"title: T\n{text}\nleaderboards: []\n", tmp_path / "t.yml")
        assert build_task(doc, "t").parents == parents


def test_dataset_link_kinds_match_model():
    item = schema("dataset")["properties"]["links"]["items"]
    assert set(item["properties"]) == {f.name for f in dataclasses.fields(model.DatasetLink)}

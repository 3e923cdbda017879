"""The shipped JSON Schemas are valid draft 2020-12 and match the typed model."""
from __future__ import annotations

import dataclasses

import jsonschema
import pytest

from generator import model
from generator.validate import schema

# schema object -> (model class, fields the model derives rather than reads)
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
    assert set(_object(path)["properties"]) == fields
    assert _object(path)["additionalProperties"] is False


def test_dataset_link_kinds_match_model():
    item = schema("dataset")["properties"]["links"]["items"]
    assert set(item["properties"]) == {f.name for f in dataclasses.fields(model.DatasetLink)}

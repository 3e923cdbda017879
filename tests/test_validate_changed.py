"""`validate --changed` / `validate PATH...` (generator/checkcache.py): the same problems and
counts as the full check, after random edits of every kind, with most files answered from
the cache."""
from __future__ import annotations

import os
import random
import shutil
import subprocess

import pytest
import yaml

from generator.project import checkcache
from generator.project import pipeline
from helpers import ROOT, run_module


def full(data):
    loaded = pipeline.load_project(data)
    return [p.format() for p in loaded.problems], loaded.project.counts()


def cached(data, fresh=()):
    checked = checkcache.check(data, list(fresh))
    return [p.format() for p in checked.problems], checked.counts, checked


def _yaml_files(data, folder):
    return sorted((data / folder).glob("*.yml"))


def _edit_doc(path, change):
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return  # a file an earlier edit broke: left as it is
    if not isinstance(doc, dict) or not any(
            isinstance(lb, dict) and lb.get("results") and lb.get("metrics")
            for lb in doc.get("leaderboards") or []):
        return
    change(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _some_result(doc, rng):
    boards = [lb for lb in doc["leaderboards"]
              if isinstance(lb, dict) and lb.get("results") and lb.get("metrics")]
    lb = rng.choice(boards)
    return lb, rng.choice(lb["results"])


# each edit: (name, function(data folder, rng, removed datasets)) -> a change a contributor makes
def edit_value(data, rng, _):
    path = rng.choice(_yaml_files(data, "tasks"))
    def change(doc):
        lb, result = _some_result(doc, rng)
        metric = rng.choice(lb["metrics"])["name"]
        result.setdefault("values", {})[metric] = rng.choice([round(rng.uniform(0, 100), 2),
                                                              "abc", None, -1])
    _edit_doc(path, change)


def edit_dataset_reference(data, rng, _):
    path = rng.choice(_yaml_files(data, "tasks"))
    ids = [p.stem for p in _yaml_files(data, "datasets")] + ["no_such_dataset", "ade20"]
    def change(doc):
        rng.choice(doc["leaderboards"])["dataset"] = rng.choice(ids)
    _edit_doc(path, change)


def remove_dataset(data, rng, removed):
    files = _yaml_files(data, "datasets")
    if len(files) > 1:
        path = rng.choice(files)
        removed[path.name] = path.read_text(encoding="utf-8")
        path.unlink()


def restore_dataset(data, rng, removed):
    if removed:
        name = rng.choice(sorted(removed))
        (data / "datasets" / name).write_text(removed.pop(name), encoding="utf-8")


def edit_parent(data, rng, _):
    path = rng.choice(_yaml_files(data, "tasks"))
    ids = [p.stem for p in _yaml_files(data, "tasks")] + ["no-such-task"]
    def change(doc):
        if rng.random() < 0.3:
            doc.pop("parent", None)
        else:
            doc["parent"] = rng.choice(ids)
    _edit_doc(path, change)


def break_yaml(data, rng, _):
    path = rng.choice(_yaml_files(data, "tasks") + _yaml_files(data, "datasets"))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(rng.choice(["\n: : :\n", "\n\tbad: tab\n", "\nleaderboards: [\n"]))


def relative_link(data, rng, _):
    path = rng.choice(_yaml_files(data, "tasks"))
    def change(doc):
        _, result = _some_result(doc, rng)
        result["weights"] = [{"label": "w", "url": rng.choice(["models/none.zip", "README.md",
                                                                "javascript:alert(1)"])}]
    _edit_doc(path, change)


def add_task(data, rng, _):
    n = rng.randrange(1000)
    parent = rng.choice([p.stem for p in _yaml_files(data, "tasks")])
    (data / "tasks" / f"new_task_{n}.yml").write_text(
        f"title: New task {n}\nparent: {parent}\nleaderboards:\n- id: b\n  title: B\n"
        f"  dataset: ade20k\n  metrics: [{{name: Acc}}]\n  results:\n  - model: M\n"
        f"    values: {{Acc: {n}.5}}\n    date: '2031-01-01'\n", encoding="utf-8")


def second_extension(data, rng, _):
    path = rng.choice(_yaml_files(data, "tasks"))
    shutil.copy(path, path.with_suffix(".yaml"))


def touch_only(data, rng, _):
    path = rng.choice(_yaml_files(data, "tasks") + _yaml_files(data, "datasets"))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))


def restore_task(data, rng, _):
    path = rng.choice(_yaml_files(data, "tasks"))
    original = ROOT / "data" / "tasks" / path.name
    if original.exists():
        shutil.copy(original, path)
    else:
        path.unlink()
    for extra in (data / "tasks").glob("*.yaml"):
        if rng.random() < 0.5:
            extra.unlink()


EDITS = [edit_value, edit_dataset_reference, remove_dataset, restore_dataset, edit_parent,
         break_yaml, relative_link, add_task, second_extension, touch_only, restore_task]


@pytest.mark.parametrize("seed", range(4))
def test_after_random_edits_the_cached_check_finds_what_the_full_check_finds(tmp_path, seed):
    rng = random.Random(seed)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    assert cached(data)[:2] == full(data)  # an empty cache: every file read
    removed: dict[str, str] = {}
    kinds_seen = set()
    for step in range(25):
        edit = rng.choice(EDITS)
        edit(data, rng, removed)
        kinds_seen.add(edit.__name__)
        expected = full(data)
        problems, counts, checked = cached(data)
        assert (problems, counts) == expected, f"seed {seed}, step {step}: {edit.__name__}"
        assert checked.kept >= len(_yaml_files(data, "tasks")) + \
            len(_yaml_files(data, "datasets")) - 3, "one edit read more than a few files"
    assert len(kinds_seen) >= 6


def test_a_dataset_removed_is_reported_in_the_tasks_that_did_not_change(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    cached(data)
    (data / "datasets" / "ade20k.yml").unlink()
    problems, _, checked = cached(data)
    assert checked.read == 0  # no task changed: their lines found by reading them again
    assert any("semantic_segmentation.yml:" in p and "unknown dataset 'ade20k'" in p
               for p in problems), problems
    assert problems == full(data)[0]


def test_the_command_reads_only_the_changed_file_and_prints_what_the_full_check_prints(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    first = run_module("validate", "--changed", "--data", str(data))
    assert first.code == 0, first.err
    assert (tmp_path / ".leaderboard-cache" / ".gitignore").read_text() == "*\n"
    path = data / "tasks" / "depth_estimation.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("0.509", "'0.509x'", 1),
                    encoding="utf-8")
    fast = run_module("validate", "--changed", "--data", str(data))
    slow = run_module("validate", "--data", str(data))
    assert fast.code == slow.code == 1
    assert "read and checked: " in fast.err and "unchanged, from the cache" in fast.err
    read = int(fast.err.split("read and checked: ")[1].split(" ")[0])
    assert read <= 16  # the new files git sees (all, in a fresh repository) at most
    lines = lambda err: [l for l in err.splitlines() if "read and checked" not in l]
    assert lines(fast.err) == lines(slow.err)
    assert "depth_estimation.yml:" in fast.err
    named = run_module("validate", str(path), "--data", str(data))
    assert named.err.startswith("read and checked: 1 file;")
    assert lines(named.err) == lines(slow.err)


def test_a_planted_cache_file_cannot_run_code(tmp_path):
    import pickle

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    folder = tmp_path / checkcache.FOLDER
    folder.mkdir()

    class Boom:
        def __reduce__(self):
            return (os.system, (f"touch {tmp_path / 'pwned'}",))
    (folder / "validate.pickle").write_bytes(pickle.dumps(Boom()))
    problems, counts, _ = cached(data)
    assert not (tmp_path / "pwned").exists()
    assert (problems, counts) == full(data)


def test_a_run_that_read_one_file_keeps_its_entry_and_a_cache_cut_short_is_harmless(
        tmp_path):
    """An edit's entry is kept for the next run, which reads nothing again.  A cache file
    cut short (a run stopped while writing) changes nothing in the result and is written
    anew."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    cached(data)
    folder = tmp_path / checkcache.FOLDER
    path = data / "tasks" / "depth_estimation.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("0.509", "'0.509x'", 1),
                    encoding="utf-8")
    problems, counts, checked = cached(data)
    assert checked.read == 1 and (problems, counts) == full(data)
    assert any("depth_estimation.yml:" in p for p in problems)
    _, _, checked = cached(data)
    assert checked.read == 0  # the edited file's entry was kept
    whole = folder / "validate.pickle"
    whole.write_bytes(whole.read_bytes()[:-7])  # cut short
    path.write_text(path.read_text(encoding="utf-8").replace("'0.509x'", "0.509", 1),
                    encoding="utf-8")
    problems, counts, checked = cached(data)
    assert (problems, counts) == full(data) and not any("depth_estimation" in p
                                                         for p in problems)
    assert checked.kept == 0  # nothing read from the broken file
    _, _, checked = cached(data)
    assert checked.read == 0  # and written anew

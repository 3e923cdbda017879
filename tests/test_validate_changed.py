"""`validate --changed` / `validate PATH...` (generator/checkcache.py): the same problems and
counts as the full check, after random edits of every kind, with most files answered from
the cache."""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys

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


# --- the cache cannot be steered (issue 25) ---------------------------------------------
# Every data file, and anything else in a checkout, may come from a stranger's pull request:
# so may a `.leaderboard-cache/` committed beside the data.  Only a cache signed with this
# user's key (outside the repository) is believed; anything else is rebuilt without a word.

import pickle
import stat as stat_module

from generator.project import filecache

BROKEN_VALUE = ("0.509", "'0.509x'")  # depth_estimation.yml: a value that is not a number


@pytest.fixture(autouse=True)
def user_cache(tmp_path, monkeypatch):
    """This user's cache folder (where the signing key lives), outside the checkout."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture
def repo(tmp_path):
    """A git checkout whose committed data has one error (so ``--changed`` sees no change
    and every answer comes from the cache)."""
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / "data", checkout / "data")
    path = checkout / "data" / "tasks" / "depth_estimation.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(*BROKEN_VALUE, 1), encoding="utf-8")
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    for args in (["init", "-q"], ["add", "data"], ["commit", "-qm", "data"]):
        subprocess.run(["git", *args], cwd=checkout, check=True, env=env, capture_output=True)
    return checkout


def _changed(repo):
    return run_module("validate", "--changed", "--data", "data", cwd=repo)


def _read_signed(path, key):
    payload = filecache._verified(path.read_bytes(), key)
    assert payload is not None, "the cache this user's run wrote is signed with their key"
    return pickle.loads(payload)


def _write_signed(path, key, payload: bytes):
    path.write_bytes(filecache._MAGIC + filecache._mac(key, payload) + payload)


def _key(folder):
    return (folder / "leaderboard-generator" / "cache-key").read_bytes()


def _emptied(saved):
    """The saved cache with every file's own problems taken out."""
    version, rows = saved
    return version, {name: (row[0], (), *row[2:]) for name, row in rows.items()}


def test_a_committed_cache_with_its_problems_emptied_does_not_make_bad_data_valid(
        repo, tmp_path, monkeypatch, user_cache):
    """The attack: run the check on one's own machine, empty the problems in the cache, sign
    it with one's own key and commit it.  On the author's machine that cache does say
    "valid" (so the key is what stands in the way); anyone else's `validate --changed`
    reads the data again and reports the error."""
    cache = repo / checkcache.FOLDER / "validate.pickle"
    attacker = tmp_path / "attacker-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(attacker))
    assert _changed(repo).code == 1
    key = _key(attacker)
    _write_signed(cache, key, pickle.dumps(_emptied(_read_signed(cache, key))))
    forged = _changed(repo)
    assert forged.code == 0 and "read and checked: 0 files" in forged.err, forged.err

    monkeypatch.setenv("XDG_CACHE_HOME", str(user_cache))
    run = _changed(repo)
    assert run.code == 1, run.err
    assert "data/tasks/depth_estimation.yml:" in run.err and "must be a number" in run.err
    assert "unchanged, from the cache (.leaderboard-cache/): 0" in run.err
    assert run.err.splitlines()[1:] == run_module("validate", "--data", "data",
                                                  cwd=repo).err.splitlines()


def test_an_unsigned_cache_of_the_earlier_format_is_not_believed(repo):
    """A plain pickle of (version, rows), as this program wrote before it signed its
    caches, with the problems emptied and the right version and digests: ignored."""
    assert _changed(repo).code == 1
    cache = repo / checkcache.FOLDER / "validate.pickle"
    saved = _emptied(_read_signed(cache, _key(repo.parent / "user-cache")))
    cache.write_bytes(pickle.dumps(saved))
    run = _changed(repo)
    assert run.code == 1 and "must be a number" in run.err, run.err


class _RunsCode:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _malformed(name, saved, marker):
    """The payload of a cache signed with the right key but holding something this program
    does not write."""
    version, rows = saved
    first = sorted(rows)[0]
    row = rows[first]
    bad_rows = {
        "problems are a number": (row[0], 7, *row[2:]),
        "a problem's line is text": (row[0], [("1", 1, "m", "error")], *row[2:]),
        "a severity of its own": (row[0], [(1, 1, "m", "fatal")], *row[2:]),
        "the id is a number": (*row[:3], 5, *row[4:]),
        "a kind of its own": (*row[:2], "table", *row[3:]),
        "a parent's path holds a float": (*row[:5], [(("parent", 1.5), "x")], *row[6:]),
        "a row cut short": row[:-1],
        "a row that is a list": list(row),
        "the counts are text": (*row[:-1], "many"),
    }
    if name in bad_rows:
        return pickle.dumps((version, {**rows, first: bad_rows[name]}))
    return {"rows that are a list": pickle.dumps((version, list(rows.values()))),
            "not a pair": pickle.dumps([version]),
            "a pickle cut short": pickle.dumps(saved)[:-40],
            "a pickle that would run code": pickle.dumps(_RunsCode(marker)),
            "not a pickle": b"\x00garbage" * 10}[name]


@pytest.mark.parametrize("damage", [
    "truncated", "garbage", "empty", "a folder", "problems are a number",
    "a problem's line is text", "a severity of its own", "the id is a number",
    "a kind of its own", "a parent's path holds a float", "a row cut short",
    "a row that is a list", "the counts are text", "rows that are a list", "not a pair",
    "a pickle cut short", "a pickle that would run code", "not a pickle"])
def test_a_damaged_cache_is_rebuilt_without_a_word(repo, damage, user_cache):
    """Cut short, garbage, not a file, or signed but holding what this program does not
    write (wrong types, wrong shapes, a pickle that builds objects): the result is the full
    check's, with no traceback and nothing said about the cache; the next run finds a
    good cache again."""
    first = _changed(repo)
    cache = repo / checkcache.FOLDER / "validate.pickle"
    marker = repo.parent / "code-ran"
    if damage == "truncated":
        cache.write_bytes(cache.read_bytes()[:len(cache.read_bytes()) // 2])
    elif damage == "garbage":
        cache.write_bytes(os.urandom(4096))
    elif damage == "empty":
        cache.write_bytes(b"")
    elif damage == "a folder":
        cache.unlink()
        cache.mkdir()
    else:
        key = _key(user_cache)
        _write_signed(cache, key, _malformed(damage, _read_signed(cache, key), marker))
    run = _changed(repo)
    assert not marker.exists()
    assert "Traceback" not in run.err and "cache" not in run.err.split("\n", 1)[1], run.err
    assert (run.code, run.err.splitlines()[1:]) == (first.code, first.err.splitlines()[1:])
    assert run.code == 1 and "must be a number" in run.err
    if damage != "a folder":
        again = _changed(repo)
        assert "read and checked: 0 files" in again.err, again.err  # written anew


def test_the_key_is_made_once_outside_the_checkout_for_this_user_alone(repo, user_cache):
    assert _changed(repo).code == 1
    key_file = user_cache / "leaderboard-generator" / "cache-key"
    assert stat_module.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat_module.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    key = key_file.read_bytes()
    assert len(key) == 32
    assert not any(key in p.read_bytes() for p in repo.rglob("*") if p.is_file())
    _changed(repo)
    assert key_file.read_bytes() == key  # the same key next time


def test_a_key_others_can_read_or_replace_is_not_used(repo, user_cache):
    """A key file readable by others (or a link, or the wrong size) signs nothing: every run
    reads every file, and the result stays the full check's."""
    assert _changed(repo).code == 1
    key_file = user_cache / "leaderboard-generator" / "cache-key"
    key_file.chmod(0o644)
    for _ in range(2):
        run = _changed(repo)
        assert run.code == 1 and "must be a number" in run.err
        assert "unchanged, from the cache (.leaderboard-cache/): 0" in run.err, run.err


def test_the_cache_folder_is_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", ".leaderboard-cache/validate.pickle"],
                             cwd=ROOT)
    assert ignored.returncode == 0


def test_a_cache_folder_committed_as_a_link_sends_nothing_anywhere(repo):
    """A pull request commits `.leaderboard-cache` as a symbolic link into data/tasks (or
    anywhere): `validate --changed` writes nothing through it and reads nothing from it."""
    target = repo / "data" / "tasks"
    before = sorted(p.name for p in target.iterdir())
    (repo / checkcache.FOLDER).symlink_to("data/tasks")
    run = _changed(repo)
    assert run.code == 1 and "must be a number" in run.err, run.err
    assert sorted(p.name for p in target.iterdir()) == before


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/stdin"])
def test_a_cache_file_linked_to_a_device_is_not_read(repo, device):
    """`validate.pickle` as a link to /dev/zero (endless) or /dev/stdin (blocks the
    pre-commit hook): not opened through the link, so the run neither hangs nor fills memory."""
    folder = repo / checkcache.FOLDER
    folder.mkdir()
    (folder / "validate.pickle").symlink_to(device)
    proc = subprocess.run([sys.executable, "-m", "generator", "validate", "--changed", "--data",
                           "data"], cwd=repo, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.PIPE)
    assert proc.returncode == 1 and "must be a number" in proc.stderr, proc.stderr

"""The contributor's path: add a result, see the change summary, errors as annotations."""
from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess

import pytest
import yaml
from helpers import DATA, ROOT, run_module

TASK = "data/tasks/semantic_segmentation.yml"
VOC = "pascal-voc-2012-validation-set"


def git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env=dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
                                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")).stdout


@pytest.fixture
def repo(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "data")
    return tmp_path


def test_diff_reports_new_best_rank_changes_added_removed_changed(repo):
    task = repo / TASK
    text = task.read_text(encoding="utf-8")
    text = text.replace("  results:\n  - model: SDN-M2*\n",
                        "  results:\n  - model: NewNet\n    values: {Score: 90.10}\n"
                        "    paper: https://arxiv.org/abs/1902.00001\n  - model: SDN-M2*\n", 1)
    text = text.replace("values: {Score: 79.90}", "values: {Score: 80.10}", 1)  # SDN-M3, VOC val
    removed = "  - model: DeepLab_v3-MobileNet-v2\n    extra_data: [COCO]\n    values: {Score: 77.33}\n"
    start = text.index(removed)
    end = text.index("- id: pascal-voc-2012-testing-set")
    task.write_text(text[:start] + text[end:], encoding="utf-8")
    git(repo, "commit", "-qam", "new result")
    run = run_module("diff", "HEAD~1", cwd=repo)
    assert run.code == 0, run.err
    out = run.out
    assert "## Leaderboard changes: HEAD~1 → working tree" in out
    assert "Validation: passed" in out
    section = out.split("### Semantic segmentation — PASCAL VOC 2012 — Validation set")[1].split("###")[0]
    # names are markdown-escaped: the comment shows SDN-M2* (the * starts no emphasis)
    assert "**New best Score: 90.10** by NewNet (was 88.80 by SDN-M2\\* + COCO + MS)" in section
    assert "Added: NewNet (rank 1)" in section
    assert "Removed: DeepLab_v3-MobileNet-v2 + COCO" in section
    assert "Changed: SDN-M3: Score 79.90 → 80.10" in section
    assert "SDN-M2\\* + COCO + MS: 1 → 2" in section and "DeepLab_v3-Xception-65 + COCO: 2 → 3" in section
    assert out.count("### ") == 1  # no other leaderboard changed
    # two explicit revisions, and two folders, give the same report body
    by_revs = run_module("diff", "HEAD~1", "HEAD", cwd=repo).out
    assert by_revs.split("\n", 1)[1] == out.split("\n", 1)[1]


def test_diff_says_when_a_published_results_permalink_and_badge_move(repo):
    """A newcomer named like a published result, written above it: validate refuses it, and
    the pull request's report says, in bold, that the published result's permalink and
    badge would move."""
    task = repo / "data" / "tasks" / "image_classification.yml"
    text = task.read_text(encoding="utf-8")
    task.write_text(text.replace("  - model: DenseNet-121\n", "  - model: DenseNet-121\n"
                                 "    values: {Acc@1: 99.900, Acc@5: 99.900}\n"
                                 "  - model: DenseNet-121\n", 1), encoding="utf-8")
    run = run_module("diff", "HEAD", cwd=repo)
    assert run.code == 0, run.err
    assert "would share the permalink #imagenet--densenet-121" in run.out
    assert "**Permalink and badge moved**" in run.out
    assert "DenseNet-121: `#imagenet--densenet-121` → `#imagenet--densenet-121-2`" in run.out


def test_diff_reports_invalid_new_data(repo):
    task = repo / TASK
    task.write_text(task.read_text(encoding="utf-8").replace("{Score: 88.80}", "{Score: high}"),
                    encoding="utf-8")
    out = run_module("diff", "HEAD", cwd=repo).out
    assert "**Validation: 1 error(s)**" in out and "must be a number" in out


def test_diff_of_an_unknown_revision_is_one_clear_line(repo):
    run = run_module("diff", "no-such-rev", cwd=repo)
    assert run.code == 1 and run.err.startswith("error: cannot read 'data' at revision 'no-such-rev'")



# --- diff: nothing in a pull request steers it, and its report is inert (issue 25) --------

@pytest.mark.parametrize("args", [
    ["--", "-o{victim}"], ["--", "--output={victim}"], ["HEAD", "--", "-o{victim}"],
    ["--", "--remote=ext::sh -c touch% {victim}", "HEAD"]])
def test_diff_takes_no_option_for_a_revision(repo, args):
    """``diff -- -o/path`` reached ``git archive -o/path``, which truncated the file.  A
    revision is checked to be a commit first; one that starts with '-' is a usage error."""
    victim = repo / "precious.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    run = run_module("diff", *[a.format(victim=victim) for a in args], cwd=repo)
    assert run.code == 2, run.err
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    lines = run.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: '-") \
        and "is neither a folder nor a revision" in lines[0], run.err
    assert run.out == ""


def test_diff_of_a_revision_that_is_not_a_commit_is_one_line(repo):
    tree = git(repo, "rev-parse", "HEAD^{tree}").strip()
    for ref in (tree, "HEAD:data", "HEAD^{tree}"):
        run = run_module("diff", ref, cwd=repo)
        assert run.code == 1 and run.err.splitlines() == [
            f"error: cannot read 'data' at revision '{ref}': not a commit of this repository"]


@pytest.mark.parametrize("target", ["/etc/passwd", "../../../outside.yml"])
def test_diff_of_a_revision_holding_a_link_out_of_the_data_folder_is_one_line(repo, target):
    (repo / "data" / "tasks" / "evil.yml").symlink_to(target)
    git(repo, "add", "data")
    git(repo, "commit", "-qm", "a link")
    for args in (["HEAD"], ["HEAD~1", "HEAD"]):
        run = run_module("diff", *args, cwd=repo)
        assert run.code == 1 and "Traceback" not in run.err, run.err
        assert run.err.splitlines() == [run.err.strip()], run.err
        assert run.err.startswith("error: cannot read 'data' at revision 'HEAD': ") \
            and "data/tasks/evil.yml" in run.err, run.err


HOSTILE_NAMES = {  # what GitHub would do with each in a comment
    "model": "@octocat's Net a@b.example",       # mention (notifies), e-mail link
    "title": "Fixes #1 and octo/repo#2, GH-3",   # issue links
    "metric": "$x^2$ and $$y$$",                 # math
    "other model": "https://evil.example/x www.evil.example",  # links
}


def _github_live(markdown):
    """What GitHub would ping, link or typeset in ``markdown``: its filters look at the text
    outside code spans and links (after markdown's own escapes are read)."""
    from markdown_it import MarkdownIt
    found = []
    for block in MarkdownIt("commonmark").parse(markdown):
        depth = 0
        for token in block.children or []:
            depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type != "text" or depth:
                continue
            for name, pattern in [("mention", r"(?:^|[^A-Za-z0-9_`])@[A-Za-z0-9]"),
                                  ("issue", r"#\d|(?<![A-Za-z0-9])GH-\d"),
                                  ("link", r"(?i)(?:https?|ftp)://|(?<![A-Za-z0-9])www\.|"
                                           r"[A-Za-z0-9]@[A-Za-z0-9-]+\."),
                                  ("math", r"\$")]:
                found += [f"{name}: {token.content!r}"] if re.search(pattern, token.content) else []
    return found


def test_diff_report_mentions_links_and_typesets_nothing_from_the_data(repo):
    """The report goes into a pull-request comment: a name from the data may hold a
    mention, an issue reference, a URL or math.  Each reads the same, and none is live."""
    import html as html_module
    from helpers import html as render
    task = repo / TASK
    text = task.read_text(encoding="utf-8")
    text = text.replace("title: PASCAL VOC 2012 — Validation set",
                        f"title: \"{HOSTILE_NAMES['title']}\"", 1)
    text = text.replace("name: Score", f"name: \"{HOSTILE_NAMES['metric']}\"", 1)
    text = text.replace("Score:", f"\"{HOSTILE_NAMES['metric']}\":", 1)
    text = text.replace("  - model: SDN-M2*\n",
                        f"  - model: \"{HOSTILE_NAMES['model']}\"\n    values: "
                        f"{{\"{HOSTILE_NAMES['metric']}\": 99.5}}\n"
                        f"  - model: \"{HOSTILE_NAMES['other model']}\"\n    values: "
                        f"{{\"{HOSTILE_NAMES['metric']}\": 1.5}}\n  - model: SDN-M2*\n", 1)
    task.write_text(text, encoding="utf-8")
    run = run_module("diff", "HEAD", cwd=repo)
    assert run.code == 0, run.err
    out = run.out
    assert _github_live(out) == [], out
    # it reads the same: the rendered text, with the word joiners taken out, holds each name
    shown = html_module.unescape(re.sub(r"<[^>]+>", "", render(out))).replace("\u2060", "")
    for name in HOSTILE_NAMES.values():
        assert name in shown, (name, shown)
    # the checker sees what it is for, outside code spans only
    assert [f.split(":")[0] for f in _github_live(
        "@octocat\n\nGH-3\n\n$x$\n\nhttps://a.example\n\na@b.example\n\n`@ok #1 $ok$`")] \
        == ["mention", "issue", "math", "link", "link"]


def test_add_keeps_comments_and_formatting(repo):
    task = repo / TASK
    text = task.read_text(encoding="utf-8").replace(
        "  - model: SDN-M3\n", "  # checked against the paper, table 3\n  - model: SDN-M3\n", 1)
    task.write_text(text, encoding="utf-8")
    git(repo, "commit", "-qam", "comment")
    run = run_module("add", "--task", "semantic_segmentation", "--leaderboard", VOC,
                     "--model", "NewNet", "--value", "Score=89.10", "--extra-data", "COCO",
                     "--paper", "https://arxiv.org/abs/1902.00001",
                     "--code", "PyTorch=https://github.com/example/newnet", cwd=repo)
    assert run.code == 0, run.err
    assert "rank 1 of 10" in run.out
    after = task.read_text(encoding="utf-8")
    changes = [l for l in difflib.ndiff(text.splitlines(), after.splitlines()) if l[:1] in "+-"]
    assert changes == ["+   - model: NewNet", "+     extra_data: [COCO]", "+     values: {Score: 89.10}",
                       "+     paper: https://arxiv.org/abs/1902.00001", "+     code:",
                       "+     - label: PyTorch", "+       url: https://github.com/example/newnet"]
    assert "# checked against the paper, table 3" in after
    assert git(repo, "diff", "--numstat").split()[:2] == ["7", "0"]  # only added lines
    assert run_module("validate", cwd=repo).code == 0


def test_add_to_an_empty_leaderboard(repo):
    run = run_module("add", "--task", "pose_estimation", "--leaderboard", "mpii-human-pose-dataset",
                     "--model", "HRNet-W32", "--value", "Score=0.92", cwd=repo)
    assert run.code == 0, run.err
    data = yaml.safe_load((repo / "data/tasks/pose_estimation.yml").read_text(encoding="utf-8"))
    assert data["leaderboards"][0]["results"] == [{"model": "HRNet-W32", "values": {"Score": 0.92}}]


@pytest.mark.parametrize("args,message", [
    (["--value", "Score=high"], "--value Score: 'high' is not a number or N/A"),
    (["--value", "Scor=80.1"], "value for undeclared metric 'Scor'"),
    (["--value", "Score=80.1", "--paper", "javascript:alert(1)"], "must be an http(s) URL"),
    (["--value", "Score=80.1", "--code", "no-equals-sign"], "--code must be written NAME=VALUE"),
])
def test_add_refuses_bad_results_and_writes_nothing(repo, args, message):
    before = (repo / TASK).read_text(encoding="utf-8")
    run = run_module("add", "--task", "semantic_segmentation", "--leaderboard", VOC,
                     "--model", "Bad", *args, cwd=repo)
    assert run.code == 1 and message in run.err
    assert (repo / TASK).read_text(encoding="utf-8") == before


def test_add_to_an_unknown_leaderboard(repo):
    run = run_module("add", "--task", "semantic_segmentation", "--leaderboard", "nope",
                     "--model", "X", "--value", "Score=1", cwd=repo)
    assert run.code == 1 and "no leaderboard 'nope' in semantic_segmentation.yml" in run.err


def test_validate_prints_github_annotations_in_actions(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    task = data / "tasks" / "semantic_segmentation.yml"
    task.write_text(task.read_text(encoding="utf-8").replace("{Score: 88.80}", "{Score: 100%}"),
                    encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    run = run_module("validate", "--data", "data", cwd=tmp_path)
    assert run.code == 1
    line = next(l for l in run.out.splitlines() if l.startswith("::error "))
    assert line.startswith("::error file=data/tasks/semantic_segmentation.yml,line=")
    assert "::value of metric 'Score' must be a number or null (N/A), not the string '100%25'" in line  # % is escaped for workflow commands


def test_pre_commit_hooks_run_the_generator():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {h["id"]: h for h in hooks}
    # the hook checks a commit against the cache: only what changed is read again
    assert by_id["leaderboard-validate"]["entry"] == "python -m generator validate --changed"
    assert by_id["leaderboard-readme"]["entry"] == "python -m generator readme"
    for hook in hooks:
        assert hook["language"] == "python" and hook["pass_filenames"] is False


def test_data_files_name_their_schema_for_editors():
    for path in sorted([*(ROOT / "data" / "tasks").glob("*.yml"), *(ROOT / "data" / "datasets").glob("*.yml")]):
        kind = "task" if path.parent.name == "tasks" else "dataset"
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../../generator/schema/{kind}.schema.json"


# --- workflow commands: nothing in the data forges one (issue 25) ------------------------

REGISTERED = {"error", "warning", "notice", "debug", "group", "endgroup", "add-mask", "echo",
              "stop-commands", "set-output", "save-state", "set-env", "add-path",
              "add-matcher", "remove-matcher"}


def _unescape(value, pairs):
    for escaped, char in pairs:
        value = value.replace(escaped, char)
    return value


def runner_commands(output):
    """The workflow commands the GitHub Actions runner reads in a step's output, as
    (name, properties, data): actions/runner's ActionCommand.TryParseV2 (a line starting,
    leading blanks aside, with '::') and, failing that, TryParse ('##[' anywhere)."""
    data_rules = [("%0D", "\r"), ("%0A", "\n"), ("%25", "%")]
    property_rules = [("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")]
    found = []
    for line in re.split(r"\r\n|\r|\n", output):
        v2 = line.lstrip()
        end = v2.find("::", 2)
        if v2.startswith("::") and end >= 0 and v2[2:end].split(" ")[0] in REGISTERED:
            name, _, props = v2[2:end].partition(" ")
            properties = dict((k, _unescape(v, property_rules)) for k, _, v in
                              (p.partition("=") for p in props.strip().split(",") if p) if v)
            found.append((name, properties, _unescape(v2[end + 2:], data_rules)))
            continue
        at = line.find("##[")
        close = line.find("]", at)
        if at >= 0 and close >= 0 and line[at + 3:close].split(" ")[0] in REGISTERED:
            found.append((line[at + 3:close].split(" ")[0], {}, line[close + 1:]))
    return found


HOSTILE_FILE_NAMES = ["x\n::warning file=README.md,line=1::forged.yml",
                      "w\r::notice::forged.yml", "y ##[error]forged.yml",
                      "::error file=README.md::z.yml", " ::add-mask::valid.yml", "a,b:c%0A.yml"]


def test_no_file_name_or_message_forges_a_workflow_command(tmp_path, monkeypatch):
    """Data files named, and keys written, to break out of an annotation or to start a
    command of their own: under GitHub Actions each problem is exactly one annotation, on the
    file it is about, and the plain log lines hold no command -- whether the path printed
    starts with the data folder or (run from inside it) with the file's own name."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    body = 'title: T\nleaderboards: []\n"##[warning]k\\n::error::m": 1\n'
    for name in HOSTILE_FILE_NAMES + ["ok_task.yml"]:
        (data / "tasks" / name).write_text(body, encoding="utf-8")
    assert {p.name for p in (data / "tasks").iterdir()} >= set(HOSTILE_FILE_NAMES)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    for cwd, data_arg, prefix in [(tmp_path, "data", "data/tasks/"), (data / "tasks", "..", "")]:
        run = run_module("validate", "--data", data_arg, cwd=cwd)
        assert run.code == 1, run.err
        assert runner_commands(run.err) == [], run.err
        problems = run.err.splitlines()[:-1]  # the last line counts them
        assert run.err.splitlines()[-1].startswith("invalid: ")
        commands = runner_commands(run.out)
        assert len(commands) == len(problems) == len(run.out.splitlines()), run.out
        assert {name for name, _, _ in commands} <= {"error", "warning"}
        files = [props.get("file") for _, props, _ in commands]
        for name in HOSTILE_FILE_NAMES:  # each annotation on the very file, named exactly
            assert files.count(prefix + name) == 1, (name, files)
        assert "README.md" not in files and (prefix + "ok_task.yml") in files
        key = next(d for _, p, d in commands if p["file"] == prefix + "ok_task.yml")
        assert key.startswith("unknown key '##[warning]k\\n::error::m'")  # as written, inert


def test_a_log_line_never_starts_a_command():
    """Every plain line the command line prints goes through the same guard; it reads the
    same (a word joiner, no width, is the only change)."""
    from generator.project.problems import Problem, log_line
    for text in ["::error::x", "  ::warning file=a::b", "a\n::notice::c", "a\r ::debug::d",
                 "\u3000::error::e", "see ##[error]f", "##[add-mask]g"]:
        assert runner_commands(log_line(text)) == [], text
        assert log_line(text).replace("\u2060", "") == text
    for problem in [Problem(":: x.yml", 0, 0, "m"), Problem("::error::x.yml", 3, 0, "m"),
                    Problem("", 0, 0, "::error::m"), Problem("f.yml", 1, 1, "m ##[error]n"),
                    Problem("\u3000::error::y.yml", 1, 1, "m")]:
        line = problem.format()
        assert "\n" not in line and runner_commands(line) == [], line


def test_readme_check_prints_no_command_from_the_readme_or_the_data(tmp_path):
    """``readme --check`` runs on pull requests and prints a diff: its context lines come
    from the README as the pull request left it.  None of them starts a command."""
    shutil.copytree(DATA, tmp_path / "data")
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    text = text.replace("## Contents\n\n", "## Contents\n\n::error file=README.md::forged\n"
                        "  ::warning::forged ##[error]forged\n", 1)
    (tmp_path / "README.md").write_text(text, encoding="utf-8")
    task = tmp_path / TASK
    task.write_text(task.read_text(encoding="utf-8").replace(
        "  results:\n  - model: SDN-M2*\n",
        "  results:\n  - model: NewNet\n    values: {Score: 90.10}\n  - model: SDN-M2*\n", 1),
        encoding="utf-8")
    run = run_module("readme", "--check", cwd=tmp_path)
    assert run.code == 1 and "is stale" in run.err
    assert "\n   ::warning::forged ##[error]forged\n" in run.out.replace("\u2060", "")  # shown
    assert runner_commands(run.out) == [] and runner_commands(run.err) == [], run.out

"""The command line as a user meets it: help everywhere, no tracebacks."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from helpers import ROOT, run_module

from generator.cli import COMMANDS, build_parser, program_name

NAMES = [c.name for c in COMMANDS]
# the program as invoked: the console script, and the package run as a module
INVOCATIONS = {"leaderboard": lambda: [shutil.which("leaderboard") or "leaderboard"],
               "python -m generator": lambda: [sys.executable, "-m", "generator"]}


def test_top_level_help_lists_every_command():
    script = subprocess.run([INVOCATIONS["leaderboard"]()[0], "--help"], capture_output=True,
                            text=True, timeout=60)
    assert script.returncode == 0
    assert script.stdout.startswith("usage: leaderboard [-h] [--version] COMMAND")
    run = run_module("--help")
    assert run.code == 0 and run.out == script.stdout.replace("leaderboard", "python -m generator", 1)
    assert run.out.startswith("usage: python -m generator [-h] [--version] COMMAND ...\n")
    for command in COMMANDS:
        assert re.search(rf"^    {re.escape(command.name)}\s", run.out, flags=re.M), command.name
        assert " ".join(command.help.split()[:4]) in " ".join(run.out.split())


@pytest.mark.slow
@pytest.mark.parametrize("prog", INVOCATIONS)
@pytest.mark.parametrize("command", NAMES)
def test_every_command_has_help(command, prog):
    """``--help`` of every command, as each way of running the program: exit 0, the usage
    line names the program as it was invoked, and every option of the command is listed."""
    proc = subprocess.run([*INVOCATIONS[prog](), command, "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.startswith(f"usage: {prog} {command} "), proc.stdout.splitlines()[0]
    spec = next(c for c in COMMANDS if c.name == command)
    text = " ".join(proc.stdout.split())
    assert " ".join(spec.description.split())[:60] in text
    for arg in spec.args:
        for flag in arg.flags:
            shown = flag if flag.startswith("-") else arg.options.get("metavar", flag)
            assert shown in proc.stdout, f"{command} --help lists {flag}"
        if "help" in arg.options:
            assert " ".join(arg.options["help"].split())[:30] in text


@pytest.mark.parametrize("command", NAMES)
def test_every_command_has_help_in_process(command, capsys):
    """The quick loop's share of the test above: the same help, without a process each."""
    with pytest.raises(SystemExit) as exit_:
        build_parser("leaderboard").parse_args([command, "--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0 and out.startswith(f"usage: leaderboard {command} ")
    spec = next(c for c in COMMANDS if c.name == command)
    for arg in spec.args:
        for flag in arg.flags:
            assert (flag if flag.startswith("-") else arg.options.get("metavar", flag)) in out


def test_the_parser_is_built_from_the_command_table():
    parser = build_parser("leaderboard")
    sub = next(a for a in parser._actions if a.dest == "command")
    assert list(sub.choices) == NAMES
    for command in COMMANDS:
        args = parser.parse_args([command.name, *_required(command)])
        assert args.func is command.func and args.prog == "leaderboard"


def _required(command) -> list[str]:
    out = []
    for arg in command.args:
        flag = arg.flags[0]
        if not flag.startswith("-"):
            if arg.options.get("nargs") != "?":
                out.append("x")
        elif arg.options.get("required"):
            out += [flag, (arg.options.get("choices") or ["x=1"])[0]]
    return out


@pytest.mark.parametrize("argv0, prog", [
    ("/venv/bin/leaderboard", "leaderboard"),
    ("/venv/Scripts/leaderboard.exe", "leaderboard"),
    ("/repo/generator/__main__.py", "python -m generator"),
    ("", "leaderboard"),
    ("-c", "leaderboard"),
])
def test_program_name_is_the_name_invoked(argv0, prog):
    assert program_name(argv0) == prog


def test_hints_name_the_program_as_invoked(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "README.md").write_text("<!-- BEGIN GENERATED: summary -->\n"
                                        "<!-- END GENERATED: summary -->\n", encoding="utf-8")
    script = shutil.which("leaderboard")
    proc = subprocess.run([script, "readme", "--check"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1
    assert "is stale: run 'leaderboard readme' and commit the result" in proc.stderr
    run = run_module("readme", "--check", cwd=tmp_path)
    assert "is stale: run 'python -m generator readme' and commit the result" in run.err


def test_leaderboard_console_script_is_the_same_program():
    from helpers import ROOT
    script = shutil.which("leaderboard")
    assert script, "the package is installed with its 'leaderboard' console script"
    proc = subprocess.run([script, "validate"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0
    assert proc.stdout == run_module("validate").out


def test_unknown_task_is_one_line():
    run = run_module("markdown", "no_such_task")
    assert run.code == 1
    assert run.err.strip() == ("error: unknown task 'no_such_task' (known: depth_estimation, "
                               "image_classification, image_quality_assessment, object_detection, "
                               "pose_estimation, semantic_segmentation)")


def _site_with_templates(root, data_copy):
    """A site folder: data/, and templates/ replacing the markdown and HTML tables."""
    templates = root / "templates"
    templates.mkdir()
    (templates / "leaderboard_table.md.j2").write_text("SITE MD TABLE\n", encoding="utf-8")
    (templates / "leaderboard_table.html.j2").write_text("<p>SITE HTML TABLE</p>\n",
                                                         encoding="utf-8")
    (templates / "site_feed.xml.j2").write_text("<feed/>\n", encoding="utf-8")
    other = root / "other"
    other.mkdir()
    (other / "leaderboard_table.md.j2").write_text("OTHER MD TABLE\n", encoding="utf-8")
    return root


def test_templates_beside_the_data_override_by_name_in_every_rendering_command(cli, data_copy):
    site = _site_with_templates(data_copy.parent, data_copy)
    run = cli("markdown", "semantic_segmentation", cwd=site)
    assert run.code == 0 and run.out.count("SITE MD TABLE") == 7
    assert "| Model" not in run.out
    run = cli("markdown", "semantic_segmentation", "--templates", "other", cwd=site)
    assert run.code == 0 and run.out.count("OTHER MD TABLE") == 7
    assert cli("export", "--format", "markdown", "--out", "out", cwd=site).code == 0
    assert (site / "out" / "semantic_segmentation" / "pascal-context.md").read_text(
        encoding="utf-8") == "SITE MD TABLE\n"
    (site / "README.md").write_text("<!-- BEGIN GENERATED: leaderboards -->\n"
                                    "<!-- END GENERATED: leaderboards -->\n", encoding="utf-8")
    assert cli("readme", cwd=site).code == 0
    assert (site / "README.md").read_text(encoding="utf-8").count("SITE MD TABLE") == 16
    assert cli("pages", "--out", "pages", cwd=site).code == 0
    page = (site / "pages" / "tasks" / "semantic_segmentation.md").read_text(encoding="utf-8")
    assert page.count("SITE HTML TABLE") == 7 and "lb-table" not in page
    assert (site / "pages" / "feed.xml").read_text(encoding="utf-8") == "<feed/>\n"


def test_without_a_templates_folder_the_shipped_templates_draw(cli, data_copy):
    run = cli("markdown", "semantic_segmentation", cwd=data_copy.parent)
    assert run.code == 0 and "| Model" in run.out


def test_a_missing_templates_folder_is_one_line(cli, data_copy):
    run = cli("markdown", "semantic_segmentation", "--templates", "nowhere", cwd=data_copy.parent)
    assert run.code == 1 and run.out == ""
    assert run.err == "error: --templates nowhere: no such folder\n"

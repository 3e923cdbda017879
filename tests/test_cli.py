"""The command line as a user meets it: help everywhere, no tracebacks."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from helpers import run_module

COMMANDS = ["validate", "markdown", "readme"]


def test_top_level_help_lists_every_command():
    run = run_module("--help")
    assert run.code == 0
    for command in COMMANDS:
        assert command in run.out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    run = run_module(command, "--help")
    assert run.code == 0 and "usage: python -m generator " + command in run.out
    assert "--data" in run.out


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

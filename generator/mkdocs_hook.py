"""The thin MkDocs hook (``hooks:`` in mkdocs.yml): adds the generated pages.

All the work is in ``generator.site``; this file only hands its pages to
MkDocs as in-memory files, replacing docs/index.md with the generated home
(which includes that file's text).  Builders that do not run hooks use
``python -m generator pages --out DIR`` instead.
"""
from __future__ import annotations

import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from generator.pipeline import load_project
from generator.problems import errors
from generator.site import site_files, site_pages


def on_files(files: Files, config) -> Files:
    root = Path(config.config_file_path).parent
    # LEADERBOARD_DATA lets a build use another data folder (the tests build from copies)
    data_dir = root / (os.environ.get("LEADERBOARD_DATA")
                       or config.extra.get("leaderboard_data", "data"))
    loaded = load_project(data_dir)
    if errors(loaded.problems):
        lines = "\n".join(p.format() for p in loaded.problems)
        raise PluginError(f"the leaderboard data is invalid:\n{lines}")
    intro_file = files.get_file_from_path("index.md")
    intro = Path(intro_file.abs_src_path).read_text(encoding="utf-8") if intro_file else ""
    generated = {**site_pages(loaded.project, intro), **site_files(loaded.project)}
    for path, text in generated.items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, path, content=text))
    return files

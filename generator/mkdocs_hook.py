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
from generator.site import RAW_CLOSE, RAW_OPEN, site_files, site_pages

_stash: dict[str, list[str]] = {}  # page -> the HTML blocks lifted out of its markdown


def on_config(config):
    """The footer names where the data comes from and its licence (data/sources.yml)."""
    from html import escape

    from generator.importers import read_sources

    root = Path(config.config_file_path).parent
    data_dir = root / (os.environ.get("LEADERBOARD_DATA")
                       or config.extra.get("leaderboard_data", "data"))
    parts = []
    for source in read_sources(data_dir):
        name = escape(str(source["name"]))
        if source.get("url"):
            name = f'<a href="{escape(str(source["url"]))}">{name}</a>'
        licence = escape(str(source.get("license", "")))
        if licence and source.get("license_url"):
            licence = f'<a href="{escape(str(source["license_url"]))}">{licence}</a>'
        parts.append(f"{name} ({licence})" if licence else name)
    if parts:
        config.copyright = "Data: " + "; ".join(parts)
    return config


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


def on_page_markdown(markdown: str, page, **kwargs) -> str:
    """Lift the big HTML blocks out before Python-Markdown parses the page."""
    if RAW_OPEN not in markdown:
        return markdown
    blocks, parts = [], []
    rest = markdown
    while RAW_OPEN in rest:
        before, _, after = rest.partition(RAW_OPEN)
        block, _, rest = after.partition(RAW_CLOSE)
        parts.append(before)
        parts.append(f'<div data-lb-raw="{len(blocks)}"></div>')
        blocks.append(block)
    parts.append(rest)
    _stash[page.file.src_uri] = blocks
    return "".join(parts)


def on_post_page(output: str, page, **kwargs) -> str:
    """Put the lifted blocks back into the finished page (after search indexing)."""
    blocks = _stash.pop(page.file.src_uri, None)
    if not blocks:
        return output
    for i, block in enumerate(blocks):
        output = output.replace(f'<div data-lb-raw="{i}"></div>', block, 1)
    return output

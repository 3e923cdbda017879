"""The MkDocs plugin's work (``generator/plugin.py``) apart from the lifted blocks
(``generator.blocks``), the stamped pages (``generator.stamping``) and the sitemap
(``generator.sitemap``): which data a build reads, loading it, the files handed to MkDocs,
the footer crediting the data's sources, and one line for a disk error that ends a build.
Publishing the site folder is ``generator.publish``.  Nothing here imports MkDocs.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Mapping

from . import collector, pipeline, site, stamping
from .fsutil import Spooler, describe
from .model import Project, Source
from .problems import InputError, display_path, errors
from .publish import Output
from .render import link_href

DATA_ENV = "LEADERBOARD_DATA"  # overrides the data folder (tests and benchmarks build copies)
SECTIONS = ("tasks", "datasets", "papers")  # the generated sections a site may publish


class SiteError(Exception):
    """The build cannot go on; the message says why, for the user."""


def data_folder(root: Path, option: str | Path, environ: Mapping[str, str] = os.environ) -> Path:
    """The data folder: ``$LEADERBOARD_DATA`` if set, else ``option``; a relative path is
    taken from ``root`` (the folder of mkdocs.yml)."""
    return root / (environ.get(DATA_ENV) or option)


def load(data_dir: Path) -> Project:
    """The data, checked: invalid data stops the build before MkDocs touches the site."""
    try:
        loaded = pipeline.load_project(data_dir)
    except InputError as exc:
        raise SiteError(f"the leaderboard data cannot be read:\n{exc}") from None
    if errors(loaded.problems):
        lines = "\n".join(p.format() for p in loaded.problems)
        raise SiteError(f"the leaderboard data is invalid:\n{lines}")
    return loaded.project


@dataclass
class Generated:
    """The files to hand to MkDocs ({path relative to docs: text}: pages, exports, one
    placeholder page per stamped section), and the pages to write from those placeholders
    ({section folder such as ``papers/``: [(page path, markdown)]})."""
    files: dict[str, str] = field(default_factory=dict)
    stamped: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # files written straight into the built site, past MkDocs (``DIRECT``)
    direct: dict[str, str] = field(default_factory=dict)


def generate(project: Project, intro: str = "", sections=SECTIONS,
             templates_dir: Path | None = None, site_url: str = "",
             site_name: str = "Leaderboards") -> Generated:
    """The site's generated files: home (``intro`` is docs/index.md's text) and the data
    exports always, the pages of ``sections``; ``templates_dir`` holds template overrides.
    Pages of the sections left out are not published, but the pages kept still link to them."""
    with collector.paused():
        return _generate(project, intro, sections, templates_dir, site_url, site_name)


def _generate(project: Project, intro: str, sections, templates_dir: Path | None,
              site_url: str, site_name: str) -> Generated:
    left_out = tuple(f"{s}/" for s in SECTIONS if s not in sections)
    out = Generated()
    for path, text in site.site_pages(project, intro, templates_dir).items():
        if path.startswith(left_out):
            continue
        if stamping.stampable(path):
            out.stamped.setdefault(stamping.section_of(path), []).append((path, text))
        else:
            out.files[path] = text
    for path, text in site.site_files(project, site_url, templates_dir, site_name).items():
        (out.direct if path.startswith(DIRECT) else out.files)[path] = text
    for section in out.stamped:
        out.files[stamping.placeholder_path(section)] = stamping.PLACEHOLDER
    return out


# the folders of files written past MkDocs (MkDocs would only copy them, at a cost per file):
# a badge per ranked result and the exports (30,000 files on the archive)
DIRECT = ("badges/", "data/")


def write_direct(site_dir: Path, files: dict[str, str], spooler: Spooler) -> None:
    """Have ``spooler`` write ``files`` ({path relative to the site: text}) into the built
    site."""
    spooler.write_all((Path(site_dir) / path, text) for path, text in files.items())


def sources_html(sources: list[Source]) -> str:
    """The data's sources as HTML: ``NAME (LICENCE)`` each, linked where they have a URL,
    separated by semicolons; empty if there are none.  Every field is escaped."""
    parts = []
    for source in sources:
        name = escape(source.name)
        if source.url:
            name = f'<a href="{escape(link_href(source.url))}">{name}</a>'
        licence = escape(source.license or "")
        if licence and source.license_url:
            licence = f'<a href="{escape(link_href(source.license_url))}">{licence}</a>'
        parts.append(f"{name} ({licence})" if licence else name)
    return "; ".join(parts)


def footer(sources: list[Source]) -> str | None:
    """The site's copyright line crediting the data, or None when there are no sources."""
    html = sources_html(sources)
    return f"Data: {html}" if html else None


def error_line(error: BaseException, output: Output | None) -> str | None:
    """One line for a disk error (full, read-only) that ended a build, or None for any other
    error.  A file of the staging folder is named where it was to be published."""
    if not isinstance(error, OSError) or isinstance(error, BrokenPipeError):
        return None
    staging = output.staging if output is not None else None
    # a copy's error names its source first: name the written file, as it will be
    names = [os.fsdecode(n) for n in (error.filename2, error.filename) if n is not None]
    inside = [n for n in names if staging is not None and n.startswith(f"{staging}{os.sep}")]
    if inside:
        path = str(output.target) + inside[0][len(str(staging)):]
        return f"cannot write {display_path(path)}: {error.strerror}"
    return describe(error)

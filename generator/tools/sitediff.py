"""``leaderboard site-diff OLD_SITE NEW_SITE``: what a change does to the built site, as
markdown for a pull request's job summary.

``diff`` compares the data; a new release of the generator (the pull request Dependabot opens
for ``requirements.txt``), a template override or ``mkdocs.yml`` changes the site with the
data as it was.  This compares two folders ``mkdocs build`` wrote, the base's and the head's:
pages added and removed, pages whose content changed (the text of the theme's ``<article>``),
pages where only what surrounds it changed (theme, navigation, the generator's name in a
``<meta>``), and the other files (downloads, badges, assets, search index) by count.

Every path printed is a built page's address, written as code: nothing in it renders as
markdown, mentions anyone or links anything.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from generator.outputs.render import md_code
from generator.project.problems import InputError, general

ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">(.*?)</article>', re.S)
LISTED = 30  # addresses listed under each heading; the rest counted


def _files(folder: Path) -> dict[str, Path]:
    if not (folder / "index.html").is_file():
        raise InputError(general(f"{folder} is not a built site: it has no index.html"))
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def content(html: str) -> str:
    """A page's content: the text of the theme's article, white space folded (the whole page
    where it has none)."""
    found = ARTICLE.search(html)
    return " ".join((found[1] if found else html).split())


def address(path: str) -> str:
    """``tasks/x/index.html`` -> ``/tasks/x/``; ``404.html`` -> ``/404.html``."""
    return "/" + path.removesuffix("index.html")


def _listed(title: str, paths: list[str]) -> list[str]:
    if not paths:
        return []
    lines = [f"### {title} ({len(paths)})", ""]
    lines += [f"- {md_code(address(p))}" for p in paths[:LISTED]]
    if len(paths) > LISTED:
        lines.append(f"- … and {len(paths) - LISTED} more")
    return lines + [""]


def compare(old_dir: Path, new_dir: Path) -> str:
    old, new = _files(old_dir), _files(new_dir)
    pages = lambda files: {p for p in files if p.endswith(".html")}  # noqa: E731
    old_pages, new_pages = pages(old), pages(new)
    added = sorted(new_pages - old_pages)
    removed = sorted(old_pages - new_pages)
    changed, frame = [], []
    for path in sorted(old_pages & new_pages):
        before, after = old[path].read_bytes(), new[path].read_bytes()
        if before == after:
            continue
        if content(before.decode("utf-8", "replace")) != content(after.decode("utf-8", "replace")):
            changed.append(path)
        else:
            frame.append(path)
    others_old, others_new = set(old) - old_pages, set(new) - new_pages
    other_changed = sum(1 for p in others_old & others_new if _digest(old[p]) != _digest(new[p]))
    unchanged = len(old_pages & new_pages) - len(changed) - len(frame)
    lines = ["## Site changes", "",
             f"{len(new_pages)} pages: {len(added)} added, {len(removed)} removed, "
             f"{len(changed)} with changed content, {len(frame)} changed only around the content "
             f"(theme, navigation), {unchanged} unchanged. Other files (downloads, badges, "
             f"assets, search index): {len(others_new - others_old)} added, "
             f"{len(others_old - others_new)} removed, {other_changed} changed.", ""]
    if not (added or removed or changed or frame or other_changed
            or others_new ^ others_old):
        lines += ["The built site is the same, byte for byte.", ""]
    lines += _listed("Pages added", added)
    lines += _listed("Pages removed", removed)
    lines += _listed("Pages whose content changed", changed)
    return "\n".join(lines).rstrip() + "\n"

"""Output: what a change does to the leaderboards, as markdown (for pull requests).

Compares the data of two git revisions or two folders: results added, removed
and changed per leaderboard, new best values, rank changes, and whether the
new data validates.

The report is posted on pull requests, and every name in it comes from one: each field is
markdown-escaped (``md_text``) and then made inert for GitHub (``inert``) -- it reads the
same, but mentions no one, links no issue and typesets no math.  A revision is checked to be
a commit before git is asked anything else with it.
"""
from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.views import ranking
from generator.views.leaderboard import result_anchors
from generator.project.model import Leaderboard, Project, Result
from generator.project.pipeline import Loaded, load_project
from generator.project.problems import InputError, errors, general
from generator.outputs.render import md_code, md_text


class NotARevision(InputError):
    """A revision that git would read as an option: a usage error (exit 2, as argparse's)."""

    exit_code = 2


def data_at(ref: str, data_dir: Path, workdir: Path) -> Path:
    """The data folder as it is at ``ref``: a folder as it is, or a git revision extracted."""
    candidate = Path(ref)
    if candidate.is_dir():
        return candidate
    if ref.startswith("-"):
        raise NotARevision(general(f"'{ref}' is neither a folder nor a revision: a revision "
                                   "does not start with '-'"))
    found = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                           cwd=data_dir if data_dir.is_dir() else Path.cwd())
    if found.returncode != 0:
        raise InputError(general(f"'{ref}' is neither a folder nor a revision of a git repository"))
    top = found.stdout.strip()
    inside = (data_dir.resolve().relative_to(Path(top).resolve())).as_posix()
    commit = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "--end-of-options",
                             f"{ref}^{{commit}}"], capture_output=True, text=True, cwd=top)
    sha = commit.stdout.strip()
    if commit.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40,64}", sha):
        raise InputError(general(f"cannot read '{inside}' at revision '{ref}': not a commit "
                                 "of this repository"))
    # the commit's full hash, never an option; the data folder after "--", never a revision
    archive = subprocess.run(["git", "archive", "--format=tar", sha, "--", inside],
                             capture_output=True, cwd=top)
    if archive.returncode != 0:
        message = archive.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(general(f"cannot read '{inside}' at revision '{ref}': "
                                 f"{message[-1] if message else 'git archive failed'}"))
    _extract(archive.stdout, workdir, f"cannot read '{inside}' at revision '{ref}'")
    return workdir / inside


def _extract(tar_bytes: bytes, workdir: Path, what: str) -> None:
    """Every member of the archive under ``workdir``, as plain files and folders; a member
    that cannot be (a link out of the folder, a device, a name this disk refuses) is one
    line naming it."""
    try:
        with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
            for member in tar:
                try:
                    tar.extract(member, workdir, filter="data")
                except tarfile.FilterError as exc:
                    raise InputError(general(f"{what}: {exc}")) from None
                except (tarfile.TarError, OSError) as exc:
                    reason = getattr(exc, "strerror", None) or str(exc)
                    raise InputError(general(f"{what}: cannot extract '{member.name}': "
                                             f"{reason}")) from None
    except tarfile.TarError as exc:
        raise InputError(general(f"{what}: {exc}")) from None


# --- what GitHub does with the text of a comment, undone ---------------------------------
# GitHub reads more into a comment than markdown does: @name mentions (and notifies),
# #123, owner/repo#123 and GH-123 link issues, bare URLs and www. and e-mail addresses
# link, $...$ and $$...$$ typeset math.  It does so outside code spans.  A word joiner
# (U+2060: no width, no break) after the @, the #, the GH, the www or the : of :// breaks
# each pattern and leaves the text as it reads; a run of $ becomes a code span.

_JOIN = "\u2060"
_INERT = re.compile(r"@(?=[A-Za-z0-9])|#(?=\d)|(?<![A-Za-z0-9])(?i:gh)(?=-\d)"
                    r"|(?<![A-Za-z0-9])(?i:www)(?=\.)|:(?=//)")
_DOLLARS = re.compile(r"\$+")


def unlinked(text: str) -> str:
    """Text that mentions no one and links no issue or address on GitHub (a word joiner
    after each @, #, GH, www or ':' of '://' that would), and reads the same: for text
    that is not markdown (a pull request's title, a line of a log)."""
    return _INERT.sub(lambda m: m[0] + _JOIN, text)


def inert(markdown: str) -> str:
    """Markdown text (``md_text``'s) made inert for GitHub: it reads the same, but pings,
    links and typesets nothing."""
    return _DOLLARS.sub(lambda m: f"`{m[0]}`", unlinked(markdown))


def _md(text: str) -> str:
    """A field from the data, as text in the report."""
    return inert(md_text(text))


def _key(result: Result) -> tuple:
    return (result.display_name, result.paper or "")


@dataclass
class BoardChange:
    title: str
    added: list[tuple[Result, int | None]] = field(default_factory=list)
    removed: list[Result] = field(default_factory=list)
    changed: list[tuple[Result, list[str]]] = field(default_factory=list)
    bests: list[str] = field(default_factory=list)
    ranks: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # results whose permalink and badge changed

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.bests or self.ranks
                    or self.moved)


def _keyed(lb: Leaderboard | None) -> dict[tuple, tuple[Result, int | None]]:
    out: dict[tuple, tuple[Result, int | None]] = {}
    for result, rank in (ranking.ranked(lb) if lb else []):
        key, n = _key(result), 1
        while key + (n,) in out:
            n += 1
        out[key + (n,)] = (result, rank)
    return out


def compare_board(title: str, old: Leaderboard | None, new: Leaderboard | None) -> BoardChange:
    change = BoardChange(title)
    before, after = _keyed(old), _keyed(new)
    old_anchors = result_anchors(old) if old else {}
    new_anchors = result_anchors(new) if new else {}
    for key, (result, rank) in after.items():
        if key not in before:
            change.added.append((result, rank))
        else:
            was = before[key][0]
            if old_anchors[id(was)] != new_anchors[id(result)]:
                change.moved.append(f"{_md(result.display_name)}: "
                                    f"{md_code('#' + old_anchors[id(was)])} → "
                                    f"{md_code('#' + new_anchors[id(result)])}")
            diffs = []
            for m in new.metrics:
                before_metric = next((x for x in old.metrics if x.name == m.name), None)
                old_text = before_metric.format(was.values.get(m.name)) if before_metric else None
                new_text = m.format(result.values.get(m.name))
                if old_text != new_text:
                    diffs.append(f"{_md(m.name)} {_md(old_text or 'N/A')} → "
                                 f"{_md(new_text or 'N/A')}")
            for name in ("weights", "code"):
                if [(l.label, l.url) for l in getattr(was, name)] != \
                        [(l.label, l.url) for l in getattr(result, name)]:
                    diffs.append(f"{name} links changed")
            if (was.paper_title, was.date) != (result.paper_title, result.date):
                diffs.append("paper details changed")
            if diffs:
                change.changed.append((result, diffs))
            old_rank = before[key][1]
            if old_rank != rank:
                change.ranks.append(f"{_md(result.display_name)}: {old_rank or '–'} → {rank or '–'}")
    change.removed = [result for key, (result, _) in before.items() if key not in after]
    if new is not None:
        for metric in new.metrics:
            best_new = ranking.best_value(new, metric)
            old_metric = next((m for m in old.metrics if m.name == metric.name), None) if old else None
            best_old = ranking.best_value(old, old_metric) if old_metric else None
            if best_new is None or best_new == best_old:
                continue
            if best_old is not None and not ranking.reaches(metric, best_new, best_old):
                continue  # the best got worse (a row removed or corrected): not a new best
            holder = next(r for r in new.results if (v := r.values.get(metric.name)) is not None
                          and v.finite and v.number == best_new)
            text = _md(metric.format(holder.values[metric.name]))
            if best_old is None:
                change.bests.append(f"**New best {_md(metric.name)}: {text}** by "
                                    f"{_md(holder.display_name)} (no earlier value)")
            else:
                previous = next(r for r in old.results if (v := r.values.get(metric.name)) is not None
                                and v.finite and v.number == best_old)
                change.bests.append(f"**New best {_md(metric.name)}: {text}** by "
                                    f"{_md(holder.display_name)} (was "
                                    f"{_md(old_metric.format(previous.values[metric.name]))} by "
                                    f"{_md(previous.display_name)})")
    return change


def _boards(project: Project) -> dict[tuple[str, str], tuple[str, Leaderboard]]:
    return {(t.id, lb.id): (f"{_md(t.title)} — {_md(lb.title)}", lb) for t in project.tasks
            for lb in t.leaderboards}


def compare(old: Project, new: Project) -> list[BoardChange]:
    before, after = _boards(old), _boards(new)
    changes = []
    for key in list(after) + [k for k in before if k not in after]:
        title = (after.get(key) or before.get(key))[0]
        change = compare_board(title, before.get(key, (None, None))[1], after.get(key, (None, None))[1])
        if key not in after:
            change.title += " (leaderboard removed)"
        elif key not in before:
            change.title += " (new leaderboard)"
        if change:
            changes.append(change)
    return changes


def report(old: Loaded, new: Loaded, base: str, head: str) -> str:
    lines = [f"## Leaderboard changes: {base} → {head}", ""]
    found = errors(new.problems)
    if found:
        lines.append(f"**Validation: {len(found)} error(s)** in the new data:")
        lines.append("")
        lines += [f"- {md_code(p.format())}" for p in found[:50]]
        lines.append("")
    else:
        c = new.project.counts()
        lines.append(f"Validation: passed ({c['tasks']} tasks, {c['leaderboards']} leaderboards, "
                     f"{c['results']} results).")
        lines.append("")
    changes = compare(old.project, new.project)
    if not changes:
        lines.append("No leaderboard changes.")
    for change in changes:
        lines += change_lines(change)
    return "\n".join(lines).rstrip() + "\n"


def change_lines(change: BoardChange) -> list[str]:
    """One leaderboard's changes as markdown: a heading, then a list; a blank line after."""
    lines = [f"### {change.title}", ""]
    lines += [f"- {b}" for b in change.bests]
    for result, rank in change.added:
        lines.append(f"- Added: {_md(result.display_name)} (rank {rank or '–'})")
    for result in change.removed:
        lines.append(f"- Removed: {_md(result.display_name)}")
    for result, diffs in change.changed:
        lines.append(f"- Changed: {_md(result.display_name)}: {'; '.join(diffs)}")
    if change.ranks:
        lines.append(f"- Rank changes: {'; '.join(change.ranks)}")
    if change.moved:
        lines.append("- **Permalink and badge moved** (links and README badges to the old "
                     f"one now show another result or nothing): {'; '.join(change.moved)}")
    lines.append("")
    return lines


def diff(base: str, head: str | None, data_dir: Path) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        old_dir = data_at(base, data_dir, Path(tmp) / "base")
        new_dir = data_at(head, data_dir, Path(tmp) / "head") if head else data_dir
        return report(load_project(old_dir), load_project(new_dir), base,
                      head or "working tree")

"""Writing an import all or nothing: the data folder is copied beside itself, the new files
are written into the copy, and the copy is swapped in (``site.publish``), so that a failure
at any point leaves the folder as it was and a re-run starts from the same place.  Every
importer writes through here (``Plan.write``)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from generator.project.problems import InputError, general


def write_plan(plan, report: Path | None = None, report_text: str = "") -> None:
    """Write ``plan`` (checked first), and ``report`` if given, all or nothing.

    The data folder is copied beside itself (``.DATA.building-XXXX``: its files hard-linked
    where the file system allows, never written through), the new files are written into
    the copy, and the copy is swapped in (``site.publish``): a failure at any point -- a full
    disk, a read-only place, an interrupt -- leaves the folder as it was, so a re-run starts
    from the same place.  A report outside the folder is written before the swap."""
    from generator.importers import add_sources, read_sources
    from generator.site.fsutil import OutputError, write_text
    from generator.site.publish import Output

    plan.check()
    if plan.sources:
        read_sources(plan.data_dir)  # a broken sources.yml is an error at its own line
    data = Path(plan.data_dir)
    target = Path(os.path.realpath(os.path.abspath(data)))
    here = Path(os.path.realpath(os.getcwd()))
    if target == here or target in here.parents:
        raise InputError(general(f"--data {data} is the current folder or holds it; the import "
                                 "is written beside it and swapped in, so run it from elsewhere"))
    if os.path.lexists(target) and not target.is_dir():
        raise InputError(general("--data must be a folder, and this is a file", str(data)))
    inside = _relative_to(report, target) if report is not None else None
    output = Output(data)
    staging = output.open()
    try:
        if target.is_dir():
            _link_tree(target, staging)
        for path, text in sorted(plan.files.items()):
            write_text(staging / path.relative_to(data), text, fsync=False)
        (staging / "tasks").mkdir(exist_ok=True)
        if plan.sources:
            add_sources(staging, plan.sources)
        if report is not None and inside is not None:
            write_text(staging / inside, report_text, fsync=False)
        elif report is not None:
            write_text(report, report_text)
    except OSError as exc:  # named as the folder it is for, not the copy
        output.abandon()
        name = os.fsdecode(exc.filename) if exc.filename is not None else ""
        if name == str(staging) or name.startswith(str(staging) + os.sep):
            raise OutputError(getattr(exc, "verb", "write"),
                              data / os.path.relpath(name, staging), exc) from None
        raise
    except BaseException:
        output.abandon()
        raise
    output.publish()


def _relative_to(path: Path, folder: Path) -> Path | None:
    """``path`` relative to ``folder`` (both as the file system resolves them), or None."""
    resolved = Path(os.path.realpath(os.path.abspath(path)))
    try:
        return resolved.relative_to(folder)
    except ValueError:
        return None


def _link_tree(source: Path, copy: Path) -> None:
    """``copy`` (an empty folder) made to hold what ``source`` holds: folders made, files
    hard-linked (copied where links are refused), symbolic links copied as links.  Files
    in the copy are only ever replaced (a new file renamed over), never written through,
    so ``source`` stays as it is."""
    for folder, dirs, names in os.walk(source):
        into = copy / os.path.relpath(folder, source)
        for name in dirs:
            path = Path(folder) / name
            if path.is_symlink():
                os.symlink(os.readlink(path), into / name)
            else:
                (into / name).mkdir()
                shutil.copystat(path, into / name)
        for name in names:
            path = Path(folder) / name
            if path.is_symlink():
                os.symlink(os.readlink(path), into / name)
                continue
            try:
                os.link(path, into / name, follow_symlinks=False)
            except OSError:
                if not path.is_file():
                    raise
                shutil.copy2(path, into / name)

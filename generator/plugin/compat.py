"""What the plugin needs of MkDocs beyond its plugin events: a page file MkDocs lists but
does not build (``KeptPage``), the file-event observer handed to its server
(``ChangesOnly``), the theme's templates compiled once for all the builds of `mkdocs serve`
(``Bytecode``), and reading its settings (``patterns``, ``nav_paths``).  Pinned to MkDocs
1.6 by ``tests/test_plugin.py``."""
from __future__ import annotations

import jinja2
from mkdocs.structure.files import File

from generator.site import build as sitebuild

PLUGIN = "leaderboards"  # as MkDocs names the plugin generating a file


class KeptPage(File):
    """A generated page of a rebuild of `mkdocs serve` whose finished HTML the build has
    from the last one (its folder carried over): MkDocs resolves links to it, lists it (in
    our sitemap and search index), but neither converts, themes nor writes it: past a few
    thousand pages, that per-page pass was most of a rebuild."""

    @classmethod
    def of(cls, path: str, config) -> "KeptPage":
        """The page at ``path`` (relative to docs), where MkDocs writes it."""
        dest = sitebuild.page_output(path) if config.use_directory_urls \
            else path[:-len(".md")] + ".html"
        kept = cls(path, None, config.site_dir, config.use_directory_urls, dest_uri=dest)
        kept.generated_by = PLUGIN
        return kept

    def is_documentation_page(self) -> bool:
        return False

    def is_static_page(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        pass  # in the site already


class ChangesOnly:
    """An observer of file events for MkDocs's ``server.watch`` to schedule its handler on,
    which hands it only the events of a change: inotify also reports a file opened or
    closed unwritten, and a build reads data/sources.yml, so each build would start the
    next."""

    _CHANGES = {"created", "deleted", "modified", "moved", "closed"}

    def __init__(self, observer) -> None:
        self.observer = observer

    def schedule(self, handler, path: str, recursive: bool = False):
        import watchdog.events

        class Changes(watchdog.events.FileSystemEventHandler):
            def dispatch(self, event) -> None:
                if event.event_type in ChangesOnly._CHANGES:
                    handler.dispatch(event)
        return self.observer.schedule(Changes(), path, recursive=recursive)

    def unschedule(self, watch) -> None:
        self.observer.unschedule(watch)


def patterns(spec) -> tuple:
    """The patterns of one of mkdocs.yml's gitignore-style settings (``exclude_docs``)."""
    return tuple(str(getattr(p, "pattern", p)) for p in getattr(spec, "patterns", ()) or ())


def nav_paths(nav) -> set[str]:
    """The pages mkdocs.yml's ``nav`` names (they must stay MkDocs's pages)."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return set().union(*(nav_paths(v) for v in nav.values())) if nav else set()
    if isinstance(nav, list):
        return set().union(*(nav_paths(v) for v in nav)) if nav else set()
    return set()


class Bytecode(jinja2.BytecodeCache):
    """The theme's templates compiled once for all the builds of `mkdocs serve` (MkDocs
    makes a new environment for each); jinja checks each template's source against it."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.kept:
            bucket.bytecode_from_string(self.kept[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()

"""`mkdocs serve`'s glue: what one plugin instance keeps from one build to the next, and
how a rebuild uses it.  A build of ``mkdocs build`` has no ``Serve``.

Three things are kept:

- the data files as last loaded (``files``, the project's file cache) and the last
  generated site (``previous``, whose page cache makes a rebuild render only the pages
  whose context changed);
- MkDocs's conversion of each generated page (``converted``): a page whose markdown did not
  change is neither read, converted nor, when the theme around it is the same, themed
  again; one outside the navigation in a folder carried over is handed to MkDocs as a file
  that is no page (``compat.KeptPage``);
- the search index's entries and the sitemap's text, put back for the pages kept.

On a build that is not published everything but the file cache is forgotten (``forget``).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from generator.plugin.compat import Bytecode, ChangesOnly, KeptPage, nav_paths
from generator.project import collector
from generator.project.filecache import FileCache
from generator.site import build as sitebuild
from generator.site import searchindex, sitemap, stamping

log = logging.getLogger("mkdocs.plugins.leaderboards")
FINISHED = "leaderboards-finished.html"  # the template of a page kept finished


class Converted:
    """A generated page as MkDocs converted it: its text (front matter and markdown) and
    front matter, and what Python-Markdown made of it (the HTML, the table of contents, the
    title, the anchors, the lifted blocks), and the finished page."""

    def __init__(self, source: str, url: str, meta: dict) -> None:
        self.source, self.url, self.meta = source, url, meta  # the page's text as generated
        self.html = self.toc = self.title = self.anchors = self.links = None
        self.lifted: tuple = ()
        self.output: str | None = None  # the finished page, theme and all


@dataclass
class Rebuild:
    """What a build of `mkdocs serve` notes on the way: the pages it takes from the last
    build, and what it did (``rebuilt``, ``converted_now``: logged, and read by tests)."""

    same_layout: bool = False  # every page's theme around it is as in the last build
    finished: set = field(default_factory=set)  # pages whose finished HTML is the last build's
    reading: dict = field(default_factory=dict)  # pages read as "" to be taken from converted
    reused: dict = field(default_factory=dict)  # this build's pages taken from converted
    made: set = field(default_factory=set)  # generated pages finished by this build
    in_place: set = field(default_factory=set)  # finished pages left as the last build wrote
    order: list = field(default_factory=list)  # URLs of MkDocs's pages, kept ones too
    listed: list = field(default_factory=list)  # URLs of the pages its sitemap lists
    rebuilt: tuple | None = None  # (files changed, reused, pages rendered, pages)
    converted_now: int = 0  # generated pages Python-Markdown converted in this build


class Serve:
    def __init__(self) -> None:
        self.files = FileCache()  # the data files as last loaded
        self.previous: sitebuild.Generated | None = None  # the pages and files generated
        self.settings: tuple | None = None  # what else they were generated from
        self.layout: tuple | None = None  # what else a page's finished HTML depends on
        self.converted: dict[str, Converted] = {}  # generated page -> its HTML, by MkDocs
        self.kept_files: dict[str, KeptPage] = {}  # kept page -> its file, for MkDocs
        # the navigation's pages, and the generated pages a rebuild may keep finished: kept
        # by the last build, or converted and finished by it in a folder it carries over
        self.keepable: tuple[set[str], set[str]] | None = None
        self.search_kept = searchindex.Kept()  # the last build's search entries
        self.sitemap_kept: tuple | None = None  # (what the last sitemap lists, its text)
        self.placeholders: dict[str, str] = {}  # section -> its placeholder's HTML
        self.bytecode = Bytecode()  # the theme's templates, compiled once
        self.events = None  # the observer of the data folder's file events
        self.releaser = collector.Releaser()  # when the builds' kept objects are released
        self.now = Rebuild()
        logging.getLogger("mkdocs.commands.build").addFilter(self._in_place)

    def start(self) -> None:
        self.releaser.build_starts()  # the previous builds' data
        self.now = Rebuild()

    def _in_place(self, record: logging.LogRecord) -> bool:
        """Drop MkDocs's note that a page made nothing for the pages ``post_page`` leaves in
        place, as it wrote them in the last build."""
        in_place = self.now.in_place
        return not (in_place and record.levelno == logging.INFO
                    and isinstance(record.msg, str) and record.msg.startswith("Page skipped: '")
                    and record.msg.split("'")[1] in in_place)

    # --- files ----------------------------------------------------------------------

    def previous_for(self, settings: tuple) -> sitebuild.Generated | None:
        """The last build's site, if it was generated with the same ``settings``."""
        return self.previous if settings == self.settings else None

    def generated(self, generated: sitebuild.Generated, settings: tuple, layout: tuple) -> None:
        """Note the site this build generated (and with what), for the next one."""
        same = settings == self.settings
        self.now.same_layout, self.layout = same and layout == self.layout, layout
        rendered = sum(p in generated.pages for p in generated.changed) \
            if generated.changed is not None else len(generated.pages)
        self.now.rebuilt = (len(self.files.changed), self.files.kept, rendered,
                            len(generated.pages))
        before, self.previous, self.settings = self.previous if same else None, generated, settings
        if not same:
            self.converted, self.kept_files, self.placeholders = {}, {}, {}
        if before is None:  # every page is converted: the set is made anew
            self.keepable = None

    def kept_pages(self, generated: sitebuild.Generated, carried: list[str], config) -> set[str]:
        """The generated pages of a rebuild whose finished HTML is the last build's: the
        same markdown, the same theme around it (``same_layout``), its folder carried over
        with the HTML in it, and not in the navigation.  When the pages are the last
        build's (``same_pages``), those are the pages the last build kept or finished
        (``keepable``) but the ones made again, which are looked at: a rebuild does not
        go through every page's markdown."""
        keepable, self.keepable = self.keepable, None
        if not self.now.same_layout or not carried:
            return set()
        nav = nav_paths(config.nav)
        if generated.same_pages and generated.changed is not None and keepable is not None \
                and set(sitebuild.CARRIED) <= set(carried) and nav == keepable[0]:
            out = keepable[1]
            for path in generated.changed & out:
                if not self._keeps(path, generated.files.get(path), nav, carried):
                    out.discard(path)
        else:
            out = {path for path, text in generated.files.items()
                   if self._keeps(path, text, nav, carried)}
        self.keepable = (nav, out)
        return out

    def _keeps(self, path: str, text: str | None, nav: set[str], carried: list[str]) -> bool:
        done = self._finished(path, nav)
        return text is not None and done is not None \
            and (done.source is text or done.source == text) \
            and sitebuild.page_output(path).split("/", 1)[0] in carried

    def _finished(self, path: str, nav: set[str]) -> Converted | None:
        """The generated page's conversion, if it is a page outside the navigation (no
        placeholder) whose HTML and finished output are kept."""
        if not path.endswith(".md") or path in nav \
                or stamping.placeholder_section(path) is not None:
            return None
        done = self.converted.get(path)
        return done if done is not None and done.html is not None \
            and done.output is not None else None

    def kept_file(self, path: str, config) -> KeptPage:
        """The kept page at ``path``, as made for the last rebuild (MkDocs only reads it:
        its URL, and whether it is included, which the build's settings hold as they were)
        with this build's site folder."""
        kept = self.kept_files.get(path)
        if kept is None:
            kept = self.kept_files[path] = KeptPage.of(path, config)
        elif kept.dest_dir != config.site_dir:
            kept.dest_dir = config.site_dir
            kept.__dict__.pop("abs_dest_path", None)
        return kept

    def nav(self, files) -> None:
        """The order of the pages, kept ones in their place, for the search index and the
        sitemap (after MkDocs settled which pages are included)."""
        for f in files if self.previous is not None and not self.now.finished else ():
            kept = self.kept_files.get(f.src_uri)  # a first build's: as MkDocs settled
            if kept is not None and kept is not f:
                kept.inclusion = f.inclusion
        pages = [(f, "" if f.url in (".", "./") else f.url) for f in files
                 if f.is_documentation_page() or isinstance(f, KeptPage)]  # page URLs
        self.now.order = [url for f, url in pages if f.inclusion.is_in_serve()]
        self.now.listed = [url for f, url in pages if f.inclusion.is_included()]

    def watch(self, server, config, folder: str):
        """Watch the data folder through the system's file events (inotify on Linux)
        instead of MkDocs's polling, which lists and stats every file of the folder twice a
        second: on the archive that is a tenth of a second each time, taken from the
        rebuild it is waiting for, and up to half a second before a save is seen.  Where the
        system has no such events, MkDocs polls it as before."""
        import watchdog.events
        import watchdog.observers

        events = watchdog.observers.Observer()
        try:  # a trial watch: no file events here (limits, platform), MkDocs polls
            events.schedule(watchdog.events.FileSystemEventHandler(), folder, recursive=True)
            events.start()
        except Exception as exc:
            log.debug(f"Watching {folder} by polling: {exc}")
            return server
        events.unschedule_all()
        polling, server.observer = server.observer, ChangesOnly(events)
        try:
            server.watch(folder)  # MkDocs's own handler, on the event observer
        finally:
            server.observer = polling
        config.watch.remove(folder)
        self.events = events
        return server

    # --- pages ----------------------------------------------------------------------

    def read_source(self, page) -> str | None:
        """A generated page whose markdown did not change is not read again either: MkDocs
        would go through all of it for front matter (an index page of the archive is
        megabytes)."""
        done = self.converted.get(page.file.src_uri)
        if done is not None and done.html is not None \
                and done.source == page.file.content_string:
            self.now.reading[page.file.src_uri] = done
            return ""
        return None

    def markdown(self, page) -> bool:
        """Whether the generated page's HTML is kept (nothing for Python-Markdown to do);
        else it is noted to be kept once converted."""
        src = page.file.src_uri
        done = self.now.reading.pop(src, None)
        if done is not None:
            page.meta = dict(done.meta)  # as read from its front matter
            self.now.reused[src] = done
            return True
        self.converted[src] = Converted(page.file.content_string, page.url, dict(page.meta))
        self.now.converted_now += 1
        return False

    def content(self, html: str, page, stash: dict) -> str:
        """A page not converted again gets its HTML, contents and title as converted last
        time; a page converted now is kept for the next rebuild."""
        src = page.file.src_uri
        done = self.now.reused.pop(src, None)
        if done is not None:
            page.toc, page._title_from_render = done.toc, done.title
            page.present_anchor_ids, page.links_to_anchors = done.anchors, done.links
            if done.lifted:
                stash[src] = list(done.lifted)
            if self.now.same_layout and done.output is not None:
                # the finished page is the last build's: no theme to render around it, no
                # search entries to make (post_page, post_build put them back)
                self.now.finished.add(src)
                page.meta = dict(page.meta, template=FINISHED,
                                 search=dict(page.meta.get("search") or {}, exclude=True))
            return done.html
        done = self.converted.get(src)
        if done is not None and done.html is None:
            done.html, done.toc, done.title = html, page.toc, page._title_from_render
            done.anchors, done.links = page.present_anchor_ids, page.links_to_anchors
            done.lifted = tuple(stash.get(src, ()))
        return html

    def env(self, env):
        """A page whose finished HTML is kept is rendered with a template that writes
        nothing (``post_page`` puts the page in)."""
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({FINISHED: ""}), env.loader])
        env.bytecode_cache = self.bytecode
        return env

    def finished_output(self, src: str) -> str | None:
        """The page's finished HTML, if this build keeps the last build's."""
        return self.converted[src].output if src in self.now.finished else None

    def post_page(self, src: str, output: str, left_in_place: bool) -> None:
        """Keep a generated page's finished HTML; ``left_in_place``: the last build wrote it
        where it is, and MkDocs writes nothing for it (``_in_place`` drops its note)."""
        if src in self.converted:
            if src not in self.now.finished:
                self.converted[src].output = output
            self.now.made.add(src)
        if left_in_place:
            self.now.in_place.add(src)

    # --- the end of a build ---------------------------------------------------------

    def search_and_sitemap(self, site_dir: Path, served: Path, written: list,
                           placeholders: list, site_url: str, date: str | None,
                           generated: sitebuild.Generated) -> None:
        """The search entries of the pages kept finished put back, and the sitemap written
        anew (MkDocs's lacks the pages kept), each taken from the served site (``served``)
        when it is the last build's."""
        same = generated.same_pages
        self.search_kept = searchindex.keep(
            site_dir, self.now.order, {self.converted[src].url for src in self.now.finished},
            generated.search, self.search_kept, served)
        shows = (self.now.listed, site_url, placeholders, date)
        previous = served  # the site served, written by the last build
        if not same or self.sitemap_kept is None or self.sitemap_kept[0] != shows:
            self.sitemap_kept = (shows, sitemap.compose(self.now.listed, site_url, written,
                                                        placeholders, date))
            previous = None
        sitemap.write(site_dir, self.sitemap_kept[1], previous, site_url)

    def finish(self, config) -> None:
        """Note the pages the next rebuild may keep finished (``kept_pages``): those this
        build kept, and those it finished now outside the navigation, in a folder the next
        rebuild carries over; and log what the rebuild did."""
        nav = nav_paths(config.nav)
        out = self.keepable[1] if self.keepable is not None and self.keepable[0] == nav \
            else set()
        for src in self.now.made:
            if self._finished(src, nav) is not None \
                    and sitebuild.page_output(src).split("/", 1)[0] in sitebuild.CARRIED:
                out.add(src)
        self.keepable = (nav, out)
        if self.now.rebuilt is not None:
            changed, reused, rendered, pages = self.now.rebuilt
            log.info(f"Rebuilt from {changed} changed data files ({reused} unchanged, reused): "
                     f"{rendered} of {pages} generated pages rendered again, "
                     f"{self.now.converted_now} converted again by MkDocs")

    def forget(self) -> None:
        """After a build that was not published, the next one starts afresh (the data
        files as loaded are still good: the file cache checks each against the disk)."""
        self.previous = self.settings = self.layout = None
        self.converted, self.placeholders, self.kept_files = {}, {}, {}
        self.keepable = None
        self.search_kept, self.sitemap_kept = searchindex.Kept(), None

    def shutdown(self) -> None:
        logging.getLogger("mkdocs.commands.build").removeFilter(self._in_place)
        if self.events is not None:
            self.events.stop()
            self.events.join(timeout=5)
            self.events = None

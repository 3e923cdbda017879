"""The MkDocs plugin, ``plugins: [search, leaderboards]`` in mkdocs.yml (registered under
``mkdocs.plugins`` in pyproject.toml): the generated pages and exports join the site, the
generated home (which includes docs/index.md's text) in place of docs/index.md.

It keeps each build's state and hands the work to modules that do not import MkDocs:
``sitebuild`` (data, files, footer, error lines), ``blocks`` (tables kept out of
Python-Markdown's way), ``stamping`` (paper and dataset pages written from a placeholder),
``sitemap``, and ``publish`` (the site folder's lock, staging folder and swap).  Builders
without plugins use ``python -m generator pages --out DIR``.
"""
from __future__ import annotations

import logging
from pathlib import Path

import jinja2

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import CountHandler

from generator.site import blocks
from generator.project import collector
from generator.site import publish
from generator.site import searchindex
from generator.site import build as sitebuild
from generator.site import sitemap
from generator.site import stamping
from generator.project.filecache import FileCache
from generator.site.fsutil import Spooler, describe
from generator.plugin.compat import Bytecode, ChangesOnly, KeptPage, nav_paths, patterns
from generator.project.problems import display_path
from generator.site.publish import Output

log = logging.getLogger("mkdocs.plugins.leaderboards")


class _Converted:
    """A generated page as MkDocs converted it: its text (front matter and markdown) and
    front matter, and what Python-Markdown made of it (the HTML, the table of contents, the
    title, the anchors, the lifted blocks), and the finished page."""

    def __init__(self, source: str, url: str, meta: dict) -> None:
        self.source, self.url, self.meta = source, url, meta  # the page's text as generated
        self.html = self.toc = self.title = self.anchors = self.links = None
        self.lifted: tuple = ()
        self.output: str | None = None  # the finished page, theme and all


_FINISHED = "leaderboards-finished.html"  # the template of a page kept finished


class _Sections(c.ListOfItems):
    def run_validation(self, value: object) -> list:
        if isinstance(value, str):
            raise ValidationError(f"expected a list such as [{value}], drawn from "
                                  f"{', '.join(sitebuild.SECTIONS)}")
        return super().run_validation(value)


class LeaderboardsConfig(base.Config):
    # the key is `data:` (Config.data is the values themselves, so MkDocs drops the _);
    # paths are taken from mkdocs.yml's folder, and $LEADERBOARD_DATA overrides this one
    data_ = c.Dir(default="data")
    templates = c.Dir(default="templates")  # template overrides; no such folder, none
    sections = _Sections(c.Choice(sitebuild.SECTIONS), default=list(sitebuild.SECTIONS))


class LeaderboardsPlugin(BasePlugin[LeaderboardsConfig]):
    """One instance serves every rebuild of ``mkdocs serve`` (it has ``on_startup``); each
    build starts from ``on_config``, which resets its state."""

    def __init__(self) -> None:
        self.dirty = False  # `--dirty`: update the site in place, no staging folder
        self.output: Output | None = None  # the site folder's lock and staging folder
        self.warnings: CountHandler | None = None  # MkDocs's warnings: will --strict fail?
        # `mkdocs serve` only: what a rebuild reuses of the previous build (an edit reads
        # again, renders again and converts again only what it touches)
        self.memory: FileCache | None = None  # the data files as last loaded
        self.previous: sitebuild.Generated | None = None  # the pages and files generated
        self.settings: tuple | None = None  # what else they were generated from
        self.converted: dict[str, _Converted] = {}  # generated page -> its HTML, by MkDocs
        self.kept_files: dict[str, KeptPage] = {}  # kept page -> its file, for MkDocs
        self.reused: dict[str, _Converted] = {}  # this build's pages taken from converted
        self.reading: dict[str, _Converted] = {}  # pages read as "" to be taken from it
        self.layout: tuple | None = None  # what else a page's finished HTML depends on
        # (the navigation's pages, the generated pages a rebuild may keep finished: kept by
        # the last build, or converted and finished by it in a folder it carries over)
        self.keepable: tuple[set[str], set[str]] | None = None
        self.search_kept = searchindex.Kept()  # the last build's search entries
        self.sitemap_kept: tuple | None = None  # (what the last sitemap lists, its text)
        self.placeholders: dict[str, str] = {}  # section -> its placeholder's HTML, last build
        self.bytecode = Bytecode()  # the theme's templates, compiled once
        self.events = None  # `mkdocs serve`: the observer of the data folder's file events
        self.releaser = collector.Releaser()  # when the builds' kept objects are released
        self._reset()

    def _reset(self) -> None:
        self.project = self.root = self.data_dir = self.templates_dir = self.site_dir = None
        self.edit_base: str | None = None  # where the data files are edited (repo_url)
        self.stash: dict[str, list[str]] = {}  # page -> the blocks lifted out of it
        self.reading.clear()
        self.reused.clear()
        self.stamped: dict[str, dict[str, str]] = {}  # section -> {path: markdown}
        self.generated: sitebuild.Generated | None = None  # this build's
        self.spooler: Spooler | None = None  # writes the files MkDocs does not, meanwhile
        self.rebuilt: tuple | None = None  # (files changed, reused, pages rendered, pages)
        self.converted_now = 0  # generated pages Python-Markdown converted in this build
        self.same_layout = False  # every page's theme around it is as in the last build
        self.finished: set[str] = set()  # pages whose finished HTML is the last build's
        self.order: list[str] = []  # the URLs of MkDocs's pages, kept ones too, in its order
        self.listed: list[str] = []  # the URLs of the pages its sitemap lists, in its order
        self.carried: list[str] = []  # folders of the last build moved into this one
        self.rebuilding = False  # a rebuild of `mkdocs serve` from the last build
        self.keepable_made: set[str] = set()  # generated pages finished by this build
        self.in_place: set[str] = set()  # finished pages it left as the last build wrote them

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.dirty = dirty
        if command == "serve":
            self.memory = FileCache()
            logging.getLogger("mkdocs.commands.build").addFilter(self._in_place)

    def _in_place(self, record: logging.LogRecord) -> bool:
        """Drop MkDocs's note that a page made nothing for the pages ``on_post_page`` leaves
        in place, as it wrote them in the last build."""
        return not (self.in_place and record.levelno == logging.INFO
                    and isinstance(record.msg, str) and record.msg.startswith("Page skipped: '")
                    and record.msg.split("'")[1] in self.in_place)

    def on_config(self, config):
        """Check the data before MkDocs empties the site folder (bad data never costs the
        previous site), credit its sources in the footer, and build beside the site folder,
        under its lock, into a folder swapped in only if the build succeeds."""
        self._close()  # a build of this process that never ended (`mkdocs serve`)
        self._reset()
        self.releaser.build_starts()  # the previous builds' data (`mkdocs serve`)
        self.root = Path(config.config_file_path or "mkdocs.yml").parent
        self.data_dir = sitebuild.data_folder(self.root, self.config.data_)
        templates = Path(self.config.templates)
        self.templates_dir = templates if templates.is_dir() else None
        for folder in (self.data_dir, self.templates_dir):  # rebuilt on change by `serve`
            if folder is not None and str(folder) not in config.watch:
                config.watch.append(str(folder))
        try:
            self.project = sitebuild.load(self.data_dir, self.memory)
        except sitebuild.SiteError as exc:
            raise PluginError(str(exc)) from None
        config.copyright = sitebuild.footer(self.project.sources) or config.copyright
        self.site_dir = config.site_dir
        self.output = Output(self.site_dir, on_wait=lambda: log.info(
            f"Waiting for another build of {display_path(self.site_dir)} to finish"))
        self.output.remove_later = self.memory is not None  # serve: the old site, meanwhile
        try:  # also the probe that the place can be written: one line if it cannot
            config.site_dir = str(self.output.open(staged=not self.dirty))
        except OSError as exc:
            self.output = None
            raise PluginError(describe(exc)) from None
        self.warnings = CountHandler(level=logging.WARNING)
        logging.getLogger("mkdocs").addHandler(self.warnings)
        return config

    def on_files(self, files: Files, config) -> Files:
        """The generated files join MkDocs's; what the build keeps is frozen out of the
        collector's walks before the collector runs again (after the pause, its first
        collection would otherwise walk everything just made)."""
        with collector.paused():
            return self._add_files(files, config)

    def _add_files(self, files: Files, config) -> Files:
        intro = files.get_file_from_path("index.md")
        self.edit_base = sitebuild.edit_base(config.repo_url, config.edit_uri, self.root,
                                             self.data_dir)
        intro_text = intro.content_string if intro else ""
        settings = (intro_text, tuple(self.config.sections), config.site_url, config.site_name,
                    self.edit_base, sitebuild.folder_stamp(self.templates_dir),
                    tuple(patterns(config.get(key))
                          for key in ("exclude_docs", "draft_docs", "not_in_nav")))
        same = self.memory is not None and settings == self.settings
        before = self.previous if same else None
        generated = sitebuild.generate(self.project, intro_text, self.config.sections,
                                       self.templates_dir, config.site_url or "",
                                       config.site_name, self.edit_base, previous=before)
        if self.memory is not None:  # the next rebuild starts from this one
            # the theme around a page is the same if the set of pages (the navigation), the
            # footer and the settings are
            layout = (settings, config.copyright,
                      tuple(f.src_uri for f in files.documentation_pages()))
            self.same_layout, self.layout = same and layout == self.layout, layout
            rendered = sum(p in generated.pages for p in generated.changed) \
                if generated.changed is not None else len(generated.pages)
            self.rebuilt = (len(self.memory.changed), self.memory.kept, rendered,
                            len(generated.pages))
            self.previous, self.settings = generated, settings
            if not same:
                self.converted, self.kept_files = {}, {}
            if before is None:  # every page is converted: the set is made anew
                self.keepable = None
        self.stamped = generated.stamped
        self.generated = generated
        self.spooler = Spooler()  # the badges and exports, written while MkDocs builds pages
        direct = generated.direct
        if before is not None and self.output is not None and self.output.staging is not None:
            # a rebuild: the last build's generated files are moved in, the changed written
            self.carried = sitebuild.carry_over(Path(self.site_dir), Path(config.site_dir),
                                                before, generated)
            if "badges" in self.carried and "data" in self.carried:
                direct = {p: generated.direct[p] for p in generated.changed
                          if p in generated.direct}
                self.spooler.fork = False  # only what changed is written: by a thread
                self.spooler.thread = True
            self.rebuilding = True  # generated.changed: the pages and files made again
        if not same:
            self.placeholders = {}
        sitebuild.write_direct(Path(config.site_dir), direct, self.spooler)
        collector.keep_for_build()
        kept = self._kept_pages(generated, before, config) if before is not None else set()
        present = files.src_uris
        for path, text in generated.files.items():
            if (existing := present.get(path)) is not None:
                files.remove(existing)
            if path in kept:
                files.append(self._kept_file(path, config))
                self.finished.add(path)
            else:
                files.append(File.generated(config, path, content=text))
        if self.memory is not None and before is None:  # made now, for the rebuilds
            for path in generated.files:
                if path.endswith(".md") and stamping.placeholder_section(path) is None:
                    self._kept_file(path, config).url  # noqa: B018 (worked out once)
        return files

    def _kept_file(self, path: str, config) -> "KeptPage":
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

    def _kept_pages(self, generated: sitebuild.Generated, before: sitebuild.Generated,
                    config) -> set[str]:
        """The generated pages of a rebuild whose finished HTML is the last build's: the
        same markdown, the same theme around it (``same_layout``), its folder carried over
        with the HTML in it, and not in the navigation.  When the pages are the last
        build's (``same_pages``), those are the pages the last build kept or finished
        (``keepable``) but the ones made again, which are looked at: a rebuild does not
        go through every page's markdown."""
        keepable, self.keepable = self.keepable, None
        if not self.same_layout or not self.carried:
            return set()
        nav = nav_paths(config.nav)
        if generated.same_pages and generated.changed is not None and keepable is not None \
                and set(sitebuild.CARRIED) <= set(self.carried) and nav == keepable[0]:
            out = keepable[1]
            for path in generated.changed & out:
                if not self._keeps(path, generated.files.get(path), nav):
                    out.discard(path)
            self.keepable = (nav, out)
            return out
        out = {path for path, text in generated.files.items() if self._keeps(path, text, nav)}
        self.keepable = (nav, out)
        return out

    def _keeps(self, path: str, text: str | None, nav: set[str]) -> bool:
        """Whether the generated page at ``path`` (with the markdown ``text``) is finished
        from the last build (``_kept_pages``)."""
        done = self._finished(path, nav)
        return text is not None and done is not None \
            and (done.source is text or done.source == text) \
            and sitebuild.page_output(path).split("/", 1)[0] in self.carried

    def _finished(self, path: str, nav: set[str]) -> "_Converted | None":
        """The generated page's conversion, if it is a page outside the navigation (no
        placeholder) whose HTML and finished output are kept."""
        if not path.endswith(".md") or path in nav \
                or stamping.placeholder_section(path) is not None:
            return None
        done = self.converted.get(path)
        return done if done is not None and done.html is not None \
            and done.output is not None else None

    def on_nav(self, nav, config, files):
        """`mkdocs serve`: the order of the pages, kept ones in their place, for the search
        index and the sitemap (after MkDocs settled which pages are included)."""
        if self.memory is not None:
            for f in files if self.previous is not None and not self.finished else ():
                kept = self.kept_files.get(f.src_uri)  # a first build's: as MkDocs settled
                if kept is not None and kept is not f:
                    kept.inclusion = f.inclusion
            pages = [(f, "" if f.url in (".", "./") else f.url) for f in files
                     if f.is_documentation_page() or isinstance(f, KeptPage)]  # page URLs
            self.order = [url for f, url in pages if f.inclusion.is_in_serve()]
            self.listed = [url for f, url in pages if f.inclusion.is_included()]
        return nav

    def on_serve(self, server, config, builder):
        """Watch the data folder through the system's file events (inotify on Linux)
        instead of MkDocs's polling, which lists and stats every file of the folder twice a
        second: on the archive that is a tenth of a second each time, taken from the
        rebuild it is waiting for, and up to half a second before a save is seen.  Where the
        system has no such events, MkDocs polls it as before."""
        folder = str(self.data_dir) if self.data_dir is not None else None
        if folder is None or folder not in config.watch:
            return server
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

    def on_page_read_source(self, page, config) -> str | None:
        """In a rebuild of `mkdocs serve`, a generated page whose markdown did not change
        is not read again either: MkDocs would go through all of it for front matter (an
        index page of the archive is megabytes)."""
        if self.memory is None or page.file.generated_by is None:
            return None
        done = self.converted.get(page.file.src_uri)
        if done is not None and done.html is not None \
                and done.source == page.file.content_string:
            self.reading[page.file.src_uri] = done
            return ""
        return None

    def on_page_markdown(self, markdown: str, page, config, **kwargs) -> str:
        """Fill the repository marks of hand-written pages; lift the big HTML blocks out
        before Python-Markdown parses the page.  In a rebuild of `mkdocs serve`, a generated
        page whose markdown did not change is not converted again (``on_page_content``)."""
        src = page.file.src_uri
        if page.file.generated_by is None:
            markdown = sitebuild.fill_repository(markdown, config.repo_url)
        elif self.memory is not None:
            done = self.reading.pop(src, None)
            if done is not None:
                page.meta = dict(done.meta)  # as read from its front matter
                self.reused[src] = done
                return ""  # nothing for Python-Markdown to do: its HTML is kept
            self.converted[src] = _Converted(page.file.content_string, page.url, dict(page.meta))
            self.converted_now += 1
        markdown, lifted = blocks.lift(markdown)
        if lifted:
            self.stash[src] = lifted
        return markdown

    def on_page_content(self, html: str, page, config, files) -> str:
        """A page not converted again gets its HTML, contents and title as converted last
        time; a page converted now is kept for the next rebuild."""
        src = page.file.src_uri
        done = self.reused.pop(src, None)
        if done is not None:
            page.toc, page._title_from_render = done.toc, done.title
            page.present_anchor_ids, page.links_to_anchors = done.anchors, done.links
            if done.lifted:
                self.stash[src] = list(done.lifted)
            if self.same_layout and done.output is not None:
                # the finished page is the last build's: no theme to render around it, no
                # search entries to make (on_post_page, on_post_build put them back)
                self.finished.add(src)
                page.meta = dict(page.meta, template=_FINISHED,
                                 search=dict(page.meta.get("search") or {}, exclude=True))
            return done.html
        done = self.converted.get(src) if self.memory is not None else None
        if done is not None and done.html is None:
            done.html, done.toc, done.title = html, page.toc, page._title_from_render
            done.anchors, done.links = page.present_anchor_ids, page.links_to_anchors
            done.lifted = tuple(self.stash.get(src, ()))
        return html

    def on_env(self, env, config, files):
        """A rebuild of `mkdocs serve` renders a page whose finished HTML it keeps with a
        template that writes nothing (on_post_page puts the page in)."""
        if self.memory is not None:
            env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({_FINISHED: ""}), env.loader])
            env.bytecode_cache = self.bytecode
        return env

    def on_page_context(self, context, page, config, nav):
        """The theme's edit button on a task page opens the task's YAML file."""
        task = sitebuild.task_of_page(page.file.src_uri)
        if self.edit_base and task and page.file.generated_by is not None:
            page.edit_url = f"{self.edit_base}tasks/{task}.yml"
        return context

    def on_post_page(self, output: str, page, config, **kwargs) -> str:
        """Put the blocks back (after search indexing); write a section's pages from its
        placeholder."""
        src = page.file.src_uri
        if src in self.finished:
            output = self.converted[src].output
            self.stash.pop(src, None)
        else:
            output = blocks.restore(output, self.stash.pop(src, []))
            if self.memory is not None and src in self.converted:
                self.converted[src].output = output
        if self.memory is not None and src in self.converted:
            self.keepable_made.add(src)
        section = stamping.placeholder_section(page.file.src_uri)
        if src in self.finished and section is None and self.rebuilding \
                and page.file.dest_uri.split("/", 1)[0] in self.carried:
            # its finished HTML is in the folder carried over already: MkDocs writes nothing
            # for an empty output (an index page of the archive is megabytes to encode and
            # write again), and the note it logs about it is ``_in_place``'s to drop
            self.in_place.add(src)
            return ""
        if section in self.stamped:
            pages = self.stamped[section]
            folder = section.split("/", 1)[0]
            if self.rebuilding and folder in self.carried \
                    and self.placeholders.get(section) == output:  # only the pages changed
                pages = [(path, pages[path]) for path in self.generated.changed if path in pages]
            else:
                pages = list(pages.items())
            stamping.write_section(Path(config.site_dir), output, section, pages,
                                   self.spooler.write_all)
            if self.memory is not None:
                self.placeholders[section] = output
        return output

    @event_priority(-100)  # after every plugin has written its files
    def on_post_build(self, config, **kwargs) -> None:
        """Drop the placeholders, finish the sitemap, and swap the site in unless
        ``--strict`` is about to fail the build (then ``on_build_error`` throws it away)."""
        site_dir = Path(config.site_dir)
        stamping.remove_placeholders(site_dir, self.stamped)
        spooler, self.spooler = self.spooler, None
        spooler.finish()
        same = self.generated is not None and self.generated.same_pages
        if self.memory is not None:  # the entries of the pages kept finished, put back
            self.search_kept = searchindex.keep(
                site_dir, self.order, {self.converted[src].url for src in self.finished},
                self.stamped, self.generated.changed if same else None, self.search_kept,
                Path(self.site_dir))
        else:
            searchindex.add(site_dir, stamping.search_docs(self.stamped))  # after search wrote it
        placeholders = [stamping.placeholder_url(s) for s in self.stamped]
        date = sitemap.commit_date(self.root)
        if self.memory is not None:  # MkDocs's sitemap lacks the pages kept: written anew
            shows = (self.listed, config.site_url or "", placeholders, date)
            previous = Path(self.site_dir)  # the site served, written by the last build
            if not same or self.sitemap_kept is None or self.sitemap_kept[0] != shows:
                self.sitemap_kept = (shows, sitemap.compose(
                    self.listed, config.site_url or "", self.written, placeholders, date))
                previous = None
            sitemap.write(site_dir, self.sitemap_kept[1], previous)
        else:
            sitemap.update(site_dir, config.site_url or "", self.written, placeholders, date)
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.memory is not None:
            self._note_keepable(config)
        if self.memory is not None and self.rebuilt is not None:
            changed, reused, rendered, pages = self.rebuilt
            log.info(f"Rebuilt from {changed} changed data files ({reused} unchanged, reused): "
                     f"{rendered} of {pages} generated pages rendered again, "
                     f"{self.converted_now} converted again by MkDocs")
        if self.output is None or (config.strict and sum(self.warnings.counts.values())):
            return
        output, self.output = self.output, None
        try:
            output.publish()  # and releases the lock
        except OSError as exc:
            raise PluginError(describe(exc)) from None
        config.site_dir = self.site_dir

    def _note_keepable(self, config) -> None:
        """The pages the next rebuild may keep finished (``_kept_pages``): those this build
        kept, and those it finished now outside the navigation, in a folder the next
        rebuild carries over."""
        nav = nav_paths(config.nav)
        out = self.keepable[1] if self.keepable is not None and self.keepable[0] == nav \
            else set()
        for src in self.keepable_made:
            if self._finished(src, nav) is not None \
                    and sitebuild.page_output(src).split("/", 1)[0] in sitebuild.CARRIED:
                out.add(src)
        self.keepable = (nav, out)

    @property
    def written(self) -> list[str]:
        """The URLs of the pages written from placeholders."""
        return [stamping.page_url(path) for pages in self.stamped.values() for path in pages]

    @event_priority(-100)  # last: it may end the build itself
    def on_build_error(self, error, **kwargs) -> None:
        """The previous site stays as it was; a disk error is one line, not a traceback."""
        line = sitebuild.error_line(error, self.output)
        self._close()
        if line is not None:
            log.error(line)
            raise Abort("Aborted with a BuildError!")

    def on_shutdown(self) -> None:
        logging.getLogger("mkdocs.commands.build").removeFilter(self._in_place)
        if self.events is not None:
            self.events.stop()
            self.events.join(timeout=5)
            self.events = None
        self._close()
        publish.finish_removals()  # no replaced site left half removed
        collector.release_kept()

    def _close(self) -> None:
        """Throw away an unpublished staging folder and release the lock."""
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        spooler, self.spooler = self.spooler, None
        if spooler is not None:
            spooler.abandon()
        output, self.output = self.output, None
        if output is not None:
            if self.carried and output.staging is not None:  # the served site gets them back
                sitebuild.carry_back(Path(self.site_dir), output.staging, self.carried)
            self.carried = []
            output.abandon()
            self._forget()  # the site served is not the one the kept state describes

    def _forget(self) -> None:
        """After a build that was not published, the next one starts afresh (the data
        files as loaded are still good: the file cache checks each against the disk)."""
        self.previous = self.settings = self.layout = None
        self.converted, self.placeholders, self.kept_files = {}, {}, {}
        self.keepable = None
        self.search_kept, self.sitemap_kept = searchindex.Kept(), None

"""The MkDocs plugin, ``plugins: [search, leaderboards]`` in mkdocs.yml (registered under
``mkdocs.plugins`` in pyproject.toml): the generated pages and exports join the site, the
generated home (which includes docs/index.md's text) in place of docs/index.md.

Hooks only: each build's state is one ``Build``, made anew in ``on_config``; what `mkdocs
serve` keeps between builds is one ``serve.Serve``; what the plugin needs of MkDocs beyond
its events is in ``compat``.  The work is done by modules that do not import MkDocs:
``site.build`` (data, files, footer, error lines), ``site.blocks`` (tables kept out of
Python-Markdown's way), ``site.stamping`` (paper and dataset pages written from a
placeholder), ``site.sitemap``, ``site.searchindex`` and ``site.publish`` (the site
folder's lock, staging folder and swap).  Builders without plugins use ``python -m
generator pages --out DIR``.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import CountHandler

from generator.plugin.compat import patterns
from generator.plugin.serve import Serve
from generator.project import collector
from generator.project.model import Project
from generator.project.problems import display_path
from generator.site import blocks, publish, searchindex, sitemap, stamping
from generator.site import build as sitebuild
from generator.site.fsutil import Spooler, describe
from generator.site.publish import Output

log = logging.getLogger("mkdocs.plugins.leaderboards")


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


@dataclass
class Build:
    """One build's state, made anew by ``on_config``."""

    project: Project
    root: Path  # mkdocs.yml's folder
    data_dir: Path
    templates_dir: Path | None
    site_dir: str  # where the site is published (MkDocs builds into the staging folder)
    output: Output | None = None  # the site folder's lock and staging folder
    warnings: CountHandler | None = None  # MkDocs's warnings: will --strict fail?
    edit_base: str | None = None  # where the data files are edited (repo_url)
    generated: sitebuild.Generated | None = None
    stamped: dict = field(default_factory=dict)  # section -> {path: markdown}
    stash: dict = field(default_factory=dict)  # page -> the blocks lifted out of it
    spooler: Spooler | None = None  # writes the files MkDocs does not, meanwhile
    carried: list = field(default_factory=list)  # folders of the last build moved in
    rebuilding: bool = False  # a rebuild of `mkdocs serve` from the last build
    search_worker: str | None = None  # Material's search worker, which the pages' wraps

    @property
    def written(self) -> list[str]:
        """The URLs of the pages written from placeholders."""
        return [stamping.page_url(path) for pages in self.stamped.values() for path in pages]


class LeaderboardsPlugin(BasePlugin[LeaderboardsConfig]):
    """One instance serves every rebuild of ``mkdocs serve`` (it has ``on_startup``); each
    build starts from ``on_config``, which makes its ``Build``."""

    def __init__(self) -> None:
        self.dirty = False  # `--dirty`: update the site in place, no staging folder
        self.serve: Serve | None = None  # `mkdocs serve`: what its builds keep
        self.build: Build | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.dirty = dirty
        if command == "serve":
            self.serve = Serve()

    def on_config(self, config):
        """Check the data before MkDocs empties the site folder (bad data never costs the
        previous site), credit its sources in the footer, and build beside the site folder,
        under its lock, into a folder swapped in only if the build succeeds."""
        self._close()  # a build of this process that never ended (`mkdocs serve`)
        self.build = None
        if self.serve is not None:
            self.serve.start()
        root = Path(config.config_file_path or "mkdocs.yml").parent
        data_dir = sitebuild.data_folder(root, self.config.data_)
        templates = Path(self.config.templates)
        templates_dir = templates if templates.is_dir() else None
        for folder in (data_dir, templates_dir):  # rebuilt on change by `serve`
            if folder is not None and str(folder) not in config.watch:
                config.watch.append(str(folder))
        try:
            project = sitebuild.load(data_dir, self.serve.files if self.serve else None)
        except sitebuild.SiteError as exc:
            raise PluginError(str(exc)) from None
        b = self.build = Build(project, root, data_dir, templates_dir, config.site_dir)
        config.copyright = sitebuild.footer(project.sources) or config.copyright
        b.output = Output(b.site_dir, on_wait=lambda: log.info(
            f"Waiting for another build of {display_path(b.site_dir)} to finish"))
        b.output.remove_later = self.serve is not None  # serve: the old site, meanwhile
        try:  # also the probe that the place can be written: one line if it cannot
            config.site_dir = str(b.output.open(staged=not self.dirty))
        except OSError as exc:
            b.output = None
            raise PluginError(describe(exc)) from None
        b.warnings = CountHandler(level=logging.WARNING)
        logging.getLogger("mkdocs").addHandler(b.warnings)
        return config

    def on_files(self, files: Files, config) -> Files:
        """The generated files join MkDocs's; what the build keeps is frozen out of the
        collector's walks before the collector runs again (after the pause, its first
        collection would otherwise walk everything just made)."""
        with collector.paused():
            return self._add_files(files, config)

    def _add_files(self, files: Files, config) -> Files:
        b, serve = self.build, self.serve
        intro = files.get_file_from_path("index.md")
        b.edit_base = sitebuild.edit_base(config.repo_url, config.edit_uri, b.root, b.data_dir)
        form = sitebuild.form_base(config.repo_url)
        intro_text = intro.content_string if intro else ""
        settings = (intro_text, tuple(self.config.sections), config.site_url, config.site_name,
                    b.edit_base, form, sitebuild.folder_stamp(b.templates_dir),
                    tuple(patterns(config.get(key))
                          for key in ("exclude_docs", "draft_docs", "not_in_nav")))
        before = serve.previous_for(settings) if serve else None
        b.generated = generated = sitebuild.generate(
            b.project, intro_text, self.config.sections, b.templates_dir, config.site_url or "",
            config.site_name, b.edit_base, previous=before, form=form)
        if serve:  # the theme around a page is the same if the set of pages (the
            # navigation), the footer and the settings are
            serve.generated(generated, settings, (settings, config.copyright, tuple(
                f.src_uri for f in files.documentation_pages())))
        b.stamped = generated.stamped
        b.spooler = Spooler()  # the badges and exports, written while MkDocs builds pages
        direct = generated.direct
        if before is not None and b.output is not None and b.output.staging is not None:
            # a rebuild: the last build's generated files are moved in, the changed written
            b.carried = sitebuild.carry_over(Path(b.site_dir), Path(config.site_dir), before,
                                             generated)
            if "badges" in b.carried and "data" in b.carried:
                direct = {p: generated.direct[p] for p in generated.changed
                          if p in generated.direct}
                b.spooler.fork = False  # only what changed is written: by a thread
                b.spooler.thread = True
            b.rebuilding = True  # generated.changed: the pages and files made again
        sitebuild.write_direct(Path(config.site_dir), direct, b.spooler)
        collector.keep_for_build()
        kept = serve.kept_pages(generated, b.carried, config) if before is not None else set()
        present = files.src_uris
        for path, text in generated.files.items():
            if (existing := present.get(path)) is not None:
                files.remove(existing)
            if path in kept:
                files.append(serve.kept_file(path, config))
                serve.now.finished.add(path)
            else:
                files.append(File.generated(config, path, content=text))
        if serve and before is None:  # made now, for the rebuilds
            for path in generated.files:
                if path.endswith(".md") and stamping.placeholder_section(path) is None:
                    serve.kept_file(path, config).url  # noqa: B018 (worked out once)
        return files

    def on_nav(self, nav, config, files):
        if self.serve:
            self.serve.nav(files)
        return nav

    def on_serve(self, server, config, builder):
        folder = str(self.build.data_dir) if self.build is not None else None
        if self.serve is None or folder is None or folder not in config.watch:
            return server
        return self.serve.watch(server, config, folder)

    def on_page_read_source(self, page, config) -> str | None:
        if self.serve is None or page.file.generated_by is None:
            return None
        return self.serve.read_source(page)

    def on_page_markdown(self, markdown: str, page, config, **kwargs) -> str:
        """Fill the repository marks of hand-written pages; lift the big HTML blocks out
        before Python-Markdown parses the page.  In a rebuild of `mkdocs serve`, a generated
        page whose markdown did not change is not converted again (``on_page_content``)."""
        if page.file.generated_by is None:
            markdown = sitebuild.fill_repository(markdown, config.repo_url)
        elif self.serve is not None and self.serve.markdown(page):
            return ""  # nothing for Python-Markdown to do: its HTML is kept
        markdown, lifted = blocks.lift(markdown)
        if lifted:
            self.build.stash[page.file.src_uri] = lifted
        return markdown

    def on_page_content(self, html: str, page, config, files) -> str:
        return self.serve.content(html, page, self.build.stash) if self.serve else html

    def on_env(self, env, config, files):
        return self.serve.env(env) if self.serve else env

    def on_page_context(self, context, page, config, nav):
        """The theme's edit button on a task page opens the task's YAML file."""
        task = sitebuild.task_of_page(page.file.src_uri)
        if self.build.edit_base and task and page.file.generated_by is not None:
            page.edit_url = f"{self.build.edit_base}tasks/{task}.yml"
        return context

    def on_post_page(self, output: str, page, config, **kwargs) -> str:
        """Put the blocks back (after search indexing); write a section's pages from its
        placeholder."""
        b, serve, src = self.build, self.serve, page.file.src_uri
        finished = serve.finished_output(src) if serve else None
        if finished is not None:
            output = finished
            b.stash.pop(src, None)
        else:
            output = blocks.restore(output, b.stash.pop(src, []))
        output, worker = searchindex.wire(output)  # the search: names first, loaded on use
        b.search_worker = b.search_worker or worker
        output = blocks.compact(output)  # the theme's blank lines out: a tenth of each page
        section = stamping.placeholder_section(src)
        # a finished page already in the folder carried over: MkDocs writes nothing for an
        # empty output (an index page of the archive is megabytes to encode and write again)
        left = finished is not None and section is None and b.rebuilding \
            and page.file.dest_uri.split("/", 1)[0] in b.carried
        if serve:
            serve.post_page(src, output, left)
        if left:
            return ""
        if section in b.stamped:
            pages = b.stamped[section]
            if b.rebuilding and section.split("/", 1)[0] in b.carried \
                    and serve.placeholders.get(section) == output:  # only the pages changed
                pages = [(path, pages[path]) for path in b.generated.changed if path in pages]
            else:
                pages = list(pages.items())
            stamping.write_section(Path(config.site_dir), output, section, pages,
                                   b.spooler.write_all)
            if serve:
                serve.placeholders[section] = output
        return output

    @event_priority(-100)  # after every plugin has written its files
    def on_post_build(self, config, **kwargs) -> None:
        """Drop the placeholders, finish the search index and the sitemap, and swap the site
        in unless ``--strict`` is about to fail the build (then ``on_build_error`` throws it
        away)."""
        b, site_dir = self.build, Path(config.site_dir)
        stamping.remove_placeholders(site_dir, b.stamped)
        spooler, b.spooler = b.spooler, None
        spooler.finish()
        placeholders = [stamping.placeholder_url(s) for s in b.stamped]
        date = sitemap.commit_date(b.root)
        if self.serve:
            self.serve.search_and_sitemap(site_dir, Path(b.site_dir), b.written,
                                          placeholders, config.site_url or "", date, b.generated)
        else:
            searchindex.add(site_dir, b.generated.search)  # after search wrote it
            sitemap.update(site_dir, config.site_url or "", b.written, placeholders, date)
        searchindex.write_worker(site_dir, b.search_worker)
        logging.getLogger("mkdocs").removeHandler(b.warnings)
        if self.serve:
            self.serve.finish(config)
        if b.output is None or (config.strict and sum(b.warnings.counts.values())):
            return
        output, b.output = b.output, None
        try:
            output.publish()  # and releases the lock
        except OSError as exc:
            raise PluginError(describe(exc)) from None
        config.site_dir = b.site_dir

    @event_priority(-100)  # last: it may end the build itself
    def on_build_error(self, error, **kwargs) -> None:
        """The previous site stays as it was; a disk error is one line, not a traceback."""
        line = sitebuild.error_line(error, self.build.output if self.build else None)
        self._close()
        if line is not None:
            log.error(line)
            raise Abort("Aborted with a BuildError!")

    def on_shutdown(self) -> None:
        if self.serve is not None:
            self.serve.shutdown()
        self._close()
        publish.finish_removals()  # no replaced site left half removed
        collector.release_kept()

    def _close(self) -> None:
        """Throw away an unpublished staging folder and release the lock."""
        b = self.build
        if b is None:
            return
        logging.getLogger("mkdocs").removeHandler(b.warnings)
        spooler, b.spooler = b.spooler, None
        if spooler is not None:
            spooler.abandon()
        output, b.output = b.output, None
        if output is not None:
            if b.carried and output.staging is not None:  # the served site gets them back
                sitebuild.carry_back(Path(b.site_dir), output.staging, b.carried)
            b.carried = []
            output.abandon()
            if self.serve is not None:  # the site served is not the one it describes
                self.serve.forget()

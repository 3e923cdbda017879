"""Hostile data in the files the generator writes, with validation switched off.

The data of tests/fixtures/hostile (every text field a payload: raw HTML, slash-form tags,
links that decode to javascript:/data:/vbscript:, CSV formulas, LaTeX commands) is loaded
without its problems and rendered as

* markdown: every task page (``python -m generator markdown``), the README's generated
  sections (``readme``) and every markdown export (``export --format markdown``).  Each is
  rendered as other sites would render it -- markdown-it-py (CommonMark + tables) with raw
  HTML on and every link accepted, as a renderer does before it sanitises, and
  Python-Markdown -- and the HTML may hold only plain document markup, no event handler,
  and no link or image whose target decodes to anything but http(s), mailto, a relative path
  or an #anchor;
* the site's page sources (``pages``) through Python-Markdown, as a builder without the hook
  would: no event handler, no script-scheme link, no script;
* CSV: a text cell that a spreadsheet would read as a formula (=, +, -, @, tab, CR first) is
  neutralised with a leading ';
* LaTeX: every special character of every field is escaped, the ``%`` comment line included.
"""
from __future__ import annotations

import csv
import html
import io
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import markdown as python_markdown
import pytest
from markdown_it import MarkdownIt

from generator.outputs import exports
from generator.project import pipeline
from generator.outputs import readme
from generator.outputs import render
from generator.site import build as sitebuild
from generator.project.model import DatasetLink, Link

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
README = """# Leaderboards

Hand-written text.

<!-- BEGIN GENERATED: summary -->
<!-- END GENERATED: summary -->

## Leaderboards

<!-- BEGIN GENERATED: leaderboards -->
<!-- END GENERATED: leaderboards -->
"""


@pytest.fixture(scope="module")
def project():
    """The hostile data as the model holds it, problems ignored (validation switched off)."""
    loaded = pipeline.load_project(HOSTILE)
    assert loaded.problems, "the fixture is meant to be invalid"
    return loaded.project


# --- what a markdown renderer makes of the text ------------------------------------------------

def _markdown_it(text: str) -> str:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = lambda url: True  # see every link the markdown really makes
    return md.render(text)


def _python_markdown(text: str) -> str:
    return python_markdown.markdown(text, extensions=["tables"])


RENDERERS = {"markdown-it-py": _markdown_it, "Python-Markdown": _python_markdown}

ALLOWED_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th",
                "td", "a", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "hr",
                "br", "img", "del", "s"}
ALLOWED_ATTRIBUTES = {"href", "src", "alt", "title", "style", "align", "class", "id"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster",
                  "background", "cite", "srcset", "ping", "codebase"}
SAFE_SCHEMES = {"http", "https", "mailto"}
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def url_scheme(value: str) -> str | None:
    """The scheme a link target decodes to (None for a relative path or #anchor).

    ``value`` is the attribute as an HTML parser gives it (references decoded once); it is
    decoded once more -- character references, then percent-escapes -- and ASCII whitespace
    and control characters are dropped, so that no renderer, sanitiser or browser down the
    line can find javascript: in it.  A literal ``&#106;avascript:`` text is therefore flagged
    too: data like that must not reach a link target in any form."""
    decoded = _CONTROL.sub("", urllib.parse.unquote(html.unescape(value)))
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", decoded)
    return m[1].lower() if m else None


class _Audit(HTMLParser):
    """Every tag, attribute and link of an HTML fragment that is not plain document markup."""

    def __init__(self, tags: set[str], attributes: set[str] | None):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes = tags, attributes
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        shown = self.get_starttag_text() or tag
        if tag not in self.tags:
            self.problems.append(f"tag <{tag}>: {shown}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name}: {shown}")
            elif name == "srcdoc":
                self.problems.append(f"srcdoc: {shown}")
            elif name == "style" and not re.fullmatch(r"\s*text-align:\s*(left|right|center);?\s*",
                                                      value):
                self.problems.append(f"style: {shown}")
            elif self.attributes is not None and name not in self.attributes:
                self.problems.append(f"attribute {name}: {shown}")
            if name in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    self.problems.append(f"{name} decodes to {scheme}: {shown}")
                elif tag == "img" and name == "src" and scheme == "mailto":
                    self.problems.append(f"image from {scheme}: {shown}")

    handle_startendtag = handle_starttag


def html_problems(fragment: str, tags: set[str] = ALLOWED_TAGS,
                  attributes: set[str] | None = ALLOWED_ATTRIBUTES) -> list[str]:
    audit = _Audit(tags, attributes)
    audit.feed(fragment)
    audit.close()
    return audit.problems


def markdown_problems(name: str, text: str) -> list[str]:
    """What each renderer makes of ``text`` that is not inert, as 'OUTPUT via RENDERER: ...'."""
    found = []
    for renderer, render_html in RENDERERS.items():
        for problem in dict.fromkeys(html_problems(render_html(text))):
            found.append(f"{name} via {renderer}: {problem}")
    return found


def _report(problems: list[str], limit: int = 60) -> str:
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} live pieces of markup:\n" + "\n".join(problems[:limit]) + more


# --- the checker itself ----------------------------------------------------------------------

def test_checker_flags_planted_markup():
    planted = ("A <img src=x onerror=alert(1)> and <img/src=x onerror=alert(2)> and "
               "[a](javascript:alert(3)) [b](&#106;avascript:alert(4)) [c](java&#x09;script:x) "
               "[d](%6Aavascript:alert(5)) [e](data:text/html,x) <vbscript:x> ![i](javascript:x)\n\n"
               "<script>alert(6)</script>\n\n<svg onload=alert(7)></svg>\n")
    found = "\n".join(markdown_problems("planted", planted))
    for renderer in RENDERERS:
        for expected in ["event handler onerror", "tag <script>", "tag <svg>",
                         "href decodes to javascript", "href decodes to data",
                         "src decodes to javascript"]:
            assert f"planted via {renderer}: {expected}" in found, (renderer, expected, found)
    assert "href decodes to vbscript" in found or "tag <vbscript:x>" in found
    clean = ("# Title\n\n| a | b |\n|:-|-:|\n| [x](https://example.org/) | `c` |\n\n"
             "[rel](../datasets/x.md) [anchor](#results) <https://example.org> "
             "<mailto:a@example.org> ![img](https://example.org/i.png) **bold** _em_\n")
    assert markdown_problems("clean", clean) == []
    assert url_scheme("  &#1;JaVa%09Script:x") == "javascript"
    assert url_scheme("../a:b") is None and url_scheme("#x") is None


# --- markdown outputs ------------------------------------------------------------------------

def markdown_outputs(project) -> dict[str, str]:
    """{name: markdown} for every markdown file the generator writes from the data."""
    outputs = {f"markdown {task.id} (task page, {layout} layout)":
               render.task_markdown(task, project, layout=layout)
               for task in project.tasks for layout in render.LAYOUTS}
    outputs["README.md (readme)"] = readme.regenerate(README, project)
    for path, text in exports.exports(project, ("markdown",)).items():
        outputs[f"export {path}"] = text
    return outputs


def test_hostile_fixture_reaches_every_markdown_output(project):
    outputs = markdown_outputs(project)
    assert len([n for n in outputs if n.startswith("export ")]) == len(project.leaderboards)
    joined = "\n".join(outputs.values())
    for text in ["Seg ", "Links ", "onerror", "avascript"]:
        assert text in joined


def test_task_pages_hold_no_live_markup(project):
    """``python -m generator markdown TASK`` for every task."""
    problems = []
    for name, text in markdown_outputs(project).items():
        if name.startswith("markdown "):
            problems += markdown_problems(name, text)
    assert not problems, _report(problems)


def test_readme_holds_no_live_markup(project):
    """``python -m generator readme``: the summary and leaderboards sections."""
    text = readme.regenerate(README, project)
    assert text.startswith("# Leaderboards\n\nHand-written text.")
    problems = markdown_problems("README.md", text)
    assert not problems, _report(problems)


def test_markdown_exports_hold_no_live_markup(project):
    """``python -m generator export --format markdown``: one table per leaderboard."""
    problems = []
    for path, text in exports.exports(project, ("markdown",)).items():
        problems += markdown_problems(f"export {path}", text)
    assert not problems, _report(problems)


def test_diff_report_holds_no_live_markup(project):
    """``python -m generator diff``: the markdown posted on pull requests, every hostile name
    in it (all results are new against an empty project)."""
    from generator.tools import diff
    from generator.project import model
    empty = pipeline.Loaded(model.Project(tasks=[], datasets={}), [])
    text = diff.report(empty, pipeline.Loaded(project, []), "base", "head")
    assert "Added:" in text and "svg/onload" in text  # the hostile names are there, as text
    problems = markdown_problems("diff report", text)
    assert not problems, _report(problems)


SITE_TAGS = ALLOWED_TAGS | {"div", "span", "figure", "figcaption", "svg", "g", "line", "path",
                            "circle", "text", "title", "desc", "form", "fieldset", "legend",
                            "label", "input", "button", "caption", "section", "nav", "time", "details", "summary",
                            "datalist"}


def test_site_page_sources_hold_no_live_markup(project):
    """``python -m generator pages``: the site's pages as a builder without the MkDocs hook
    renders them (Python-Markdown with the site's extensions; markdown-it-py as the hook renders
    paper and dataset pages). They hold HTML by design: no allow-list of attributes, but no
    event handler, no script, frame or plugin, and no link that decodes to a script scheme."""
    renderers = {"Python-Markdown": lambda text: python_markdown.markdown(
                     text, extensions=["tables", "attr_list", "toc"]),
                 "markdown-it-py": _markdown_it}
    problems = []
    for path, text in sitebuild.site_pages(project).items():
        if path.endswith(".html"):  # a folded leaderboard's redirect: HTML as it is
            problems += [f"pages {path}: {p}" for p in redirect_problems(text)]
            continue
        for renderer, render_html in renderers.items():
            problems += [f"pages {path} via {renderer}: {p}"
                         for p in dict.fromkeys(html_problems(render_html(text), SITE_TAGS, None))]
    assert not problems, _report(problems)


#: A redirect's one script: to a relative address (a task's page, written from ids alone),
#: with the reader's own query and fragment.
REDIRECT_SCRIPT = re.compile(r'<script>location\.replace\("((?:\.\./)+tasks/[a-z0-9._-]+/)" '
                             r'\+ location\.search \+ location\.hash\)</script>')
REDIRECT_TAGS = SITE_TAGS | {"html", "head", "meta", "link", "noscript", "body"}


def redirect_problems(text: str) -> list[str]:
    """What a folded leaderboard's redirect (``site_redirect.html.j2``) holds besides its one
    script, its refresh to the same address and document markup."""
    scripts = REDIRECT_SCRIPT.findall(text)
    if len(scripts) != 1 or text.count("<script") != 1:
        return [f"not the one script expected: {text}"]
    rest = REDIRECT_SCRIPT.sub("", text)
    refresh = re.findall(r'<meta http-equiv="refresh" content="0; url=([^"]*)">', rest)
    found = [] if refresh == scripts else [f"a refresh elsewhere than the script: {refresh}"]
    return found + html_problems(rest, REDIRECT_TAGS, ALLOWED_ATTRIBUTES
                                 | {"lang", "charset", "name", "content", "rel", "http-equiv"})


# --- CSV -------------------------------------------------------------------------------------

FORMULA = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def test_csv_neutralises_formulas(project):
    """A text cell a spreadsheet would read as a formula starts with ' (OWASP's advice)."""
    problems = []
    neutralised = set()
    for path, text in exports.exports(project, ("csv",)).items():
        assert text.startswith("\ufeff")
        for number, row in enumerate(csv.reader(io.StringIO(text[1:], newline="")), start=1):
            for cell in row:
                if FORMULA.match(cell) and not NUMBER.match(cell):
                    problems.append(f"{path} row {number}: {cell[:80]!r}")
                if cell.startswith("'") and FORMULA.match(cell[1:]):
                    neutralised.add(cell[1:])
    assert not problems, "cells a spreadsheet runs as formulas:\n" + "\n".join(problems)
    # and the text itself is kept, after the quote
    titles = project.task("titles")
    lb = titles.leaderboards[0]
    expected = {r.model for r in lb.results} | {r.paper_title for r in lb.results} \
        | {"; ".join(r.extra_data) for r in lb.results if r.extra_data} \
        | {f"{m.name} ({m.unit})" for m in lb.metrics}
    assert {e for e in expected if FORMULA.match(e)} <= neutralised


# --- LaTeX -----------------------------------------------------------------------------------

_ESCAPED = re.compile(r"\\text[a-z]+\{\}|\\[&%$#_{}]")
_LATEX_SPECIAL = re.compile(r"[\\{}$&#^_%~\n\r]")


def _tokenised():
    """The hostile project loaded again with every text field replaced by a plain token TKnT,
    and the tokens' original values: its .tex shows where the template puts data."""
    clean = pipeline.load_project(HOSTILE).project
    originals: dict[str, str] = {}

    def token(value):
        if value is None:
            return None
        t = f"TK{len(originals)}T"
        originals[t] = value
        return t

    for task in clean.tasks:
        task.title = token(task.title)
        for lb in task.leaderboards:
            lb.title = token(lb.title)
            renamed = {}
            for m in lb.metrics:
                new = token(m.name)
                renamed[m.name] = new
                m.name, m.unit = new, token(m.unit)
            for r in lb.results:
                r.model = token(r.model)
                r.extra_data = [token(x) for x in r.extra_data]
                r.paper_title = token(r.paper_title)
                r.values = {renamed.get(k, k): v for k, v in r.values.items()}
                r.weights = [Link(token(l.label), l.url) for l in r.weights]
                r.code = [Link(token(l.label), l.url) for l in r.code]
    for d in clean.datasets.values():
        d.name = token(d.name)
        d.links = [DatasetLink(token(l.label), l.url, l.kind) for l in d.links]
    return clean, originals


def latex_problems(skeleton: str, hostile: str) -> list[str]:
    """Where data text reaches ``hostile`` with a LaTeX special character unescaped: ``skeleton``
    is the same file from tokenised data, so what stands where a token stands is data."""
    parts = re.split(r"(TK\d+T)", skeleton)
    pattern = "".join(f"(?P<g{i}>.*?)" if i % 2 else re.escape(part)
                      for i, part in enumerate(parts))
    m = re.fullmatch(pattern, hostile, flags=re.S)
    assert m, "the .tex of the hostile data does not have the template's shape"
    problems = []
    for i in range(1, len(parts), 2):
        text = m[f"g{i}"]
        rest = _ESCAPED.sub("", text)
        bad = sorted(set(_LATEX_SPECIAL.findall(rest)))
        if bad:
            line = hostile[:m.start(f"g{i}")].count("\n") + 1
            problems.append(f"line {line}: {''.join(bad)!r} unescaped in {text[:120]!r}")
    return problems


def test_latex_escapes_every_field(project):
    clean, _ = _tokenised()
    problems = []
    hostile_files = exports.exports(project, ("latex",))
    for path, skeleton in exports.exports(clean, ("latex",)).items():
        hostile = hostile_files[path]
        problems += [f"{path} {p}" for p in latex_problems(skeleton, hostile)]
        for command in ("\\input{", "\\write18{", "\\def\\x"):
            if command in hostile:
                line = hostile[:hostile.index(command)].count("\n") + 1
                problems.append(f"{path} line {line}: {command!r} reaches the file: "
                                f"{hostile.splitlines()[line - 1][:120]!r}")
    assert not problems, "\n".join(problems)


def test_latex_checker_flags_planted_text():
    skeleton = "% TK0T: generated\n\\caption{TK0T}\nTK1T & 1 \\\\\n"
    hostile = "% Board\n\\input{x}: generated\n\\caption{Board\\textbackslash{}input\\{x\\}}\n" \
              "a$b & 1 \\\\\n"
    found = latex_problems(skeleton, hostile)
    assert len(found) == 2 and "line 1" in found[0] and "line 4" in found[1], found

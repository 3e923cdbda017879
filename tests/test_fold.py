"""Issue 29: a paper or model of one result has no page of its own (``site.folds``): every
link to it goes to its result's row, and its old address holds a stub that sends the reader
there; the papers, models and datasets indexes are split when big (``site.index_parts``),
so that no page passes a megabyte at the scale of all of Papers with Code."""
from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

import pytest
from helpers import DATA

from generator.outputs import render
from generator.project.pipeline import load_valid_project
from generator.rules import urls
from generator.site import build as sitebuild
from generator.site import searchindex
from generator.tools.bench import synthetic
from generator.views import pages as contexts
from generator.views import site


@pytest.fixture(scope="module")
def project():
    return load_valid_project(DATA).project


@pytest.fixture(scope="module")
def built(project):
    return sitebuild.generate(project, site_url="https://example.org/lb/")


def _page_at(generated, url: str) -> str:
    """The generated page served at ``url`` (from the site's root, without its fragment)."""
    by_url = {urls.page_url(path): text for path, text in generated.pages.items()
              if path.endswith(".md")}
    return by_url[url.split("#", 1)[0]]


class _Stub(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.meta, self.links = [], {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "meta":
            self.meta[attrs.get("name") or attrs.get("http-equiv") or "charset"] = attrs.get("content")
        if tag in ("a", "link"):
            self.links.append((tag, attrs.get("rel"), attrs["href"]))


@pytest.mark.parametrize("kind,key", [("models", "sdn-m2"), ("papers", "arxiv-1704.02157")])
def test_a_one_result_pages_old_address_is_a_stub_sending_to_its_row(built, kind, key):
    data = site.derive(load_valid_project(DATA).project)
    folded = data.folded.models if kind == "models" else data.folded.papers
    target = folded[key]  # tasks/TASK/LEADERBOARD/#ANCHOR (or the task's page, folded too)
    assert f"{kind}/{key}.md" not in built.pages  # no page of its own
    stub = built.direct[f"{kind}/{key}/index.html"]  # written past MkDocs: no theme
    assert len(stub.encode()) < 1000 and "md-header" not in stub and "<script" not in stub
    parsed = _Stub()
    parsed.feed(stub)
    assert parsed.meta["robots"] == "noindex"
    assert parsed.meta["refresh"] == f"0; url=../../{target}"
    assert ("a", None, f"../../{target}") in parsed.links  # a visible link too
    page = target.split("#")[0]
    assert ("link", "canonical", f"https://example.org/lb/{page}") in parsed.links
    anchor = target.split("#")[1]
    assert f'<tr id="{anchor}"' in _page_at(built, target)  # the row is there, with that id


def test_the_table_links_a_one_result_model_and_paper_to_the_row(built):
    data = site.derive(load_valid_project(DATA).project)
    anchor = data.folded.models["sdn-m2"].split("#")[1]
    page = _page_at(built, data.folded.models["sdn-m2"])
    row = re.search(f'<tr id="{anchor}".*?</tr>', page, re.S)[0]
    assert f'<td class="lb-model" data-sort="SDN-M2* + COCO + MS"><a href="#{anchor}"' in row
    assert "models/sdn-m2/" not in page
    # a model of several results keeps its page, and the links to it
    assert 'href="../../../models/deeplab-v3-xception-65/"' in page
    paper = data.folded.papers["arxiv-1704.02157"]
    anchor = paper.split("#")[1]
    row = re.search(f'<tr id="{anchor}".*?</tr>', _page_at(built, paper), re.S)[0]
    assert f'<a class="lb-clip" href="#{anchor}"' in row
    assert 'href="https://arxiv.org/abs/1704.02157"' in row  # and the paper itself
    assert "papers/arxiv-1704.02157/" not in "".join(built.pages.values())


def test_the_indexes_compare_page_and_search_go_to_the_row(built):
    data = site.derive(load_valid_project(DATA).project)
    row = data.folded.models["sdn-m2"]
    assert f'<a href="../{row}">SDN-M2</a>' in built.pages["models/index.md"]
    assert f'"at":"{row}"' in built.site_files["data/models.json"]
    paper = data.folded.papers["arxiv-1704.02157"]
    assert f'<a href="../{paper}">arXiv:1704.02157</a>' in built.pages["papers/index.md"]
    locations = {d["location"] for d in built.search}
    assert row in locations and "models/sdn-m2/" not in locations
    assert not [p for p in built.direct if sitebuild.is_stub(p) and p[:-len("index.html")]
                in locations]  # no stub in the search


def test_pages_of_several_results_are_as_without_folding(project, built):
    unfolded = sitebuild.generate(project, sections=("papers", "models"))
    assert unfolded.pages.keys() >= built.pages.keys()  # the folded pages as well
    data = site.derive(project)
    several = [p for p in built.pages if p.startswith(("papers/", "models/")) and "index" not in p]
    assert len(several) == 19 + 21  # of 24 papers and 46 models
    for path in several:  # the same page, but for links to a paper of one result: its row
        text = built.pages[path]
        for key, row in data.folded.papers.items():
            text = text.replace(f'href="../../{row}"', f'href="../../papers/{key}/"')
        assert text == unfolded.pages[path], path


def test_a_result_past_the_rows_its_page_shows_keeps_its_pages(tmp_path):
    data = tmp_path / "data"
    (data / "tasks").mkdir(parents=True)
    lines = ["title: Big", "leaderboards:", "- id: big", "  title: Big board", "  metrics:",
             "  - name: Accuracy", "  results:"]
    for i in range(site.PAGE_ROWS + 5):  # a model and a paper each
        lines += [f"  - model: Net {i}", f"    values: {{Accuracy: {i / 100:.2f}}}",
                  f"    paper: https://arxiv.org/abs/2001.{i:05d}"]
    (data / "tasks" / "big.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    project = load_valid_project(data).project
    generated = sitebuild.generate(project)
    view = site.derive(project).views["big/big"]
    hidden = len(view.rows) - site.rows_shown(view, site.FIX_BYTES)
    assert hidden >= 5  # Net 0..4 at least, the worst
    models = [p for p in generated.pages if p.startswith("models/") and p != "models/index.md"]
    papers = [p for p in generated.pages if p.startswith("papers/") and p != "papers/index.md"]
    assert len(models) == len(papers) == hidden  # the rows the page does not show
    assert "models/net-0.md" in models and "models/net-0/index.html" not in generated.direct
    assert "models/net-504/index.html" in generated.direct  # the best, shown: folded


# --- the indexes, split ------------------------------------------------------------------

def _index_pages(data, section):
    return [(path, context) for path, context in contexts.page_contexts(data)
            if path.split("/")[0] == section and "index" in path]


@pytest.mark.parametrize("section,entries", [("papers", "papers"), ("models", "models"),
                                             ("datasets", None)])
def test_a_big_index_is_split_and_every_entry_is_on_one_page(project, monkeypatch, section,
                                                               entries):
    whole = _index_pages(site.derive(project), section)
    assert [path for path, _ in whole] == [f"{section}/index.md"]  # the bundled data: one page
    monkeypatch.setattr(site, "INDEX_BYTES", 1_500)
    found = _index_pages(site.derive(project), section)
    (path, front), parts = found[0], found[1:]
    assert path == f"{section}/index.md" and front.part is None and len(parts) > 2
    assert [p.slug for p in front.parts] == [c.part for _, c in parts]
    assert [p for p, _ in parts] == [f"{section}/index/{c.part}.md" for _, c in parts]

    def listed(context):
        if entries:
            return [e.key for e in getattr(context, entries)]
        return [d.id for _, _, group in context.groups for d in group] + \
            [d.id for d in context.unused]
    everything = listed(whole[0][1])
    assert listed(front) == []  # the index's own page lists the pages, no entry
    split = [key for _, context in parts for key in listed(context)]
    assert sorted(split) == sorted(everything) and len(split) == len(everything)
    for (_, context), part in zip(parts, front.parts):
        assert part.count == len(listed(context)) and context.total == len(everything)
        text = render.render(context.TEMPLATE, None, **context.values())
        assert "search:\n  exclude: true" in text  # each entry has its own search entry
        assert f'aria-current="page" title="{escape(part.first)} – {escape(part.last)}"' in text
    text = render.render(front.TEMPLATE, None, **front.values())
    assert "exclude" not in text and all(f"{section}/index/{p.slug}/" in text for p in front.parts)


def test_the_groups_are_years_and_initials():
    assert site.year_group("2019-07")[1:] == ("2019", "2019")
    assert site.year_group(None)[1:] == ("undated", "Undated")
    assert site.initial_group("élan")[1:] == ("e", "E")
    assert site.initial_group("3D-Net")[1:] == ("0-9", "0–9")
    assert site.initial_group("通义千问")[1:] == ("other", "Other")
    assert site.initial_group("(ensemble)")[1:] == ("e", "E")
    orders = sorted([site.initial_group(n)[0] for n in ("Zeta", "通义", "1x", "alpha")])
    assert orders == [site.initial_group(n)[0] for n in ("1x", "alpha", "Zeta", "通义")]


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory):
    """The bench's synthetic data (every result its own paper, as at x4), 4,000 results."""
    data = synthetic(tmp_path_factory.mktemp("synthetic") / "data", 400, 700, 4000)
    return site.derive(load_valid_project(data).project)


def test_no_index_page_of_a_big_site_passes_its_share(synthetic_site, monkeypatch):
    """At x4 (60,000 papers) the papers index was 7.13 MB; split, each page weighs about
    ``INDEX_BYTES`` at most.  Here at a tenth of it (4,000 papers)."""
    limit = site.INDEX_BYTES // 10
    monkeypatch.setattr(site, "INDEX_BYTES", limit)
    sizes = {}
    for path, context in contexts.page_contexts(synthetic_site):
        if path.split("/")[0] in ("papers", "models", "datasets") and "index" in path:
            sizes[path] = len(render.render(context.TEMPLATE, None, **context.values()).encode())
    for section in ("papers", "models", "datasets"):
        mine = [size for path, size in sizes.items() if path.startswith(section + "/")]
        assert len(mine) > 3, section  # split
        # the entries within about a tenth of the estimate, with the list of pages
        assert max(mine) < limit * 1.15 + 200 * len(mine) + 2_000, (section, max(mine))
    papers = synthetic_site.papers
    assert sum(key in synthetic_site.folded.papers for key in papers) > 0.95 * len(papers)


def test_the_estimates_are_within_a_tenth_on_big_pages(synthetic_site, monkeypatch):
    monkeypatch.setattr(site, "INDEX_BYTES", 60_000)
    weigh = {"papers": lambda c: sum(map(contexts._paper_bytes, c.papers)),
             "models": lambda c: sum(map(contexts._model_bytes, c.models)),
             "datasets": lambda c: sum(contexts._dataset_bytes(d) for _, _, g in c.groups
                                       for d in g) + sum(map(contexts._dataset_bytes, c.unused))}
    for path, context in contexts.page_contexts(synthetic_site):
        section = path.split("/")[0]
        if "/index/" in path:
            estimate = weigh[section](context)
            if estimate > 30_000:
                size = len(render.render(context.TEMPLATE, None, **context.values()).encode())
                assert 0.85 < size / estimate < 1.15, (path, size, estimate)


def test_search_entries_of_folded_rows_follow_their_pages_entry(synthetic_site):
    docs = [d["location"] for d in searchindex.entries(synthetic_site)]
    seen = set()
    for location in docs:
        if "#" in location:
            assert location.split("#")[0] in seen, location  # Material files it under it
        seen.add(location)
    assert len(docs) == len(set(docs))


# --- the site as MkDocs builds it --------------------------------------------------------

@pytest.mark.slow
def test_a_big_site_builds_strictly_with_split_indexes_and_stubs(tmp_path):
    """3,000 results of the bench's synthetic data: the papers index past ``INDEX_BYTES``."""
    import json
    from test_plugin import mkdocs, project as site_project
    data = synthetic(tmp_path / "data", 300, 520, 3000)
    root = site_project(tmp_path)
    run = mkdocs(root, env={"LEADERBOARD_DATA": str(data)})
    assert run.returncode == 0, run.stderr
    built = root / "site"
    parts = sorted(p.parent.name for p in (built / "papers" / "index").glob("*/index.html"))
    assert len(parts) > 3 and "2020" in parts
    front = (built / "papers" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="index/{part}/"' in front or f'index/{part}/"' in front for part in parts)
    assert max(p.stat().st_size for p in built.rglob("*.html")) < 1_000_000
    sitemaps = "".join(p.read_text(encoding="utf-8") for p in built.glob("sitemap*.xml"))
    search = {d["location"] for d in json.loads(
        (built / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]}
    assert "/papers/index/2020/" in sitemaps and "papers/index/2020/" not in search
    stubs = [p for p in (built / "papers").glob("*/index.html") if p.stat().st_size < 1000]
    assert len(stubs) > 2500
    for stub in stubs[:50]:
        url = stub.parent.relative_to(built).as_posix() + "/"
        assert f"/{url}<" not in sitemaps and url not in search
        target = re.search(r'url=\.\./\.\./([^"]+)"', stub.read_text(encoding="utf-8"))[1]
        page, anchor = target.split("#")
        assert f'<tr id="{anchor}"' in (built / page / "index.html").read_text(encoding="utf-8")
        assert target in search  # its entry is its row's

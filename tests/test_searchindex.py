"""The site's search entries (one short entry per generated page, made from the data), the
index they join, and the wiring of Material's search (loaded on use, exact words first).
How a reader finds things with them is tests/browser/test_search.py."""
from __future__ import annotations

import json
import re

import pytest

from generator.project.pipeline import load_valid_project
from generator.site import searchindex
from generator.site import stamping
from generator.views import site
from helpers import DATA


@pytest.fixture(scope="module")
def data():
    return site.derive(load_valid_project(DATA).project)


@pytest.fixture(scope="module")
def docs(data):
    return {d["location"]: d for d in searchindex.entries(data)}


def test_every_generated_page_has_one_short_entry_by_its_name(data, docs):
    project = data.project
    wanted = {f"tasks/{t.id}/" for t in project.tasks}
    wanted |= {f"tasks/{v.task_id}/{v.id}/" for v in data.views.values() if not v.folded}
    # a task's one leaderboard is on its page: its entry is a section of the task's
    wanted |= {f"tasks/{v.task_id}/#{v.id}" for v in data.views.values() if v.folded}
    wanted |= {f"datasets/{d}/" for d in project.datasets}
    wanted |= {f"models/{k}/" for k in data.models if k not in data.folded.models}
    wanted |= {f"papers/{k}/" for k in data.papers if k not in data.folded.papers}
    # a model or paper of one result has no page: its entry is its row's, one for both
    rows = set(data.folded.models.values()) | set(data.folded.papers.values())
    assert rows and all("/#" in row for row in rows)
    assert set(docs) == wanted | rows
    assert docs["datasets/ade20k/"] == {"location": "datasets/ade20k/", "title": "ADE20K",
                                        "text": "Dataset", "boost": docs["datasets/ade20k/"]["boost"]}
    voc = docs["tasks/semantic_segmentation/pascal-voc-2012-validation-set/"]
    assert (voc["title"], voc["text"]) == ("Semantic segmentation on PASCAL VOC 2012 — Validation set",
                                           "Leaderboard")
    assert docs["models/deeplab-v3-xception-65/"]["text"] == "Model"
    assert docs["papers/arxiv-1706.05587/"]["text"] == "Paper · arXiv 1706.05587"  # found by it
    sdn = docs[data.folded.models["sdn-m2"]]  # one result: at its row, as a section of its page
    assert (sdn["title"], sdn["text"]) == ("SDN-M2", "Model")
    xception = docs[data.folded.papers["arxiv-1610.02357"]]  # its model's one result too
    assert (xception["title"], xception["text"]) == (
        "Xception", "Model · Paper · arXiv 1610.02357")  # its paper has no title
    for row in rows:  # Material files a "#" entry under its page's, which comes first
        assert row.split("#")[0] in docs and list(docs).index(row.split("#")[0]) < list(docs).index(row)
    assert docs["tasks/semantic_segmentation/"]["text"].startswith("Task")
    # no table, no list of names: the longest text is a task's first sentence
    assert max(len(d["text"]) for d in docs.values()) <= len("Task · ") + 161
    assert list(docs) == sorted(docs)


def test_a_bigger_page_and_a_shorter_name_weigh_more():
    assert searchindex.boost("dataset", "ImageNet", 310) > searchindex.boost("dataset", "ImageNet", 3)
    # the name that is the word typed before the longer names holding it
    assert searchindex.boost("dataset", "ImageNet", 20) > \
        searchindex.boost("dataset", "ImageNet 64x64 downsampled", 20)
    # "on" is no word of the name: a leaderboard is its task's words and its dataset's
    assert searchindex.boost("leaderboard", "Image Classification on ImageNet", 199) == \
        searchindex.boost("leaderboard", "Image Classification ImageNet", 199)
    assert searchindex.boost("paper", "ImageNet", 1) < searchindex.boost("model", "ImageNet", 1) \
        < searchindex.boost("dataset", "ImageNet", 1)


def test_names_and_texts_are_escaped_for_the_results_html(data):
    task = data.project.tasks[0]
    original = task.title
    try:
        task.title = "Q&A <b>bold</b>"
        entry = next(d for d in searchindex.entries(data) if d["location"] == f"tasks/{task.id}/")
        assert entry["title"] == "Q&amp;A &lt;b&gt;bold&lt;/b&gt;"
    finally:
        task.title = original


def test_a_description_gives_its_first_sentence_as_plain_text():
    assert searchindex.summary("**Semantic segmentation** is [labelling](https://x.org) each "
                               "pixel. Another sentence.") \
        == "Semantic segmentation is labelling each pixel."
    long = searchindex.summary("word " * 100)
    assert len(long) <= 161 and long.endswith("word…")
    assert searchindex.summary(None) == ""


def test_only_the_published_sections_have_entries(data):
    unfolded = site.derive(data.project, fold=False)  # as built without the tasks' pages
    found = {d["location"].split("/")[0] for d in searchindex.entries(unfolded, ["models"])}
    assert found == {"models"}
    found = {d["location"].split("/")[0] for d in searchindex.entries(data, ["tasks", "models"])}
    assert found == {"tasks"} | {"models"}


def _index(tmp_path, config=None):
    (tmp_path / "search").mkdir(exist_ok=True)
    index = tmp_path / "search" / "search_index.json"
    index.write_text(json.dumps({"config": config or {"lang": ["en"], "separator": r"[\s\-]+"},
                                 "docs": [{"location": "", "title": "Home", "text": ""}]}),
                     encoding="utf-8")
    return index


def test_entries_join_the_index_the_search_plugin_wrote(tmp_path):
    index = _index(tmp_path)
    searchindex.add(tmp_path, [{"location": "papers/b/", "title": "B", "text": "", "boost": 1},
                               {"location": "papers/a/", "title": "A", "text": "", "boost": 2}])
    written = json.loads(index.read_text(encoding="utf-8"))
    assert [d["location"] for d in written["docs"]] == ["", "papers/a/", "papers/b/"]
    # names split at punctuation too: BERT+AC, NCBI_BERT, "Sentence-BERT:"
    assert written["config"]["separator"] == searchindex.SEPARATOR
    separator = re.compile(searchindex.SEPARATOR)
    words = lambda name: [w for w in separator.split(name.lower()) if w]  # noqa: E731
    assert words("BERT+AC") == ["bert", "ac"] and words("NCBI_BERT") == ["ncbi", "bert"]
    assert words("Sentence-BERT: Siamese") == ["sentence", "bert", "siamese"]
    assert words("SQuAD1.1 arXiv 1706.05587") == ["squad1.1", "arxiv", "1706.05587"]
    assert words("Q&amp;A") == ["q", "a"]
    searchindex.add(tmp_path / "no-site", [{"location": "x/", "title": "X", "text": ""}])


def test_a_site_that_sets_its_own_separator_keeps_it(tmp_path):
    index = _index(tmp_path, {"lang": ["en"], "separator": r"[\s]+"})
    searchindex.add(tmp_path, [])
    assert json.loads(index.read_text(encoding="utf-8"))["config"]["separator"] == r"[\s]+"


def test_a_rebuild_writes_the_index_a_build_writes(tmp_path):
    docs = [{"location": "models/m/", "title": "M", "text": "Model", "boost": 2.5}]
    built, rebuilt = tmp_path / "built", tmp_path / "rebuilt"
    for folder in (built, rebuilt):
        folder.mkdir()
        _index(folder)
    searchindex.add(built, docs)
    kept = searchindex.keep(rebuilt, [""], set(), docs, searchindex.Kept())
    assert (rebuilt / searchindex.INDEX).read_bytes() == (built / searchindex.INDEX).read_bytes()
    _index(rebuilt)
    searchindex.keep(rebuilt, [""], set(), [dict(docs[0], title="N")], kept)
    assert '"title":"N"' in (rebuilt / searchindex.INDEX).read_text(encoding="utf-8")


PAGE = ('<html><head></head><body><div class="md-search"></div>\n'
        '<script id="__config" type="application/json">{"base": "..", "features": [], '
        '"search": "../assets/javascripts/workers/search.a7633da7.min.js"}</script>\n'
        '<script src="../assets/javascripts/bundle.a5f9d56c.min.js"></script>\n'
        '<script src="../assets/leaderboard.js"></script></body></html>')


def test_every_page_starts_the_search_through_the_sites_worker_and_on_use():
    wired, material = searchindex.wire(PAGE)
    assert material == "search.a7633da7.min.js"
    name, text = searchindex.worker(material)
    assert f'"search": "../assets/javascripts/workers/{name}"' in wired
    assert re.fullmatch(r"leaderboards-search\.[0-9a-f]{8}\.js", name)
    assert 'importScripts("search.a7633da7.min.js")' in text and "^10 " in text
    # the deferral runs before Material's script, which requests the index
    script = wired.index("<script data-lb-search=")
    assert script < wired.index('<script src="../assets/javascripts/bundle.')
    assert "search_index" in wired[script:wired.index("</script>", script)]
    assert searchindex.wire(wired) == (wired, material)  # once
    plain = "<html><body><p>no theme search</p></body></html>"
    assert searchindex.wire(plain) == (plain, None)
    # the worker's name follows its text: no browser keeps an old one
    assert searchindex.worker("search.0000.min.js")[0] != name


def test_the_worker_is_written_beside_materials(tmp_path):
    workers = tmp_path / "assets" / "javascripts" / "workers"
    workers.mkdir(parents=True)
    searchindex.write_worker(tmp_path, "search.a7633da7.min.js")
    name, text = searchindex.worker("search.a7633da7.min.js")
    assert (workers / name).read_text(encoding="utf-8") == text
    searchindex.write_worker(tmp_path / "none", None)  # no Material search: nothing


def test_stamped_pages_never_reach_materials_index():
    assert "exclude: true" in stamping.PLACEHOLDER

"""Issue 25, class 1: nothing in the data can make an XML output ill-formed.

A model name, a title or a metric holding a character XML 1.0 does not allow (U+FFFE,
U+FFFF, a C0 control but tab/LF/CR) is refused by ``validate`` at its file and line; and
when validation is bypassed, the Atom feed, every badge and the sitemap drop it, so each
still parses with ``xml.etree``.
"""
from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest
from helpers import DATA, replace_once

from generator.project.pipeline import load_project
from generator.site import sitemap
from generator.views.site import site_files

TASK = "semantic_segmentation"
ATOM = "{http://www.w3.org/2005/Atom}"
SVG = "{http://www.w3.org/2000/svg}"
# written as YAML escapes: PyYAML takes a raw U+FFFE or control character in a file as a
# reading error, but a double-quoted scalar's escape makes one
FORBIDDEN = {"U+FFFE": "\\uFFFE", "U+FFFF": "\\uFFFF", "U+0001": "\\x01", "U+001F": "\\x1F"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The bundled data with forbidden characters in a model's name, a leaderboard's title,
    a metric's name and the extra data of the best result of PASCAL VOC validation."""
    data = tmp_path_factory.mktemp("xml") / "data"
    shutil.copytree(DATA, data)
    path = data / "tasks" / f"{TASK}.yml"
    replace_once(path, "- model: SDN-M2*\n", '- model: "SDN\\uFFFE-M2*\\x01"\n')
    replace_once(path, "extra_data: [COCO]", 'extra_data: ["CO\\uFFFFCO"]')
    replace_once(path, "title: PASCAL VOC 2012 — Validation set",
                 'title: "PASCAL\\x1F VOC 2012 — Validation set\\uFFFE"')
    return data


@pytest.fixture(scope="module")
def files(hostile):
    loaded = load_project(hostile)
    assert any("U+FFFE" in p.message for p in loaded.problems), "validation must refuse it"
    return site_files(loaded.project, "https://example.org/leaderboards/")  # validation bypassed


def test_validate_names_each_forbidden_character_at_its_line(cli, hostile):
    run = cli("validate", "--data", str(hostile))
    assert run.code == 1
    lines = (hostile / "tasks" / f"{TASK}.yml").read_text(encoding="utf-8").splitlines()
    model = next(i for i, l in enumerate(lines, 1) if "SDN\\uFFFE" in l)
    title = next(i for i, l in enumerate(lines, 1) if "PASCAL\\x1F" in l)
    extra = next(i for i, l in enumerate(lines, 1) if "CO\\uFFFFCO" in l)
    where = f"{hostile / 'tasks' / TASK}.yml"
    problems = "\n".join(run.problems)
    assert f"{where}:{model}:" in problems and "'model' holds U+FFFE (a noncharacter" in problems
    assert f"{where}:{title}:" in problems and "U+001F" in problems
    assert f"{where}:{extra}:" in problems and "'extra_data' holds U+FFFF" in problems
    assert "Traceback" not in run.err


@pytest.mark.parametrize("written,shown", [
    ("\ufdd0", "U+FDD0"), ("\ufdef", "U+FDEF"), ("\U0001fffe", "U+1FFFE"), ("\U0010ffff", "U+10FFFF"),
])
def test_validate_refuses_every_noncharacter_written_as_it_is(cli, data_copy, written, shown):
    """Noncharacters YAML's reader lets through, in a name and in notes (markdown)."""
    path = data_copy / "tasks" / f"{TASK}.yml"
    model = replace_once(path, "- model: SDN-M2*\n", f"- model: SDN-M2*{written}\n")
    notes = replace_once(path, "notes: '**NB**", f"notes: '{written}**NB**")
    run = cli("validate", "--data", str(data_copy))
    assert run.code == 1
    assert any(p.startswith(f"{path}:{model}:") and f"'model' holds {shown} (a noncharacter" in p
               for p in run.problems), run.err
    assert any(p.startswith(f"{path}:{notes}:") and f"'notes' holds {shown}" in p
               for p in run.problems), run.err


def test_the_feed_parses_and_shows_the_name_without_the_forbidden_characters(files):
    feed = ET.fromstring(files["feed.xml"].encode("utf-8"))
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert any(t.startswith("New best: SDN-M2* + COCO + MS, Score 88.80 on PASCAL VOC 2012 — "
                            "Validation set") for t in titles), titles
    assert not any(ch in files["feed.xml"] for ch in "\ufffe\uffff\x01\x1f")


def test_every_badge_parses(files):
    badges = {path: text for path, text in files.items() if path.endswith(".svg")}
    assert len(badges) > 50
    for path, text in badges.items():
        try:
            ET.fromstring(text.encode("utf-8"))
        except ET.ParseError as exc:
            pytest.fail(f"{path} is not well-formed XML: {exc}")
    best = next(text for path, text in badges.items()
                if path.startswith("badges/semantic_segmentation/pascal-voc-2012-validation-set--sdn"))
    texts = [t.text for t in ET.fromstring(best).iter(f"{SVG}text")]
    assert texts == ["#1 on PASCAL VOC 2012 — Validation set", "SDN-M2* + COCO + MS 88.80"]


@pytest.mark.parametrize("name", sorted(FORBIDDEN))
def test_the_sitemap_parses_whatever_a_page_address_holds(name):
    ch = FORBIDDEN[name].encode().decode("unicode_escape")
    listed = ["", f"tasks/a{ch}b/"]
    mkdocs = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
              f'schemas/sitemap/0.9">\n<url><loc>https://example.org/lb/x{ch}y/</loc></url>\n'
              "</urlset>\n")
    for xml in (sitemap.compose(listed, "https://example.org/lb/", add=[f"papers/p{ch}/"]),
                sitemap.rewrite(mkdocs, "https://example.org/lb/", add=[f"papers/p{ch}/"])):
        locs = [u.text for u in ET.fromstring(xml).iter(f"{{{sitemap.NS}}}loc")]
        assert "https://example.org/lb/papers/p/" in locs, locs
        assert ch not in xml

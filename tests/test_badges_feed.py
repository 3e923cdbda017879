"""Badges for results and the Atom feed of new results and new bests, generated at build time."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from helpers import DATA

from generator.project.pipeline import load_valid_project
from generator.views.site import site_files

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def files():
    return site_files(load_valid_project(DATA).project, "https://example.org/leaderboards/")


def test_the_badge_of_the_best_result_says_rank_1_and_its_value(files):
    svg = files["badges/semantic_segmentation/pascal-voc-2012-validation-set--sdn-m2-coco-ms.svg"]
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["#1 on PASCAL VOC 2012 — Validation set", "SDN-M2* + COCO + MS 88.80"]
    assert root.get("aria-label") == "#1 on PASCAL VOC 2012 — Validation set: SDN-M2* + COCO + MS 88.80"


def test_every_ranked_result_has_a_badge_and_unranked_ones_none(files):
    project = load_valid_project(DATA).project
    ranked = sum(1 for lb in project.leaderboards for r in lb.results
                 if lb.primary and r.values.get(lb.primary.name) is not None)
    assert sum(1 for path in files if path.startswith("badges/")) == ranked


def test_the_feed_is_atom_newest_first_with_new_bests(files):
    text = files["feed.xml"]
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    feed = ET.fromstring(text.encode("utf-8"))
    assert feed.tag == f"{ATOM}feed"
    # RFC 4287: a feed has exactly one id, title and updated, and an author (or every entry has)
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(ids) == len(set(ids)) and all(i.startswith("tag:") for i in ids)
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    for entry in entries:
        assert entry.find(f"{ATOM}title").text and entry.find(f"{ATOM}link").get("href")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert any(t.startswith("New best: SDN-M2* + COCO + MS, Score 88.80 on PASCAL VOC 2012 — "
                            "Validation set") for t in titles)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}base") == "https://example.org/leaderboards/"

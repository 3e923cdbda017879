"""`leaderboard site-diff OLD_SITE NEW_SITE`: what a change does to the built site, page by page
(the new site's checks put it in a pull request's summary; tests/test_release.py runs that step)."""
from __future__ import annotations

from pathlib import Path

from generator.tools.sitediff import address, compare, content


def page(body: str, frame: str = "mkdocs-material-9.8.2") -> str:
    return (f'<html><head><meta name="generator" content="{frame}"></head><body><nav>x</nav>'
            f'<article class="md-content__inner md-typeset">{body}</article></body></html>')


def site(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_addresses_and_content():
    assert address("index.html") == "/" and address("tasks/x/index.html") == "/tasks/x/"
    assert address("404.html") == "/404.html"
    assert content(page("<p>a\n  b</p>", frame="one")) == content(page("<p>a b</p>", frame="two"))
    assert content("<p>no article</p>") == "<p>no article</p>"


def test_pages_added_removed_changed_and_changed_only_around_the_content(tmp_path):
    old = site(tmp_path / "old", {"index.html": page("home"), "tasks/a/index.html": page("a"),
                                  "tasks/b/index.html": page("b"), "gone/index.html": page("g"),
                                  "data/all.json": "{}", "assets/x.css": "a{}"})
    new = site(tmp_path / "new", {"index.html": page("home", frame="mkdocs-material-9.9.0"),
                                  "tasks/a/index.html": page("a, ranked again"),
                                  "tasks/b/index.html": page("b"), "tasks/c/index.html": page("c"),
                                  "data/all.json": '{"x": 1}', "badges/c.svg": "<svg/>"})
    report = compare(old, new)
    assert report.startswith("## Site changes\n\n4 pages: 1 added, 1 removed, 1 with changed "
                             "content, 1 changed only around the content (theme, navigation), "
                             "1 unchanged. Other files (downloads, badges, assets, search index): "
                             "1 added, 1 removed, 1 changed.\n")
    assert "### Pages added (1)\n\n- `/tasks/c/`\n" in report
    assert "### Pages removed (1)\n\n- `/gone/`\n" in report
    assert "### Pages whose content changed (1)\n\n- `/tasks/a/`\n" in report
    assert "byte for byte" not in report


def test_the_same_site_and_a_long_list(tmp_path):
    files = {f"papers/p{i:03}/index.html": page(str(i)) for i in range(40)}
    old = site(tmp_path / "old", {"index.html": page("home"), **files})
    assert "The built site is the same, byte for byte." in compare(old, old)
    new = site(tmp_path / "new", {"index.html": page("home"),
                                  **{k: page(v + "!") for k, v in files.items()}})
    report = compare(old, new)
    assert "### Pages whose content changed (40)" in report
    assert report.count("\n- `/papers/") == 30 and report.endswith("- … and 10 more\n")


def test_not_a_built_site_is_one_line(cli, tmp_path):
    site(tmp_path / "ok", {"index.html": page("home")})
    (tmp_path / "empty").mkdir()
    run = cli("site-diff", str(tmp_path / "ok"), str(tmp_path / "empty"))
    assert run.code == 1 and run.out == ""
    assert run.err == f"error: {tmp_path / 'empty'} is not a built site: it has no index.html\n"
    run = cli("site-diff", str(tmp_path / "ok"), str(tmp_path / "ok"))
    assert run.code == 0 and "0 added, 0 removed" in run.out

"""The benchmark: ``python -m generator bench``.

Measures, side by side in one run (machines here are shared and noisy, so only
ratios between figures of the same run are compared), on the Papers with Code
archive and on synthetic data at x1/x2/x4 of it:

  (a) load + validate              load_project
  (b) render every page and export site_pages + site_files, in memory
  (c) the full mkdocs build        `mkdocs build` with this project's mkdocs.yml
  (d) baseline                     the same tables as plain markdown pages through a
                                   plain mkdocs-material build (default navigation)
  (e) floor                        libyaml's C parse of the same YAML files

It prints medians over --repeat runs, the peak memory of (c), the ratios a/e
and c/d, the growth of (c) from x1 to x4, and the site budget of each site (c) built
(``generator.tools.budget``: total size, largest page, sitemap, search index, first page
view, against GitHub Pages' limits; ``--budget-only SITE_DIR`` prints it for any built site).
"""
from __future__ import annotations

import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from generator.project import collector
from generator.project import yamlwrite
from generator.project.loader import Integer, Number
from generator.project.pipeline import load_project, load_valid_project
from generator.outputs.render import task_markdown
from generator.views.site import site_files
from generator.site.build import site_pages
from generator.tools import budget as site_budget

ROOT = Path(__file__).resolve().parents[2]
ARCHS = ["ResNet", "ViT", "EfficientNet", "ConvNeXt", "Swin", "DeiT", "RegNet", "MobileNet",
         "DenseNet", "BERT", "RoBERTa", "T5", "GPT", "XLNet", "HRNet", "DeepLab", "PSPNet",
         "Mask R-CNN", "YOLO", "DETR", "UNet", "Transformer-XL", "ELECTRA", "NASNet"]
TRICKS = ["", "", "", "-Large", "-Base", " (ensemble)", " + distillation", " w/ RandAugment"]
WORDS = ["Image", "Video", "Text", "Speech", "Graph", "3D", "Medical", "Few-Shot", "Semantic",
         "Instance", "Object", "Action", "Question", "Language", "Point Cloud", "Depth", "Pose"]
NOUNS = ["Classification", "Segmentation", "Detection", "Recognition", "Answering", "Generation",
         "Estimation", "Retrieval", "Translation", "Modeling", "Tracking", "Parsing"]


def synthetic(out: Path, tasks: int, boards: int, results: int, seed: int = 7) -> Path:
    """A data folder shaped like the archive: realistic names, 2 metrics, 3 links a row.

    Every result cites its own paper, so it has more paper pages than the archive (which
    has about 3.4 results a paper): a harsher case for the build."""
    rng = random.Random(seed)
    (out / "tasks").mkdir(parents=True)
    (out / "datasets").mkdir(parents=True)
    per_board = [max(1, min(250, int(rng.lognormvariate(1.0, 1.0)))) for _ in range(boards)]
    scale = results / sum(per_board)
    per_board = [max(1, round(n * scale)) for n in per_board]
    datasets = max(1, boards * 4 // 5)
    for d in range(datasets):
        text = yamlwrite.dump({"name": f"{rng.choice(WORDS)} Benchmark {d}",
                               "links": [{"kind": "website", "label": "Website",
                                          "url": f"https://example.org/datasets/{d}"}]})
        (out / "datasets" / f"dataset-{d}.yml").write_text(text, encoding="utf-8")
    board = 0
    for t in range(tasks):
        count = boards // tasks + (1 if t < boards % tasks else 0)
        leaderboards = []
        for _ in range(count):
            rows = []
            for r in range(per_board[board]):
                year, month = rng.randint(15, 20), rng.randint(1, 12)
                arxiv = f"{year:02d}{month:02d}.{rng.randint(1000, 99999):05d}"
                acc, params = round(rng.uniform(40, 99), 2), rng.randint(1, 900)
                rows.append({
                    "model": f"{rng.choice(ARCHS)}-{rng.choice([18, 34, 50, 101, 152])}"
                             f"{rng.choice(TRICKS)} #{r}",
                    "values": {"Accuracy": Number(acc, f"{acc:.2f}"),
                               "Params": Integer(params, str(params))},
                    "paper": f"https://arxiv.org/abs/{arxiv}",
                    "weights": [{"label": "PyTorch", "url": f"https://example.org/w/{board}/{r}.pt"}],
                    "code": [{"label": "GitHub", "url": f"https://github.com/example/repo-{board}-{r}"}],
                })
            leaderboards.append({"id": f"board-{board}", "title": f"Benchmark {board}",
                                 "dataset": f"dataset-{board % datasets}",
                                 "metrics": [{"name": "Accuracy", "unit": "%", "decimals": 2},
                                             {"name": "Params", "unit": "M", "direction": "lower"}],
                                 "results": rows})
            board += 1
        task = {"title": f"{rng.choice(WORDS)} {rng.choice(NOUNS)} {t}", "leaderboards": leaderboards}
        (out / "tasks" / f"task-{t}.yml").write_text(yamlwrite.dump(task), encoding="utf-8")
    return out


def _timed(fn, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def _run(cmd: list[str], cwd: Path, env: dict) -> tuple[float, int]:
    """(seconds, peak RSS in MiB) of a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024


def _yaml_floor(data: Path) -> int:
    files = sorted([*data.glob("tasks/*.yml"), *data.glob("datasets/*.yml")])
    with collector.paused():  # as load_project parses: the floor gets the same help
        for path in files:
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    return len(files)


def _baseline_docs(data: Path, work: Path) -> Path:
    """The same tables as plain markdown pages, in a plain mkdocs-material project."""
    project = load_valid_project(data).project
    docs = work / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Leaderboards\n", encoding="utf-8")
    for task in project.tasks:
        (docs / f"{task.id}.md").write_text(task_markdown(task, project), encoding="utf-8")
    (work / "mkdocs.yml").write_text("site_name: Baseline\ntheme:\n  name: material\n",
                                     encoding="utf-8")
    return work


def measure(name: str, data: Path, work: Path, repeat: int, baseline: bool) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", LEADERBOARD_DATA=str(data.resolve()))
    row: dict = {"data": name}
    row["e"], files = _timed(lambda: _yaml_floor(data), repeat)
    row["a"], loaded = _timed(lambda: load_project(data), repeat)
    counts = loaded.project.counts()
    row["files"], row["results"] = files, counts["results"]
    row["b"], pages = _timed(lambda: (site_pages(loaded.project), site_files(loaded.project)),
                             repeat)
    row["pages"] = len(pages[0])
    builds = [_run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(work / f"site-{i}")],
                   ROOT, env) for i in range(repeat)]
    row["c"] = statistics.median(b[0] for b in builds)
    row["peak_mb"] = max(b[1] for b in builds)
    row["budget"] = page_budget(work / "site-0")
    row["site_budget"] = site_budget.budget(work / "site-0")  # the site (c) built, as it is
    if baseline:
        base = _baseline_docs(data, work / "baseline")
        runs = [_run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(work / f"base-{i}")],
                     base, env) for i in range(repeat)]
        row["d"] = statistics.median(r[0] for r in runs)
    return row


def page_budget(site: Path) -> dict:
    """What a reader downloads: the largest HTML page (bytes, and gzipped as a server sends
    it), the pages over 1 MB, all HTML pages' total, and the search index."""
    import gzip

    sizes = sorted(((p.stat().st_size, p) for p in site.rglob("*.html")), reverse=True)
    size, largest = sizes[0]
    index = site / "search" / "search_index.json"
    index_bytes = index.read_bytes() if index.exists() else b""
    try:
        entries = len(json.loads(index_bytes or b"{}").get("docs", []))
    except ValueError:
        entries = 0
    home = site / "index.html"
    # the home page's search waits for the reader to open it (site.searchindex.DEFER)
    deferred = home.exists() and "data-lb-search=" in home.read_text(encoding="utf-8")
    return {"largest": largest.parent.relative_to(site).as_posix() + "/", "largest_bytes": size,
            "largest_gzip": len(gzip.compress(largest.read_bytes(), 6)),
            "over_1mb": sum(1 for s, _ in sizes if s > 1_000_000), "html_pages": len(sizes),
            "html_total": sum(s for s, _ in sizes), "search_bytes": len(index_bytes),
            "search_gzip": len(gzip.compress(index_bytes, 6)), "search_entries": entries,
            "search_first_view": 0 if deferred else len(index_bytes)}


def browser_clicks(data: Path, work: Path) -> dict | None:
    """Milliseconds per sort click and per filter change on the largest leaderboard."""
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(chromium).exists():
        return None
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    project = load_valid_project(data).project
    largest = max(project.leaderboards, key=lambda lb: len(lb.results))
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    site = work / "browser-site"
    site.mkdir()
    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", LEADERBOARD_DATA=str(data.resolve()),
               SITE_URL=url + "/")
    _run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)], ROOT, env)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium,
                                        args=["--no-sandbox", "--disable-background-networking"])
            page = browser.new_page()
            page.goto(f"{url}/tasks/{largest.task_id}/")
            timings = page.evaluate("""(id) => {
                const table = document.getElementById('table-' + id);
                const buttons = Array.from(table.querySelectorAll('thead th[data-sort-type] button'));
                const sorts = [];
                for (let round = 0; round < 3; round++) for (const b of buttons) {
                    const t = performance.now(); b.click(); sorts.push(performance.now() - t);
                }
                const form = document.querySelector('form.lb-filters');
                const filters = [];
                for (const box of ['extra', 'code', 'weights', 'ms']) for (let k = 0; k < 2; k++) {
                    if (!form.elements[box]) continue;  // offered only where the data can answer it
                    const t = performance.now(); form.elements[box].click(); filters.push(performance.now() - t);
                }
                for (const q of ['a', 'ne', 'net', '']) {
                    const t = performance.now(); form.elements.q.value = q;
                    form.dispatchEvent(new Event('input')); filters.push(performance.now() - t);
                }
                const med = a => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
                return {sort_median: med(sorts), sort_max: Math.max(...sorts),
                        filter_median: med(filters), filter_max: Math.max(...filters)};
            }""", largest.id)
            browser.close()
    finally:
        server.shutdown()
    return {"leaderboard": f"{largest.task_id}/{largest.id}", "rows": len(largest.results), **timings}


def _edit_target(data: Path) -> tuple[Path, str, str, str]:
    """(task file, leaderboard page URL, value as written, metric) of the first result of
    the first leaderboard with one: what the edit measurements change."""
    from generator.project.loader import load_file
    from generator.rules.numbers import Integer, Number

    for path in sorted((data / "tasks").glob("*.yml")):
        doc, _ = load_file(path)
        boards = (doc.data or {}).get("leaderboards") if doc is not None else None
        if not boards or not boards[0].get("results"):
            continue
        board, result = boards[0], boards[0]["results"][0]
        for metric in board.get("metrics") or []:
            value = (result.get("values") or {}).get(metric.get("name"))
            if isinstance(value, (Number, Integer)):
                return path, f"tasks/{path.stem}/{board['id']}/", value.text, metric["name"]
    raise RuntimeError(f"no result to edit in {data}")


def _edit(path: Path, old: str, metric: str, avoid: str) -> str:
    """Change the first result's value (written ``old``) to a number with as many decimals
    that ``avoid`` (the page as served) does not hold; return it as written."""
    decimals = len(old.split(".")[1]) if "." in old else 0
    rng = random.Random(11)
    while True:
        new = f"{rng.uniform(10, 99):.{decimals}f}" if decimals else str(rng.randint(10_000, 99_999))
        if new not in avoid and new != old:
            break
    text = path.read_text(encoding="utf-8")
    at = text.index(f"{metric}: {old}", text.index("results:"))
    path.write_text(text[:at] + f"{metric}: {new}" + text[at + len(metric) + 2 + len(old):],
                    encoding="utf-8")
    return new


def validate_edit(data: Path, work: Path) -> dict:
    """Seconds of `validate` in full and of `validate --changed` after one edited result,
    each as a user runs it (a new process); the cache filled by one run before."""
    import shutil

    copy = work / "validate" / "data"
    shutil.copytree(data, copy)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "generator", "validate", "--data", str(copy)]
    full, _ = _run(command, ROOT, env)
    _run([*command, "--changed"], ROOT, env)  # fills .leaderboard-cache
    path, _, old, metric = _edit_target(copy)
    _edit(path, old, metric, "")
    changed, _ = _run([*command, "--changed"], ROOT, env)
    return {"validate": full, "validate_changed": changed}


def serve_edit(data: Path, work: Path) -> dict:
    """`mkdocs serve` on a copy of ``data``: seconds until it serves a leaderboard page, then
    from saving one edited result until the page shows the new value."""
    import shutil
    import socket
    import urllib.request

    copy = work / "serve" / "data"
    shutil.copytree(data, copy)
    path, url_path, old, metric = _edit_target(copy)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SITE_URL=f"http://127.0.0.1:{port}/",
               LEADERBOARD_DATA=str(copy))
    start = time.monotonic()
    log = work / "serve" / "log"
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--livereload",
                                   "-a", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=out)
    url = f"http://127.0.0.1:{port}/{url_path}"

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""
    try:
        first = ""
        while old not in first and time.monotonic() < start + 900:
            time.sleep(0.2)
            first = page()
        served = time.monotonic() - start
        # the server watches for changes once it says it serves (after its first build)
        while b"Serving on" not in log.read_bytes() and time.monotonic() < start + 900:
            time.sleep(0.2)
        time.sleep(1)
        new = _edit(path, old, metric, first)
        edited = time.monotonic()
        while new not in page() and time.monotonic() < edited + 300:
            time.sleep(0.05)
        took = time.monotonic() - edited
        if took >= 300:
            raise RuntimeError(f"mkdocs serve did not show the edit at {url}")
        return {"serve_first": served, "edit_to_page": took}
    finally:
        stop_server(server)


def stop_server(server: subprocess.Popen) -> None:
    """Stop `mkdocs serve` as Ctrl-C does, so that it removes the site it built in a
    temporary folder (gigabytes on the archive); killed if it does not end."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=120)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main(archive: Path, scales: list[int], repeat: int, browser: bool,
         baseline_up_to: int | None = None, zensical: bool = False) -> int:
    from generator.importers import plan_pwc

    with tempfile.TemporaryDirectory(prefix="lb-bench-") as tmp:
        work = Path(tmp)
        print(f"importing {archive} ...", file=sys.stderr)
        plan = plan_pwc(archive, work / "archive")
        plan.write()
        archive_data = work / "archive"
        counts = load_project(archive_data).project.counts()
        rows = []
        datasets = [("archive", archive_data)]
        for k in scales:
            datasets.append((f"synthetic x{k}", synthetic(
                work / f"x{k}", counts["tasks"] * k, counts["leaderboards"] * k,
                counts["results"] * k)))
        for name, data in datasets:
            print(f"measuring {name} ...", file=sys.stderr)
            scale = int(name.split("x")[-1]) if name.startswith("synthetic") else 0
            # its own folder, not inside the data folder: `mkdocs serve` watches all of that
            folder = work / "measured" / name.replace(" ", "-")
            rows.append(measure(name, data, folder, repeat,
                                baseline=baseline_up_to is None or scale <= baseline_up_to))
            print(f"measuring one edit on {name} ...", file=sys.stderr)
            rows[-1].update(validate_edit(data, folder))
            rows[-1].update(serve_edit(data, folder))
        clicks = browser_clicks(archive_data, work) if browser else None
        built = []
        if zensical:  # the second builder, from `pages --out`, on each data set
            from generator.tools import zensical as second
            for name, data in datasets:
                print(f"building {name} with Zensical ...", file=sys.stderr)
                built.append((name, second.build(data, ROOT, work / "zensical" / name.replace(" ", "-"))))
    print(report(rows, clicks, repeat, scales))
    if built:
        print("\nZensical's build from `pages --out` (its search index checked against its limits)\n")
        print("| data | built | pages | seconds | its last line |\n|:--|:--|--:|--:|:--|")
        for name, found in built:
            print(f"| {name} | {'yes' if found['ok'] else '**no**'} | {found['pages']:,} | "
                  f"{found['seconds']:.0f} | {found['message'].replace('|', '/')} |")
    return 0 if all(found["ok"] for _, found in built) else 1


def budget_only(site: Path, as_json: bool = False) -> int:
    """`bench --budget-only SITE_DIR`: the site budget of a built site, without the bench."""
    return site_budget.main(site, as_json)


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.2f} MB" if size >= 100_000 else f"{size / 1000:.0f} KB"


def report(rows: list[dict], clicks: dict | None, repeat: int, scales: list[int]) -> str:
    lines = [f"medians of {repeat} runs, seconds; peak = max RSS of the mkdocs build (MiB)", "",
             "| data | files | results | pages | (a) load+validate | (b) render | (c) mkdocs build "
             "| (d) baseline | (e) libyaml | a/e | c/d | peak |",
             "|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        d = r.get("d")
        lines.append(f"| {r['data']} | {r['files']} | {r['results']} | {r['pages']} | {r['a']:.2f} "
                     f"| {r['b']:.2f} | {r['c']:.2f} | {d:.2f} | {r['e']:.2f} | {r['a'] / r['e']:.2f} "
                     f"| {r['c'] / d:.2f} | {r['peak_mb']} |" if d else
                     f"| {r['data']} | {r['files']} | {r['results']} | {r['pages']} | {r['a']:.2f} "
                     f"| {r['b']:.2f} | {r['c']:.2f} | – | {r['e']:.2f} | {r['a'] / r['e']:.2f} | – "
                     f"| {r['peak_mb']} |")
    by = {r["data"]: r for r in rows}
    if f"synthetic x{scales[0]}" in by and f"synthetic x{scales[-1]}" in by and len(scales) > 1:
        first, last = by[f"synthetic x{scales[0]}"], by[f"synthetic x{scales[-1]}"]
        lines += ["", f"growth of (c) from x{scales[0]} to x{scales[-1]}: "
                      f"{last['c'] / first['c']:.2f}x for {scales[-1] // scales[0]}x the data"]
    budgets = [(r["data"], r["site_budget"]) for r in rows if r.get("site_budget")]
    if budgets:
        lines += ["", "The site budget of each site (c) built; the limits are for the site at "
                      "the scale of all of Papers with Code (x4): GitHub Pages' 1 GB, the sitemap "
                      "protocol's 50,000 URLs a file; a first page view (its HTML, assets, search "
                      "worker and what instant navigation fetches) gzipped:", "",
                  site_budget.table(budgets)]
    lines += ["", "| data | HTML pages | largest page | its size | gzipped | pages over 1 MB "
                  "| all HTML | search index | gzipped |", "|:--|--:|:--|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        b = r["budget"]
        lines.append(f"| {r['data']} | {b['html_pages']} | {b['largest']} | {_mb(b['largest_bytes'])} "
                     f"| {_mb(b['largest_gzip'])} | {b['over_1mb']} | {_mb(b['html_total'])} "
                     f"| {_mb(b['search_bytes'])} | {_mb(b['search_gzip'])} |")
    lines += ["", "The search index, a line per data scale: its entries, its size plain and gzipped "
                  "(as a server sends it), and what a first page view fetches of it (nothing when "
                  "the index waits for the reader to open the search).", "",
              "| data | search entries | search index | gzipped | a first page view fetches |",
              "|:--|--:|--:|--:|:--|"]
    for r in rows:
        b = r["budget"]
        first = b.get("search_first_view", b["search_bytes"])
        lines.append(f"| {r['data']} | {b.get('search_entries', 0):,} | {_mb(b['search_bytes'])} "
                     f"| {_mb(b['search_gzip'])} | "
                     + (f"{_mb(first)}, on every first page |" if first else
                        "nothing: the index comes when the search opens |"))
    lines += ["", "One edited result, seconds (each once): `validate` in full and `validate --changed` "
                  "(a new process each, the cache filled before); `mkdocs build` (c) and `mkdocs "
                  "serve` from saving the file to the leaderboard page showing the new value.", "",
              "| data | validate | validate --changed | ratio | (c) mkdocs build | serve: first "
              "page | serve: edit to page | ratio to (c) |", "|:--|--:|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        lines.append(f"| {r['data']} | {r['validate']:.2f} | {r['validate_changed']:.2f} "
                     f"| {r['validate_changed'] / r['validate']:.3f} | {r['c']:.2f} "
                     f"| {r['serve_first']:.2f} | {r['edit_to_page']:.2f} "
                     f"| {r['edit_to_page'] / r['c']:.3f} |")
    if f"synthetic x{scales[0]}" in by and f"synthetic x{scales[-1]}" in by and len(scales) > 1:
        first, last = by[f"synthetic x{scales[0]}"], by[f"synthetic x{scales[-1]}"]
        lines += ["", f"growth from x{scales[0]} to x{scales[-1]}: validate --changed "
                      f"{last['validate_changed'] / first['validate_changed']:.2f}x, serve edit to "
                      f"page {last['edit_to_page'] / first['edit_to_page']:.2f}x"]
    if clicks:
        lines += ["", f"browser, largest archive leaderboard ({clicks['leaderboard']}, "
                      f"{clicks['rows']} rows): sort click median {clicks['sort_median']:.1f} ms "
                      f"(max {clicks['sort_max']:.1f}); filter change median "
                      f"{clicks['filter_median']:.1f} ms (max {clicks['filter_max']:.1f})"]
    return "\n".join(lines)

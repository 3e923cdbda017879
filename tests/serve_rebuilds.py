"""Rebuild the site as `mkdocs serve` does, in one process, on request: for
tests/test_serve_rebuild.py, which edits the data between builds and compares each
rebuild with a clean build.

    python tests/serve_rebuilds.py CONFIG SITE_DIR

Reads a line per build from stdin (a folder to copy the built site to), builds with the
plugin instance MkDocs keeps between a server's builds (it has on_startup), and answers
``built`` (or ``failed``, when the data is invalid) with the seconds the build took, the data files read again and reused, the
generated pages rendered again and in all, and the pages MkDocs converted again.
"""
import shutil
import sys
import time

from mkdocs.commands.build import build
from mkdocs.config import load_config


def main(config_file: str, site_dir: str) -> None:
    config = load_config(config_file=config_file, site_dir=site_dir)
    config.plugins.on_startup(command="serve", dirty=False)
    for line in sys.stdin:
        target = line.strip()
        if not target:
            break
        if config is None:
            config = load_config(config_file=config_file, site_dir=site_dir)
        started = time.perf_counter()
        try:
            build(config, serve_url="http://127.0.0.1:8000/")  # as the server builds
        except Exception as exc:  # as the server does: say so, keep serving the last site
            config = None
            print(f"failed {type(exc).__name__}", flush=True)
            continue
        seconds = time.perf_counter() - started
        plugin = config.plugins["leaderboards"]
        shutil.copytree(site_dir, target)
        config = None  # as the server does: the next build loads mkdocs.yml again
        changed, reused, rendered, pages = plugin.serve.now.rebuilt
        print(f"built {seconds:.3f} {changed} {reused} {rendered} {pages} {plugin.serve.now.converted_now}",
              flush=True)
    config = load_config(config_file=config_file, site_dir=site_dir)
    config.plugins.on_shutdown()


if __name__ == "__main__":
    main(*sys.argv[1:])

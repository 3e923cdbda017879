"""Leaderboard site generator: YAML data -> model -> validation -> views -> page contexts ->
outputs, one folder per job (docs/architecture.md draws the flow):

- ``project``: the data folder loaded (``pipeline``: discover, ``loader``, ``model``),
  checked (``validate``, ``problems``), and the one per-file cache (``filecache``);
- ``rules``: what every stage decides the same way (ids, links, text, numbers, files,
  metric directions);
- ``views``: each leaderboard's view, the site-wide derivations and one frozen context per
  page;
- ``outputs``: escaping and templates (``render``), exports, the README's tables;
- ``site``: the generated files from the contexts, the page cache, publishing;
- ``plugin``: the MkDocs hooks;
- ``importers`` and ``tools`` (add, diff, bench, init): commands around the data.

No stage imports a later one.
"""
from importlib import metadata as _metadata

DIST = "leaderboard-generator"

# The one version source is pyproject.toml's [project] version: the installed distribution's
# metadata carries it (an editable install too). Not installed (the source folder on
# sys.path): no version to report.
try:
    __version__ = _metadata.version(DIST)
except _metadata.PackageNotFoundError:  # pragma: no cover - only without any install
    __version__ = "0+unknown"

"""The data folder as a checked model: files discovered and loaded (``pipeline``,
``loader``), the typed model (``model``), its checks (``validate``, ``problems``), the one
per-file cache (``filecache``, used by `mkdocs serve` and ``validate --changed``,
``checkcache``), and writing data files back (``yamlwrite``)."""

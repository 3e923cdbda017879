"""Loaded (through PYTHONPATH) by the determinism test's second build: every directory
listing comes back in reverse name order, as another file system might list it."""
import os

_listdir, _scandir = os.listdir, os.scandir


def listdir(path="."):
    return sorted(_listdir(path), reverse=True)


class _Entries:
    def __init__(self, entries):
        self._entries = iter(entries)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._entries)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def close(self):
        pass


def scandir(path="."):
    with _scandir(path) as it:
        entries = list(it)
    return _Entries(sorted(entries, key=lambda e: e.name, reverse=True))


os.listdir, os.scandir = listdir, scandir

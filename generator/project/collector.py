"""Python's cyclic garbage collector, paused while a stage makes a great many objects that
form no cycles.

Loading the Papers with Code archive makes millions of small objects (parsed YAML, the
model, positions), and so does rendering its pages.  Each burst of allocations sets off a
collection that walks every object still alive, again and again: on the archive that was
half the time of loading.  Reference counting still frees what these stages drop; a cycle
made meanwhile waits for the next collection after the pause.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block (nested blocks are fine); it runs as before
    after the outermost one."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def keep_for_build() -> None:
    """What is alive now (the loaded data, the generated pages) lives until the build ends:
    later collections skip it instead of walking it each time."""
    gc.freeze()


def release_kept() -> None:
    """Undo ``keep_for_build`` (a new build of ``mkdocs serve`` starts; the previous
    build's data can be collected again)."""
    gc.unfreeze()


class Releaser:
    """When `mkdocs serve` releases what its builds kept: a release makes the next
    collection walk every object alive (the loaded archive is millions), so a rebuild of
    one edit releases only every ``every`` builds; the cycles that earlier builds left
    meanwhile wait until then."""

    def __init__(self, every: int = 10) -> None:
        self.every, self.builds = every, 0

    def build_starts(self) -> None:
        self.builds += 1
        if self.builds >= self.every:
            self.builds = 0
            release_kept()

"""Build the site with validation switched off: only for the XSS test, which shows that
the pages keep hostile text inert whatever validation lets through.

    python tests/browser/build_unchecked.py -- mkdocs build arguments...

Runs MkDocs in this process with ``generator.pipeline.load_project`` (and
``load_valid_project``) returning the data without its problems; the real plugin, templates
and theme do the rest.
"""
import sys

from generator.project import pipeline

_load = pipeline.load_project


def _unchecked(*args, **kwargs):
    loaded = _load(*args, **kwargs)
    return pipeline.Loaded(loaded.project, [])


pipeline.load_project = _unchecked
pipeline.load_valid_project = _unchecked

if __name__ == "__main__":
    from mkdocs.__main__ import cli

    cli(sys.argv[1:])

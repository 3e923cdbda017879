"""The package as pip installs it: every package listed. The wheel's files are checked by
.ci/release.py check-dist, which tests/test_release.py runs on the distributions it builds."""
from __future__ import annotations

import tomllib

from helpers import ROOT


def test_the_explicit_package_list_names_every_package():
    """pyproject.toml lists the packages by hand (templates/ is mapped into the package), so
    a new subpackage must be added there: this fails when one is not."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    found = sorted(".".join(p.parent.relative_to(ROOT).parts)
                   for p in (ROOT / "generator").rglob("__init__.py"))
    listed = config["packages"]
    data_only = {"generator.templates": "templates", "generator.assets": "docs/assets"}
    assert sorted(p for p in listed if p not in data_only) == found
    assert config["package-dir"] == data_only

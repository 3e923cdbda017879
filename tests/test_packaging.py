"""The package as pip installs it: every module and template is in the wheel."""
from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile

import pytest
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


@pytest.mark.slow
def test_the_wheel_holds_the_templates_schemas_and_every_module(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                    "-q", "-w", str(tmp_path)], check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {f"generator/templates/{p.name}" for p in (ROOT / "templates").glob("*.j2")}
    schemas = {f"generator/schema/{p.name}" for p in (ROOT / "generator" / "schema").glob("*.json")}
    schemas |= {f"generator/assets/{p.name}" for p in (ROOT / "docs" / "assets").iterdir()
                if p.suffix in (".js", ".css")}  # not the docs' screenshots
    schemas |= {f"generator/forms/{p.name}" for p in (ROOT / "generator" / "forms").iterdir()}
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "generator").rglob("*.py")}
    assert templates and templates <= names, sorted(templates - names)
    assert schemas <= names and modules <= names, sorted((schemas | modules) - names)

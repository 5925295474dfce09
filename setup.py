"""Put the shipped templates and the example workspace into the package when it is built.

They stay where the project's layout keeps them (templates/, offergen.yaml, catalog.yaml,
discounts.yaml, clients/, offers/ at the top of the repository), the single source: a
wheel gets a copy at offergen/templates/ and offergen/example/, so a non-editable install
(`pip install .`, a wheel, pipx) can build a workspace without templates/ and
`offergen init --example` can write the demo. An editable install reads them in place.

The rest of the configuration is declarative, in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
EXAMPLE = ("offergen.yaml", "catalog.yaml", "discounts.yaml", "clients", "offers")
# Each top-level part and where it goes inside the package (offergen/…).
SHIPPED = [("templates", "templates"), *((part, f"example/{part}") for part in EXAMPLE)]


class BuildWithData(build_py):
    """build_py, plus the copies above under build/lib/offergen/."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install finds them in the checkout
        package = Path(self.build_lib) / "offergen"
        for part, target in SHIPPED:
            _copy(HERE / part, package / target)


def _copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(
            source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
        )
    elif source.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    else:
        raise SystemExit(f"setup.py: {source.name} is missing; the package ships it")


setup(cmdclass={"build_py": BuildWithData})

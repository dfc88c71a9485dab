"""The one build step pyproject.toml cannot state: ``data/`` and ``shapes/`` stay at the top of the
repository, where people edit and review them, and ship inside the wheel as
``ontology/shipped/{data,shapes}``, where ``ontology.paths`` finds them once installed (a wheel
installs nothing that is outside a package).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED_TREES = ("data", "shapes")


class BuildWithShippedTrees(build_py):
    """``build_py``, then a copy of each shipped tree into the built ``ontology`` package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout
        for tree in SHIPPED_TREES:
            shutil.copytree(
                HERE / tree,
                Path(self.build_lib, "ontology", "shipped", tree),
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )


setup(cmdclass={"build_py": BuildWithShippedTrees})

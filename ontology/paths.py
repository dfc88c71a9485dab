"""Where the project's own files are: the Turtle sources, the shipped data and the registry.

A checkout keeps ``data/`` and ``shapes/`` at its top, where people edit them; a wheel carries
them inside the package as ``ontology/shipped/`` (``setup.py``), since nothing outside a package
is installed. What the service writes (the store, the registry of minted keys, review lists)
defaults to the checkout's own folders, and, when installed, to ``var/`` under the folder the
command runs in: never into site-packages.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SHIPPED = Path(__file__).resolve().parent / "shipped"
INSTALLED = _SHIPPED.is_dir()  # only a wheel has ontology/shipped/
TREE = _SHIPPED if INSTALLED else ROOT  # the folder holding data/ and shapes/
ONTOLOGY_TTL = ROOT / "ontology" / "lg.ttl"
CONTEXT_JSONLD = ROOT / "ontology" / "context.jsonld"  # the current version
CONTEXTS_DIR = ROOT / "ontology" / "contexts"  # every earlier published version, {version}.jsonld
SHAPES_DIR = TREE / "shapes"
DATA_DIR = TREE / "data"
SHIPPED_REGISTRY = DATA_DIR / "registry"  # the keys minted for the shipped data


def work_dir() -> Path:
    """Where the service writes by default: the checkout, or the current folder when installed."""
    return Path.cwd() if INSTALLED else ROOT


def default_registry() -> Path:
    """A checkout records minted keys with its data (committed); an installation in ``var/``."""
    return work_dir() / "var" / "registry" if INSTALLED else SHIPPED_REGISTRY


def label(path: Path) -> str:
    """A shipped file as the repository names it (``data/…``, ``shapes/…``, ``ontology/…``),
    the same from a checkout and from a wheel; any other file by its name."""
    resolved = path.resolve()
    for root in (TREE, ROOT):
        if resolved.is_relative_to(root):
            return resolved.relative_to(root).as_posix()
    return path.name

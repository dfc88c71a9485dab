"""Where the project's own files are: the Turtle sources, the shipped data and the registry."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_TTL = ROOT / "ontology" / "lg.ttl"
CONTEXT_JSONLD = ROOT / "ontology" / "context.jsonld"  # the current version
CONTEXTS_DIR = ROOT / "ontology" / "contexts"  # every earlier published version, {version}.jsonld
SHAPES_DIR = ROOT / "shapes"
DATA_DIR = ROOT / "data"

"""Where the project's own files are: the Turtle sources, the shipped data and the registry."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_TTL = ROOT / "ontology" / "lg.ttl"
CONTEXT_JSONLD = ROOT / "ontology" / "context.jsonld"
SHAPES_DIR = ROOT / "shapes"
DATA_DIR = ROOT / "data"

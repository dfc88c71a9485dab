"""The Little Giant ontology and the code shared by ingest and server."""

from importlib import metadata

try:
    __version__ = metadata.version("littlegiant-kg")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"

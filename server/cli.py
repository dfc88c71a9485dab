"""``littlegiant serve``: the one place that starts the server (a ``littlegiant.commands`` entry
point, so that the command line in ``ingest`` can offer it without importing ``server``)."""

from __future__ import annotations

from ontology.settings import Settings


def serve(settings: Settings, *, host: str, port: int) -> None:
    """Serve the app on ``host:port`` until interrupted.

    ``settings`` are the ones the command line validated; the app reads the same ``LG_*``
    environment again through ``server.app:from_env``, the factory uvicorn is pointed at (a
    string, so that uvicorn imports the app the way it would with ``--factory``).
    """
    import uvicorn  # only serving needs it

    uvicorn.run("server.app:from_env", factory=True, host=host, port=port)

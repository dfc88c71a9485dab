"""``littlegiant serve``: the one place that starts the server (a ``littlegiant.commands`` entry
point, so that the command line in ``ingest`` can offer it without importing ``server``).

``--workers N`` runs N web processes (default: the number of cores) over the one store; each
follows the published generation on its own. What they must share lives in one run directory:
the Prometheus multiprocess files (so ``/metrics`` adds every process up) and the fair-use
ledger (so a client's budget holds whichever process answers it).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ontology.settings import Settings

ACCESS_LOG = "littlegiant.access"
# uvicorn pings each web process and replaces one that has not answered within this time; a
# process opening the store and starting its query workers on a busy machine can take longer
# than uvicorn's 5 s, and was then killed and restarted for ever without serving.
STARTUP_HEALTHCHECK_S = 120


def log_config() -> dict[str, Any]:
    """uvicorn's logging, plus the access log as bare JSON lines on standard output."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = {**LOGGING_CONFIG}
    config["formatters"] = {**config["formatters"], "json": {"format": "%(message)s"}}
    config["handlers"] = {
        **config["handlers"],
        "json": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        },
    }
    config["loggers"] = {
        **config["loggers"],
        ACCESS_LOG: {"handlers": ["json"], "level": "INFO", "propagate": False},
    }
    return config


def serve(settings: Settings, *, host: str, port: int, workers: int | None = None) -> None:
    """Serve the app on ``host:port`` with ``workers`` processes until interrupted.

    ``settings`` are the ones the command line validated; each process reads the same ``LG_*``
    environment again through ``server.app:from_env``, the factory uvicorn is pointed at.
    SIGTERM or Ctrl-C stop accepting connections, let in-flight requests finish (up to
    ``LG_SHUTDOWN_GRACE_S``) and stop the query workers.
    """
    import uvicorn  # only serving needs it

    count = workers if workers is not None else (os.cpu_count() or 1)
    run_dir = Path(tempfile.mkdtemp(prefix="lg-serve-"))
    try:
        (run_dir / "metrics").mkdir()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(run_dir / "metrics")
        if settings.ledger is None:
            os.environ["LG_LEDGER"] = str(run_dir / "fair-use")
        if settings.sparql_endpoint and settings.dumps_dir is None:
            os.environ["LG_DUMPS_DIR"] = str(run_dir / "dumps")
        uvicorn.run(
            "server.app:from_env",
            factory=True,
            host=host,
            port=port,
            workers=max(1, count),
            http="server.http_limits:GuardedHttpTools",
            timeout_keep_alive=int(max(1, settings.keep_alive_s)),
            timeout_graceful_shutdown=int(settings.shutdown_grace_s),
            timeout_worker_healthcheck=STARTUP_HEALTHCHECK_S,
            proxy_headers=False,  # X-Forwarded-For is believed from LG_TRUSTED_PROXIES only
            h11_max_incomplete_event_size=settings.max_header_bytes,
            log_config=log_config(),
            access_log=False,
        )
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)

"""Bulk downloads: ``/dumps`` lists them, ``/dumps/{name}`` serves one (byte ranges included).

The files are gzipped N-Quads written by ``littlegiant build`` / ``ingest`` after each commit, or
by the app's start-up for a store that had none (``server.state.open_state``). No request writes
anything: a GET only reads what was published.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import asdict

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ontology.store.dumps import Dump
from server.deps import LinksDep, StateDep
from server.problems import NotFound
from server.render import get_and_head, represent
from server.state import AppState

router = APIRouter(tags=["dataset"])

DUMP_MEDIA_TYPE = "application/n-quads"


def published(state: AppState) -> Dump:
    """The current dump.

    Raises:
        NotFound: nothing has been published for this store.
    """
    dump = state.dump()
    if dump is None:
        raise NotFound("No dump has been published for this store yet")
    return dump


@get_and_head(router, "/dumps")
def get_dump_manifest(request: Request, state: StateDep, links: LinksDep) -> Response:
    """The dumps on offer, with their sha256 and size (JSON); ``url`` on the serving host,
    ``id`` the distribution's canonical IRI."""
    dump = published(state)
    iri = str(state.iris.dump(dump.name))
    path = f"/dumps/{dump.name}"
    entry = {**asdict(dump), "id": iri, "url": links.url(path), "href": path}
    body = json.dumps({"dumps": [entry]}, indent=2).encode("utf-8")
    created = dt.datetime.fromisoformat(dump.created)
    return represent(request, body, media_type="application/json", last_modified=created)


@get_and_head(router, "/dumps/{name}")
def get_dump(request: Request, state: StateDep, name: str) -> Response:
    """A dump file (Range requests supported) or its ``.sha256`` checksum line."""
    dump = published(state)
    if name == f"{dump.name}.sha256":
        line = f"{dump.sha256}  {dump.name}\n".encode()
        created = dt.datetime.fromisoformat(dump.created)
        return represent(
            request, line, media_type="text/plain; charset=utf-8", last_modified=created
        )
    if name != dump.name:
        raise NotFound(f"No dump named {name!r}; try /dumps/{dump.name}")
    digest = base64.b64encode(bytes.fromhex(dump.sha256)).decode("ascii")
    return represent(
        request,
        state.dumps_dir / dump.name,
        media_type=DUMP_MEDIA_TYPE,
        etag=dump.sha256[:32],
        last_modified=dt.datetime.fromisoformat(dump.created),
        headers={
            "Digest": f"sha-256={digest}",  # RFC 3230, as download tools still read it
            "Content-Disposition": f'attachment; filename="{dump.name}"',
        },
    )

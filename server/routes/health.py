"""Operations: liveness (``/health``), readiness (``/ready``) and metrics (``/metrics``)."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from server import metrics
from server.deps import StateDep

router = APIRouter(tags=["health"])


@router.get("/health")
def get_health(state: StateDep) -> dict[str, object]:
    """Report that the server is alive, with the store's size and generation."""
    figures = state.figures()
    return {"status": "ok", "triples": figures.quads, "generation": figures.generation}


@router.get(
    "/ready",
    responses={503: {"description": "Not ready yet: the query workers are still starting"}},
)
def get_ready(state: StateDep) -> JSONResponse:
    """Ready to answer: the store is open and the query workers are up (503 until then)."""
    try:
        ready = state.ready()
    except OSError as err:  # a remote store that does not answer
        ready, reason = None, f"the store does not answer: {err}"
    else:
        reason = "the query workers are starting"
    if ready is None:
        body = {"status": "starting", "detail": reason}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})
    return JSONResponse(ready)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {metrics.CONTENT_TYPE: {}}, "description": "Prometheus text"}},
)
async def get_metrics(state: StateDep) -> Response:
    """Prometheus metrics of every server process, and the store's own figures."""
    body = await run_in_threadpool(metrics.exposition, state.figures)
    return Response(body, media_type=metrics.CONTENT_TYPE)

"""Liveness and readiness: the store answers and which generation it serves."""

from fastapi import APIRouter

from server.deps import StoreDep

router = APIRouter()


@router.get("/health", tags=["health"])
def get_health(store: StoreDep) -> dict[str, object]:
    """Report that the store answers, with its size and generation."""
    return {"status": "ok", "triples": len(store), "generation": store.generation()}

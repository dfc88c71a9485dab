"""The API documentation at ``/docs``: Swagger UI over ``/openapi.json``, vendored like YASGUI
(``server/static/vendor.sh``), so the page loads nothing from another host.

FastAPI's own ``/docs`` and ``/redoc`` take their scripts, styles and favicon from CDNs, and
Swagger UI would ask an online validator to check the document; both are switched off here.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import Response

from server.media_types import HTML
from server.render import get_and_head, page_modified, represent

router = APIRouter(include_in_schema=False)

VENDOR = "/static/vendor/swagger-ui"


@get_and_head(router, "/docs")
def get_docs(request: Request) -> Response:
    """Swagger UI for the service's OpenAPI document."""
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="Little Giant KG — API",
        swagger_js_url=f"{VENDOR}/swagger-ui-bundle.js",
        swagger_css_url=f"{VENDOR}/swagger-ui.css",
        swagger_favicon_url=f"{VENDOR}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None},
    )
    return represent(
        request,
        bytes(page.body),
        media_type=HTML.content_type,
        last_modified=page_modified(request),
    )

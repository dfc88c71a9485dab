"""What each HTML page shows, read from the store: one module per kind of page, each returning the
template values and the schema.org JSON-LD the page embeds."""

from server.pages.batch import batch_page
from server.pages.common import Link
from server.pages.document import document_page
from server.pages.enterprise import enterprise_page
from server.pages.generic import generic_page
from server.pages.home import home_page
from server.pages.region import region_page
from server.pages.review import review_page

__all__ = [
    "Link",
    "batch_page",
    "document_page",
    "enterprise_page",
    "generic_page",
    "home_page",
    "region_page",
    "review_page",
]

"""Which requests are a browser's, for a page: both the pages' own handlers and the request
limits (which answer before any route) tell them from the API's clients the same way."""

from __future__ import annotations

# Paths that answer machines (the API, its documents, health and metrics), never a page.
MACHINE_PATHS = ("/v1/", "/health", "/metrics", "/docs", "/openapi.json", "/static/")

# Where a page request the limits refused is answered, as a page (``pages_app``): a body too
# large, an address holding text no store can hold.
TOO_LARGE_PATH = "/refused/too-large"
BAD_ADDRESS_PATH = "/refused/bad-address"
# The public register, which answers such an address with its own first page, saying so.
PUBLIC_REGISTER_PATH = "/public"
# The proposer's pages (a personal link, the page it opens): such an address is a link that
# cannot work, answered as one (the workbench's error page led the proposer to 总览).
PROPOSER_PATHS = ("/p/", "/proposer")
UNUSABLE_LINK_PATH = "/p/-"
# The scope's mark of a public register's request whose query the limits set aside.
QUERY_SET_ASIDE = "banli.query_set_aside"


def is_page_request(path: str, accept: str) -> bool:
    """A browser's request for a page: it accepts HTML, and the path is none of the API's."""
    if path.startswith(MACHINE_PATHS) or path == "/v1":
        return False
    return "text/html" in accept

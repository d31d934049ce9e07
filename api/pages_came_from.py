"""Which list a case page was opened from (``?from=``): its back link returns to that list as
it was (its filters, sort and page), and the case's own forms carry it through their posts.
A clerk working down a filtered 台账 otherwise lands on the first page of everything."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from starlette.requests import Request

# The lists that link to case pages, and the back link's words for each.
LISTS = {
    "/ledger": "办理台账",
    "/supervision": "督办",
    "/figures": "统计明细",
    "/audit": "审计",
    "/search": "查找结果",
    "/disclosures": "答复公开",
}


def safe_next(target: str) -> str:
    """Only a path of this site (never ``//host`` nor a scheme): no open redirect."""
    ok = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if ok else "/"


@dataclass(frozen=True)
class CameFrom:
    href: str = "/ledger"
    label: str = LISTS["/ledger"]
    query: str = ""  # ``from=…`` to append to the case's own URLs, or nothing

    def then(self, url: str) -> str:
        """``url`` (a case page or one of its form actions) still carrying the list."""
        if not self.query:
            return url
        path, hash_, anchor = url.partition("#")
        return f"{path}{'&' if '?' in path else '?'}{self.query}{hash_}{anchor}"


def from_here(request: Request) -> str:
    """What a list page's case links carry (``?from=`` its own path and query) to come back to
    it, as the 台账's rows write theirs (``_ledger_table.html``)."""
    return "?from=" + quote(f"{request.url.path}?{request.url.query}", safe="/")


def came_from(request: Request) -> CameFrom:
    """The list named by ``?from=``; the 台账 when there is none, or it is not one of ours."""
    return came_from_list(request.query_params.get("from", ""))


def came_from_list(target: str) -> CameFrom:
    """The list ``target`` (a path and query) names; the 台账 when it is not one of ours."""
    label = LISTS.get(target.split("?", 1)[0])
    if label is None or safe_next(target) != target:
        return CameFrom()
    return CameFrom(target, label, "from=" + quote(target, safe=""))

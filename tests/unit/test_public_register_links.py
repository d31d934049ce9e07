"""The public register links a reply only at a web address (R-D4, R-P2): an address stored
before addresses were checked (``javascript:`` …) leaves its title unlinked, on the page, in
the API, the CSV and the feed alike (they all read the register's rows)."""

from __future__ import annotations

from datetime import date

import pytest

from domain import commands as cmd
from domain.checks import web_address
from infra.application import BanliApplication
from projections.public_register import publishable
from tests.support import OFFICE, Flow


def published(app: BanliApplication) -> tuple[Flow, str]:
    flow = Flow(app)
    flow.assign()
    reply = flow.replied()
    flow.review(reply)
    url = "https://www.example.gov.cn/jyta/2025/1.html"
    publish = cmd.PublishReply(
        case_id=flow.id, reply_id=reply, published_on=date(2025, 4, 10), url=url
    )
    flow.run(publish, OFFICE)
    return flow, reply


def test_a_stored_address_that_is_no_web_address_is_not_linked_R_D4(
    app: BanliApplication,
) -> None:
    flow, reply = published(app)
    case = flow.case
    [row] = publishable(case)
    assert row["url"] == "https://www.example.gov.cn/jyta/2025/1.html"
    # As an event stored before the check would have left it.
    case.disclosures[reply].url = "javascript:alert(document.cookie)"
    [row] = publishable(case)
    assert row["url"] is None and row["title"] == case.title  # listed, without a link


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("https://www.example.gov.cn/a.html?x=1#y", "https://www.example.gov.cn/a.html?x=1#y"),
        ("http://10.1.2.3:8080/r", "http://10.1.2.3:8080/r"),
        ("HTTPS://[::1]:8443/r", "HTTPS://[::1]:8443/r"),
        ("https://user@www.example.gov.cn", "https://user@www.example.gov.cn"),
        ("https://:8080/r", None),  # a port, no host
        ("https://www.example.gov.cn:port/r", None),
        ("JavaScript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("https://example.gov.cn/\u202e.html", None),  # an unprintable direction mark
        ("//example.gov.cn/a.html", None),  # no scheme: the register's own scheme
        ("", None),
        (None, None),
    ],
)
def test_what_counts_as_a_web_address_R_D4(text: str | None, address: str | None) -> None:
    assert web_address(text) == address

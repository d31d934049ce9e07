"""The case page's timeline names who acted as the directory names them, the login on hover
(as 审计 does); the demo year's events name its staff the same way, since the demo makes them
directory users (R-X1: every event shows who recorded it)."""

from __future__ import annotations

import re
from pathlib import Path

from demo import load_demo
from demo.accounts import DEMO_PASSWORD, create_demo_accounts, demo_username, name_demo_staff
from demo.actors import OFFICE
from demo.units import UNITS
from tests.api.conftest import Api, case_body, register_and_assign, start
from tests.api.test_pages import logged_in, page_login

WHO = re.compile(r"记录：<time[^>]*>[^<]*</time></span>\s*<span>(.*?)</span>\s*<a", re.S)


def timeline_actors(html: str) -> list[str]:
    return WHO.findall(html)


def test_the_timeline_names_each_actor_with_the_login_on_hover_R_X1(api: Api) -> None:
    api_user = api.post(
        "/v1/users",
        {"username": "wang.fang", "display_name": "王芳", "role": "office"},
        "boot",
    )
    assert api_user.status_code == 201, api_user.text
    case_id = register_and_assign(api, "PPL-1")
    page = logged_in(api, "ban_gong").get(f"/cases/{case_id}").text
    actors = timeline_actors(page)
    office = '<span title="office">office</span>（办公室'
    assert actors and all(a.startswith(office) for a in actors)

    registered = api.post("/v1/cases", case_body("PPL-2"), api_user.json()["token"])
    assert registered.status_code == 201, registered.text
    page = logged_in(api, "ban_gong_2").get(f"/cases/{registered.json()['case_id']}").text
    assert timeline_actors(page) == ['<span title="wang.fang">王芳</span>（办公室）']


def test_the_demo_year_names_its_staff_once_and_the_timeline_shows_them(tmp_path: Path) -> None:
    client, services = start(tmp_path / "data")
    try:
        create_demo_accounts(services.directory)
        load_demo(services.app, scale=0.05)
        assert name_demo_staff(services.directory) == 2 + len(UNITS)
        assert name_demo_staff(services.directory) == 0  # made once
        login = page_login(client, demo_username("office"), DEMO_PASSWORD)
        assert login.status_code == 303
        case_id = client.get("/v1/ledger?limit=1").json()["items"][0]["case_id"]
        actors = timeline_actors(client.get(f"/cases/{case_id}").text)
        assert f'<span title="{OFFICE["user"]}">陈主任</span>（办公室）' in actors
        assert not any(">handler." in a or ">office." in a for a in actors)
    finally:
        services.close()

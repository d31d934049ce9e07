"""API.md v1.1 § Input limits: a malformed ``Authorization`` header of any bytes → 401, never
500 (``Bearer \\xe9`` once reached ``hmac.compare_digest`` with a non-ASCII str and crashed)."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, case_body

MALFORMED: list[bytes] = [
    b"Bearer \xe9",
    b"Bearer \xe9\xe9\xe9\xe9",
    b"bearer caf\xe9",
    b"Bearer boot\xe9",
    b"Bearer \xff\xfe\xfd",
    b"Bearer \x80",
    b"\xe9",
    b"\xe9 \xe9",
    b"Bearer\xa0boot",
    b"Bearer \x7f",
    b"Bearer b\x01oot",
    b"Bearer " + "令牌".encode(),
    b"Bearer " + b"A" * 100_000,
    b"Bearer  \t ",
    b"Basic \xe9\xe9",
    b"Bearer boot boot",
]


@pytest.mark.parametrize("header", MALFORMED, ids=repr)
def test_a_malformed_authorization_header_of_any_bytes_is_401_not_500(
    api: Api, header: bytes
) -> None:
    read = api.client.get("/v1/ledger", headers={"Authorization": header})
    assert read.status_code == 401, read.text
    assert read.headers["content-type"] == "application/problem+json"
    assert read.json()["rule"] is None
    before = api.head()
    write = api.client.post("/v1/cases", json=case_body("H-1"), headers={"Authorization": header})
    assert write.status_code == 401, write.text
    assert api.head() == before


@pytest.mark.parametrize("header", MALFORMED[:6], ids=repr)
def test_a_malformed_header_is_401_even_beside_a_valid_session_cookie(
    api: Api, header: bytes
) -> None:
    """A request with an Authorization header is judged by it alone."""
    api.post("/v1/users/office/password", {"new_password": "correct horse battery"}, "admin")
    login = {"username": "office", "password": "correct horse battery"}
    assert api.client.post("/v1/session", json=login).status_code == 201
    try:
        assert api.client.get("/v1/me").status_code == 200
        response = api.client.get("/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, response.text
    finally:
        api.client.cookies.clear()


GARBAGE_COOKIES = {
    "e9": "\xe9",
    "long": "x" * 5000,
    "space": "a b",
    "c0": "abc\x01",
    "empty": "",
    "cjk": "令牌",
}


@pytest.mark.parametrize("cookie", GARBAGE_COOKIES.values(), ids=GARBAGE_COOKIES.keys())
def test_a_garbage_session_cookie_is_401_not_500(api: Api, cookie: str) -> None:
    raw = f"banli_session={cookie}".encode()
    response = api.client.get("/v1/me", headers={"Cookie": raw})
    assert response.status_code == 401, response.text


def test_the_bootstrap_token_still_works_beside_non_ascii_attempts(api: Api) -> None:
    assert api.get("/v1/me", "boot").json()["role"] == "admin"

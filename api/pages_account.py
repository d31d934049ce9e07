"""我的账户: who is logged in, and changing one's own password (API.md v1.1: ``POST
/v1/users/{username}/password`` with ``old_password``), for every role.

The old password is asked of everyone, an admin too (``Accounts.change_password`` checks one
given): a session left open at a desk must not change its owner's password. A wrong one counts
as a failed login (the same lockout). The change ends every session opened before it, this one
included, so the page sends the browser to the login form with a word of why.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api import schemas_accounts as a
from api.commands import context
from api.pages_login import locked_now, minutes_locked
from api.pages_refusals import domain_words, validation_sentence
from api.pages_web import Posted, Staff, Svc, render, see_other
from api.routes_accounts import clear_session_cookie
from domain.errors import DomainError
from infra.login_throttle import LoginLocked
from infra.passwords import BadCredentials

router = APIRouter(include_in_schema=False)

LABELS = {"old_password": "原密码", "new_password": "新密码"}


def page(request: Request, who: Staff, problem: str = "", status: int = 200) -> HTMLResponse:
    return render(request, "account.html", who, {"problem": problem}, status=status)


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, who: Staff) -> HTMLResponse:
    return page(request, who)


@router.post("/account/password", response_class=HTMLResponse)
def change_own_password(request: Request, who: Staff, svc: Svc, posted: Posted) -> Response:
    if posted.get("new_password") != posted.get("new_password_again"):
        return page(request, who, "两次输入的新密码不一致，密码未修改。", 422)
    try:
        body = a.PasswordChange.model_validate(
            {
                "old_password": posted.get("old_password") or None,
                "new_password": posted.get("new_password"),
            }
        )
        if body.old_password is None:
            return page(request, who, "请输入原密码，密码未修改。", 422)
        ctx = context(request, who, a.fingerprinted(body))
        svc.accounts.change_password(ctx, who, who.user, body.old_password, body.new_password)
    except ValidationError as error:
        return page(request, who, validation_sentence(error, LABELS), 422)
    except DomainError as error:
        return page(request, who, domain_words(error, LABELS), 422)
    except BadCredentials:
        locked = locked_now(svc, who.user)
        refusal = "原密码不正确，密码未修改" + (locked or "（计为一次登录失败）")
        return page(request, who, refusal + "。", 403)
    except LoginLocked as locked:
        minutes = minutes_locked(locked.until, svc)
        return page(request, who, f"失败次数过多，已锁定，请 {minutes} 分钟后再试。", 429)
    response = see_other("/login?changed=1")
    clear_session_cookie(response, request)
    return response

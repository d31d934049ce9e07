"""E-mail delivery of notices over SMTP (stdlib ``smtplib``: no dependency for one client).

A notice is accepted when the server took the message for its recipient. Its ``Message-ID``
derives from the notice id, so a message sent again after a lost acceptance is recognisably the
same message (as the webhook's ``Idempotency-Key`` is).
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate

from infra.settings import Settings
from projections.core import Row

log = logging.getLogger(__name__)


def message_id(notice_id: str) -> str:
    return f"<{hashlib.sha256(notice_id.encode()).hexdigest()[:32]}@banli.notices>"


def smtp_sender(settings: Settings, timeout: float = 10.0) -> Callable[[Row], bool] | None:
    """Sends a notice row (``email``, ``subject``, ``body``); None when no server is set."""
    if not settings.smtp_host:
        return None
    host, port, sender = settings.smtp_host, settings.smtp_port, settings.smtp_from
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None

    def send(notice: Row) -> bool:
        message = EmailMessage()
        message["From"] = sender
        message["To"] = notice["email"]
        message["Subject"] = notice["subject"]
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = message_id(notice["notice_id"])
        message.set_content(notice["body"])
        try:
            with smtplib.SMTP(host, port, timeout=timeout) as smtp:
                if settings.smtp_starttls:
                    smtp.starttls()
                if settings.smtp_user and password is not None:
                    smtp.login(settings.smtp_user, password)
                refused = smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            log.warning("e-mail delivery failed, will retry: %s", error)
            return False
        return not refused

    return send

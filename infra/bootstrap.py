"""Composition root: builds the application from settings, for the CLI, the API and tests."""

from __future__ import annotations

from infra.application import BanliApplication
from infra.settings import Settings


def build_application(settings: Settings | None = None) -> BanliApplication:
    settings = settings or Settings()
    return BanliApplication(env=settings.eventsourcing_env())

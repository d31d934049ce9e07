"""Composition root for the running service: application, directory, read models."""

from __future__ import annotations

from dataclasses import dataclass

from infra.application import BanliApplication
from infra.bootstrap import build_application
from infra.directory import Directory
from infra.embedded import EmbeddedProjections
from infra.read_models import build_view_store
from infra.settings import Settings
from infra.view_store import ViewStoreBase


@dataclass
class Services:
    settings: Settings
    app: BanliApplication
    directory: Directory
    views: ViewStoreBase
    projections: EmbeddedProjections | None

    def views_current(self, timeout: float = 10.0) -> bool:
        """Read-your-writes: wait until the views include every event committed so far."""
        if self.projections is None:
            return True
        head = self.app.recorder.max_notification_id() or 0
        return self.projections.wait_for(head, timeout=timeout)

    def close(self) -> None:
        if self.projections is not None:
            self.projections.stop()


def build_services(settings: Settings | None = None, *, embedded: bool = True) -> Services:
    settings = settings or Settings()
    app = build_application(settings)
    views = build_view_store(settings)
    projections = EmbeddedProjections(app, views) if embedded else None
    if projections is not None:
        projections.start()
    directory = Directory(app, settings.bootstrap_admin_token)
    return Services(settings, app, directory, views, projections)

"""The composition root: builds the object graph from settings for every ``banli`` command, and
for tests (with test settings). The pieces are adapters in ``infra``; only here are they joined.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from consumers.notices_follower import NoticesFollower
from consumers.reminders import Reminders, http_webhook
from infra.accounts import Accounts
from infra.application import BanliApplication
from infra.clock import Clock, today, utc_now
from infra.database_schema import ensure_database
from infra.directory import Directory
from infra.documents import build_document_store
from infra.embedded import EmbeddedProjections
from infra.leadership import Leadership
from infra.login_throttle import LoginThrottle
from infra.mail import smtp_sender
from infra.positions import reminders_group
from infra.proposer_links import ProposerLinks
from infra.read_models import build_view_store
from infra.repeat_finder import repeat_finder
from infra.services import Services
from infra.sessions import Sessions
from infra.settings import Settings
from infra.view_store import ViewStoreBase
from projections import registry

log = logging.getLogger(__name__)


def settings_for(data_dir: str | None) -> Settings:
    """``BANLI_*`` settings; an explicit ``--data-dir`` wins over ``BANLI_DATA_DIR``.
    PostgreSQL comes from ``BANLI_DATABASE_URL``."""
    return Settings(data_dir=Path(data_dir)) if data_dir else Settings()


def build_application(settings: Settings | None = None) -> BanliApplication:
    """The event store's application; first its PostgreSQL database is checked and its schema
    made if missing (``infra/database_schema.py``: a clear ``DatabaseUnavailable`` otherwise)."""
    settings = settings or Settings()
    ensure_database(settings)
    return BanliApplication(env=settings.eventsourcing_env())


def migrate(settings: Settings) -> dict[str, int]:
    """Every table the store needs, and a generation of every registered read model; answers
    each read model's active generation. Run by ``banli migrate`` and by ``banli serve``
    before it starts its workers; processes that start together anyway take turns (advisory
    locks on PostgreSQL, file locks on SQLite).
    """
    app = build_application(settings)
    views = build_view_store(settings)
    try:
        return {
            name: views.current_generation(name, tables)
            for name, tables in registry.tables().items()
        }
    finally:
        app.close()
        views.datastore.close()


def build_services(
    settings: Settings | None = None, *, embedded: bool = True, clock: Clock = utc_now
) -> Services:
    """The running service's graph. ``clock`` decides sessions, lockouts and token expiry
    (tests move it; nothing sleeps). ``embedded=False`` leaves the views to other processes;
    otherwise this process keeps them if it wins the store's log-runner lock (one process of
    all those sharing the store does), and stands by if it does not."""
    settings = settings or Settings()
    app = build_application(settings)
    views = build_view_store(settings)
    embedded = embedded and settings.embedded_projections
    # Other processes write here too (PostgreSQL, or several workers on one folder): the
    # runner must wake on their commits, not only on this process's.
    shared = settings.database_url is not None or settings.serve_workers > 1
    projections = (
        EmbeddedProjections(
            app,
            views,
            cache_size=settings.projection_cache_size,
            leadership=Leadership(views),
            watch=shared,
        )
        if embedded
        else None
    )
    if projections is not None:
        projections.start()
    directory = Directory(app, settings.bootstrap_admin_token, clock)
    throttle = LoginThrottle(app.index)
    lifetime = timedelta(hours=settings.session_hours)
    accounts = Accounts(directory, throttle)
    sessions = Sessions(directory, throttle, lifetime)
    links = ProposerLinks(app, clock)
    documents = build_document_store(settings, app)
    services = Services(
        settings, app, directory, views, projections, accounts, sessions, links, documents
    )
    if projections is not None:
        projections.when_leading(
            lambda: keep_notices(settings, app, views, services.notices_gate, services.on_close)
        )
    app.find_alike = repeat_finder(services)  # R-S4: registration asks the search read model
    return services


def keep_notices(
    settings: Settings,
    app: BanliApplication,
    views: ViewStoreBase,
    gate: threading.Lock,
    on_close: list[Callable[[], None]],
) -> bool:
    """Starts the embedded notices in this process, the one keeping the views, unless another
    process delivers them already: one of those sharing the store does, or a webhook would hear
    of a notice twice. Under ``serve --workers N`` that is the views' own process (``banli
    projections follow``), so the notices' rounds (a burst of work every second under load)
    hold no API worker's interpreter lock while requests wait; a worker that takes the views
    over takes the notices with them. Answers whether it started them; ``on_close`` gets what
    stops them."""
    if not (settings.embedded_projections and settings.embedded_notices):
        return False
    lock = Leadership(views, name="notices")
    if not lock.try_acquire():
        return False
    follower = notices_follower(settings, app, views, gate=gate)
    follower.start()
    on_close += [follower.stop, lock.release]
    log.info("this process notices and delivers reminders")
    return True


def reminders(
    settings: Settings,
    app: BanliApplication,
    store: ViewStoreBase,
    day: Callable[[], date] = today,
) -> Reminders:
    """What notices and delivers, with the channels the settings configure (either transport)."""
    group = reminders_group(settings.kafka_group)
    webhook = http_webhook(settings.reminder_webhook) if settings.reminder_webhook else None
    return Reminders(
        app,
        store,
        group,
        settings.kafka_topic,
        day,
        webhook,
        smtp_sender(settings),
        settings.notify_emails,
    )


def notices_follower(
    settings: Settings,
    app: BanliApplication,
    store: ViewStoreBase,
    day: Callable[[], date] = today,
    gate: threading.Lock | None = None,
) -> NoticesFollower:
    """Embedded notices; ``day`` is the business day they are judged on (tests move it);
    ``gate``: a round runs only while it can hold it (``Services.notices_gate``)."""
    sweep = settings.reminder_sweep_seconds
    return NoticesFollower(reminders(settings, app, store, day), app, store, sweep, gate=gate)

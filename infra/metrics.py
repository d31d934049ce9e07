"""Prometheus text exposition: event-store head, projection positions and lag."""

from __future__ import annotations

from infra.application import BanliApplication
from infra.projection_runner import status
from infra.view_store import ViewStoreBase


def prometheus_text(app: BanliApplication, store: ViewStoreBase) -> str:
    head = app.recorder.max_notification_id() or 0
    lines = [
        "# HELP banli_events_total Events in the event store (last notification position).",
        "# TYPE banli_events_total gauge",
        f"banli_events_total {head}",
        "# HELP banli_projection_position Last notification position a projection processed.",
        "# TYPE banli_projection_position gauge",
    ]
    rows = status(app, store)
    for row in rows:
        labels = f'projection="{row["projection"]}",generation="{row["generation"]}"'
        lines.append(f"banli_projection_position{{{labels}}} {row['position']}")
    lines += [
        "# HELP banli_projection_lag Events a projection has yet to process.",
        "# TYPE banli_projection_lag gauge",
    ]
    for row in rows:
        labels = f'projection="{row["projection"]}",generation="{row["generation"]}"'
        lines.append(f"banli_projection_lag{{{labels}}} {row['lag']}")
    return "\n".join(lines) + "\n"

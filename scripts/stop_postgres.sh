#!/usr/bin/env bash
# Stop the test PostgreSQL started by scripts/ensure_postgres.sh (idempotent: no-op if not running).
# Honours BANLI_PG_DIR (default <repo>/.cache/postgres) and BANLI_PG_BINDIR like ensure_postgres.sh.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_DIR="${BANLI_PG_DIR:-$REPO/.cache/postgres}"
case "$PG_DIR" in /*) ;; *) PG_DIR="$PWD/$PG_DIR" ;; esac
DATA_DIR="$PG_DIR/data"
cd /

log() { printf '[stop_postgres] %s\n' "$*" >&2; }

if [[ ! -f "$DATA_DIR/PG_VERSION" ]]; then
    log "no cluster in $DATA_DIR; nothing to stop"
    exit 0
fi
if [[ ! -f "$DATA_DIR/postmaster.pid" ]]; then
    log "not running"
    exit 0
fi

pid="$(head -n 1 "$DATA_DIR/postmaster.pid" 2>/dev/null || true)"
comm=""
if [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/comm" ]]; then
    comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
fi
if [[ "$comm" != postgres && "$comm" != postmaster ]]; then
    log "not running (removing stale postmaster.pid, pid '$pid')"
    rm -f "$DATA_DIR/postmaster.pid"
    exit 0
fi

ver="$(cat "$DATA_DIR/PG_VERSION")"
PG_CTL=""
for cand in "${BANLI_PG_BINDIR:-}/pg_ctl" "/usr/lib/postgresql/$ver/bin/pg_ctl"; do
    if [[ -x "$cand" ]]; then
        PG_CTL="$cand"
        break
    fi
done
if [[ -z "$PG_CTL" ]] && command -v pg_config >/dev/null 2>&1; then
    cand="$(pg_config --bindir)/pg_ctl"
    [[ -x "$cand" ]] && PG_CTL="$cand"
fi
[[ -n "$PG_CTL" ]] || {
    log "ERROR: pg_ctl for PostgreSQL $ver not found"
    exit 1
}

as_owner() {
    if [[ "$(id -u)" -eq 0 ]]; then
        runuser -u "$(stat -c %U "$DATA_DIR")" -- "$@"
    else
        "$@"
    fi
}

status=0
as_owner "$PG_CTL" status -D "$DATA_DIR" >/dev/null 2>&1 || status=$?
if [[ "$status" -eq 3 ]]; then
    log "not running (removing stale postmaster.pid)"
    rm -f "$DATA_DIR/postmaster.pid"
    exit 0
fi

log "stopping PostgreSQL in $DATA_DIR"
as_owner "$PG_CTL" stop -D "$DATA_DIR" -m fast -w -t 60 >&2 \
    || as_owner "$PG_CTL" stop -D "$DATA_DIR" -m immediate -w -t 30 >&2
log "stopped"

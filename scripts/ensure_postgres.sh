#!/usr/bin/env bash
# Provision (idempotently) a throw-away local PostgreSQL server for the test suite.
#
#   bash scripts/ensure_postgres.sh
#
# - No Docker, no systemd: the server is a private cluster started with pg_ctl.
# - Installs Debian's `postgresql` package when no server binaries exist (needs root).
# - Fast when the server is already up: only checks it and (re)ensures role + database.
# - Progress goes to stderr; the only stdout output is the final DSN line.
#
# Settings (environment, with defaults):
#   BANLI_PG_PORT      55432
#   BANLI_PG_DIR       <repo>/.cache/postgres   (data/ = cluster, log = server log, run/ = socket)
#   BANLI_PG_DB        banli_test
#   BANLI_PG_USER      banli
#   BANLI_PG_PASSWORD  banli
#   BANLI_PG_BINDIR    (optional) directory holding initdb/pg_ctl/postgres
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PORT="${BANLI_PG_PORT:-55432}"
PG_DIR="${BANLI_PG_DIR:-$REPO/.cache/postgres}"
DB_NAME="${BANLI_PG_DB:-banli_test}"
DB_USER="${BANLI_PG_USER:-banli}"
DB_PASSWORD="${BANLI_PG_PASSWORD:-banli}"
HOST=127.0.0.1
ADMIN_USER=postgres

log() { printf '[ensure_postgres] %s\n' "$*" >&2; }
die() {
    log "ERROR: $*"
    if [[ -n "${LOG_FILE:-}" && -f "$LOG_FILE" ]]; then
        log "last lines of $LOG_FILE:"
        tail -n 30 "$LOG_FILE" >&2 || true
    fi
    exit 1
}

[[ "$PORT" =~ ^[0-9]+$ ]] || die "BANLI_PG_PORT must be a number, got '$PORT'"
case "$PG_DIR" in /*) ;; *) PG_DIR="$PWD/$PG_DIR" ;; esac

# Keep libpq environment from leaking into our own connections.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGSERVICEFILE PGOPTIONS \
    PGSSLMODE PGPASSFILE PGTARGETSESSIONATTRS 2>/dev/null || true
export PGCONNECT_TIMEOUT=5
# The server runs as `postgres`, which may be unable to enter the caller's cwd.
cd /

IS_ROOT=0
[[ "$(id -u)" -eq 0 ]] && IS_ROOT=1

DSN="postgresql://${DB_USER}:${DB_PASSWORD}@${HOST}:${PORT}/${DB_NAME}"

# --------------------------------------------------------------------------- binaries
BINDIR=""
find_bindir() {
    BINDIR=""
    if [[ -n "${BANLI_PG_BINDIR:-}" && -x "${BANLI_PG_BINDIR}/initdb" ]]; then
        BINDIR="$BANLI_PG_BINDIR"
        return 0
    fi
    local newest
    newest="$(
        shopt -s nullglob
        for f in /usr/lib/postgresql/*/bin/initdb; do printf '%s\n' "$f"; done | sort -V | tail -n 1
    )"
    if [[ -n "$newest" ]]; then
        BINDIR="$(dirname "$newest")"
        return 0
    fi
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        BINDIR="$(dirname "$(command -v initdb)")"
        return 0
    fi
    if command -v pg_config >/dev/null 2>&1; then
        local d
        d="$(pg_config --bindir 2>/dev/null || true)"
        if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
            BINDIR="$d"
            return 0
        fi
    fi
    return 1
}

# Client tools come from the server bindir only: Debian's /usr/bin wrappers (postgresql-client-common)
# can exist without any real client and then fail with misleading exit codes.
tool() {
    local name="$1"
    [[ -n "$BINDIR" && -x "$BINDIR/$name" ]] || return 1
    printf '%s\n' "$BINDIR/$name"
}

install_postgres() {
    [[ "$IS_ROOT" -eq 1 ]] || die "PostgreSQL server binaries not found and not root; install 'postgresql' or set BANLI_PG_BINDIR"
    command -v apt-get >/dev/null 2>&1 || die "PostgreSQL server binaries not found and apt-get is unavailable"
    log "PostgreSQL server not found; installing Debian package 'postgresql' (apt-get)..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q </dev/null >&2 || die "apt-get update failed"
    apt-get install -y -q --no-install-recommends postgresql </dev/null >&2 \
        || die "apt-get install postgresql failed"
    # Debian may auto-create (and try to start) a 'main' cluster; we don't use it.
    if command -v pg_lsclusters >/dev/null 2>&1; then
        local ver name _port status _rest
        while read -r ver name _port status _rest; do
            if [[ "$status" == online* ]]; then
                log "stopping Debian-managed cluster $ver/$name (not used by the tests)"
                pg_ctlcluster "$ver" "$name" stop </dev/null >&2 || true
            fi
        done < <(pg_lsclusters -h 2>/dev/null || true)
    fi
}

# --------------------------------------------------------------------------- helpers
PG_USER_NAME=""
as_pg() {
    if [[ "$IS_ROOT" -eq 1 ]]; then
        runuser -u "$PG_USER_NAME" -- "$@"
    else
        "$@"
    fi
}

ensure_pg_system_user() {
    if [[ "$IS_ROOT" -ne 1 ]]; then
        PG_USER_NAME="$(id -un)"
        return 0
    fi
    PG_USER_NAME=postgres
    if ! id -u postgres >/dev/null 2>&1; then
        log "creating system user 'postgres'"
        useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/sh postgres \
            || die "could not create system user postgres"
    fi
}

# Return codes of pg_isready: 0 accepting, 1 rejecting (starting up), 2 no response, 3 bad params.
isready() {
    local isready_bin
    isready_bin="$(tool pg_isready)" || return 2
    local rc=0
    "$isready_bin" -q -h "$HOST" -p "$PORT" -t 3 || rc=$?
    return "$rc"
}

wait_ready() {
    local i rc
    for ((i = 0; i < 60; i++)); do
        rc=0
        isready || rc=$?
        [[ "$rc" -eq 0 ]] && return 0
        [[ "$rc" -eq 1 ]] || return "$rc"
        sleep 0.5
    done
    return 1
}

psql_admin() { # psql_admin <extra args...>   (connects as the cluster superuser via TCP/trust)
    "$PSQL" -X -q -A -t -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U "$ADMIN_USER" -d postgres "$@"
}

ensure_role_and_db() {
    PSQL="$(tool psql)" || die "psql not found"
    if psql_admin -c 'SELECT 1' >/dev/null 2>&1; then
        psql_admin -v "u=$DB_USER" -v "p=$DB_PASSWORD" -v "d=$DB_NAME" >/dev/null <<'SQL' \
            || die "could not create role/database"
SELECT format('CREATE ROLE %I LOGIN SUPERUSER PASSWORD %L', :'u', :'p')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'u') \gexec
SELECT format('ALTER ROLE %I LOGIN SUPERUSER PASSWORD %L', :'u', :'p')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'u' AND rolcanlogin AND rolsuper) \gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'d', :'u', 'UTF8')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'d') \gexec
SQL
    elif ! "$PSQL" -X -q -At -d "$DSN" -c 'SELECT 1' >/dev/null 2>&1; then
        # Not our cluster (no trusted superuser): try to create the database as the test user.
        PGPASSWORD="$DB_PASSWORD" "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" \
            -U "$DB_USER" -d postgres -v "d=$DB_NAME" >/dev/null <<'SQL' \
            || die "a server answers on $HOST:$PORT but neither '$ADMIN_USER' (trust) nor '$DB_USER' can set it up"
SELECT format('CREATE DATABASE %I', :'d')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'d') \gexec
SQL
    fi
    "$PSQL" -X -q -At -d "$DSN" -c 'SELECT 1' >/dev/null 2>&1 \
        || die "cannot connect with $DSN"
}

# --------------------------------------------------------------------------- fast path
find_bindir || true
rc=0
wait_ready || rc=$?
if [[ "$rc" -eq 0 ]]; then
    ensure_role_and_db
    printf '%s\n' "$DSN"
    exit 0
fi

# --------------------------------------------------------------------------- slow path
ensure_pg_system_user
(
    umask 022
    mkdir -p "$PG_DIR"
) || die "cannot create $PG_DIR"

# Serialise concurrent provisioning (e.g. several pytest workers).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$PG_DIR/.ensure.lock"
    flock -w 600 9 || die "timed out waiting for $PG_DIR/.ensure.lock"
fi

# Someone else may have finished while we waited for the lock.
rc=0
wait_ready || rc=$?
if [[ "$rc" -eq 0 ]]; then
    ensure_role_and_db
    printf '%s\n' "$DSN"
    exit 0
fi

if [[ -z "$BINDIR" ]]; then
    install_postgres
    find_bindir || die "postgresql installed but no initdb found under /usr/lib/postgresql/*/bin"
fi
log "using server binaries from $BINDIR ($("$BINDIR/postgres" --version 2>/dev/null || echo '?'))"

DATA_DIR="$PG_DIR/data"
SOCK_DIR="$PG_DIR/run"
LOG_FILE="$PG_DIR/log"
# Unix socket paths are limited to ~107 bytes.
if ((${#SOCK_DIR} + 20 > 100)); then
    SOCK_DIR="/tmp/banli-pg-$PORT"
fi

mkdir -p "$DATA_DIR" "$SOCK_DIR"
touch "$LOG_FILE"
if [[ "$IS_ROOT" -eq 1 ]]; then
    chown "$PG_USER_NAME": "$PG_DIR" "$DATA_DIR" "$SOCK_DIR" "$LOG_FILE"
    # Previous runs may have left root-owned files around (never inside data/).
    as_pg test -w "$DATA_DIR" \
        || die "user '$PG_USER_NAME' cannot access $DATA_DIR (a parent directory is not traversable?); set BANLI_PG_DIR to e.g. /var/tmp/banli-postgres"
fi
chmod 700 "$DATA_DIR"

# initdb if needed.
if [[ ! -s "$DATA_DIR/PG_VERSION" ]]; then
    if [[ -n "$(ls -A "$DATA_DIR")" ]]; then
        log "$DATA_DIR holds a partial cluster (no PG_VERSION); wiping it"
        find "$DATA_DIR" -mindepth 1 -delete
    fi
    log "initialising cluster in $DATA_DIR"
    as_pg "$BINDIR/initdb" -D "$DATA_DIR" -U "$ADMIN_USER" --auth=trust --encoding=UTF8 \
        --no-locale --no-sync >&2 || die "initdb failed"
else
    cluster_ver="$(cat "$DATA_DIR/PG_VERSION")"
    bin_ver="$("$BINDIR/postgres" --version | awk '{print $3}' | cut -d. -f1)"
    if [[ "$cluster_ver" != "$bin_ver" ]]; then
        die "cluster in $DATA_DIR is PostgreSQL $cluster_ver but binaries are $bin_ver; delete $PG_DIR to re-create"
    fi
fi

PG_CTL="$BINDIR/pg_ctl"

# Is a postmaster already running on this data dir (maybe on another port or still starting)?
pidfile="$DATA_DIR/postmaster.pid"
if [[ -f "$pidfile" ]]; then
    pid="$(head -n 1 "$pidfile" 2>/dev/null || true)"
    comm=""
    if [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/comm" ]]; then
        comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
    fi
    if [[ "$comm" == postgres || "$comm" == postmaster ]]; then
        log "a postmaster (pid $pid) runs on $DATA_DIR but does not answer on $HOST:$PORT; restarting it"
        as_pg "$PG_CTL" stop -D "$DATA_DIR" -m fast -w -t 60 >&2 \
            || as_pg "$PG_CTL" stop -D "$DATA_DIR" -m immediate -w -t 30 >&2 \
            || die "could not stop postmaster pid $pid"
    else
        log "removing stale $pidfile (pid '${pid}' is not a running postgres)"
        rm -f "$pidfile"
    fi
fi
# A stale socket lock from a killed server would block startup.
rm -f "$SOCK_DIR/.s.PGSQL.$PORT" "$SOCK_DIR/.s.PGSQL.$PORT.lock" 2>/dev/null || true

log "starting PostgreSQL on $HOST:$PORT (log: $LOG_FILE)"
opts="-p $PORT -k $SOCK_DIR -c listen_addresses=$HOST -c fsync=off -c synchronous_commit=off"
opts+=" -c full_page_writes=off -c max_connections=500"
# 9>&-: the postmaster must not inherit (and so hold forever) the provisioning lock.
as_pg "$PG_CTL" start -D "$DATA_DIR" -l "$LOG_FILE" -w -t 120 -o "$opts" >&2 9>&- \
    || die "pg_ctl start failed"

wait_ready || die "server started but does not accept connections on $HOST:$PORT"
ensure_role_and_db
log "ready"
printf '%s\n' "$DSN"

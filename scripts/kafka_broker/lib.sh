# Shared by scripts/ensure_kafka.sh and scripts/stop_kafka.sh (sourced, not run).
# Expects REPO to be set and `log` to be defined by the caller.
# shellcheck shell=bash

KAFKA_DIR="${BANLI_KAFKA_DIR:-$REPO/.cache/kafka}"
case "$KAFKA_DIR" in /*) ;; *) KAFKA_DIR="$PWD/$KAFKA_DIR" ;; esac

KAFKA_HOST=127.0.0.1
ENV_FILE="$KAFKA_DIR/broker.env"      # PORT, CONTROLLER_PORT, PID, CLUSTER_ID of the last start
CONF_FILE="$KAFKA_DIR/server.properties"
LOCK_FILE="$KAFKA_DIR/.ensure.lock"

# Values recorded in broker.env (empty when absent).
REC_PORT=""
REC_CONTROLLER_PORT=""
REC_PID=""
REC_CLUSTER_ID=""

# Parse broker.env without sourcing it (it is data, not code).
read_env_file() {
    REC_PORT="" REC_CONTROLLER_PORT="" REC_PID="" REC_CLUSTER_ID=""
    [[ -f "$ENV_FILE" ]] || return 0
    local key value
    while IFS='=' read -r key value || [[ -n "$key" ]]; do
        case "$key" in
            PORT) [[ "$value" =~ ^[0-9]+$ ]] && REC_PORT="$value" ;;
            CONTROLLER_PORT) [[ "$value" =~ ^[0-9]+$ ]] && REC_CONTROLLER_PORT="$value" ;;
            PID) [[ "$value" =~ ^[0-9]+$ ]] && REC_PID="$value" ;;
            CLUSTER_ID) [[ "$value" =~ ^[A-Za-z0-9_-]+$ ]] && REC_CLUSTER_ID="$value" ;;
        esac
    done <"$ENV_FILE"
    return 0
}

# write_env_file PORT CONTROLLER_PORT PID CLUSTER_ID   (atomic replace)
write_env_file() {
    local tmp="$ENV_FILE.tmp.$$"
    {
        printf 'PORT=%s\n' "$1"
        printf 'CONTROLLER_PORT=%s\n' "$2"
        printf 'PID=%s\n' "$3"
        printf 'CLUSTER_ID=%s\n' "$4"
        printf 'BOOTSTRAP=%s:%s\n' "$KAFKA_HOST" "$1"
        printf 'UPDATED_AT=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    } >"$tmp"
    mv -f "$tmp" "$ENV_FILE"
}

# True when PID is a live (not zombie) broker started from this cache dir's server.properties.
is_our_broker() {
    local pid="$1" state cmdline
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" || return 1
    [[ -n "$state" && "$state" != Z && "$state" != X ]] || return 1
    cmdline="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
    grep -qx 'kafka.Kafka' <<<"$cmdline" && grep -qxF "$CONF_FILE" <<<"$cmdline"
}

# PIDs of every broker running from this cache dir (normally 0 or 1), e.g. when broker.env was lost.
our_broker_pids() {
    local d pid
    for d in /proc/[0-9]*; do
        pid="${d#/proc/}"
        [[ "$pid" == "$$" ]] && continue
        is_our_broker "$pid" && printf '%s\n' "$pid"
    done
    return 0
}

# stop_pid PID GRACE_SECONDS: TERM, wait, then KILL; returns once the process is gone.
stop_pid() {
    local pid="$1" grace="$2" i
    is_our_broker "$pid" || return 0
    log "stopping broker pid $pid (TERM, up to ${grace}s)"
    kill -TERM "$pid" 2>/dev/null || true
    kill -CONT "$pid" 2>/dev/null || true # a stopped (SIGSTOP) JVM handles TERM only once resumed
    for ((i = 0; i < grace * 5; i++)); do
        is_our_broker "$pid" || return 0
        sleep 0.2
    done
    log "broker pid $pid still running after ${grace}s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        is_our_broker "$pid" || return 0
        sleep 0.1
    done
    log "WARNING: broker pid $pid did not exit after KILL"
    return 1
}

take_lock() {
    command -v flock >/dev/null 2>&1 || return 0
    exec 9>"$LOCK_FILE"
    flock -w "$1" 9
}

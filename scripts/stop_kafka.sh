#!/usr/bin/env bash
# Stop the test Kafka broker started by scripts/ensure_kafka.sh (idempotent: no-op if not running).
#
# TERM first (a clean shutdown, so the next start needs no log recovery), KILL after the grace
# period. The log dir, ports and cluster id are kept: the next ensure_kafka.sh restarts the same
# broker on the same address with its data.
#
# Settings: BANLI_KAFKA_DIR (default <repo>/.cache/kafka), BANLI_KAFKA_STOP_GRACE (30 seconds).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[stop_kafka] %s\n' "$*" >&2; }

# shellcheck source=scripts/kafka_broker/lib.sh
source "$REPO/scripts/kafka_broker/lib.sh"

GRACE="${BANLI_KAFKA_STOP_GRACE:-30}"
[[ "$GRACE" =~ ^[0-9]+$ ]] || {
    log "ERROR: BANLI_KAFKA_STOP_GRACE must be a number of seconds"
    exit 1
}

if [[ ! -d "$KAFKA_DIR" ]]; then
    log "no $KAFKA_DIR; nothing to stop"
    exit 0
fi

# Wait for a provisioning in progress to finish, but never block a stop for long.
take_lock 120 || log "WARNING: $LOCK_FILE is held by another process; stopping anyway"

read_env_file
pids="$(our_broker_pids)"
if [[ -n "$REC_PID" ]] && ! is_our_broker "$REC_PID"; then
    log "pid $REC_PID in broker.env is not a running broker (stale)"
fi
if [[ -z "$pids" ]]; then
    log "not running"
else
    status=0
    for pid in $pids; do
        stop_pid "$pid" "$GRACE" || status=1
    done
    [[ "$status" -eq 0 ]] || exit 1
    log "stopped"
fi
if [[ -n "$REC_PID" ]]; then
    write_env_file "$REC_PORT" "$REC_CONTROLLER_PORT" "" "$REC_CLUSTER_ID"
fi

#!/usr/bin/env bash
# Provision (idempotently) a throw-away single-node Apache Kafka broker for the test suite.
#
#   bash scripts/ensure_kafka.sh          # prints the bootstrap address, e.g. 127.0.0.1:40123
#
# - No Docker, no Kafka package: the broker's jars come from Maven Central through
#   scripts/kafka_broker/pom.xml (mvn dependency:copy-dependencies) and run with the machine's Java 17+.
#   If `mvn` (or `java`) is missing and we are root, Debian's `maven` package is installed.
# - KRaft combined mode (broker + controller, node.id=1) on 127.0.0.1 only.
# - Fast when the broker is already running: checks it with a metadata round-trip and exits.
# - The log dir survives a stop/start (scripts/stop_kafka.sh); only a fresh provisioning (no
#   formatted log dir, or the recorded ports are no longer usable) formats a new one.
# - Progress goes to stderr; the last stdout line is the bootstrap address.
#
# Settings (environment, with defaults):
#   BANLI_KAFKA_DIR            <repo>/.cache/kafka  (libs/, data/, server.properties, broker.log,
#                                                   broker.env = ports + pid of the running broker)
#   BANLI_KAFKA_PORT           (a free port; the previous one is kept across restarts)
#   BANLI_KAFKA_START_TIMEOUT  90    seconds to wait for the broker to answer metadata requests
#   BANLI_KAFKA_HEAP           -Xmx512m -Xms256m
#   BANLI_KAFKA_M2_REPO        (Maven's default, ~/.m2/repository) local repository for the jars
#   BANLI_KAFKA_PYTHON         (<repo>/.venv/bin/python, else python3) runs the readiness probe;
#                              uses kafka-python when importable, else a raw Metadata request
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[ensure_kafka] %s\n' "$*" >&2; }

# shellcheck source=scripts/kafka_broker/lib.sh
source "$REPO/scripts/kafka_broker/lib.sh"

POM="$REPO/scripts/kafka_broker/pom.xml"
LIBS_DIR="$KAFKA_DIR/libs"
DATA_DIR="$KAFKA_DIR/data"
FORMAT_STAMP="$KAFKA_DIR/data.formatted" # cluster id; written only after a complete format
LOG4J_CONF="$KAFKA_DIR/log4j2.xml"
LOG4J_TOOL_CONF="$KAFKA_DIR/log4j2-tool.xml"
LOG_FILE="$KAFKA_DIR/broker.log" # broker's log4j output
OUT_FILE="$KAFKA_DIR/broker.out" # the JVM's own stdout/stderr
START_TIMEOUT="${BANLI_KAFKA_START_TIMEOUT:-90}"
HEAP_OPTS="${BANLI_KAFKA_HEAP:--Xmx512m -Xms256m}"
WANT_PORT="${BANLI_KAFKA_PORT:-}"
STOP_GRACE=30

die() {
    log "ERROR: $*"
    exit 1
}
# die_with_logs MESSAGE: for broker failures; shows the tails of its logs.
die_with_logs() {
    log "ERROR: $*"
    local f
    if [[ -s "$LOG_FILE" ]]; then
        log "last lines of $LOG_FILE:"
        tail -n 40 "$LOG_FILE" >&2 || true
    fi
    if [[ -s "$OUT_FILE" ]]; then
        log "last lines of $OUT_FILE (the JVM's own output):"
        tail -n 10 "$OUT_FILE" >&2 || true
    fi
    exit 1
}

[[ "$START_TIMEOUT" =~ ^[0-9]+$ ]] || die "BANLI_KAFKA_START_TIMEOUT must be a number of seconds"
if [[ -n "$WANT_PORT" ]]; then
    [[ "$WANT_PORT" =~ ^[0-9]+$ ]] && ((WANT_PORT > 0 && WANT_PORT < 65536)) \
        || die "BANLI_KAFKA_PORT must be a TCP port number, got '$WANT_PORT'"
fi

KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\([^<]*\)</kafka.version>.*:\1:p' "$POM" | head -n 1)"
[[ -n "$KAFKA_VERSION" ]] || die "no <kafka.version> in $POM"

# --------------------------------------------------------------------------- python helpers
PY="${BANLI_KAFKA_PYTHON:-}"
if [[ -z "$PY" ]]; then
    if [[ -x "$REPO/.venv/bin/python" ]]; then
        PY="$REPO/.venv/bin/python"
    else
        PY="$(command -v python3 || true)"
    fi
fi
[[ -n "$PY" ]] || die "no python3 found (needed for port checks and the readiness probe)"

# probe BOOTSTRAP TIMEOUT_S: a metadata round-trip; prints the cluster id, fails if none/no broker.
probe() {
    timeout $(($2 + 15)) "$PY" - "$1" "$2" <<'PY' 2>/dev/null
import logging
import socket
import struct
import sys

bootstrap, timeout_s = sys.argv[1], float(sys.argv[2])
logging.disable(logging.CRITICAL)
try:
    from kafka import KafkaAdminClient
except ImportError:
    KafkaAdminClient = None

if KafkaAdminClient is not None:
    ms = int(timeout_s * 1000)
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id="banli-ensure-kafka",
        request_timeout_ms=ms,
        bootstrap_timeout_ms=ms,
        reconnect_backoff_max_ms=500,
    )
    try:
        cluster = admin.describe_cluster()
        admin.list_topics()
    finally:
        admin.close()
    brokers, cluster_id = cluster["brokers"], cluster.get("cluster_id")
else:  # stdlib fallback: MetadataRequest v4 (the oldest version Kafka 4.x still serves)
    host, port = bootstrap.rsplit(":", 1)

    def read_exact(sock, n):
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("connection closed")
            buf += chunk
        return buf

    client_id = b"banli-ensure-kafka"
    body = struct.pack(">hhih", 3, 4, 1, len(client_id)) + client_id + struct.pack(">ib", -1, 0)
    with socket.create_connection((host, int(port)), timeout=timeout_s) as sock:
        sock.sendall(struct.pack(">i", len(body)) + body)
        (size,) = struct.unpack(">i", read_exact(sock, 4))
        data = read_exact(sock, size)
    pos = 8  # correlation id, throttle time
    (n_brokers,) = struct.unpack_from(">i", data, pos)
    pos += 4
    brokers = []
    for _ in range(n_brokers):
        node_id, host_len = struct.unpack_from(">ih", data, pos)
        pos += 6 + host_len + 4
        (rack_len,) = struct.unpack_from(">h", data, pos)
        pos += 2 + max(rack_len, 0)
        brokers.append(node_id)
    (cid_len,) = struct.unpack_from(">h", data, pos)
    cluster_id = data[pos + 2 : pos + 2 + cid_len].decode() if cid_len >= 0 else None

if not brokers or not cluster_id:
    sys.exit(1)
print(cluster_id)
PY
}

# port_free PORT: nothing listens on 127.0.0.1:PORT (TIME_WAIT leftovers do not count).
port_free() {
    "$PY" - "$KAFKA_HOST" "$1" <<'PY' 2>/dev/null
import socket
import sys

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

# pick_ports N: N distinct currently-free ports, one a line.
pick_ports() {
    "$PY" - "$KAFKA_HOST" "$1" <<'PY'
import socket
import sys

socks = []
for _ in range(int(sys.argv[2])):
    s = socket.socket()
    s.bind((sys.argv[1], 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
    s.close()
PY
}

# ready_now PORT CLUSTER_ID TIMEOUT: our broker answers on PORT (with the expected cluster id).
ready_now() {
    local got
    got="$(probe "$KAFKA_HOST:$1" "$3")" || return 1
    got="$(tail -n 1 <<<"$got")"
    [[ -z "$2" || "$got" == "$2" ]]
}

# --------------------------------------------------------------------------- fast path
if [[ -d "$KAFKA_DIR" ]]; then
    read_env_file
    if [[ -n "$REC_PORT" && ( -z "$WANT_PORT" || "$WANT_PORT" == "$REC_PORT" ) ]] \
        && is_our_broker "$REC_PID" && ready_now "$REC_PORT" "$REC_CLUSTER_ID" 10; then
        printf '%s:%s\n' "$KAFKA_HOST" "$REC_PORT"
        exit 0
    fi
fi

# --------------------------------------------------------------------------- slow path
mkdir -p "$KAFKA_DIR" || die "cannot create $KAFKA_DIR"
# Serialise concurrent provisioning (several pytest sessions, a restart racing an ensure).
take_lock 900 || die "timed out waiting for $LOCK_FILE"

# Someone else may have finished (or be finishing) while we waited for the lock.
read_env_file
if [[ -n "$REC_PORT" && ( -z "$WANT_PORT" || "$WANT_PORT" == "$REC_PORT" ) ]] \
    && is_our_broker "$REC_PID"; then
    # A young broker may still be starting (its ensure_kafka.sh was interrupted): give it the
    # rest of the start-up timeout. An old one that does not answer is hung.
    age="$(ps -o etimes= -p "$REC_PID" 2>/dev/null | tr -d ' ')"
    [[ "$age" =~ ^[0-9]+$ ]] || age=0
    deadline=$((SECONDS + (age < START_TIMEOUT ? START_TIMEOUT - age : 0) + 5))
    while is_our_broker "$REC_PID" && ((SECONDS < deadline)); do
        if ready_now "$REC_PORT" "$REC_CLUSTER_ID" 5; then
            printf '%s:%s\n' "$KAFKA_HOST" "$REC_PORT"
            exit 0
        fi
        sleep 1
    done
    log "broker pid $REC_PID does not answer on $KAFKA_HOST:$REC_PORT; restarting it"
fi
# A requested port must be free (or be ours) before anything running is stopped for it.
if [[ -n "$WANT_PORT" ]] && ! { [[ "$WANT_PORT" == "$REC_PORT" ]] && is_our_broker "$REC_PID"; } \
    && ! port_free "$WANT_PORT"; then
    die "BANLI_KAFKA_PORT=$WANT_PORT is already in use on $KAFKA_HOST"
fi
# Whatever still runs from this directory (a hung broker, one on another port, or one whose
# broker.env was lost) holds the log dir lock: stop it first.
for pid in $(our_broker_pids); do
    stop_pid "$pid" "$STOP_GRACE" || die_with_logs "could not stop broker pid $pid"
done
if [[ -n "$REC_PID" ]]; then
    write_env_file "$REC_PORT" "$REC_CONTROLLER_PORT" "" "$REC_CLUSTER_ID"
fi

# --------------------------------------------------------------------------- java + jars
JAVA="java"
[[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && JAVA="$JAVA_HOME/bin/java"

apt_install() { # apt_install WHAT PACKAGE...
    local what="$1"
    shift
    [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1 \
        || die "$what not found; install it (Debian: apt-get install $*)"
    log "$what not found; installing Debian package(s) $* (apt-get)..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q </dev/null >&2 || die "apt-get update failed"
    apt-get install -y -q --no-install-recommends "$@" </dev/null >&2 || die "apt-get install $* failed"
}

command -v "$JAVA" >/dev/null 2>&1 || apt_install java openjdk-17-jre-headless
java_major="$("$JAVA" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1)"
[[ "$java_major" =~ ^[0-9]+$ ]] || die "cannot tell the version of $JAVA"
((java_major >= 17)) || die "Kafka $KAFKA_VERSION needs Java 17+, $JAVA is Java $java_major"

pom_sum="$(sha256sum "$POM" | cut -d' ' -f1)"
if [[ "$(cat "$LIBS_DIR/.complete" 2>/dev/null || true)" != "$pom_sum" \
    || ! -f "$LIBS_DIR/kafka_2.13-$KAFKA_VERSION.jar" ]]; then
    command -v mvn >/dev/null 2>&1 || apt_install mvn maven
    log "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central (mvn)..."
    tmp_libs="$KAFKA_DIR/libs.tmp.$$"
    rm -rf "$tmp_libs"
    mvn_args=(-B -q -ntp -Dstyle.color=never -f "$POM" dependency:copy-dependencies
        -DincludeScope=runtime -DoutputDirectory="$tmp_libs")
    [[ -n "${BANLI_KAFKA_M2_REPO:-}" ]] && mvn_args+=("-Dmaven.repo.local=$BANLI_KAFKA_M2_REPO")
    fetched=0
    for attempt in 1 2 3; do
        # (sed: Maven 3.8 prints colour resets even in batch mode)
        if mvn "${mvn_args[@]}" </dev/null 2>&1 | sed -e $'s/\x1b\\[[0-9;]*m//g' >&2; then
            fetched=1
            break
        fi
        log "mvn failed (attempt $attempt)"
        rm -rf "$tmp_libs"
        sleep $((attempt * 5))
    done
    ((fetched)) || die "could not fetch the Kafka jars with mvn"
    [[ -f "$tmp_libs/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "mvn did not produce kafka_2.13-$KAFKA_VERSION.jar"
    printf '%s\n' "$pom_sum" >"$tmp_libs/.complete"
    rm -rf "$LIBS_DIR"
    mv "$tmp_libs" "$LIBS_DIR"
    log "jars in $LIBS_DIR ($(find "$LIBS_DIR" -name '*.jar' | wc -l) files)"
fi
CP="$LIBS_DIR/*"

# --------------------------------------------------------------------------- config
xml_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' <<<"$1"; }

cat >"$LOG4J_CONF" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/ensure_kafka.sh. -->
<Configuration status="WARN" name="banli-test-kafka">
  <Appenders>
    <RollingFile name="file" fileName="$(xml_escape "$LOG_FILE")" filePattern="$(xml_escape "$LOG_FILE").%i">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <Policies><SizeBasedTriggeringPolicy size="20 MB"/></Policies>
      <DefaultRolloverStrategy max="2"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="file"/></Root>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="state.change.logger" level="WARN"/>
    <Logger name="org.apache.kafka.clients" level="WARN"/>
  </Loggers>
</Configuration>
EOF
cat >"$LOG4J_TOOL_CONF" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN" name="banli-test-kafka-tool">
  <Appenders><Console name="stderr" target="SYSTEM_ERR"><PatternLayout pattern="%p %m%n"/></Console></Appenders>
  <Loggers><Root level="WARN"><AppenderRef ref="stderr"/></Root></Loggers>
</Configuration>
EOF

run_tool() { "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$LOG4J_TOOL_CONF" -cp "$CP" kafka.tools.StorageTool "$@" </dev/null; }

write_server_properties() { # PORT CONTROLLER_PORT
    cat >"$CONF_FILE" <<EOF
# Written by scripts/ensure_kafka.sh: single-node KRaft (broker + controller) for the tests.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$KAFKA_HOST:$2
listeners=PLAINTEXT://$KAFKA_HOST:$1,CONTROLLER://$KAFKA_HOST:$2
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$1,CONTROLLER://$KAFKA_HOST:$2
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA_DIR
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=2
log.retention.hours=24
log.segment.bytes=67108864
EOF
}

# --------------------------------------------------------------------------- ports + log dir
PORT="" CONTROLLER_PORT="" CLUSTER_ID=""
formatted=0
if [[ -n "$REC_CLUSTER_ID" && "$(cat "$FORMAT_STAMP" 2>/dev/null || true)" == "$REC_CLUSTER_ID" \
    && -f "$DATA_DIR/meta.properties" ]]; then
    formatted=1
fi
if ((formatted)) && [[ -n "$REC_PORT" && -n "$REC_CONTROLLER_PORT" ]] \
    && [[ -z "$WANT_PORT" || "$WANT_PORT" == "$REC_PORT" ]]; then
    if port_free "$REC_PORT" && port_free "$REC_CONTROLLER_PORT"; then
        PORT="$REC_PORT" CONTROLLER_PORT="$REC_CONTROLLER_PORT" CLUSTER_ID="$REC_CLUSTER_ID"
    else
        log "recorded ports $REC_PORT/$REC_CONTROLLER_PORT are taken by another process; provisioning afresh"
    fi
fi

fresh_ports() {
    local picked
    # Keep the recorded address when it is still usable: clients keep working across a re-format.
    if [[ -n "$REC_PORT" && -n "$REC_CONTROLLER_PORT" && "$REC_PORT" != "$REC_CONTROLLER_PORT" ]] \
        && [[ -z "$WANT_PORT" || "$WANT_PORT" == "$REC_PORT" ]] \
        && port_free "$REC_PORT" && port_free "$REC_CONTROLLER_PORT"; then
        PORT="$REC_PORT" CONTROLLER_PORT="$REC_CONTROLLER_PORT"
        return 0
    fi
    if [[ -n "$WANT_PORT" ]]; then
        port_free "$WANT_PORT" || die "BANLI_KAFKA_PORT=$WANT_PORT is already in use on $KAFKA_HOST"
        PORT="$WANT_PORT"
        picked="$(pick_ports 2)" || die "cannot pick a free port"
        CONTROLLER_PORT="$(grep -vx "$PORT" <<<"$picked" | head -n 1)"
    else
        picked="$(pick_ports 2)" || die "cannot pick free ports"
        PORT="$(sed -n 1p <<<"$picked")"
        CONTROLLER_PORT="$(sed -n 2p <<<"$picked")"
    fi
    [[ "$PORT" =~ ^[0-9]+$ && "$CONTROLLER_PORT" =~ ^[0-9]+$ ]] || die "cannot pick free ports"
}

format_fresh() {
    log "formatting a new KRaft log dir in $DATA_DIR"
    rm -f "$FORMAT_STAMP"
    rm -rf "$DATA_DIR"
    mkdir -p "$DATA_DIR"
    CLUSTER_ID="$(run_tool random-uuid 2>/dev/null | tail -n 1)"
    [[ "$CLUSTER_ID" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "kafka.tools.StorageTool random-uuid gave '$CLUSTER_ID'"
    write_server_properties "$PORT" "$CONTROLLER_PORT"
    run_tool format --standalone -t "$CLUSTER_ID" -c "$CONF_FILE" >&2 || die_with_logs "kafka.tools.StorageTool format failed"
    printf '%s\n' "$CLUSTER_ID" >"$FORMAT_STAMP"
}

if [[ -z "$PORT" ]]; then
    fresh_ports
    format_fresh
else
    log "reusing the log dir $DATA_DIR (cluster $CLUSTER_ID)"
    write_server_properties "$PORT" "$CONTROLLER_PORT"
fi

# --------------------------------------------------------------------------- start + wait
start_broker() {
    log "starting Kafka $KAFKA_VERSION on $KAFKA_HOST:$PORT (controller :$CONTROLLER_PORT; log: $LOG_FILE)"
    printf '\n=== %s start on %s:%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$KAFKA_HOST" "$PORT" >>"$OUT_FILE"
    # setsid + nohup: the broker outlives this script and its caller's session; all of its stdio
    # goes to files (a caller capturing our output must not wait on the broker), and 9>&- keeps
    # the provisioning lock from being inherited.
    # shellcheck disable=SC2086  # HEAP_OPTS is a list of JVM options
    nohup setsid "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
        -Djava.awt.headless=true -Dlog4j2.configurationFile="$LOG4J_CONF" \
        -Dlog4j2.shutdownHookEnabled=false \
        -cp "$CP" kafka.Kafka "$CONF_FILE" </dev/null >>"$OUT_FILE" 2>&1 9>&- &
    BROKER_PID=$!
    write_env_file "$PORT" "$CONTROLLER_PORT" "$BROKER_PID" "$CLUSTER_ID"
}

# wait_broker: 0 ready, 1 timed out (still running), 2 the process exited.
wait_broker() {
    local deadline=$((SECONDS + START_TIMEOUT))
    sleep 1
    while ((SECONDS < deadline)); do
        is_our_broker "$BROKER_PID" || return 2
        ready_now "$PORT" "$CLUSTER_ID" 5 && return 0
        sleep 0.5
    done
    is_our_broker "$BROKER_PID" || return 2
    return 1
}

BROKER_PID=""
start_broker
rc=0
wait_broker || rc=$?
if [[ "$rc" -eq 2 && "$formatted" -eq 1 ]]; then
    # The kept log dir may be what kills it (e.g. left half-written): start over on a fresh one.
    log "broker exited at start-up with the kept log dir; retrying with a freshly formatted one"
    tail -n 20 "$LOG_FILE" >&2 2>/dev/null || true
    formatted=0
    fresh_ports
    format_fresh
    start_broker
    rc=0
    wait_broker || rc=$?
fi
case "$rc" in
    0) ;;
    2)
        write_env_file "$PORT" "$CONTROLLER_PORT" "" "$CLUSTER_ID"
        die_with_logs "the broker (pid $BROKER_PID) exited during start-up"
        ;;
    *)
        stop_pid "$BROKER_PID" 10 || true
        write_env_file "$PORT" "$CONTROLLER_PORT" "" "$CLUSTER_ID"
        die_with_logs "the broker did not answer a metadata request on $KAFKA_HOST:$PORT within ${START_TIMEOUT}s"
        ;;
esac
log "ready: $KAFKA_HOST:$PORT (pid $BROKER_PID, cluster $CLUSTER_ID)"
printf '%s:%s\n' "$KAFKA_HOST" "$PORT"

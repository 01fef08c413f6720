#!/usr/bin/env bash
# Heartwatch on one machine, no cloud: builds the server and the agent, starts
# heartwatch-server (SQLite, the live silence rule, mail to an outbox folder) and a local
# agent beside it, with demo thresholds in seconds. Everything it makes lives in the
# git-ignored .heartwatch/ folder: random keys, configuration, database, logs, outbox.
#
# Usage: scripts/run-local.sh [start|stop-agent|start-agent|stop|status]
# Needs: JDK 17+ and Maven.
# Export to Application Insights (optional): set APPLICATIONINSIGHTS_CONNECTION_STRING and
# APPLICATIONINSIGHTS_AGENT_JAR (the applicationinsights-agent-3.5.3.jar) before "start".
set -euo pipefail
cd "$(dirname "$0")/.."

HW=.heartwatch
PORT="${HEARTWATCH_PORT:-7071}"
SERVER_JAR=server/target/heartwatch-server.jar
AGENT_JAR=agent/target/heartwatch-agent.jar
JAVA="${JAVA:-java}"
AI_AGENT_JAR="${APPLICATIONINSIGHTS_AGENT_JAR:-}"
AI_CONFIG=server/src/main/resources/dev/heartwatch/server/export/applicationinsights.json

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

random_key() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

stop_pid() { # pidfile name
  if alive "$1"; then
    kill -TERM "$(cat "$1")"
    for _ in $(seq 150); do alive "$1" || break; sleep 0.1; done
    echo "$2 stopped"
  else
    echo "$2 is not running"
  fi
  rm -f "$1"
}

start_agent() {
  if alive "$HW/agent.pid"; then echo "the agent is already running (pid $(cat "$HW/agent.pid"))"; return; fi
  # The key goes through the environment, not the command line (ps would show it).
  HEARTBEAT_URL="http://127.0.0.1:$PORT/api/ping" HEARTBEAT_KEY="$(cat "$HW/ping.key")" \
  HEARTBEAT_DEVICE="${HEARTBEAT_DEVICE:-local-demo}" HEARTBEAT_INTERVAL="${HEARTBEAT_INTERVAL:-5}" \
  HEARTBEAT_LEDGER="$HW/agent-ledger" \
    nohup "$JAVA" -jar "$AGENT_JAR" >>"$HW/agent.log" 2>&1 &
  echo $! >"$HW/agent.pid"
  echo "agent started (pid $!), device ${HEARTBEAT_DEVICE:-local-demo}, log $HW/agent.log"
}

start() {
  command -v "$JAVA" >/dev/null || { echo "run-local: no java (install a JDK 17+)" >&2; exit 1; }
  command -v mvn >/dev/null || { echo "run-local: no mvn (install Maven)" >&2; exit 1; }
  mkdir -p "$HW"
  chmod 700 "$HW"
  if [ ! -f "$SERVER_JAR" ] || [ ! -f "$AGENT_JAR" ] || [ "${REBUILD:-1}" = 1 ]; then
    echo "building server and agent..."
    mvn -B -q -DskipTests -pl server,agent -am package
  fi
  umask 077
  [ -s "$HW/ping.key" ] || random_key >"$HW/ping.key"
  [ -s "$HW/admin.key" ] || random_key >"$HW/admin.key"
  if [ ! -f "$HW/heartwatch-server.properties" ]; then
    cat >"$HW/heartwatch-server.properties" <<CONF
# Written by scripts/run-local.sh: demo thresholds in seconds (production: PT5M).
# See server/heartwatch-server.example.properties and docs/server.md for every setting.
HEARTWATCH_BIND=127.0.0.1
HEARTWATCH_PORT=$PORT
HEARTWATCH_KEY_FILE=$HW/ping.key
HEARTWATCH_ADMIN_KEY_FILE=$HW/admin.key
HEARTWATCH_DB=$HW/heartwatch.db
HEARTWATCH_OUTBOX=$HW/outbox
HEARTWATCH_THRESHOLD=PT30S
HEARTWATCH_EVALUATION_FREQUENCY=PT5S
HEARTWATCH_HEARTBEAT_INTERVAL=PT5S
HEARTWATCH_LOOKBACK=PT1H
HEARTWATCH_COOLDOWN=PT10S
CONF
  fi
  # The Application Insights agent is attached only when asked for (docs/export.md).
  agent_opts=()
  if [ -n "${APPLICATIONINSIGHTS_CONNECTION_STRING:-}" ]; then
    [ -f "$AI_AGENT_JAR" ] || { echo "run-local: APPLICATIONINSIGHTS_CONNECTION_STRING is set but APPLICATIONINSIGHTS_AGENT_JAR is not a file (see docs/export.md)" >&2; exit 1; }
    agent_opts=("-javaagent:$AI_AGENT_JAR")
    export APPLICATIONINSIGHTS_CONFIGURATION_FILE="${APPLICATIONINSIGHTS_CONFIGURATION_FILE:-$PWD/$AI_CONFIG}"
  fi
  if alive "$HW/server.pid"; then
    echo "the server is already running (pid $(cat "$HW/server.pid"))"
  else
    # -Xmx256m: room for the server and, when attached, the agent (it needs at least 48 MB of heap).
    HEARTWATCH_CONFIG="$HW/heartwatch-server.properties" nohup "$JAVA" -Xmx256m ${agent_opts[@]+"${agent_opts[@]}"} -jar "$SERVER_JAR" >>"$HW/server.log" 2>&1 &
    echo $! >"$HW/server.pid"
    for _ in $(seq 100); do
      grep -q "listening on" "$HW/server.log" 2>/dev/null && break
      alive "$HW/server.pid" || { echo "the server did not start; see $HW/server.log:" >&2; tail -5 "$HW/server.log" >&2; exit 1; }
      sleep 0.2
    done
    echo "server started (pid $(cat "$HW/server.pid")), log $HW/server.log"
  fi
  start_agent
  cat <<INFO

Heartwatch runs locally:
  dashboard      http://127.0.0.1:$PORT/   (no read key configured: served to this machine only)
  ping endpoint  http://127.0.0.1:$PORT/api/ping   (key in $HW/ping.key)
  alerts         $HW/outbox/ (one .eml file per mail) and $HW/server.log (console)
  database       $HW/heartwatch.db (sqlite3 $HW/heartwatch.db 'select text from lines order by id desc limit 5')

Try it (threshold PT30S):
  scripts/run-local.sh stop-agent    # clean stop (SIGTERM): a "stopping" beat, no alert
  kill -9 \$(cat $HW/agent.pid)        # a crash: after ~30 s a "DOWN" mail lands in $HW/outbox/
  scripts/run-local.sh start-agent   # back: a "RESOLVED" mail with the outage's start, end, cause
  scripts/run-local.sh stop          # stop everything
Mute or retire a device (and undo it): the dashboard's buttons, or java -jar $SERVER_JAR devices mute local-demo PT1H (unmute, retire, unretire)   (HEARTWATCH_DB=$HW/heartwatch.db)
History report (build it: mvn -B -q -DskipTests -pl cli -am package; any --key while no read key is set):
  java -jar cli/target/heartwatch.jar history --server http://127.0.0.1:$PORT --key local --last 1d
INFO
  if [ -n "${APPLICATIONINSIGHTS_CONNECTION_STRING:-}" ]; then
    echo "Export to Application Insights: on (agent $AI_AGENT_JAR); every stored line goes to traces."
  else
    cat <<EXPORT
Export to Application Insights: off. To turn it on (docs/export.md):
  mvn -B -q dependency:copy -Dartifact=com.microsoft.azure:applicationinsights-agent:3.5.3 -DoutputDirectory=$HW
  scripts/run-local.sh stop
  APPLICATIONINSIGHTS_CONNECTION_STRING='InstrumentationKey=...;IngestionEndpoint=https://...' \\
  APPLICATIONINSIGHTS_AGENT_JAR=$HW/applicationinsights-agent-3.5.3.jar scripts/run-local.sh
EXPORT
  fi
}

case "${1:-start}" in
  start) start ;;
  start-agent) start_agent ;;
  stop-agent) stop_pid "$HW/agent.pid" "agent" ;;
  stop) stop_pid "$HW/agent.pid" "agent"; stop_pid "$HW/server.pid" "server" ;;
  status)
    alive "$HW/server.pid" && echo "server running (pid $(cat "$HW/server.pid"))" || echo "server not running"
    alive "$HW/agent.pid" && echo "agent running (pid $(cat "$HW/agent.pid"))" || echo "agent not running" ;;
  *) echo "usage: scripts/run-local.sh [start|stop-agent|start-agent|stop|status]" >&2; exit 2 ;;
esac

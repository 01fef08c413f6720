#!/usr/bin/env bash
# Benchmark of the dashboard's reads on heartwatch-server: fills a store with DEVICES x DAYS of
# one-a-minute heartbeats ending now (every beat stored as the server stores it: typed rows and
# beat runs; an outage every ~2 days per device, half of them also reported by the agent, and a
# clean stop each week), starts the real server on it with -Xmx256m, and prints the p50/p99 of
# GET /api/devices and of one device's 30-day outages (GET /api/devices/{id}/outages?days=30),
# the two requests dashboard.js makes. Needs JDK 17+, Maven, python3 (for a free port).
# Usage: scripts/bench-dashboard.sh [DEVICES, default 100] [DAYS, default 30] [REQUESTS, default 200]
# The store takes ~90 bytes per beat (1,000 x 30 days: ~4 GB); it is made under BENCH_DIR
# (default: a temporary folder) and deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

DEVICES="${1:-100}"
DAYS="${2:-30}"
REQUESTS="${3:-200}"
for tool in java mvn python3; do
  command -v "$tool" >/dev/null || { echo "bench-dashboard: $tool is missing (JDK 17+, Maven, python3)" >&2; exit 1; }
done

# -DskipTests still compiles the test classes (the loader and the client live there).
mvn -B -q -o -DskipTests -pl server -am package 2>/dev/null || mvn -B -q -DskipTests -pl server -am package
JAR=server/target/heartwatch-server.jar
WORK="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/bench-dashboard.XXXXXX")"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== disk before filling: $(df -h "$WORK" | awk 'NR==2 {print $4 " free on " $6}')"
THRESHOLD=PT5M
java -Xmx256m -cp "$JAR:server/target/test-classes" dev.heartwatch.server.store.DashboardBenchLoader \
  "$WORK/heartwatch.db" "$DEVICES" "$DAYS" "$THRESHOLD"
echo "store: $(du -sh "$WORK" | cut -f1)"

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/read.key"
t0=$(date +%s%N)
HEARTWATCH_KEYS="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" HEARTWATCH_READ_KEY_FILE="$WORK/read.key" \
HEARTWATCH_PORT="$PORT" HEARTWATCH_DB="$WORK/heartwatch.db" HEARTWATCH_OUTBOX="$WORK/outbox" HEARTWATCH_THRESHOLD="$THRESHOLD" \
  java -Xmx256m -jar "$JAR" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do grep -q "listening on" "$WORK/server.log" 2>/dev/null && break; sleep 0.1; done
grep -q "listening on" "$WORK/server.log" || { echo "the server did not start:" >&2; cat "$WORK/server.log" >&2; exit 1; }
echo "server started in $(( ($(date +%s%N) - t0) / 1000000 )) ms"

echo "== dashboard reads: $DEVICES devices x $DAYS days of one-minute beats, server -Xmx256m, $(nproc) cores"
java -cp "server/target/test-classes" dev.heartwatch.server.bench.DashboardLatencyClient \
  "http://127.0.0.1:$PORT" "$WORK/read.key" bench-0007 "$REQUESTS"
echo "server peak RSS: $(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status") kB (heap capped at 256 MB: -Xmx256m)"

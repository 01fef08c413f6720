#!/usr/bin/env bash
# Benchmark of heartwatch-server's GET /api/history/lines (what `heartwatch history --server`
# reads): a month of one-minute heartbeats from 20 devices (864,000 lines plus 600 outage
# reports) streamed from a server limited to a 64 MB heap, so the answer (~150 MB) cannot be
# held in memory. Prints the lines and bytes received, the time, and the server's peak RSS.
# Needs JDK 17+, Maven and curl.
# Usage: scripts/bench-history-server.sh [DAYS, default 30] [DEVICES, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."

DAYS="${1:-30}"
DEVICES="${2:-20}"
for tool in java mvn curl; do
  command -v "$tool" >/dev/null || { echo "bench-history-server: $tool is missing (JDK 17+, Maven, curl)" >&2; exit 1; }
done

mvn -B -q -DskipTests -pl server -am package
JAR=server/target/heartwatch-server.jar
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

START=2026-10-01T00:00:00Z
UNTIL="$(date -u -d "2026-10-01 +$DAYS days" +%Y-%m-%dT%H:%M:%SZ)"
t0=$(date +%s%N)
java -Xmx256m -cp "$JAR:server/target/test-classes" dev.heartwatch.server.bench.HistoryFeedWriter \
  "$WORK/heartwatch.db" "$START" "$DAYS" "$DEVICES"
echo "filled the database in $(( ($(date +%s%N) - t0) / 1000000 )) ms ($(du -h "$WORK/heartwatch.db" | cut -f1))"

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)))"
READ_KEY="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
HEARTWATCH_KEYS="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" HEARTWATCH_READ_KEY="$READ_KEY" \
HEARTWATCH_PORT="$PORT" HEARTWATCH_DB="$WORK/heartwatch.db" HEARTWATCH_OUTBOX="$WORK/outbox" \
  java -Xmx64m -XX:+UseSerialGC -jar "$JAR" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/server.log" 2>/dev/null && break; sleep 0.1; done
grep -q "listening on" "$WORK/server.log" || { echo "the server did not start:" >&2; cat "$WORK/server.log" >&2; exit 1; }

rss_before=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
# The key goes in a header read from a file, never on the command line.
printf 'x-heartwatch-key: %s\n' "$READ_KEY" >"$WORK/headers"
stats=$(curl -sS -o "$WORK/lines.txt" -H "@$WORK/headers" \
  -w '%{http_code} %{size_download} %{time_starttransfer} %{time_total}' \
  "http://127.0.0.1:$PORT/api/history/lines?since=$START&until=$UNTIL")
read -r code bytes first total <<<"$stats"
lines=$(wc -l <"$WORK/lines.txt")
rss_after=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
echo "== GET /api/history/lines: $DAYS days x $DEVICES devices, server -Xmx64m, $(nproc) cores"
echo "status=$code lines=$lines bytes=$bytes first_byte_s=$first total_s=$total" \
  "lines_per_s=$(awk -v l="$lines" -v t="$total" 'BEGIN {printf "%d", l / t}')" \
  "MB_per_s=$(awk -v b="$bytes" -v t="$total" 'BEGIN {printf "%.1f", b / t / 1048576}')"
echo "server peak RSS: ${rss_before} kB after start, ${rss_after} kB after the stream (heap capped at 64 MB)"

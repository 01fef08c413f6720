#!/usr/bin/env bash
# Side by side, in one run, against the same loopback HTTPS endpoint: peak RSS and CPU seconds
# of each contender sending BEATS heartbeats at 1 s:
#   java    the Java agent (flags below, its class-data archive);
#   curl    one `curl -fsS -m 10 --retry 5 -o /dev/null URL` per beat, the way healthchecks.io
#           tells users to ping (https://healthchecks.io/docs/bash/); a fresh process and TLS
#           handshake each time;
#   python  the original Python agent, only when its article is given: it is extracted at run
#           time from the article's text (not part of this repository);
#   java-fresh  the Java agent with -Dhttp.keepAlive=false: a fresh TCP and TLS connection per
#           beat, as behind a server or proxy that keeps no connection;
#   java-idle   the Java agent at a one-hour interval, read 5 s and 35 s after its only beat:
#           what an idle agent costs between beats with its connection kept (the JDK's
#           keep-alive timer wakes every 5 s; the JVM's own threads).
#
# CPU per day at one beat a minute is derived from measured parts: start-up (the CPU when the
# first beat is done), the cost of one beat ((CPU at beat BEATS - CPU at beat 1) / (BEATS - 1)),
# and, for Java, the idle rate between beats (java-idle's CPU over those 30 s, per second):
#   day = start-up + 1440 x beat + (86400 - 1440 s) x idle rate.
# Python sleeps between beats (no thread of its own runs), so its idle rate is taken as 0; curl
# from cron is 1440 x one invocation. Per-beat CPU is read from /proc/PID/task/*/schedstat
# (nanoseconds) rather than in 10 ms ticks.
# The agents are read from /proc (VmHWM, utime+stime) just after the server logged their
# BEATS-th beat. curl's CPU is the sum over its BEATS invocations (the children time of the
# loop that ran them, which forks nothing else); its peak RSS, the largest of three more
# invocations under GNU time (every invocation does the same work).
#
# Usage: scripts/bench-agent.sh [ORIGINAL_ARTICLE.txt]
# Needs: a JDK 17 (java, keytool), Maven, curl, GNU time (/usr/bin/time); with the article,
# Debian's python3-requests and python3-dotenv (/usr/bin/python3). Exits 1 when a target is
# missed: jar <= 150 KB; with the article, peak RSS within 1.8x of Python's and CPU seconds no
# higher than Python's, and Java's CPU per day (kept-alive and fresh) no higher than Python's
# and curl's.
set -euo pipefail

seed="${1:-}"
beats="${BEATS:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/agent/target/heartwatch-agent.jar"
test_classes="$root/agent/target/test-classes"
# The flags docs/agent.md recommends (ENVIRONMENT.md's set, a smaller young generation, no
# perf-data file, fewer compilations), plus the agent's class-data archive, made below by one
# training beat with scripts/agent-archive.sh as scripts/install-agent.sh does.
java_flags=(-XX:+UseSerialGC -Xmx8m -Xmn1m -XX:TieredStopAtLevel=1 -Xss256k -XX:CICompilerCount=1 -XX:-UsePerfData
  -XX:CompileThresholdScaling=5 -XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=0 -XX:GuaranteedSafepointInterval=0)

contenders=(java java-fresh java-idle curl)
needs=(java keytool curl /usr/bin/time)
if [[ -n "$seed" ]]; then
  [[ -f "$seed" ]] || { echo "no such article: $seed" >&2; exit 2; }
  contenders=(python "${contenders[@]}")
  needs+=(/usr/bin/python3)
fi
for tool in "${needs[@]}"; do
  command -v "$tool" >/dev/null || { echo "missing $tool (GNU time: apt-get install -y time)" >&2; exit 2; }
done
if [[ -n "$seed" ]]; then
  /usr/bin/python3 -c 'import requests, dotenv' 2>/dev/null || {
    echo "the original agent needs Debian's python3-requests and python3-dotenv: apt-get install -y python3-requests python3-dotenv" >&2
    exit 2
  }
fi
if [[ ! -f "$jar" || ! -d "$test_classes/dev/heartwatch/agent/bench" ]]; then
  (cd "$root" && mvn -B -q -pl agent -am package -DskipTests)
fi

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# A throw-away certificate for 127.0.0.1: keystore for the server, PEM for Python and curl, truststore for Java.
# RSA 2048 like the certificate of *.azurewebsites.net, so every client verifies what it would at home.
keytool -genkeypair -alias bench -keyalg RSA -keysize 2048 -dname CN=bench -ext SAN=ip:127.0.0.1 \
  -validity 1 -storetype PKCS12 -keystore "$work/server.p12" -storepass changeit >/dev/null 2>&1
keytool -exportcert -rfc -alias bench -keystore "$work/server.p12" -storepass changeit -file "$work/ca.pem" >/dev/null 2>&1
# Java's truststore has the form of the one the agent reads at home, the system's cacerts (Debian's
# /etc/ssl/certs/java/cacerts is a JKS file, which the JDK reads without a password). A
# password-protected PKCS12 store would add two 10,000-round PBKDF2 derivations at every start
# (about 0.07 CPU s) that no home install pays. The certificate check itself is the same.
keytool -importcert -noprompt -alias bench -file "$work/ca.pem" -storetype JKS \
  -keystore "$work/trust.jks" -storepass changeit >/dev/null 2>&1
trust=(-Djavax.net.ssl.trustStore="$work/trust.jks" -Djavax.net.ssl.trustStoreType=JKS)

java -cp "$test_classes" dev.heartwatch.agent.bench.LoopbackHttpsServer \
  "$work/server.p12" changeit "$work/port" "$work/requests.log" &
pids+=("$!")
for _ in $(seq 100); do [[ -s "$work/port" ]] && break; sleep 0.1; done
[[ -s "$work/port" ]] || { echo "the loopback HTTPS server did not start" >&2; exit 2; }
url="https://127.0.0.1:$(cat "$work/port")/api/ping?code=bench-key"

tck="$(getconf CLK_TCK)"
declare -A pid_of rss cpu seen first last

# An optional prepare_NAME per contender runs before any starts (so that all start together).
# One start_NAME per contender: starts it in the background in $work/NAME and sets pid_of[NAME].
# One measure_NAME: sets rss[NAME] (KB) and cpu[NAME] (s) once its BEATS-th beat is done.

start_python() {
  # The original agent, verbatim from the article's heartbeat_agent.py block.
  awk '/^```python/ { inblock = 1; buf = ""; next }
       /^```/ && inblock { inblock = 0; if (buf ~ /load_dotenv/ && buf ~ /HEARTBEAT_URL/) { printf "%s", buf; exit } next }
       inblock { buf = buf $0 "\n" }' "$seed" >"$work/heartbeat_agent.py"
  grep -q 'requests.post' "$work/heartbeat_agent.py" || { echo "no heartbeat agent found in $seed" >&2; exit 2; }
  (cd "$work/python" && exec env -i PATH=/usr/bin:/bin HEARTBEAT_URL="$url" HEARTBEAT_DEVICE=python HEARTBEAT_INTERVAL=1 \
    REQUESTS_CA_BUNDLE="$work/ca.pem" /usr/bin/python3 -u "$work/heartbeat_agent.py" >"$work/python.out" 2>&1) &
  pid_of[python]=$!
}

prepare_java() {
  # One training beat lists the classes the agent loads (TLS included) into its archive.
  (cd "$work" && env -i PATH="$PATH" HEARTBEAT_URL="$url" HEARTBEAT_DEVICE=training \
    AGENT_ARCHIVE_JAVA_OPTS="${trust[*]}" "$root/scripts/agent-archive.sh" "$jar" "$work/agent.jsa") || exit 2
  java_flags+=(-XX:SharedArchiveFile="$work/agent.jsa")
}

# run_java NAME INTERVAL [JVM OPTION...]: the Java agent as device NAME.
run_java() {
  local name=$1 interval=$2
  shift 2
  (cd "$work/$name" && exec env -i PATH="$PATH" HEARTBEAT_URL="$url" HEARTBEAT_DEVICE="$name" \
    HEARTBEAT_INTERVAL="$interval" java "${java_flags[@]}" "${trust[@]}" "$@" -jar "$jar" \
    --ledger "$work/$name/ledger" >"$work/$name.out" 2>&1) &
  pid_of[$name]=$!
}
start_java() { run_java java 1; }
start_java-fresh() { run_java java-fresh 1 -Dhttp.keepAlive=false; }
start_java-idle() { run_java java-idle PT1H; }

curl_beat() {
  curl -fsS -m 10 --retry 5 -o /dev/null --cacert "$work/ca.pem" "$url&device=$1"
}

start_curl() {
  # The 1 s pause reads a FIFO this shell holds open (a timeout, no process), so the loop's
  # children time is curl's alone. When done it writes that time and exits.
  mkfifo "$work/curl/tick"
  (
    exec {tick}<>"$work/curl/tick"
    for ((i = 1; i <= beats; i++)); do
      curl_beat curl || true
      if ((i < beats)); then read -r -t 1 -u "$tick" _ || true; fi
    done
    awk -v t="$tck" '{ sub(/^.*\) /, ""); printf "%.2f", ($14 + $15) / t }' "/proc/$BASHPID/stat" >"$work/curl/cpu.tmp"
    mv "$work/curl/cpu.tmp" "$work/curl/cpu"
  ) >"$work/curl.out" 2>&1 &
  pid_of[curl]=$!
}

peak_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
# CPU seconds of the live threads, in nanoseconds' precision (a thread that ended is not counted:
# at a literal address the agent starts no lookup thread, so none ends between the two readings).
cpu_precise() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.5f", s / 1e9 }'; }
cpu_s() { awk -v t="$tck" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t }' "/proc/$1/stat"; }

# A long-running agent: read from /proc once the server has logged its BEATS-th beat, plus a
# moment for it to finish that beat (its next one is a second away).
# Also reads its precise CPU after beat FROM (default 1: its start-up) and at the last one (UPTO).
measure_agent() {
  local upto=${2:-$beats} from=${3:-1}
  seen[$1]="$(grep -cx "$1" "$work/requests.log" || true)"
  if ((seen[$1] >= from)) && [[ -z "${first[$1]:-}" ]]; then
    sleep 0.3
    first[$1]="$(cpu_precise "${pid_of[$1]}")"
  fi
  if ((seen[$1] >= upto)); then
    sleep 0.3
    last[$1]="$(cpu_precise "${pid_of[$1]}")"
    rss[$1]="$(peak_kb "${pid_of[$1]}")"
    cpu[$1]="$(cpu_s "${pid_of[$1]}")"
  fi
}
measure_python() { measure_agent python; }
measure_java() { measure_agent java; }
measure_java-fresh() { measure_agent java-fresh; }
# Idle: 5 s after the beat (the compiler has caught up) to 35 s after it.
measure_java-idle() {
  seen[java-idle]="$(grep -cx java-idle "$work/requests.log" || true)"
  ((seen[java-idle] >= 1)) || return 0
  : "${beat_at:=$SECONDS}"
  if ((SECONDS >= beat_at + 5)) && [[ -z "${first[java-idle]:-}" ]]; then
    first[java-idle]="$(cpu_precise "${pid_of[java-idle]}")"
  fi
  if ((SECONDS >= beat_at + 35)) && [[ -n "${first[java-idle]:-}" ]]; then
    last[java-idle]="$(cpu_precise "${pid_of[java-idle]}")"
    rss[java-idle]="$(peak_kb "${pid_of[java-idle]}")"
    cpu[java-idle]="$(cpu_s "${pid_of[java-idle]}")"
  fi
}

measure_curl() {
  seen[curl]="$(grep -cx curl "$work/requests.log" || true)"
  [[ -s "$work/curl/cpu" ]] || return 0
  cpu[curl]="$(cat "$work/curl/cpu")"
  local i max=0 kb
  for i in 1 2 3; do
    /usr/bin/time -f %M -o "$work/curl/rss" curl -fsS -m 10 -o /dev/null --cacert "$work/ca.pem" "$url&device=curl-rss"
    kb="$(tail -1 "$work/curl/rss")"
    ((kb > max)) && max=$kb
  done
  rss[curl]=$max
}

for agent in "${contenders[@]}"; do
  mkdir -p "$work/$agent"
  if declare -F "prepare_$agent" >/dev/null; then "prepare_$agent"; fi
done
for agent in "${contenders[@]}"; do
  "start_$agent"
  pids+=("${pid_of[$agent]}")
done

# The original sleeps after each request (so does the curl loop), so they drift and take a
# little longer than the Java agent's fixed grid.
give_up=$((SECONDS + beats + 30))
pending() {
  local agent
  for agent in "${contenders[@]}"; do [[ -n "${cpu[$agent]:-}" ]] || return 0; done
  return 1
}
while pending && ((SECONDS < give_up)); do
  sleep 0.1
  for agent in "${contenders[@]}"; do
    [[ -n "${cpu[$agent]:-}" ]] || "measure_$agent"
  done
done
for agent in "${contenders[@]}"; do kill "${pid_of[$agent]}" 2>/dev/null || true; done
for agent in "${contenders[@]}"; do [[ $agent == curl ]] || wait "${pid_of[$agent]}" 2>/dev/null || true; done
if pending; then
  missed="MISSED: too few beats arrived ("
  for agent in "${contenders[@]}"; do missed+="$agent ${seen[$agent]:-0}, "; done
  echo "${missed%, } of $beats)"
  for agent in "${contenders[@]}"; do tail -5 "$work/$agent.out"; done
  exit 1
fi
# 150 KB is 150 KiB, 153,600 bytes: compared in bytes, since a floor to whole KiB would let
# 153,601 to 154,623 bytes pass as "150".
jar_bytes="$(stat -c %s "$jar")"
jar_limit=$((150 * 1024))

mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
printf '%-10s %6s %12s %10s\n' agent beats "peak RSS MB" "CPU s"
for agent in "${contenders[@]}"; do
  printf '%-10s %6s %12s %10s\n' "$agent" "${seen[$agent]}" "$(mb "${rss[$agent]}")" "${cpu[$agent]}"
done

# The parts of a day, each measured above.
beat_of() { calc "(${last[$1]} - ${first[$1]}) / ($beats - 1)" 5; }
beat_java="$(beat_of java)"
beat_fresh="$(beat_of java-fresh)"
idle_rate="$(calc "(${last[java-idle]} - ${first[java-idle]}) / 30" 7)"
day_java="$(calc "${first[java]} + 1440 * $beat_java + 84960 * $idle_rate")"
day_fresh="$(calc "${first[java-fresh]} + 1440 * $beat_fresh + 84960 * $idle_rate")"
day_curl="$(calc "1440 * ${cpu[curl]} / $beats")"
echo
echo "CPU per day at one beat a minute = start-up + 1440 x beat + 84960 s x idle rate:"
printf '%-22s %10s %10s %12s %14s\n' contender "start s" "beat ms" "idle us/s" "CPU s per day"
printf '%-22s %10s %10s %12s %14s\n' "java, kept alive" "${first[java]}" "$(calc "$beat_java * 1000")" \
  "$(calc "$idle_rate * 1e6")" "$day_java"
printf '%-22s %10s %10s %12s %14s\n' "java, fresh TLS/beat" "${first[java-fresh]}" "$(calc "$beat_fresh * 1000")" \
  "$(calc "$idle_rate * 1e6")" "$day_fresh"
if [[ -n "$seed" ]]; then
  beat_py="$(beat_of python)"
  day_py="$(calc "${first[python]} + 1440 * $beat_py")"
  printf '%-22s %10s %10s %12s %14s\n' "python" "${first[python]}" "$(calc "$beat_py * 1000")" 0 "$day_py"
fi
printf '%-22s %10s %10s %12s %14s\n' "curl from cron" 0 "$(calc "1000 * ${cpu[curl]} / $beats")" 0 "$day_curl"

ok=1
echo
if [[ -n "$seed" ]]; then
  ratio="$(awk -v j="${rss[java]}" -v p="${rss[python]}" 'BEGIN { printf "%.2f", j / p }')"
  printf 'peak RSS java/python: %s (target <= 1.80)\n' "$ratio"
  awk -v r="$ratio" 'BEGIN { exit !(r <= 1.8) }' || { echo "MISSED: peak RSS above 1.8x Python's"; ok=0; }
  for v in "kept alive:$day_java" "fresh TLS/beat:$day_fresh"; do
    awk -v j="${v#*:}" -v p="$day_py" 'BEGIN { exit !(j <= p) }' || { echo "MISSED: java (${v%%:*}) uses more CPU per day than Python"; ok=0; }
  done
else
  echo "no Python comparison: give the original article (scripts/bench-agent.sh ORIGINAL_ARTICLE.txt)"
fi
for v in "kept alive:$day_java" "fresh TLS/beat:$day_fresh"; do
  awk -v j="${v#*:}" -v c="$day_curl" 'BEGIN { exit !(j <= c) }' || { echo "MISSED: java (${v%%:*}) uses more CPU per day than curl from cron"; ok=0; }
done
printf 'jar: %s bytes, %s KiB (target <= 150 KiB, %d bytes)\n' "$jar_bytes" "$(calc "$jar_bytes / 1024" 1)" "$jar_limit"
printf 'java flags: %s\n' "${java_flags[*]//"$work"/<work>}"
((jar_bytes <= jar_limit)) || { echo "MISSED: jar above 150 KiB"; ok=0; }
((ok)) && echo "all targets met"
((ok))

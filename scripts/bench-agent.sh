#!/usr/bin/env bash
# Side by side, in one run, against the same loopback HTTPS endpoint: peak RSS and CPU seconds
# of each contender sending BEATS heartbeats at 1 s:
#   java    the Java agent (flags below, its class-data archive);
#   curl    one `curl -fsS -m 10 --retry 5 -o /dev/null URL` per beat, the way healthchecks.io
#           tells users to ping (https://healthchecks.io/docs/bash/); a fresh process and TLS
#           handshake each time;
#   python  the original Python agent, only when its article is given: it is extracted at run
#           time from the article's text (not part of this repository).
# The agents are read from /proc (VmHWM, utime+stime) just after the server logged their
# BEATS-th beat. curl's CPU is the sum over its BEATS invocations (the children time of the
# loop that ran them, which forks nothing else); its peak RSS, the largest of three more
# invocations under GNU time (every invocation does the same work).
#
# Usage: scripts/bench-agent.sh [ORIGINAL_ARTICLE.txt]
# Needs: a JDK 17 (java, keytool), Maven, curl, GNU time (/usr/bin/time); with the article,
# Debian's python3-requests and python3-dotenv (/usr/bin/python3). Exits 1 when a target is
# missed: jar <= 150 KB; with the article, peak RSS within 1.8x of Python's and CPU seconds no
# higher than Python's.
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
  -XX:CompileThresholdScaling=5)

contenders=(java curl)
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
declare -A pid_of rss cpu seen

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

start_java() {
  (cd "$work/java" && exec env -i PATH="$PATH" HEARTBEAT_URL="$url" HEARTBEAT_DEVICE=java HEARTBEAT_INTERVAL=1 \
    java "${java_flags[@]}" "${trust[@]}" -jar "$jar" --ledger "$work/java/ledger" >"$work/java.out" 2>&1) &
  pid_of[java]=$!
}

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
cpu_s() { awk -v t="$tck" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t }' "/proc/$1/stat"; }

# A long-running agent: read from /proc once the server has logged its BEATS-th beat, plus a
# moment for it to finish that beat (its next one is a second away).
measure_agent() {
  seen[$1]="$(grep -cx "$1" "$work/requests.log" || true)"
  if ((seen[$1] >= beats)); then
    sleep 0.3
    rss[$1]="$(peak_kb "${pid_of[$1]}")"
    cpu[$1]="$(cpu_s "${pid_of[$1]}")"
  fi
}
measure_python() { measure_agent python; }
measure_java() { measure_agent java; }

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
wait "${pid_of[java]}" 2>/dev/null || true
if pending; then
  missed="MISSED: too few beats arrived ("
  for agent in "${contenders[@]}"; do missed+="$agent ${seen[$agent]:-0}, "; done
  echo "${missed%, } of $beats)"
  for agent in "${contenders[@]}"; do tail -5 "$work/$agent.out"; done
  exit 1
fi
jar_kb="$(($(stat -c %s "$jar") / 1024))"

mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
printf '%-8s %8s %12s %10s\n' agent beats "peak RSS MB" "CPU s"
for agent in "${contenders[@]}"; do
  printf '%-8s %8s %12s %10s\n' "$agent" "${seen[$agent]}" "$(mb "${rss[$agent]}")" "${cpu[$agent]}"
done
ok=1
if [[ -n "$seed" ]]; then
  ratio="$(awk -v j="${rss[java]}" -v p="${rss[python]}" 'BEGIN { printf "%.2f", j / p }')"
  printf 'RSS ratio java/python: %s (target <= 1.80); jar: %d KB (target <= 150)\n' "$ratio" "$jar_kb"
  awk -v r="$ratio" 'BEGIN { exit !(r <= 1.8) }' || { echo "MISSED: peak RSS above 1.8x Python's"; ok=0; }
  awk -v j="${cpu[java]}" -v p="${cpu[python]}" 'BEGIN { exit !(j <= p) }' || { echo "MISSED: more CPU seconds than Python"; ok=0; }
else
  printf 'jar: %d KB (target <= 150); no Python comparison: give the original article (scripts/bench-agent.sh ORIGINAL_ARTICLE.txt)\n' "$jar_kb"
fi
printf 'java flags: %s\n' "${java_flags[*]//"$work"/<work>}"
((jar_kb <= 150)) || { echo "MISSED: jar above 150 KB"; ok=0; }
((ok)) && echo "all targets met"
((ok))

#!/usr/bin/env bash
# Side by side, in one run, against the same loopback HTTPS endpoint: peak RSS and
# CPU seconds of the Java agent and of the original Python agent, each sending
# BEATS heartbeats at 1 s. The Python agent is extracted at run time from the
# original article's text (it is not part of this repository). Both are measured the
# same way at the same point: VmHWM and utime+stime from /proc, read just after the
# server has logged that agent's BEATS-th beat.
#
# Usage: scripts/bench-agent.sh ORIGINAL_ARTICLE.txt
# Needs: a JDK 17 (java, keytool), Maven, Debian's python3-requests and python3-dotenv
# (/usr/bin/python3). Exits 1 when a target is missed:
#   peak RSS within 1.8x of Python's, CPU seconds no higher than Python's.
set -euo pipefail

seed="${1:?usage: scripts/bench-agent.sh ORIGINAL_ARTICLE.txt (the text holding heartbeat_agent.py)}"
beats="${BEATS:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/agent/target/heartwatch-agent.jar"
test_classes="$root/agent/target/test-classes"
# The flags docs/agent.md recommends (ENVIRONMENT.md's set, a smaller young generation, no
# perf-data file, fewer compilations), plus the agent's class-data archive, made below by one
# training beat with scripts/agent-archive.sh as scripts/install-agent.sh does.
java_flags=(-XX:+UseSerialGC -Xmx8m -Xmn1m -XX:TieredStopAtLevel=1 -Xss256k -XX:CICompilerCount=1 -XX:-UsePerfData
  -XX:CompileThresholdScaling=5)

for tool in java keytool /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
/usr/bin/python3 -c 'import requests, dotenv' 2>/dev/null || {
  echo "the original agent needs Debian's python3-requests and python3-dotenv: apt-get install -y python3-requests python3-dotenv" >&2
  exit 2
}
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

# A throw-away certificate for 127.0.0.1: keystore for the server, PEM for Python, truststore for Java.
# RSA 2048 like the certificate of *.azurewebsites.net, so both clients verify what they would at home.
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

# The original agent, verbatim from the article's heartbeat_agent.py block.
awk '/^```python/ { inblock = 1; buf = ""; next }
     /^```/ && inblock { inblock = 0; if (buf ~ /load_dotenv/ && buf ~ /HEARTBEAT_URL/) { printf "%s", buf; exit } next }
     inblock { buf = buf $0 "\n" }' "$seed" > "$work/heartbeat_agent.py"
grep -q 'requests.post' "$work/heartbeat_agent.py" || { echo "no heartbeat agent found in $seed" >&2; exit 2; }
mkdir -p "$work/py" "$work/java"

# One training beat lists the classes the agent loads (TLS included) into its archive.
(cd "$work" && env -i PATH="$PATH" HEARTBEAT_URL="$url" HEARTBEAT_DEVICE=training \
  AGENT_ARCHIVE_JAVA_OPTS="${trust[*]}" "$root/scripts/agent-archive.sh" "$jar" "$work/agent.jsa") || exit 2
java_flags+=(-XX:SharedArchiveFile="$work/agent.jsa")

(cd "$work/py" && exec env -i PATH=/usr/bin:/bin HEARTBEAT_URL="$url" HEARTBEAT_DEVICE=python HEARTBEAT_INTERVAL=1 \
  REQUESTS_CA_BUNDLE="$work/ca.pem" /usr/bin/python3 -u "$work/heartbeat_agent.py" >"$work/python.out" 2>&1) &
py_pid=$!
pids+=("$py_pid")
(cd "$work/java" && exec env -i PATH="$PATH" HEARTBEAT_URL="$url" HEARTBEAT_DEVICE=java HEARTBEAT_INTERVAL=1 \
  java "${java_flags[@]}" "${trust[@]}" -jar "$jar" --ledger "$work/java/ledger" >"$work/java.out" 2>&1) &
java_pid=$!
pids+=("$java_pid")

# Read each agent's figures once the server has logged its BEATS-th beat, plus a moment for the
# agent to finish that beat (its next one is a second away). The original sleeps after each
# request, so it drifts and takes a little longer than the Java agent's fixed grid.
tck="$(getconf CLK_TCK)"
peak_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
cpu_s() { awk -v t="$tck" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t }' "/proc/$1/stat"; }
declare -A pid_of=([python]="$py_pid" [java]="$java_pid") rss cpu seen
give_up=$((SECONDS + beats + 30))
while [[ -z "${cpu[python]:-}" || -z "${cpu[java]:-}" ]] && ((SECONDS < give_up)); do
  sleep 0.1
  for agent in python java; do
    [[ -z "${cpu[$agent]:-}" ]] || continue
    seen[$agent]="$(grep -cx "$agent" "$work/requests.log" || true)"
    if ((seen[$agent] >= beats)); then
      sleep 0.3
      rss[$agent]="$(peak_kb "${pid_of[$agent]}")"
      cpu[$agent]="$(cpu_s "${pid_of[$agent]}")"
    fi
  done
done
kill "$py_pid" "$java_pid" 2>/dev/null || true
wait "$java_pid" 2>/dev/null || true
if [[ -z "${cpu[python]:-}" || -z "${cpu[java]:-}" ]]; then
  echo "MISSED: too few beats arrived (python ${seen[python]:-0}, java ${seen[java]:-0} of $beats)"
  tail -5 "$work/python.out" "$work/java.out"
  exit 1
fi
jar_kb="$(($(stat -c %s "$jar") / 1024))"

mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
printf '%-8s %8s %12s %10s\n' agent beats "peak RSS MB" "CPU s"
printf '%-8s %8s %12s %10s\n' python "${seen[python]}" "$(mb "${rss[python]}")" "${cpu[python]}"
printf '%-8s %8s %12s %10s\n' java "${seen[java]}" "$(mb "${rss[java]}")" "${cpu[java]}"
ratio="$(awk -v j="${rss[java]}" -v p="${rss[python]}" 'BEGIN { printf "%.2f", j / p }')"
printf 'RSS ratio java/python: %s (target <= 1.80); jar: %d KB (target <= 150)\n' "$ratio" "$jar_kb"
printf 'java flags: %s\n' "${java_flags[*]//"$work"/<work>}"

ok=1
awk -v r="$ratio" 'BEGIN { exit !(r <= 1.8) }' || { echo "MISSED: peak RSS above 1.8x Python's"; ok=0; }
awk -v j="${cpu[java]}" -v p="${cpu[python]}" 'BEGIN { exit !(j <= p) }' || { echo "MISSED: more CPU seconds than Python"; ok=0; }
((jar_kb <= 150)) || { echo "MISSED: jar above 150 KB"; ok=0; }
((ok)) && echo "all targets met"
((ok))

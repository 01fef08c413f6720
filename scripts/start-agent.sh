#!/usr/bin/env bash
# Start the Heartwatch agent in a detached tmux session (like the original
# start_heartbeat.sh). Configuration comes from the environment or a .env file in
# the directory you start it from; extra arguments go to the agent (e.g. --verbose).
#
# Usage: scripts/start-agent.sh [agent options]
# Env:   HEARTWATCH_SESSION (default heartwatch), HEARTWATCH_AGENT_JAR, JAVA (default java),
#        HEARTWATCH_AGENT_ARCHIVE (default: the jar's name with .jsa; made with scripts/agent-archive.sh)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
session="${HEARTWATCH_SESSION:-heartwatch}"
jar="${HEARTWATCH_AGENT_JAR:-$root/agent/target/heartwatch-agent.jar}"
java_bin="${JAVA:-java}"
archive="${HEARTWATCH_AGENT_ARCHIVE:-${jar%.jar}.jsa}"
# docs/agent.md explains each flag. The class-data archive is used when there is one
# (scripts/agent-archive.sh makes it); the JVM ignores one that does not fit the jar.
java_flags=(-XX:+UseSerialGC -Xmx8m -Xmn1m -XX:TieredStopAtLevel=1 -Xss256k -XX:CICompilerCount=1 -XX:-UsePerfData
  -XX:CompileThresholdScaling=5 -XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=0 -XX:GuaranteedSafepointInterval=0)
if [[ -f "$archive" ]]; then
  java_flags+=(-XX:SharedArchiveFile="$archive")
fi

command -v tmux >/dev/null || { echo "tmux is not installed (apt-get install tmux)" >&2; exit 1; }
command -v "$java_bin" >/dev/null || { echo "no java found: install a JDK or JRE 17 or later" >&2; exit 1; }
[[ -f "$jar" ]] || { echo "no agent jar at $jar: build it with 'mvn -B -q -pl agent -am package'" >&2; exit 1; }

if tmux has-session -t "=$session" 2>/dev/null; then
  echo "the agent is already running in tmux session '$session' (tmux attach -t $session)"
  exit 0
fi

command=(exec "$java_bin" "${java_flags[@]}" -jar "$jar" "$@")
tmux new-session -d -s "$session" -c "$PWD" "$(printf '%q ' "${command[@]}")"
echo "heartwatch agent started in tmux session '$session' (tmux attach -t $session; stop: scripts/stop-agent.sh)"

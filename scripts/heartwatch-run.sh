#!/usr/bin/env bash
# Run a command and tell Heartwatch how it went (docs/cron.md): a `start` beat, the command
# (its stdin, stdout and stderr are its own), then a success (`running`) with the run's duration,
# or a `fail` with its exit status and duration (contract v2). Exits with the command's status.
# cron's way to use Heartwatch:
#
#   30 2 * * * /usr/local/bin/heartwatch-run --device nightly-backup -- /usr/local/bin/backup.sh
#
# (scripts/install-agent.sh installs it there, beside the agent's jar and configuration.)
#
# Usage: scripts/heartwatch-run.sh [--device NAME] [--] CMD [ARG...]
#   --device NAME  the device id the beats name (default: HEARTWATCH_RUN_DEVICE, else the
#                  configuration's HEARTBEAT_DEVICE). Give each job its own: a job's fail marks
#                  its device down until its next success.
# Configuration: the agent's own, read as the agent reads it (HEARTBEAT_URL, HEARTBEAT_KEY...):
#   HEARTWATCH_ENV_FILE if set; else a .env in the working directory (as scripts/start-agent.sh
#   runs the agent); else /etc/heartwatch-agent/agent.env when readable (the file
#   scripts/install-agent.sh writes). The agent parses it, as its .env; this shell never sources
#   it, and none of it reaches CMD's environment. The environment wins over the file, as for the agent.
# Env: HEARTWATCH_AGENT_JAR (default /opt/heartwatch-agent/heartwatch-agent.jar when present, else
#      agent/target/heartwatch-agent.jar), JAVA (default java),
#      HEARTWATCH_RUN_SEND_LIMIT (default 60: seconds a signal may take, JVM start included,
#      before it is killed; the agent's own --timeout bounds each request well within it).
# A signal that cannot be sent is reported on stderr and never changes the exit status, nor
# keeps the command from running.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage="usage: heartwatch-run.sh [--device NAME] [--] CMD [ARG...]"
device="${HEARTWATCH_RUN_DEVICE:-}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --device)
      [[ $# -ge 2 ]] || { echo "heartwatch-run: --device needs a name; $usage" >&2; exit 2; }
      device="$2"
      shift 2
      ;;
    --device=*)
      device="${1#--device=}"
      shift
      ;;
    --)
      shift
      break
      ;;
    -h | --help)
      echo "$usage"
      exit 0
      ;;
    *) break ;;
  esac
done
[[ $# -ge 1 ]] || { echo "heartwatch-run: no command to run; $usage" >&2; exit 2; }

if [[ -n "${HEARTWATCH_AGENT_JAR:-}" ]]; then
  jar="$HEARTWATCH_AGENT_JAR"
elif [[ -f /opt/heartwatch-agent/heartwatch-agent.jar ]]; then
  jar=/opt/heartwatch-agent/heartwatch-agent.jar
else
  jar="$root/agent/target/heartwatch-agent.jar"
fi
java_bin="${JAVA:-java}"
limit="${HEARTWATCH_RUN_SEND_LIMIT:-60}"
[[ "$limit" =~ ^[1-9][0-9]{0,4}$ ]] || { echo "heartwatch-run: HEARTWATCH_RUN_SEND_LIMIT must be whole seconds (1-99999)" >&2; exit 2; }
env_file="${HEARTWATCH_ENV_FILE:-}"
if [[ -z "$env_file" && ! -f .env && -r /etc/heartwatch-agent/agent.env ]]; then
  env_file=/etc/heartwatch-agent/agent.env
fi
if [[ -n "$env_file" && ! -r "$env_file" ]]; then
  echo "heartwatch-run: cannot read HEARTWATCH_ENV_FILE $env_file; the command runs unwatched" >&2
  env_file=""
fi
# The agent reads a .env in its working directory with its own parser (python-dotenv's dialect):
# an env file is given to it as the .env of a scratch directory, never sourced by this shell, so
# nothing in it is run as shell code and none of it enters the job's environment.
scratch=""
if [[ -n "$env_file" ]]; then
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  ln -s "$(cd "$(dirname "$env_file")" && pwd)/$(basename "$env_file")" "$scratch/.env"
fi
# The agent's flags for a short-lived JVM (docs/agent.md); the install's class-data archive when there is one.
java_flags=(-XX:+UseSerialGC -Xmx8m -Xmn1m -XX:TieredStopAtLevel=1 -Xss256k -XX:CICompilerCount=1 -XX:-UsePerfData
  -XX:CompileThresholdScaling=5)
for archive in "${jar%.jar}.jsa" "$(dirname "$jar")/agent.jsa"; do
  if [[ -f "$archive" ]]; then
    java_flags+=(-XX:+UnlockDiagnosticVMOptions -XX:SharedArchiveFile="$archive")
    break
  fi
done
device_flag=()
if [[ -n "$device" ]]; then
  device_flag=(--device "$device")
fi

# One signal: the agent's --once in a subshell, bounded by timeout(1), killed if it outlives that.
# Never fails the script.
signal() (
  if [[ -n "$scratch" ]]; then
    cd "$scratch" || return 0
  fi
  rc=0
  timeout --kill-after=5 "$limit" "$java_bin" "${java_flags[@]}" -jar "$jar" --once "${device_flag[@]}" "$@" \
    </dev/null >/dev/null || rc=$?
  case "$rc" in
    0) ;;
    124 | 137) echo "heartwatch-run: the $2 signal took longer than ${limit} s and was stopped" >&2 ;;
    *) echo "heartwatch-run: the $2 signal was not sent (agent exit $rc)" >&2 ;;
  esac
  return 0
)

# Milliseconds on a clock that never jumps (/proc/uptime: CLOCK_BOOTTIME, 10 ms steps), else the wall clock.
now_ms() {
  local up
  if read -r up _ </proc/uptime 2>/dev/null && [[ "$up" =~ ^([0-9]+)\.([0-9]{2})$ ]]; then
    echo $((10#${BASH_REMATCH[1]} * 1000 + 10#${BASH_REMATCH[2]} * 10))
  else
    local t="${EPOCHREALTIME/[.,]/}"
    echo $((10#$t / 1000))
  fi
}

signal --state start || true
began="$(now_ms)"
status=0
"$@" || status=$?
duration=$(($(now_ms) - began))
if ((duration < 0)); then
  duration=0
fi
if ((status == 0)); then
  signal --state running --duration-ms "$duration" || true
else
  signal --state fail --exit-status "$status" --duration-ms "$duration" || true
fi
exit "$status"

#!/usr/bin/env bash
# Stop the agent started by scripts/start-agent.sh: SIGTERM, so it sends its last
# heartbeat with state "stopping" (a deliberate stop is not an outage) and records
# the clean stop in its ledger; then the tmux session goes.
#
# Usage: scripts/stop-agent.sh      Env: HEARTWATCH_SESSION (default heartwatch)
set -euo pipefail

session="${HEARTWATCH_SESSION:-heartwatch}"
command -v tmux >/dev/null || { echo "tmux is not installed" >&2; exit 1; }
if ! tmux has-session -t "=$session" 2>/dev/null; then
  echo "no tmux session '$session': the agent is not running"
  exit 0
fi

pid="$(tmux list-panes -t "=$session" -F '#{pane_pid}' | head -n 1)"
if [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null; then
  # The last beat is bounded by the agent's timeout (10 s by default, per endpoint).
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
fi
tmux kill-session -t "=$session" 2>/dev/null || true
echo "heartwatch agent stopped"

#!/usr/bin/env bash
# Install the agent as a hardened systemd service (scripts/systemd/heartwatch-agent.service),
# and the cron wrapper (scripts/heartwatch-run.sh, docs/cron.md) as /usr/local/bin/heartwatch-run,
# which finds the installed jar and configuration itself.
#
# Usage: sudo scripts/install-agent.sh [ENV_FILE]
#   ENV_FILE: the agent's configuration (HEARTBEAT_URL, HEARTBEAT_DEVICE, HEARTBEAT_KEY...),
#   copied to /etc/heartwatch-agent/agent.env (mode 0600). Without it, an existing file is
#   kept, or a template is written for you to fill in.
# Env: ROOT (install under another root, for packaging and tests), SYSTEMCTL (default systemctl),
#      HEARTWATCH_AGENT_JAR (default agent/target/heartwatch-agent.jar)
set -euo pipefail

root_dir="${ROOT:-}"
systemctl_bin="${SYSTEMCTL:-systemctl}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${HEARTWATCH_AGENT_JAR:-$repo/agent/target/heartwatch-agent.jar}"
unit="$repo/scripts/systemd/heartwatch-agent.service"
opt="$root_dir/opt/heartwatch-agent"
etc="$root_dir/etc/heartwatch-agent"
env_file="$etc/agent.env"

if [[ -z "$root_dir" && "$(id -u)" -ne 0 ]]; then
  echo "run as root (sudo scripts/install-agent.sh [ENV_FILE])" >&2
  exit 1
fi
[[ -f "$jar" ]] || { echo "no agent jar at $jar: build it with 'mvn -B -q -pl agent -am package'" >&2; exit 1; }

install -d -m 0755 "$opt" "$root_dir/etc/systemd/system" "$root_dir/usr/local/bin"
install -d -m 0700 "$etc"
install -m 0644 "$jar" "$opt/heartwatch-agent.jar"
install -m 0755 "$repo/scripts/heartwatch-run.sh" "$root_dir/usr/local/bin/heartwatch-run"
install -m 0644 "$unit" "$root_dir/etc/systemd/system/heartwatch-agent.service"

if [[ $# -ge 1 ]]; then
  install -m 0600 "$1" "$env_file"
elif [[ ! -f "$env_file" ]]; then
  umask 077
  cat >"$env_file" <<'TEMPLATE'
# Heartwatch agent configuration (docs/agent.md). Readable by root only.
HEARTBEAT_URL=
HEARTBEAT_DEVICE=
HEARTBEAT_KEY=
#HEARTBEAT_INTERVAL=60
#HEARTBEAT_TIMEOUT=PT10S
#HEARTBEAT_SECONDARY_URLS=
# Behind a proxy (docs/agent.md, "Through a proxy"):
#https_proxy=http://proxy:3128
#no_proxy=
TEMPLATE
  echo "wrote a template to $env_file: fill in HEARTBEAT_URL, HEARTBEAT_DEVICE and HEARTBEAT_KEY, then rerun"
fi

# One training beat lists the classes the agent loads into a class-data archive, which cuts
# the agent's start-up CPU and memory. Best effort: without it the agent runs the same.
if grep -q '^HEARTBEAT_URL=..*' "$env_file"; then
  scratch="$(mktemp -d)"
  train() (
    set -a
    # shellcheck source=/dev/null  # the operator's own configuration, root-owned
    . "$env_file"
    set +a
    cd "$scratch"
    "$repo/scripts/agent-archive.sh" "$opt/heartwatch-agent.jar" "$opt/agent.jsa" --note "install check"
  )
  if train >"$scratch/out" 2>&1; then
    chmod 0644 "$opt/agent.jsa"
    echo "a test heartbeat reached the endpoint; class-data archive written"
  else
    echo "warning: the test heartbeat failed (the service starts anyway):" >&2
    cat "$scratch/out" >&2
  fi
  rm -rf "$scratch"
  "$systemctl_bin" daemon-reload
  "$systemctl_bin" enable --now heartwatch-agent.service
  echo "heartwatch-agent installed and started: systemctl status heartwatch-agent; journalctl -u heartwatch-agent"
else
  "$systemctl_bin" daemon-reload
  echo "installed; start it once $env_file is filled in: systemctl enable --now heartwatch-agent"
fi

#!/usr/bin/env bash
# The full test suite: installs what it needs (Debian packages, project-local Node tools,
# Python with requests), then runs every test with nothing skipped.
#   scripts/test.sh            set up and run everything
#   scripts/test.sh --no-setup run everything with what is installed (fails on what is missing)
set -euo pipefail
cd "$(dirname "$0")/.."

setup=1
[[ "${1:-}" == "--no-setup" ]] && setup=0

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'scripts/test.sh: %s\n' "$*" >&2; exit 1; }

# Debian packages the full suite uses: Chromium (dashboard and report pages), shellcheck
# (scripts), wrk (server benchmark), sqlite3, tmux (agent scripts), openssl (test
# certificates), Python 3 with requests/dotenv/yaml (the Python agent clients, workflow checks),
# iputils-ping (the agent's icmp check) and util-linux (unshare and setpriv: its namespace test).
APT_PACKAGES=(shellcheck wrk sqlite3 tmux openssl python3 python3-requests python3-dotenv python3-yaml iputils-ping util-linux)

# Any Chromium-based browser already installed will do (Ubuntu runners ship Google Chrome and
# name Debian's package differently); otherwise Debian's chromium is installed.
find_browser() {
  local b
  for b in "${HEARTWATCH_CHROMIUM:-}" chromium chromium-browser google-chrome-stable google-chrome; do
    [[ -n "$b" ]] && command -v "$b" >/dev/null && { command -v "$b"; return 0; }
  done
  return 1
}
find_browser >/dev/null || APT_PACKAGES+=(chromium)

missing_apt() {
  local p out=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || out+=("$p")
  done
  # One name a line, and nothing at all when nothing is missing.
  if [[ ${#out[@]} -gt 0 ]]; then printf '%s\n' "${out[@]}"; fi
}

step "Checking the JDK and Maven"
command -v java >/dev/null || die "no java on PATH: install a JDK 17 or newer"
command -v mvn >/dev/null || die "no mvn on PATH: install Apache Maven 3.8+"
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[[ "${java_major%%.*}" -ge 17 ]] || die "java $java_major found: Heartwatch needs JDK 17 or newer"

if [[ $setup -eq 1 ]]; then
  step "Debian packages"
  mapfile -t need < <(missing_apt)
  if [[ ${#need[@]} -gt 0 ]]; then
    if ! command -v apt-get >/dev/null; then
      die "missing packages ${need[*]} and no apt-get: install them with your package manager"
    fi
    sudo=""
    if [[ $(id -u) -ne 0 ]]; then
      if ! { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }; then
        die "missing packages ${need[*]}: run as root, or: sudo apt-get install -y ${need[*]}"
      fi
      sudo="sudo -n"
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  echo "ok: ${APT_PACKAGES[*]}"

  step "Node tools (project-local, tools/node_modules)"
  command -v npm >/dev/null || die "no npm on PATH: install Node.js 18+ (Debian: apt-get install nodejs npm)"
  # --ignore-scripts: tree-sitter-bicep's native build is not needed, the tests load its wasm.
  if [[ -f tools/package-lock.json ]]; then
    npm --prefix tools ci --ignore-scripts --no-audit --no-fund --loglevel=error
  else
    npm --prefix tools install --ignore-scripts --no-audit --no-fund --loglevel=error
  fi
fi

step "Checking what the suite needs"
mapfile -t still < <(missing_apt)
[[ ${#still[@]} -eq 0 ]] || die "still missing: ${still[*]} (apt-get install -y ${still[*]})"
[[ -d tools/node_modules ]] || die "tools/node_modules missing: run scripts/test.sh without --no-setup (npm --prefix tools install)"
# Debian's python3 carries python3-requests; a pyenv or venv python on PATH may not.
HEARTWATCH_PYTHON=""
for py in /usr/bin/python3 python3; do
  if command -v "$py" >/dev/null && "$py" -c 'import requests, dotenv, yaml' 2>/dev/null; then
    HEARTWATCH_PYTHON=$(command -v "$py"); break
  fi
done
[[ -n "$HEARTWATCH_PYTHON" ]] || die "no python3 with requests, dotenv and yaml (apt-get install -y python3-requests python3-dotenv python3-yaml)"
export HEARTWATCH_PYTHON
CHROMIUM=$(find_browser || true)
[[ -n "$CHROMIUM" ]] || die "no Chromium (apt-get install -y chromium), or set HEARTWATCH_CHROMIUM to a Chromium-based browser"
export HEARTWATCH_CHROMIUM="$CHROMIUM"
echo "python: $HEARTWATCH_PYTHON; chromium: $CHROMIUM; node: $(node --version)"

# The original Python agent's own test needs the article it was published in, which is not in
# the repository: it runs only when HEARTWATCH_SEEDS_DIR names that article's folder (and then
# fails if the article is not there).
original=()
if [[ -n "${HEARTWATCH_SEEDS_DIR:-}" ]]; then
  original=(-Dheartwatch.seeds.dir="$HEARTWATCH_SEEDS_DIR")
  echo "original Python agent: from $HEARTWATCH_SEEDS_DIR (OriginalPythonAgentEndToEndTest runs)"
else
  echo "original Python agent: not run (set HEARTWATCH_SEEDS_DIR to its article's folder to run it);" \
    "the project's compatible client runs instead (PythonCompatEndToEndTest)"
fi

step "JVM suite, full profile (mvn -B -Pfull verify ${original[*]})"
mvn -B -Pfull verify "${original[@]}"

step "Node checks (node --test tests/)"
node --test tests/

step "All tests passed"

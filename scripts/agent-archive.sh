#!/usr/bin/env bash
# Make the agent's class-data archive (docs/agent.md, "Recommended JVM flags"): one training
# beat (--once) lists the classes the agent really loads, TLS included, then the JVM dumps
# exactly those into a static archive. The agent then maps its classes instead of parsing them,
# and, unlike a dynamic archive on top of the JDK's default one, maps none it never uses.
#
# Usage: scripts/agent-archive.sh JAR ARCHIVE [agent options for the training beat]
#   The training beat goes to the configured endpoint (environment or .env, as for the agent)
#   and must succeed. Extra JVM options for it (e.g. a test trust store): AGENT_ARCHIVE_JAVA_OPTS.
#   The archive is only valid for this JAR at this path and this Java runtime; a stale or
#   missing archive is ignored by the JVM (the agent runs the same, just slower to start).
# Env: JAVA (default java)
set -euo pipefail

jar="${1:?usage: scripts/agent-archive.sh JAR ARCHIVE [agent options]}"
archive="${2:?usage: scripts/agent-archive.sh JAR ARCHIVE [agent options]}"
shift 2
java_bin="${JAVA:-java}"
# Must match the flags the agent runs with where they shape the archive (GC, compressed pointers).
flags=(-XX:+UseSerialGC -Xmx8m -Xmn1m -XX:TieredStopAtLevel=1 -Xss256k -XX:CICompilerCount=1 -XX:-UsePerfData
  -XX:CompileThresholdScaling=5 -XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=0 -XX:GuaranteedSafepointInterval=0)
read -r -a extra <<<"${AGENT_ARCHIVE_JAVA_OPTS:-}"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# -Xshare:off so the list names every class, not only those missing from the default archive.
"$java_bin" "${flags[@]}" -Xshare:off -XX:DumpLoadedClassList="$scratch/classes.txt" "${extra[@]}" \
  -jar "$jar" --once --ledger "$scratch/ledger" "$@" >"$scratch/training.out" 2>&1 || {
  echo "the training beat failed:" >&2
  cat "$scratch/training.out" >&2
  exit 1
}
# Dump to a temporary name, then rename: a half-written archive never replaces a good one.
"$java_bin" "${flags[@]}" -Xshare:dump -XX:SharedClassListFile="$scratch/classes.txt" \
  -XX:SharedArchiveFile="$scratch/agent.jsa" -cp "$jar" >"$scratch/dump.out" 2>&1 || {
  echo "the class-data dump failed:" >&2
  tail -20 "$scratch/dump.out" >&2
  exit 1
}
mv -f "$scratch/agent.jsa" "$archive.tmp"
mv -f "$archive.tmp" "$archive"

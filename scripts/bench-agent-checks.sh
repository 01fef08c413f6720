#!/usr/bin/env bash
# What the agent's active checks cost: two agents side by side against the same loopback
# endpoint (HTTPS as at every real install, or ENDPOINT=http), one with no check (`plain`) and one with
# CHECKS checks (`checks`, default 50: 20 icmp, 15 tcp, 5 http, 5 dns, 5 tls against loopback
# targets, CheckBenchTargets), each beat at 1 s, every check every EVERY s (default 5: a loaded
# 2-core machine runs 50 probes in well under that). After a warm-up of WARM s, the
# CPU of each (its threads' schedstat, nanoseconds, plus its children's: those reaped, and the
# icmp checks' ping sessions still running, in ticks) is read again after MEASURE s; peak RSS is
# the JVM's VmHWM, and the children's memory is their proportional share (Pss, smaps_rollup).
#
# CPU per day for CHECKS checks at one run a minute = 1440 x (CPU of one run of them all), where
# one run = (checks' CPU - plain's CPU) / (MEASURE / EVERY). Runs seconds apart compile more of
# the code than runs a minute apart would, so that figure leans low (the JIT's work is done).
#
# Usage: scripts/bench-agent-checks.sh        (CHECKS=50 EVERY=5 WARM=10 MEASURE=30 by default;
#        MIX=icmp:20,tcp:15,http:5,dns:5,tls:5 sets the kinds' shares, e.g. MIX=tcp:1 for 50 tcp checks;
#        ENDPOINT=http beats over plain HTTP, leaving the TLS classes out of the plain agent)
# AGENT_JAVA_OPTS adds JVM options to both agents (to try one); AGENT_ENV adds environment
# variables to both (e.g. AGENT_ENV=MALLOC_ARENA_MAX=2).
# NMT=1: where the checks agent's memory goes beyond the plain one's, after the measurement: both
# run with -XX:NativeMemoryTracking=summary (which costs memory of its own, so their peak RSS is
# not the figure without it), and the bench prints the NMT categories whose committed memory
# differs, the resident anonymous memory, and glibc's malloc arenas (64 MB reservations).
# Needs: a JDK 17 (java, keytool), Maven, ping (iputils-ping).
set -euo pipefail

checks="${CHECKS:-50}"
every="${EVERY:-5}"
warm="${WARM:-10}"
measure="${MEASURE:-30}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${AGENT_JAR:-$root/agent/target/heartwatch-agent.jar}" # AGENT_JAR: another build, for a before/after
classes="$root/agent/target/test-classes:$root/agent/target/classes"
# The flags docs/agent.md recommends (no class-data archive here: both agents go without).
java_flags=(-XX:+UseSerialGC -Xmx8m -Xmn1m -XX:TieredStopAtLevel=1 -Xss256k -XX:CICompilerCount=1 -XX:-UsePerfData
  -XX:CompileThresholdScaling=5 -XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=0 -XX:GuaranteedSafepointInterval=0)

for tool in java keytool ping; do
  command -v "$tool" >/dev/null || { echo "missing $tool (ping: apt-get install -y iputils-ping)" >&2; exit 2; }
done
if [[ ! -f "$jar" || ! -f "$root/agent/target/test-classes/dev/heartwatch/agent/check/CheckBenchTargets.class" ]]; then
  (cd "$root" && mvn -B -q -o -pl agent -am test-compile package -DskipTests)
fi

work="$(mktemp -d)"
pids=()
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true # the agents write their ledgers as they stop: rm after that
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

common_cp="$(find "$root/common/target" -maxdepth 1 -name 'heartwatch-common-*.jar' ! -name '*sources*' | head -1)"
[[ -n "$common_cp" ]] || common_cp="$root/common/target/classes"
java -cp "$classes:$common_cp" dev.heartwatch.agent.check.CheckBenchTargets "$work" "$checks" "PT${every}S" \
  "${MIX:-icmp:20,tcp:15,http:5,dns:5,tls:5}" "${ENDPOINT:-https}" >"$work/targets.out" 2>&1 &
pids+=("$!")
for _ in $(seq 300); do [[ -s "$work/targets.env" ]] && break; sleep 0.1; done
[[ -s "$work/targets.env" ]] || { echo "the loopback targets did not start:" >&2; cat "$work/targets.out" >&2; exit 2; }

url="$(grep '^HEARTBEAT_URL=' "$work/targets.env" | cut -d= -f2-)"
mkdir -p "$work/plain" "$work/checks"
# plain: the same agent without checks. checks: the targets' HEARTBEAT_CHECK_* lines in its .env.
grep '^HEARTBEAT_CHECK_' "$work/targets.env" >"$work/checks/.env"
: >"$work/plain/.env"
declare -A pid_of
read -r -a extra <<<"${AGENT_JAVA_OPTS:-}"
[[ -n "${NMT:-}" ]] && extra+=(-XX:NativeMemoryTracking=summary)
read -r -a agent_env <<<"${AGENT_ENV:-}"
mapfile -t trust <"$work/targets.jvm" # the endpoint's certificate, for HTTPS
for name in plain checks; do
  (cd "$work/$name" && exec env -i PATH="$PATH" "${agent_env[@]}" HEARTBEAT_URL="$url" HEARTBEAT_DEVICE="bench-$name" HEARTBEAT_INTERVAL=1 \
    java "${java_flags[@]}" "${trust[@]}" "${extra[@]}" -jar "$jar" ${BENCH_VERBOSE:+--verbose} --ledger "$work/$name/ledger" >"$work/$name.out" 2>&1) &
  pid_of[$name]=$!
  pids+=("$!")
done

tck="$(getconf CLK_TCK)"
# The process's live children (the icmp checks' ping sessions).
children_of() { cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep -v '^$' || true; }
# Threads' CPU (schedstat, ns) plus children's: reaped ones (cutime+cstime) and live ones
# (utime+stime, and what they reaped), in ticks.
cpu_all() {
  local threads children live=0 c
  threads="$(cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.6f", s / 1e9 }')"
  children="$(awk -v t="$tck" '{ sub(/^.*\) /, ""); printf "%.6f", ($14 + $15) / t }' "/proc/$1/stat")"
  for c in $(children_of "$1"); do
    live="$(awk -v t="$tck" -v s="$live" '{ sub(/^.*\) /, ""); printf "%.6f", s + ($12 + $13 + $14 + $15) / t }' "/proc/$c/stat" 2>/dev/null || echo "$live")"
  done
  awk -v a="$threads" -v b="$children" -v c="$live" 'BEGIN { printf "%.6f", a + b + c }'
}
peak_mb() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
# The live children's count and their proportional memory (Pss, MB).
children_mem() {
  local n=0 kb=0 c p
  for c in $(children_of "$1"); do
    p="$(awk '/^Pss:/ { print $2 }' "/proc/$c/smaps_rollup" 2>/dev/null || true)"
    [[ -n "$p" ]] && { n=$((n + 1)); kb=$((kb + p)); }
  done
  awk -v n="$n" -v k="$kb" 'BEGIN { printf "%d (Pss %.1f MB)", n, k / 1024 }'
}
threads() { find "/proc/$1/task" -mindepth 1 -maxdepth 1 | wc -l; }
# NMT=1: one agent's memory as `name KB` lines: NMT's committed KB by category, resident
# anonymous memory, and its malloc arenas (an anonymous rw mapping followed by its ---p
# reservation, 64 MB together: glibc's HEAP_MAX_SIZE) with their resident KB.
memory_of() {
  jcmd "$1" VM.native_memory summary | perl -ne '
    if (/^-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB\)/) { ($c = $1) =~ s/ /_/g; print "nmt:$c $2\n" }
    if (/^\s+\(stack: reserved=\d+KB, committed=(\d+)KB\)/) { print "nmt:Thread_stacks $1\n" }'
  perl -e '
    my ($anon, $n, $arena, @maps) = (0, 0, 0);
    open my $f, "<", "/proc/$ARGV[0]/smaps" or die;
    my $m;
    while (<$f>) {
      if (/^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(\S*)/) { $m = { size => (hex($2) - hex($1)) / 1024, perm => $3, anon => ($4 == 0 && $5 eq ""), rss => 0 }; push @maps, $m }
      elsif (/^Rss:\s+(\d+)/) { $m->{rss} = $1; $anon += $1 if $m->{anon} }
    }
    for my $i (0 .. $#maps - 1) {
      my ($a, $b) = @maps[$i, $i + 1];
      if ($a->{anon} && $b->{anon} && $a->{perm} eq "rw-p" && $b->{perm} eq "---p" && $a->{size} + $b->{size} == 65536) { $n++; $arena += $a->{rss} }
    }
    print "rss:anonymous $anon\nmalloc_arenas $n\nrss:malloc_arenas $arena\n"' "$1"
}

sleep "$warm"
declare -A first last
for name in plain checks; do first[$name]="$(cpu_all "${pid_of[$name]}")"; done
sleep "$measure"
for name in plain checks; do last[$name]="$(cpu_all "${pid_of[$name]}")"; done

echo "endpoint: ${ENDPOINT:-https}; every check every ${every} s; CPU over ${measure} s after ${warm} s"
printf '%-8s %7s %12s %14s %8s  %s\n' agent checks "peak RSS MB" "CPU s/${measure}s" threads "child processes"
for name in plain checks; do
  n=0; [[ $name == checks ]] && n=$checks
  printf '%-8s %7s %12s %14.3f %8s  %s\n' "$name" "$n" "$(peak_mb "${pid_of[$name]}")" \
    "$(awk -v a="${first[$name]}" -v b="${last[$name]}" 'BEGIN { print b - a }')" "$(threads "${pid_of[$name]}")" \
    "$(children_mem "${pid_of[$name]}")"
done
if [[ -n "${NMT:-}" ]]; then
  memory_of "${pid_of[plain]}" >"$work/plain.mem"
  memory_of "${pid_of[checks]}" >"$work/checks.mem"
  echo "memory (NMT=1), KB: plain, checks, difference (only what differs)"
  awk 'NR == FNR { p[$1] = $2; next } { d = $2 - p[$1]; if (d != 0 || $1 ~ /arena/) printf "  %-28s %8d %8d %+8d\n", $1, p[$1], $2, d }' \
    "$work/plain.mem" "$work/checks.mem"
fi
read -r beats batches <"$work/counts"
echo "endpoint: $beats beats, $batches batches (one request an interval for all $checks checks)"
awk -v p0="${first[plain]}" -v p1="${last[plain]}" -v c0="${first[checks]}" -v c1="${last[checks]}" -v m="$measure" \
  -v e="$every" -v n="$checks" 'BEGIN {
  run = ((c1 - c0) - (p1 - p0)) / (m / e)
  printf "one run of %d checks: %.1f ms CPU; at one run a minute: %.1f CPU s per day\n", n, run * 1000, run * 1440
}'
grep -h "down:" "$work/checks.out" && { echo "a check failed in the bench (see above)" >&2; exit 1; }
exit 0

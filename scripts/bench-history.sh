#!/usr/bin/env bash
# heartwatch history's core path on 30 days x 20 devices (864,000 heartbeat lines) held in
# memory: decode, gaps, merge, uptime per day, HTML report. Target: under 5 s and under 256 MB
# of heap, so the run is capped at -Xmx256m (an OutOfMemoryError fails it). Well under a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
# In the reactor (-am) core resolves to its classes; the cli module writes the file last.
mvn -B -q -pl cli -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/cli/target/bench.classpath" -Dmdep.includeScope=test
java -Xmx256m -XX:+UseSerialGC \
  -cp "cli/target/classes:cli/target/test-classes:$(cat cli/target/bench.classpath)" \
  dev.heartwatch.cli.history.HistoryBench

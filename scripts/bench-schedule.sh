#!/usr/bin/env bash
# Measures device schedules (dev.heartwatch.core.schedule): reading 1,000 cron expressions,
# deciding 1,000 devices, a year's longest gap. Prints milliseconds per round; seconds in all.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -pl core -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
java -Xmx256m -cp "core/target/classes:core/target/test-classes:$(cat core/target/bench.classpath)" \
  dev.heartwatch.core.schedule.ScheduleBench

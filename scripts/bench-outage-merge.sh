#!/usr/bin/env bash
# Measures OutageMerge and AzureAlertModel over 30 days x 20 devices (864,000 beats) and prints
# the time per round. Under a minute on a shared 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl core test-compile
java -Xmx512m -cp core/target/classes:core/target/test-classes dev.heartwatch.core.outage.OutageMergeBench

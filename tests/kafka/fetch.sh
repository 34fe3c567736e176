#!/usr/bin/env bash
# Fetches Apache Kafka (the broker jar kafka_2.13 and its runtime dependencies) from Maven
# Central into a cache directory, once, and prints that directory. The version is the one in
# pom.xml beside this script. Needs a Java runtime (17+) and Maven; tests/run.sh installs both.
#
#   tests/kafka/fetch.sh            # prints e.g. ~/.cache/knooppunt/kafka-4.1.1
#
# The integration tests call this themselves when KNOOPPUNT_KAFKA_HOME is not set.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../maven-deps.sh" "$here" kafka kafka.version

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
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
cache=${XDG_CACHE_HOME:-$HOME/.cache}/knooppunt/kafka-$version
# A directory is complete only once the stamp is written (an interrupted fetch is redone).
if [ ! -e "$cache/complete" ]; then
  for tool in java mvn; do
    command -v "$tool" >/dev/null 2>&1 || {
      echo "Apache Kafka for the tests needs '$tool': run tests/run.sh, or install Debian's" \
        "default-jre-headless and maven" >&2
      exit 1
    }
  done
  rm -rf "$cache"
  mkdir -p "$cache"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$cache/libs" >&2
  touch "$cache/complete"
fi
echo "$cache"

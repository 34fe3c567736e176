#!/usr/bin/env bash
# Fetches the runtime dependencies of a tool the tests run on the JVM (the Kafka broker,
# veraPDF) from Maven Central into a cache directory, once, and prints that directory; the jars
# are in its libs/. The tool and its version are the pom.xml in POM_DIR. Needs a Java runtime
# (17+) and Maven; tests/run.sh installs both.
#
#   tests/maven-deps.sh POM_DIR NAME VERSION_PROPERTY   # prints ~/.cache/knooppunt/NAME-VERSION
set -euo pipefail
pom_dir=$1
name=$2
property=$3
version=$(sed -n "s:.*<$property>\(.*\)</$property>.*:\1:p" "$pom_dir/pom.xml")
cache=${XDG_CACHE_HOME:-$HOME/.cache}/knooppunt/$name-$version
# A directory is complete only once the stamp is written (an interrupted fetch is redone).
if [ ! -e "$cache/complete" ]; then
  for tool in java mvn; do
    command -v "$tool" >/dev/null 2>&1 || {
      echo "$name for the tests needs '$tool': run tests/run.sh, or install Debian's" \
        "default-jre-headless and maven" >&2
      exit 1
    }
  done
  rm -rf "$cache"
  mkdir -p "$cache"
  mvn -q -B -f "$pom_dir/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$cache/libs" >&2
  touch "$cache/complete"
fi
echo "$cache"

#!/usr/bin/env bash
# Fetches veraPDF (the PDF/A validator) from Maven Central into a cache directory, once, and
# prints that directory; its jars are in libs/. The version is the one in pom.xml beside this
# script. Needs a Java runtime (17+) and Maven; tests/run.sh installs both.
#
#   tests/verapdf/fetch.sh          # prints e.g. ~/.cache/knooppunt/verapdf-1.28.2
#
# The brief's test calls this itself when KNOOPPUNT_VERAPDF_HOME is not set.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../maven-deps.sh" "$here" verapdf verapdf.version

#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a used one:
#   1. PostgreSQL on 127.0.0.1:5432 with trust auth for `postgres` (installed and started if needed);
#   2. Apache Kafka (tests/kafka/pom.xml: the broker's jars from Maven Central, fetched once into
#      ~/.cache/knooppunt/; Java and Maven installed from Debian if missing). The integration
#      test binary starts one single-node KRaft broker on free loopback ports for the whole run
#      and stops it when it ends; tests that stop a broker start one of their own;
#   3. Debian's chromium and chromium-driver (PDF briefs, browser tests in headless Chromium)
#      and poppler-utils (reading PDFs back in tests); veraPDF (tests/verapdf/pom.xml, the PDF/A
#      validator, from Maven Central like the broker); axe-core and a municipality's design
#      tokens (tests/thema/) from npm;
#   4. formatting and lints, then every test of the workspace.
# Tests that need PostgreSQL, the broker or Chromium fail when they cannot reach them; none is
# skipped. Browser screenshots are kept in target/tmp/browser/.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    sudo_if_needed apt-get update -qq
    apt_updated=1
  fi
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

log "PostgreSQL"
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt_install postgresql
fi
# `postgres` may connect on loopback without a password (`-w`: never prompt).
pg_trusts() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -w -Atqc 'SELECT 1' >/dev/null 2>&1; }
if ! pg_up || ! pg_trusts; then
  # The package creates a cluster "main"; a machine where it was dropped gets a new one.
  if [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    sudo_if_needed pg_createcluster "$(ls /usr/lib/postgresql | sort -n | tail -n 1)" main
  fi
  version=$(ls /etc/postgresql | sort -n | tail -n 1)
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  # A freshly installed server asks for passwords on TCP; the tests use trust on loopback. Also
  # when the server already runs (started by hand or by the distribution): then it is reloaded.
  if ! sudo_if_needed grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    sudo_if_needed sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  if pg_up; then
    sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  else
    sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
  for _ in $(seq 1 60); do pg_up && pg_trusts && break; sleep 0.5; done
fi
pg_up || { echo "PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }
pg_trusts || { echo "PostgreSQL on 127.0.0.1:5432 does not let postgres in without a password" >&2; exit 1; }
# Databases left behind by earlier runs (each test makes its own).
psql -h 127.0.0.1 -U postgres -d postgres -Atqc \
  "SELECT datname FROM pg_database WHERE datname LIKE 'kp\_test\_%'" |
  while read -r db; do psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null; done

log "Apache Kafka (from Maven Central, cached)"
# First lines are taken with `sed -n 1p`, not `head`: under pipefail, head leaving early can kill
# the command before it with SIGPIPE (exit 141), which stopped a run after the Chromium step.
java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | sed -n 1p; }
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ] || ! command -v mvn >/dev/null 2>&1; then
  apt_install default-jre-headless maven
fi
java -version 2>&1 | sed -n 1p
started=$(date +%s)
KNOOPPUNT_KAFKA_HOME=$(tests/kafka/fetch.sh)
export KNOOPPUNT_KAFKA_HOME
echo "Apache Kafka $(basename "$KNOOPPUNT_KAFKA_HOME") in $KNOOPPUNT_KAFKA_HOME ($(($(date +%s) - started)) s)"
started=$(date +%s)
KNOOPPUNT_VERAPDF_HOME=$(tests/verapdf/fetch.sh)
export KNOOPPUNT_VERAPDF_HOME
echo "veraPDF $(basename "$KNOOPPUNT_VERAPDF_HOME") in $KNOOPPUNT_VERAPDF_HOME ($(($(date +%s) - started)) s)"

log "Chromium and ChromeDriver (PDF briefs and browser tests)"
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  apt_install chromium chromium-driver
fi
# The Dutch locale, so the browser tests see date inputs as users do (dd-mm-jjjj).
if [ ! -e /usr/lib/chromium/locales/nl.pak ]; then
  apt_install chromium-l10n
fi
chromium --version
chromedriver --version
# poppler-utils' pdftotext and pdftoppm read the PDF back in the brief's tests (page numbers,
# PNGs of the first pages).
if ! command -v pdftotext >/dev/null 2>&1; then
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
fi
pdftotext -v 2>&1 | sed -n 1p

log "axe-core (accessibility checks in the browser tests)"
AXE_DIR="$HOME/.cache/knooppunt/axe"
if [ ! -f "$AXE_DIR/node_modules/axe-core/axe.min.js" ]; then
  command -v npm >/dev/null 2>&1 || { sudo_if_needed apt-get update -qq; sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
  mkdir -p "$AXE_DIR"
  npm install --prefix "$AXE_DIR" --no-audit --no-fund --silent axe-core@4
fi
export KNOOPPUNT_AXE="$AXE_DIR/node_modules/axe-core/axe.min.js"

log "A municipality's design tokens (the huisstijl test, tests/thema/package-lock.json)"
# A published NL Design System token set, fetched with npm ci against the committed lock file
# (never copied into the repository); tests/it/theme.rs points web.theme_css at it.
THEMA_DIR="$HOME/.cache/knooppunt/thema"
if [ ! -d "$THEMA_DIR/node_modules" ] || ! cmp -s tests/thema/package-lock.json "$THEMA_DIR/package-lock.json"; then
  command -v npm >/dev/null 2>&1 || { sudo_if_needed apt-get update -qq; sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
  mkdir -p "$THEMA_DIR"
  cp tests/thema/package.json tests/thema/package-lock.json "$THEMA_DIR/"
  npm ci --prefix "$THEMA_DIR" --no-audit --no-fund --silent
fi
export KNOOPPUNT_THEMA_DIR="$THEMA_DIR"

log "Formatting and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

log "Tests"
# Unit, binary and integration tests (no doc tests: there are none, and an empty doc-test run
# would be the last line CI reads).
cargo test --workspace --locked --lib --bins --tests

log "API contract (schemathesis against knooppunt serve on loopback)"
tests/schemathesis.sh

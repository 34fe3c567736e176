#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a used one:
#   1. PostgreSQL on 127.0.0.1:5432 with trust auth for `postgres` (installed and started if needed);
#   2. the tansu Kafka-protocol broker (installed once with cargo; the tests start their own
#      brokers on free loopback ports with SQLite storage);
#   3. Debian's chromium and chromium-driver (PDF briefs, browser tests in headless Chromium),
#      ghostscript (PDF/A) and poppler-utils (reading PDFs back in tests);
#   4. formatting and lints, then every test of the workspace.
# Tests that need PostgreSQL, the broker or Chromium fail when they cannot reach them; none is
# skipped. Browser screenshots are kept in target/tmp/browser/.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }

log "PostgreSQL"
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if ! pg_up; then
  version=$(ls /etc/postgresql | sort -n | tail -n 1)
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  # A freshly installed server asks for passwords on TCP; the tests use trust on loopback.
  if ! sudo_if_needed grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    sudo_if_needed sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 60); do pg_up && break; sleep 0.5; done
fi
pg_up || { echo "PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }
# Databases left behind by earlier runs (each test makes its own).
psql -h 127.0.0.1 -U postgres -d postgres -Atqc \
  "SELECT datname FROM pg_database WHERE datname LIKE 'kp\_test\_%'" |
  while read -r db; do psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db" >/dev/null; done

log "Kafka-protocol broker (tansu 0.6.0)"
TANSU_BIN=${TANSU_BIN:-$(command -v tansu || echo "$HOME/.cargo/bin/tansu")}
if [ ! -x "$TANSU_BIN" ] || ! "$TANSU_BIN" --version 2>/dev/null | grep -q '0\.6\.0'; then
  cargo install tansu --version 0.6.0 --locked --features libsql
  TANSU_BIN="$HOME/.cargo/bin/tansu"
fi
export TANSU_BIN
"$TANSU_BIN" --version

log "Chromium and ChromeDriver (PDF briefs and browser tests)"
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
chromium --version
chromedriver --version
# Ghostscript turns the printed brief into PDF/A-2b; poppler-utils' pdftotext and pdftoppm read
# the PDF back in the brief's tests (page numbers, PNGs of the first pages).
if ! command -v gs >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ghostscript poppler-utils >/dev/null
fi
gs --version

log "Formatting and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

log "Tests"
# Unit, binary and integration tests (no doc tests: there are none, and an empty doc-test run
# would be the last line CI reads).
cargo test --workspace --locked --lib --bins --tests

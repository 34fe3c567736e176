#!/usr/bin/env bash
# The published API contract, tested: schemathesis (pinned, in a venv under target/) generates
# requests from /api/v1/openapi.json and sends them to a real `knooppunt serve` on loopback
# (embedded defaults, a fresh data directory). It fails on any 5xx answer and on any answer
# that breaks the document (status, content type, headers, body schema). Not checked: whether
# invalid input is refused with a 4xx as a whole — a list is answered per item by design (200,
# each invalid item `refused` with its Dutch field errors), which the document describes.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-50}
TARGET=${CARGO_TARGET_DIR:-target}
VENV=$TARGET/schemathesis-venv

if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi

cargo build --locked --quiet --bin knooppunt
DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
KNOOPPUNT__INTAKE__LISTEN="127.0.0.1:$PORT" \
KNOOPPUNT__STORE__URL="sqlite://$DATA/knooppunt.db" \
KNOOPPUNT__TRANSPORT__SPOOL="$DATA/spool.db" \
  "$TARGET/debug/knooppunt" serve >"$DATA/serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true; wait $SERVE 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$DATA/serve.log" >&2; exit 1; }

"$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-examples "$EXAMPLES" \
  --seed 15 \
  --no-color

#!/bin/sh
# Audit adapter: the audit runs `sh run.sh <suite id>` from this directory with Node >= 22 on
# PATH and the audit's own server on :4200. We fetch the suite's supergraph through the
# audit CLI (AUDIT_DIR, default /work/audit) and serve it with our router on
# SHOPGRAPH_AUDIT_PORT (default 4000; it must match the port of the audit's --graphql URL).
# SHOPGRAPH_AUDIT_SUBGRAPHS_PORT (default 4200) must match the audit's own --port, where it
# serves the suites' subgraphs: give both when two audits share the machine.
# SHOPGRAPH_AUDIT_COMPOSER=ours composes the suite's subgraphs with router/compose.py instead
# (conformance/ is not an installed package: its modules run from the repository root).
set -e
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
AUDIT_DIR="${AUDIT_DIR:-/work/audit}"
WORK="${SHOPGRAPH_AUDIT_WORK:-$HERE/.work}"
PORT="${SHOPGRAPH_AUDIT_PORT:-4000}"
SUBGRAPHS_PORT="${SHOPGRAPH_AUDIT_SUBGRAPHS_PORT:-4200}"
mkdir -p "$WORK"
rm -f "$WORK/supergraph.graphql"
if [ "${SHOPGRAPH_AUDIT_COMPOSER:-audit}" = "ours" ]; then
  (cd "$AUDIT_DIR" && npm start --silent subgraphs -- --cwd "$WORK" --test "$1" \
    --port "$SUBGRAPHS_PORT")
  (cd "$REPO" && .venv/bin/python -m conformance.gateway_audit.compose_suite \
    "$WORK/subgraphs.json" "$WORK/supergraph.graphql")
else
  (cd "$AUDIT_DIR" && npm start --silent supergraph -- --cwd "$WORK" --test "$1" \
    --port "$SUBGRAPHS_PORT")
fi
cd "$REPO"
# The real server, as users run it (token checks off: the audit sends no tokens).
exec "$REPO/.venv/bin/shopgraph" router serve --supergraph "$WORK/supergraph.graphql" \
  --port "$PORT" --no-verify-tokens

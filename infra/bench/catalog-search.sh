#!/usr/bin/env bash
# Catalogue search benchmark: the portal (Release, Production settings) on a private embedded PostgreSQL
# holding the demo catalogue plus 25,000 generated services from 600 generated agencies, loaded with wrk over a
# mix of searches on loopback. Runs each mode 3 times and prints every run; docs/benchmarks.md keeps medians.
#
#   infra/bench/catalog-search.sh            # cached (default node behaviour) and uncached (database every time)
#   DURATION=20s CONNECTIONS=16 RUNS=3 infra/bench/catalog-search.sh
#   MODES=false infra/bench/catalog-search.sh   # only the uncached pass
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
RUNS=${RUNS:-3}
MODES=${MODES:-"true false"} # Catalog:CacheReads of each pass: true (node cache), false (PostgreSQL every request)
PORT=${PORT:-5080}
URL="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "install wrk: sudo apt-get install -y wrk" >&2; exit 1; }
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

DATA=$(mktemp -d /tmp/serviceportal-bench-XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres "$DATA" || true
PORTAL_PID=""
stop_portal() {
  # TERM, not INT: a background job of a script ignores SIGINT.
  if [ -n "$PORTAL_PID" ] && kill -0 "$PORTAL_PID" 2>/dev/null; then
    kill -TERM "$PORTAL_PID"; wait "$PORTAL_PID" 2>/dev/null || true
  fi
  PORTAL_PID=""
}
trap 'stop_portal; rm -rf "$DATA"' EXIT

dotnet build src/ServicePortal.Host -c Release -nologo -clp:ErrorsOnly -v:quiet

# Production as deployed, except: throwaway keys left unencrypted (logged), and the per-network search limit
# (600 a minute) raised out of the way: one machine here stands for many people, and the search is what is measured.
start_portal() { # $1: true|false (cache reads)
  ASPNETCORE_ENVIRONMENT=Production \
  Database__EmbeddedDirectory="$DATA" \
  Catalog__SeedDemoData=true \
  Catalog__CacheReads="$1" \
  AllowedHosts="localhost;127.0.0.1" \
  Identity__Issuer="$URL/" \
  DataProtection__AllowUnencryptedKeys=true \
  Catalog__SearchLimit__PermitLimit=1000000 \
  Logging__LogLevel__Default=Warning \
  Identity__RegistryUrl=http://127.0.0.1:9/ \
  dotnet src/ServicePortal.Host/bin/Release/net10.0/ServicePortal.Host.dll --urls "$URL" >"$DATA/portal-$1.log" 2>&1 &
  PORTAL_PID=$!
  for _ in $(seq 1 120); do
    curl -fs "$URL/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  cat "$DATA/portal-$1.log" >&2; exit 1
}

generate() {
  local pgport password
  pgport=$(sed -n 4p "$DATA/data/postmaster.pid")
  password=$(cat "$DATA/superuser-password")
  PGPASSWORD="$password" "$PG_BIN/psql" -h 127.0.0.1 -p "$pgport" -U portal -d portal -q -v ON_ERROR_STOP=1 \
    -f infra/bench/catalog-generate.sql
}

echo "load before: $(uptime | sed 's/.*load average/load average/')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/ {print $2}') GB"
generated=""
for cache in $MODES; do
  start_portal "$cache"
  [ -z "$generated" ] && generate && generated=yes
  curl -fs "$URL/api/catalog/services?q=warmup" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s infra/bench/catalog-queries.lua "$URL" >/dev/null # warm-up
  for run in $(seq 1 "$RUNS"); do
    printf 'cache=%s run=%s ' "$cache" "$run"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s infra/bench/catalog-queries.lua "$URL" | grep '^RESULT' | tr -d '\n'
    echo " $(uptime | sed 's/.*load average/load average/')"
  done
  stop_portal
done

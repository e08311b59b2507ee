#!/usr/bin/env bash
# The status-sync benchmark (issue 6): how fast the portal's status sync applies agencies' answers.
#
#   infra/bench/sync.sh                      build Release, start everything privately, measure, write docs/benchmarks.md
#   BENCH_REQUESTS=10000 BENCH_RUNS=1 infra/bench/sync.sh    a quick look (nothing is written to the docs)
#
# BENCH_REQUESTS open requests (default 100,000) spread evenly over BENCH_AGENCIES demo agencies (default 10,
# bench-01..bench-10), each request submitted and at version 1 (received); every agency answers version 2
# (under_review) for each. One full sync pass of every agency at once (BENCH_PARALLEL at a time, default all, as
# their recurring jobs would run on enough Hangfire workers), timed: updates applied per second. Then a second
# pass right after, which finds nothing to change (the cost of asking). BENCH_RUNS runs (default 3), each on
# fresh rows, the median kept; then one more, not counted, with every database command timed, to show where the
# time goes.
#
# The pieces, all on 127.0.0.1 and free ports:
#   the portal          Release, Production settings, its own embedded PostgreSQL in a temporary folder (migrated
#                       at start), its jobs off; it serves the JWKS the agencies verify assertions with
#   the bench agencies  src/ServicePortal.DemoAgencies with DemoAgencies:Bench:Count: the demo application
#                       contract (batch status, POST {statusPath}), each verifying the portal's service assertion
#                       (typ portal-service+jwt, aud = its code) against that JWKS; a reference they have not seen
#                       is adopted as under_review, version 2 (bench agencies only)
#   the harness         infra/bench/SyncBench: a second portal node in-process (WebApplicationFactory, as the tests
#                       run the host) on the same database, so the same signing keys; it writes the rows, runs
#                       StatusSyncJob.RunAsync for each agency and checks that every request moved exactly once
# Every process started here is stopped on exit, whatever the exit. A measurement, not a test: it passes or
# fails nothing (it stops if a pass does not move every request, which would make it meaningless).
# shellcheck disable=SC2016 # backquotes in printf formats are Markdown, not command substitutions
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)

REQUESTS=${BENCH_REQUESTS:-100000}
AGENCIES=${BENCH_AGENCIES:-10}
PARALLEL=${BENCH_PARALLEL:-$AGENCIES}
ACCOUNTS=${BENCH_ACCOUNTS:-5000}
RUNS=${BENCH_RUNS:-3}
# Write the results into docs/benchmarks.md (only a full run should; BENCH_WRITE=0 for a quick look).
WRITE_DOCS=${BENCH_WRITE:-$([ "$REQUESTS" = 100000 ] && [ "$AGENCIES" = 10 ] && [ "$PARALLEL" = 10 ] && [ "$RUNS" -ge 3 ] && echo 1 || echo 0)}

say() { printf '%s\n' "$*" >&2; }
fail() { printf 'sync.sh: %s\n' "$*" >&2; exit 1; }

# --- prerequisites ---------------------------------------------------------------------------------------

if ! command -v curl >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    runner=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    runner=(sudo)
  else
    fail "needs: sudo apt-get install -y curl (then run this again)."
  fi
  command -v apt-get >/dev/null 2>&1 || fail "needs curl; install it with your system's package manager."
  say "Installing curl..."
  "${runner[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get install -y -qq --no-install-recommends curl >/dev/null
fi
command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK is missing (https://dot.net/download)."
[ $((REQUESTS % AGENCIES)) -eq 0 ] || fail "BENCH_REQUESTS ($REQUESTS) must divide evenly among BENCH_AGENCIES ($AGENCIES)."

# --- start and stop --------------------------------------------------------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sync-bench.XXXXXX")
# As root the embedded PostgreSQL runs as the postgres user, which must be able to reach its folder inside.
chmod 711 "$WORK"
AGENCIES_PID=""
PORTAL_PID=""
HARNESS_PID=""

stop_group() {
  # $1: the id of a process started with setsid, so also of its process group.
  local pid=$1 waited=0
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 30 ]; do sleep 1; waited=$((waited + 1)); done
  kill -TERM -- "-$pid" 2>/dev/null || true
  sleep 1
  kill -KILL -- "-$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_group "$HARNESS_PID"
  # The portal next: on SIGTERM it stops its embedded PostgreSQL itself.
  stop_group "$PORTAL_PID"
  # Had it died without doing so, PostgreSQL would hold the temporary folder: stop it too.
  if [ -f "$WORK/postgres/data/postmaster.pid" ]; then
    local pg_ctl
    pg_ctl=$(compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" | tail -n1 || command -v pg_ctl || true)
    if [ -n "$pg_ctl" ]; then "$pg_ctl" stop -D "$WORK/postgres/data" -m immediate -w -t 20 >/dev/null 2>&1 || true; fi
  fi
  stop_group "$AGENCIES_PID"
  if [ $status -ne 0 ]; then
    for log in portal agencies harness; do
      [ -f "$WORK/$log.log" ] || continue
      say "--- last lines of the $log log ---"
      tail -n 30 "$WORK/$log.log" >&2 || true
    done
  fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

USED_PORTS=" "
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_ports() {
  # $1 consecutive ports nothing answers on, not handed out before in this run; prints the first.
  local first offset ok
  for _ in $(seq 200); do
    first=$((20000 + RANDOM % 20000))
    ok=1
    for offset in $(seq 0 $(($1 - 1))); do
      case "$USED_PORTS" in *" $((first + offset)) "*) ok=0; break ;; esac
      port_free $((first + offset)) || { ok=0; break; }
    done
    if [ $ok = 1 ]; then
      for offset in $(seq 0 $(($1 - 1))); do USED_PORTS="$USED_PORTS$((first + offset)) "; done
      printf '%s' "$first"
      return
    fi
  done
  fail "found no $1 free ports in a row"
}

wait_for() {
  # $1: what; $2: the process that must stay alive; $3: seconds; the rest: a command that succeeds when ready.
  local what=$1 pid=$2 deadline=$((SECONDS + $3)); shift 3
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || fail "$what stopped while starting."
    [ $SECONDS -lt $deadline ] || fail "$what was not ready in time."
    sleep 0.5
  done
}

say "Building (Release)..."
dotnet build src/ServicePortal.Host -c Release -nologo -clp:ErrorsOnly -v:quiet >&2
dotnet build src/ServicePortal.DemoAgencies -c Release -nologo -clp:ErrorsOnly -v:quiet >&2
dotnet build infra/bench/SyncBench -c Release -nologo -clp:ErrorsOnly -v:quiet >&2

FIRST_AGENCY_PORT=$(free_ports "$AGENCIES")
# The bench agencies' host:port entries, the only private destinations the portal (and the harness's node) may reach.
BENCH_DESTINATIONS=$(seq -f "127.0.0.1:%.0f" "$FIRST_AGENCY_PORT" "$((FIRST_AGENCY_PORT + AGENCIES - 1))" | paste -sd';')
export BENCH_DESTINATIONS
PORTAL=http://127.0.0.1:$(free_ports 1)
REGISTRY=http://127.0.0.1:$(free_ports 1)

say "Starting $AGENCIES bench agencies on 127.0.0.1:$FIRST_AGENCY_PORT-$((FIRST_AGENCY_PORT + AGENCIES - 1)) (trusting the portal at $PORTAL/)..."
# shellcheck disable=SC2030,SC2031 # each process gets its own environment, in its own subshell
(
  export ASPNETCORE_ENVIRONMENT=Production
  export Logging__LogLevel__Default=Warning
  # Only the bench agencies: an empty address leaves the demo ones out.
  export DemoAgencies__nida="" DemoAgencies__brela="" DemoAgencies__tra="" DemoAgencies__rita=""
  export DemoAgencies__Bench__Count=$AGENCIES DemoAgencies__Bench__FirstPort=$FIRST_AGENCY_PORT
  export DemoAgencies__PortalUrl=$PORTAL/
  # A day per lifecycle step: an adopted application stays under_review (version 2) for the whole benchmark.
  export DemoAgencies__LifecycleStep=1.00:00:00
  exec setsid dotnet src/ServicePortal.DemoAgencies/bin/Release/net10.0/ServicePortal.DemoAgencies.dll
) >"$WORK/agencies.log" 2>&1 &
AGENCIES_PID=$!

say "Starting the portal on $PORTAL (Production, a new embedded database in $WORK)..."
# shellcheck disable=SC2030,SC2031
(
  cd src/ServicePortal.Host
  export ASPNETCORE_ENVIRONMENT=Production
  export Database__EmbeddedDirectory=$WORK/postgres
  export PORTAL_URLS=$PORTAL
  export Catalog__SeedDemoData=false
  export Identity__AllowHttp=true
  export Identity__Issuer=$PORTAL/
  # The agencies are on loopback over plain http: each one listed (outside Development only https, public addresses).
  export Gateway__AllowedPrivateDestinations=$BENCH_DESTINATIONS
  # Required outside Development: the host names it answers to, and the key ring's certificate (throwaway keys
  # here, left unencrypted on purpose; the portal logs that at start).
  export AllowedHosts="localhost;127.0.0.1"
  export DataProtection__AllowUnencryptedKeys=true
  # Required, used only by registration (NIDA's registry), which this benchmark does not touch: nothing listens.
  export Identity__RegistryUrl=$REGISTRY/
  # No jobs on this node (the harness runs the passes), and none would come due on their own anyway.
  export Requests__RunJobs=false
  export Requests__SyncInterval=1.00:00:00
  export Logging__LogLevel__Default=Warning
  exec setsid dotnet bin/Release/net10.0/ServicePortal.Host.dll
) >"$WORK/portal.log" 2>&1 &
PORTAL_PID=$!

wait_for "the bench agencies" "$AGENCIES_PID" 120 curl -fsS -o /dev/null "http://127.0.0.1:$((FIRST_AGENCY_PORT + AGENCIES - 1))/health"
wait_for "the portal" "$PORTAL_PID" 240 curl -fsS -o /dev/null "$PORTAL/health/ready"
say "Portal and agencies ready."

PG_PORT=$(sed -n 4p "$WORK/postgres/data/postmaster.pid")
PG_PASSWORD=$(cat "$WORK/postgres/superuser-password")
CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=portal;Password=$PG_PASSWORD;Database=portal"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "Measuring: $REQUESTS requests over $AGENCIES agencies, $PARALLEL passes at a time, $RUNS runs (load average $LOAD_BEFORE)..."
REPORT=$WORK/report.md
# From the repository's root: the in-process portal finds its content root (src/ServicePortal.Host) from there.
setsid dotnet infra/bench/SyncBench/bin/Release/net10.0/SyncBench.dll "connection=$CONNECTION" "issuer=$PORTAL/" \
  "agencies=$AGENCIES" "firstPort=$FIRST_AGENCY_PORT" "requests=$REQUESTS" "accounts=$ACCOUNTS" "runs=$RUNS" \
  "parallel=$PARALLEL" "out=$REPORT" 2> >(tee "$WORK/harness.log" >&2) >/dev/null &
HARNESS_PID=$!
wait "$HARNESS_PID" || fail "the harness failed."
HARNESS_PID=""
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

printf '\n' >&2
cat "$REPORT" >&2

if [ "$WRITE_DOCS" != 1 ]; then
  say "(Not written to docs/benchmarks.md: a full run, the defaults with BENCH_RUNS>=3, or BENCH_WRITE=1 does that.)"
  exit 0
fi

DOC=$ROOT/docs/benchmarks.md
SECTION=$WORK/sync-section.md
# Only the part between the markers is the script's: notes written by hand after it, under the same
# heading, survive the next run.
{
  printf '<!-- sync.sh: begin (generated by infra/bench/sync.sh; edit below the end marker) -->\n'
  printf 'Measured by `infra/bench/sync.sh` on %s (commit `%s`).\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(git rev-parse --short HEAD)"
  printf -- '- Machine: %s CPUs (%s), %s memory, %s; load average %s when measuring began, %s at the end (the machine is shared: other work ran beside this).\n' "$(nproc)" \
    "$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$(free -h | awk '/^Mem:/ { print $2 }')" "$(uname -sr)" \
    "$LOAD_BEFORE" "$LOAD_AFTER"
  printf -- '- Command: `infra/bench/sync.sh` (BENCH_REQUESTS=%s, BENCH_AGENCIES=%s, BENCH_PARALLEL=%s, BENCH_ACCOUNTS=%s, BENCH_RUNS=%s): %s runs, each on fresh rows (truncated, inserted, vacuumed, checkpointed), median of each column.\n' \
    "$REQUESTS" "$AGENCIES" "$PARALLEL" "$ACCOUNTS" "$RUNS" "$RUNS"
  printf -- '- Data: %s open requests (`submitted`, agency version 1), %s per agency, interleaved by id as they would arrive, for %s citizens (half with an e-mail address, so a move writes 1.5 notices on average: an SMS, and an e-mail when there is an address). Every agency answers `under_review`, version 2, for each: the first pass moves every request to `in_review` (checked: every row, one `status` event each, the notices), the second finds nothing to change.\n' \
    "$REQUESTS" "$((REQUESTS / AGENCIES))" "$ACCOUNTS"
  printf -- '- What runs: `StatusSyncJob.RunAsync` for each agency, %s at a time, in a second portal node in-process (the real host, Release, Production settings, warnings-only logging) on the database of a portal started for the run (embedded PostgreSQL on the same machine, default settings). Each pass: the open requests 500 at a time in id order, `POST /applications/status` to the agency with the portal'"'"'s service assertion (the bench agencies are `src/ServicePortal.DemoAgencies` with `DemoAgencies:Bench:Count`, which verify it against the portal'"'"'s JWKS), then `StatusUpdates.ApplyAsync`, one transaction per batch.\n' \
    "$PARALLEL"
  printf -- '- "Waiting for the agency": the share of the passes'"'"' time spent in the HTTP call (assertion attached, answer read in full), summed over the passes.\n\n'
  cat "$REPORT"
  printf '<!-- sync.sh: end -->\n'
} >"$SECTION"

if grep -q '^<!-- sync.sh: begin' "$DOC"; then
  awk -v section="$SECTION" '
    /^<!-- sync.sh: begin/ { while ((getline line < section) > 0) print line; skipping = 1; next }
    /^<!-- sync.sh: end/ { skipping = 0; next }
    !skipping { print }
  ' "$DOC" >"$WORK/doc.md"
else
  { cat "$DOC"; printf '\n## Status sync (issue 6)\n\n'; cat "$SECTION"; } | cat -s >"$WORK/doc.md"
fi
mv "$WORK/doc.md" "$DOC"
say "Written to docs/benchmarks.md (## Status sync (issue 6))."

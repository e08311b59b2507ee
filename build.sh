#!/usr/bin/env bash
# ServicePortal: one command to run the whole system, one to test it.
#
#   ./build.sh run [--urls URL]   the portal on http://localhost:5000 and the demo agencies; Ctrl+C stops all
#   ./build.sh test               every test: unit, integration on real PostgreSQL, browser (Chromium)
#   ./build.sh screenshots        run the browser tests and refresh the pictures in docs/screenshots
#   ./build.sh migrate            apply database migrations and exit
#   ./build.sh build              compile everything
#
# Both `run` and `test` install what is missing first (PostgreSQL server programs; Chromium for the browser
# tests) with apt-get when they can (as root, or with password-less sudo), and otherwise say what to install.
set -euo pipefail

cd "$(dirname "$0")"
ROOT=$(pwd)
CONFIGURATION=${CONFIGURATION:-Debug}

say() { printf '%s\n' "$*"; }
fail() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# --- prerequisites ---------------------------------------------------------------------------------------

APT_UPDATED=0
install_packages() {
  # $1: what it is for; the rest: Debian/Ubuntu package names.
  local why=$1; shift
  local runner=()
  if [ "$(id -u)" -eq 0 ]; then
    runner=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    runner=(sudo)
  else
    fail "$why needs: sudo apt-get install -y $* (then run this command again)."
  fi
  command -v apt-get >/dev/null 2>&1 || fail "$why needs the packages '$*'; install them with your system's package manager."
  say "Installing $* ($why)..."
  if [ "$APT_UPDATED" -eq 0 ]; then
    "${runner[@]}" apt-get update -qq || fail "apt-get update failed; install '$*' by hand."
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || fail "Could not install '$*'; install them by hand: sudo apt-get install -y $*"
}

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 \
    || fail "The .NET 10 SDK is missing. Install it (https://dot.net/download, or 'apt-get install dotnet-sdk-10.0' from Microsoft's package feed)."
}

have_postgres() {
  [ -n "${PORTAL_PG_BIN:-}" ] && [ -x "$PORTAL_PG_BIN/pg_ctl" ] && return 0
  compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null && return 0
  command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1
}

require_postgres() {
  # Not needed when the portal (or the tests) are pointed at an existing server.
  if [ -n "${ConnectionStrings__Portal:-}" ] || [ -n "${PORTAL_TEST_DB:-}" ] || have_postgres; then
    return 0
  fi
  install_packages "the embedded PostgreSQL" postgresql
  have_postgres || fail "PostgreSQL server programs are still missing; install 'postgresql', set PORTAL_PG_BIN, or set ConnectionStrings__Portal."
}

chromium_path() {
  if [ -n "${PORTAL_CHROMIUM:-}" ]; then printf '%s' "$PORTAL_CHROMIUM"; return; fi
  for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -x "$candidate" ]; then printf '%s' "$candidate"; return; fi
  done
}

require_chromium() {
  if [ -z "$(chromium_path)" ]; then
    install_packages "the browser tests" chromium fonts-dejavu-core
  fi
  [ -n "$(chromium_path)" ] || fail "Chromium is missing: install it (sudo apt-get install -y chromium) or set PORTAL_CHROMIUM."
  export PORTAL_CHROMIUM
  PORTAL_CHROMIUM=$(chromium_path)
}

build() {
  say "Building ($CONFIGURATION)..."
  dotnet build ServicePortal.sln -c "$CONFIGURATION" -nologo -clp:ErrorsOnly -v:quiet
}

# --- commands --------------------------------------------------------------------------------------------

cmd_run() {
  require_dotnet
  require_postgres
  build

  agencies_pid="" # global: the EXIT trap runs after this function has returned
  stop_agencies() {
    if [ -n "$agencies_pid" ] && kill -0 "$agencies_pid" 2>/dev/null; then
      kill -TERM "$agencies_pid" 2>/dev/null || true
      wait "$agencies_pid" 2>/dev/null || true
    fi
  }
  trap stop_agencies EXIT
  trap 'exit 130' INT TERM

  # The demo agencies verify the gateway's identity assertions with the portal's JWKS, and check the issuer.
  local portal_url="${PORTAL_URLS:-http://localhost:5000}"
  portal_url="${portal_url%%;*}"
  export DemoAgencies__PortalUrl="${DemoAgencies__PortalUrl:-${portal_url%/}/}"
  export Identity__Issuer="${Identity__Issuer:-${portal_url%/}/}"

  say "Starting the demo agencies..."
  dotnet run --no-build -c "$CONFIGURATION" --project src/ServicePortal.DemoAgencies &
  agencies_pid=$!

  say "Starting the portal (first start creates the embedded PostgreSQL in .data/postgres)..."
  # The portal prints its address, the demo agencies and the demo accounts once it listens. Ctrl+C stops it,
  # and it stops its embedded PostgreSQL; the EXIT trap then stops the demo agencies.
  local status=0
  dotnet run --no-build -c "$CONFIGURATION" --project src/ServicePortal.Host -- "$@" || status=$?
  return "$status"
}

cmd_migrate() {
  require_dotnet
  require_postgres
  build
  dotnet run --no-build -c "$CONFIGURATION" --project src/ServicePortal.Host -- migrate "$@"
}

# One PostgreSQL cluster for the whole test run, shared by every test assembly (each test class still gets a
# database of its own, cloned from one migrated template): PORTAL_TEST_DB names it to the tests. Throw-away data,
# so no flushes to disk. Not started when PORTAL_TEST_DB is already set (a server of the developer's).
TEST_PG_ROOT=""
pg_bin_dir() {
  if [ -n "${PORTAL_PG_BIN:-}" ]; then printf '%s' "$PORTAL_PG_BIN"; return; fi
  local newest
  newest=$(compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" | sort -V | tail -n 1 || true)
  if [ -n "$newest" ]; then dirname "$newest"; return; fi
  dirname "$(command -v pg_ctl)"
}

as_pg_owner() {
  # PostgreSQL refuses to run as root: then its programs run as the 'postgres' account the packages create.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_test_postgres() {
  [ -n "${PORTAL_TEST_DB:-}" ] && return 0
  local bin password port attempt
  bin=$(pg_bin_dir)
  TEST_PG_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/serviceportal-test-run.XXXXXX")
  trap stop_test_postgres EXIT
  password=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$password" > "$TEST_PG_ROOT/password"
  chmod 700 "$TEST_PG_ROOT"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$TEST_PG_ROOT"; fi
  as_pg_owner "$bin/initdb" -D "$TEST_PG_ROOT/data" -U portal --pwfile="$TEST_PG_ROOT/password" --auth=scram-sha-256 \
    -E UTF8 --no-instructions >"$TEST_PG_ROOT/initdb.log" 2>&1 || fail "initdb failed: $(tail -n 5 "$TEST_PG_ROOT/initdb.log")"
  for attempt in 1 2 3 4 5; do
    port=$(( 20000 + RANDOM % 40000 ))
    if as_pg_owner "$bin/pg_ctl" start -D "$TEST_PG_ROOT/data" -w -t 60 -l "$TEST_PG_ROOT/server.log" \
        -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null 2>&1; then
      export PORTAL_TEST_DB="Host=127.0.0.1;Port=$port;Username=portal;Password=$password;Database=postgres"
      say "PostgreSQL for the tests on 127.0.0.1:$port"
      return 0
    fi
  done
  fail "the tests' PostgreSQL did not start: $(tail -n 5 "$TEST_PG_ROOT/server.log" 2>/dev/null)"
}

stop_test_postgres() {
  if [ -n "$TEST_PG_ROOT" ] && [ -d "$TEST_PG_ROOT" ]; then
    as_pg_owner "$(pg_bin_dir)/pg_ctl" stop -D "$TEST_PG_ROOT/data" -m immediate -w >/dev/null 2>&1 || true
    rm -rf "$TEST_PG_ROOT"
  fi
}

cmd_test() {
  require_dotnet
  require_postgres
  require_chromium
  # The build's restore audits every package, direct and transitive, against NuGet's vulnerability data: a known
  # high or critical vulnerability fails it here (Directory.Build.props: NU1903/NU1904 are errors), so CI goes red.
  build
  start_test_postgres

  local log
  log=$(mktemp)
  local status=0
  say "Testing..."
  # A hung test must not hold CI for its whole budget: dump and stop after 10 minutes without progress.
  # The test projects run as parallel processes, TEST_PROJECTS_IN_PARALLEL at a time (2 unless set). Four at a time was
  # tried on this 2-core machine: 11m44s instead of 8-9 minutes, and browser sign-ins timed out under the load; on a
  # machine with more cores, raise it. Inside a project, xunit runs two test classes at a time (tests/xunit.runner.json).
  dotnet test ServicePortal.sln -c "$CONFIGURATION" --no-build -nologo -maxcpucount:"${TEST_PROJECTS_IN_PARALLEL:-2}" \
    --blame-hang-timeout 10m --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?

  # The slowest tests, so a slow one is seen (and mended) rather than endured. awk reads to the end (head would
  # close the pipe early and, under pipefail, sort's SIGPIPE would fail the whole run with 141).
  say ""
  say "Slowest tests:"
  sed -nE 's/^ +(Passed|Failed) (.+) \[(([0-9]+) m ?)?(([0-9]+) s ?)?(([0-9]+) ms)?\]$/\4|\6|\8|\2/p' "$log" \
    | awk -F'|' '{ printf "%9.1f s  %s\n", ($1 + 0) * 60 + ($2 + 0) + ($3 + 0) / 1000, $4 }' | sort -rn | awk 'NR <= 15' || true

  # One closing line for people and CI: the totals over every test assembly.
  awk '
    /^Total tests: [0-9]+$/ { n++ }
    /^ +Passed: [0-9]+$/ { p += $2 }
    /^ +Failed: [0-9]+$/ { f += $2 }
    /^ +Skipped: [0-9]+$/ { s += $2 }
    END { printf "\nTest assemblies: %d\nTests: %d passed, %d failed, %d skipped\n", n, p, f, s; exit (f > 0) }
  ' "$log" || status=1
  rm -f "$log"
  return "$status"
}

cmd_screenshots() {
  # The browser tests write their pictures to their output folder; here they write them where the docs show them.
  export PORTAL_SCREENSHOTS="$ROOT/docs/screenshots"
  cmd_test --filter "FullyQualifiedName~Browser"
}

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  screenshots) shift; cmd_screenshots "$@" ;;
  migrate) shift; cmd_migrate "$@" ;;
  build) shift; require_dotnet; build ;;
  -h|--help|help|"") usage ;;
  *) usage; exit 2 ;;
esac

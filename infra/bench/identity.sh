#!/usr/bin/env bash
# The identity benchmark (issue 3): what the token endpoint and the sign-in page cost on this machine.
#
#   infra/bench/identity.sh                  build Release, start a private portal, measure, write docs/benchmarks.md
#   BENCH_DURATION=5s BENCH_RUNS=1 infra/bench/identity.sh    a quick look (nothing is written to the docs)
#
# Scenarios, each measured with wrk at the same threads, connections and duration, BENCH_RUNS times, median kept:
#   token, client credentials   an agency backend (demo-rita-backend) getting an access token
#   token, refresh grant        a signed-in person's app refreshing; every request a never-used refresh token
#   sign-in page, GET           rendering the page
#   sign-in page, POST          a wrong password for a NIN with no account: one PBKDF2 verification (decoy hash)
# and the hash alone (PBKDF2-HMAC-SHA512, 210,000 iterations) outside the portal.
#
# Everything listens on 127.0.0.1 only, on free ports, with its own database in a temporary folder; every
# process started here is stopped on exit, whatever the exit. This is a measurement, not a test: it passes
# or fails nothing (it does stop if a scenario gets answers other than 200, which would make it meaningless).
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BENCH_DIR=$ROOT/infra/bench

THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
DURATION=${BENCH_DURATION:-15s}
RUNS=${BENCH_RUNS:-3}
# Hashing on a small machine queues requests for seconds; wrk's default 2 s would count them as failures.
TIMEOUT=${BENCH_TIMEOUT:-30s}
# Write the results into docs/benchmarks.md (only a full run should; BENCH_WRITE=0 for a quick look).
WRITE_DOCS=${BENCH_WRITE:-$([ "$DURATION" = 15s ] && [ "$RUNS" -ge 3 ] && echo 1 || echo 0)}

CITIZEN_NIN=19900415-11111-00001-23
CITIZEN_PHONE=+255700000001
DEMO_PASSWORD=Karibu-Portal-2026
# Well-formed, born in the past, and no demo account has it: the portal looks it up, then verifies the decoy.
UNKNOWN_NIN=19930101-99999-00099-11
PUBLIC_CLIENT=portal-dev-client
REDIRECT_URI=http://127.0.0.1/callback
# What a portal app asks for: a refresh token (offline_access) and gateway access on the person's behalf.
REFRESH_SCOPE="openid profile offline_access gateway"

say() { printf '%s\n' "$*" >&2; }
fail() { printf 'identity.sh: %s\n' "$*" >&2; exit 1; }

# --- prerequisites ---------------------------------------------------------------------------------------

need_packages=()
command -v wrk >/dev/null 2>&1 || need_packages+=(wrk)
command -v jq >/dev/null 2>&1 || need_packages+=(jq)
command -v curl >/dev/null 2>&1 || need_packages+=(curl)
command -v openssl >/dev/null 2>&1 || need_packages+=(openssl)
if [ ${#need_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    runner=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    runner=(sudo)
  else
    fail "needs: sudo apt-get install -y ${need_packages[*]} (then run this again)."
  fi
  command -v apt-get >/dev/null 2>&1 || fail "needs ${need_packages[*]}; install them with your system's package manager."
  say "Installing ${need_packages[*]}..."
  "${runner[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null
fi
command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK is missing (https://dot.net/download)."

# --- start and stop --------------------------------------------------------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/identity-bench.XXXXXX")
# As root the embedded PostgreSQL runs as the postgres user, which must be able to reach its folder inside.
chmod 711 "$WORK"
AGENCIES_PID=""
PORTAL_PID=""

stop_group() {
  # $1: the id of a process started with setsid, so also of its process group (dotnet run's child, etc.).
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
  # The portal first: on SIGTERM it stops its embedded PostgreSQL itself.
  stop_group "$PORTAL_PID"
  # Had it died without doing so, PostgreSQL would hold the temporary folder: stop it too.
  if [ -f "$WORK/postgres/data/postmaster.pid" ]; then
    local pg_ctl
    pg_ctl=$(compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" | tail -n1 || command -v pg_ctl || true)
    [ -n "$pg_ctl" ] && "$pg_ctl" stop -D "$WORK/postgres/data" -m immediate -w -t 20 >/dev/null 2>&1 || true
  fi
  stop_group "$AGENCIES_PID"
  if [ $status -ne 0 ] && [ -f "$WORK/portal.log" ]; then
    say "--- last lines of the portal's log ---"
    tail -n 30 "$WORK/portal.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

USED_PORTS=" "
free_port() {
  # A port nothing answers on, not handed out before in this run.
  local port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 20000))
    case "$USED_PORTS" in *" $port "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      USED_PORTS="$USED_PORTS$port "
      printf '%s' "$port"
      return
    fi
  done
  fail "found no free port"
}

say "Building (Release)..."
dotnet build ServicePortal.sln -c Release -nologo -clp:ErrorsOnly -v:quiet >&2

# The demo agencies on free ports rather than their usual 5101-5104, which another run may be using.
NIDA_PORT=$(free_port)
export DemoAgencies__nida=http://127.0.0.1:$NIDA_PORT
export DemoAgencies__rita=http://127.0.0.1:$(free_port)
export DemoAgencies__brela=http://127.0.0.1:$(free_port)
export DemoAgencies__tra=http://127.0.0.1:$(free_port)

say "Starting the demo agencies..."
setsid dotnet run --no-build -c Release --project src/ServicePortal.DemoAgencies >"$WORK/agencies.log" 2>&1 &
AGENCIES_PID=$!

PORTAL_PORT=$(free_port)
PORTAL=http://127.0.0.1:$PORTAL_PORT
say "Starting the portal on $PORTAL (a new embedded database in $WORK)..."
# From its project folder: the content root (appsettings, wwwroot) is the working directory. Information
# logs go to a file and are turned down to warnings, as a production node would not log every request.
(
  cd src/ServicePortal.Host
  export ASPNETCORE_ENVIRONMENT=Development
  export Database__EmbeddedDirectory=$WORK/postgres
  export PORTAL_URLS=$PORTAL
  export Identity__RegistryUrl=$DemoAgencies__nida/
  # The per-network limit on form posts (60 a minute) would otherwise answer most sign-in posts with a 429, and
  # the one on NINs tried per network (50 an hour) would answer them without verifying a hash. Both are counted in
  # PostgreSQL, a statement per post, which stays in what is measured; set far above what hashing lets through.
  export Identity__AttemptsPerAddressPerMinute=100000
  export Identity__NinsTriedPerNetworkPerHour=1000000
  export Logging__LogLevel__Default=Warning
  exec setsid dotnet bin/Release/net10.0/ServicePortal.Host.dll
) >"$WORK/portal.log" 2>&1 &
PORTAL_PID=$!

deadline=$((SECONDS + 240))
until curl -fsS -o /dev/null "$PORTAL/health/ready" 2>/dev/null; do
  kill -0 "$PORTAL_PID" 2>/dev/null || fail "the portal stopped while starting."
  [ $SECONDS -lt $deadline ] || fail "the portal was not ready after 4 minutes."
  sleep 1
done
say "Portal ready."

# Written at first start by OidcClients beside this new database (its embedded folder), never over the developer's own.
CLIENT_FILE=$WORK/postgres/dev-clients.json
deadline=$((SECONDS + 30))
until [ -f "$CLIENT_FILE" ] && [ "$(find "$CLIENT_FILE" -newer "$WORK/agencies.log" | wc -l)" -gt 0 ]; do
  [ $SECONDS -lt $deadline ] || fail "$CLIENT_FILE was not written by this portal."
  sleep 1
done
AGENCY_CLIENT=$(jq -r .client_id "$CLIENT_FILE")
AGENCY_SECRET=$(jq -r .client_secret "$CLIENT_FILE")

# --- the code flow, as a browser and a native app would do it ---------------------------------------------

JAR=$WORK/cookies.txt

base64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

antiforgery_token() {
  # $1: a page's HTML. The token is base64url: nothing to decode.
  sed -n 's/.*name="__af" type="hidden" value="\([^"]*\)".*/\1/p' "$1" | head -n1
}

location() {
  # The Location of the response whose headers are in $1 (relative: resolved against the portal).
  local value
  value=$(sed -n 's/^[Ll]ocation: *//p' "$1" | tr -d '\r' | tail -n1)
  case "$value" in /*) printf '%s%s' "$PORTAL" "$value" ;; *) printf '%s' "$value" ;; esac
}

http() {
  # curl with the browser's cookies, no redirects followed; headers to $WORK/h, body to $WORK/b; prints the status.
  curl -sS -b "$JAR" -c "$JAR" -D "$WORK/h" -o "$WORK/b" -w '%{http_code}' "$@"
}

AUTHORIZE_PARAMS=()
start_authorization() {
  # A new PKCE pair and the authorization request's parameters (kept to post them back with the consent).
  VERIFIER=$(openssl rand 48 | base64url)
  local challenge
  challenge=$(printf '%s' "$VERIFIER" | openssl dgst -sha256 -binary | base64url)
  AUTHORIZE_PARAMS=(
    --data-urlencode "client_id=$PUBLIC_CLIENT" --data-urlencode "response_type=code"
    --data-urlencode "redirect_uri=$REDIRECT_URI" --data-urlencode "scope=$REFRESH_SCOPE"
    --data-urlencode "state=$(openssl rand -hex 8)" --data-urlencode "code_challenge=$challenge"
    --data-urlencode "code_challenge_method=S256")
}

exchange_code() {
  # $1: the redirect to the app, carrying the code. Prints the refresh token.
  local code status
  code=$(printf '%s' "$1" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
  [ -n "$code" ] || fail "no code in the redirect: $1"
  status=$(curl -sS -o "$WORK/token.json" -w '%{http_code}' "$PORTAL/connect/token" \
    --data-urlencode grant_type=authorization_code --data-urlencode "code=$code" \
    --data-urlencode "redirect_uri=$REDIRECT_URI" --data-urlencode "client_id=$PUBLIC_CLIENT" \
    --data-urlencode "code_verifier=$VERIFIER")
  [ "$status" = 200 ] || fail "code exchange answered $status: $(cat "$WORK/token.json")"
  jq -er .refresh_token "$WORK/token.json" || fail "no refresh token in the code exchange's answer."
}

sign_in_and_consent() {
  # Once: sign in as the demo citizen (password, then the SMS code) and allow the client. Prints a refresh token.
  local status next code
  start_authorization
  status=$(http -G "$PORTAL/connect/authorize" "${AUTHORIZE_PARAMS[@]}")
  [ "$status" = 302 ] || fail "authorize answered $status, expected a redirect to sign in."
  next=$(location "$WORK/h")

  status=$(http "$next")
  [ "$status" = 200 ] || fail "the sign-in page answered $status."
  local return_url
  return_url=$(printf '%s' "$next" | sed -n 's/.*[?&]returnUrl=\([^&]*\).*/\1/p')
  status=$(http "$PORTAL/account/sign-in" --data-urlencode "Nin=$CITIZEN_NIN" --data-urlencode "Password=$DEMO_PASSWORD" \
    --data "ReturnUrl=$return_url" --data "Level=" --data-urlencode "__af=$(antiforgery_token "$WORK/b")")
  [ "$status" = 302 ] || fail "signing in answered $status, expected a redirect to the code page."
  next=$(location "$WORK/h")

  # The SMS goes through the outbox; Development shows it at /dev/messages.json.
  local deadline=$((SECONDS + 30))
  code=""
  while [ -z "$code" ]; do
    code=$(curl -fsS "$PORTAL/dev/messages.json" | jq -r --arg to "$CITIZEN_PHONE" \
      '[.[] | select(.to == $to)][0].body // ""' | grep -oE '[0-9]{6}' | head -n1 || true)
    [ -n "$code" ] || { [ $SECONDS -lt $deadline ] || fail "no SMS code for $CITIZEN_PHONE at /dev/messages.json."; sleep 1; }
  done

  status=$(http "$next")
  [ "$status" = 200 ] || fail "the code page answered $status."
  status=$(http "$PORTAL/account/sign-in/code" --data-urlencode "Code=$code" --data "ReturnUrl=$return_url" \
    --data-urlencode "__af=$(antiforgery_token "$WORK/b")")
  [ "$status" = 302 ] || fail "the SMS code answered $status, expected a redirect back to authorize."
  next=$(location "$WORK/h")

  status=$(http "$next")
  [ "$status" = 200 ] || fail "authorize after sign-in answered $status, expected the consent page."
  # The consent form's hidden fields are the authorization request's parameters: post those back.
  status=$(http "$PORTAL/connect/authorize" "${AUTHORIZE_PARAMS[@]}" --data decision=accept \
    --data-urlencode "__af=$(antiforgery_token "$WORK/b")")
  [ "$status" = 302 ] || fail "accepting consent answered $status."
  exchange_code "$(location "$WORK/h")"
}

another_refresh_token() {
  # Signed in and consent given: authorize answers with a code at once. Prints a new, independent token.
  local status
  start_authorization
  status=$(http -G "$PORTAL/connect/authorize" "${AUTHORIZE_PARAMS[@]}")
  [ "$status" = 302 ] || fail "authorize (signed in) answered $status."
  local next
  next=$(location "$WORK/h")
  case "$next" in "$REDIRECT_URI"*) ;; *) fail "authorize (signed in) sent us to $next, not to the app." ;; esac
  exchange_code "$next"
}

# --- measuring ---------------------------------------------------------------------------------------------

RESULTS=$WORK/results.tsv # scenario, rps, p50, p90, p99, non-200 (all runs), socket errors + timeouts (all runs)
: >"$RESULTS"

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
total() { awk '{ s += $1 } END { print s + 0 }'; }

measure() {
  # $1: the scenario's name; $2: connections; the rest: wrk's script, URL and script arguments.
  local name=$1 connections=$2; shift 2
  local script=$1 url=$2; shift 2
  local runs=$WORK/runs.txt line
  : >"$runs"
  for run in $(seq "$RUNS"); do
    [ -z "${BEFORE_RUN:-}" ] || "$BEFORE_RUN"
    line=$(wrk -t"$(( connections < THREADS ? connections : THREADS ))" -c"$connections" -d"$DURATION" --timeout "$TIMEOUT" \
      -s "$BENCH_DIR/$script" "$url" -- "$@" | grep '^RESULT ')
    say "  $name, run $run: ${line#RESULT }"
    printf '%s\n' "${line#RESULT }" >>"$runs"
  done
  field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" "$runs"; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" \
    "$(field rps | median)" "$(field p50_ms | median)" "$(field p90_ms | median)" "$(field p99_ms | median)" \
    "$(field non_200 | total)" "$(( $(field socket_errors | total) + $(field timeouts | total) ))" \
    >>"$RESULTS"
}

say "Measuring: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $RUNS runs per scenario, median kept."
# What else the machine was doing matters as much as its size: keep the load average with the numbers.
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

measure "Token, client credentials" "$CONNECTIONS" token-client-credentials.lua "$PORTAL/connect/token" \
  "$AGENCY_CLIENT" "$AGENCY_SECRET" agency.requests

say "Signing in through the pages once (code flow with PKCE, SMS code, consent)..."
TOKENS=$WORK/refresh-tokens.txt
FIRST_TOKEN=$(sign_in_and_consent)
fresh_chains() {
  # Before each run: one never-used refresh token per connection, plus one per thread (see token-refresh.lua).
  : >"$TOKENS"
  if [ -n "$FIRST_TOKEN" ]; then printf '%s\n' "$FIRST_TOKEN" >>"$TOKENS"; FIRST_TOKEN=""; fi
  while [ "$(wc -l <"$TOKENS")" -lt $((CONNECTIONS + THREADS)) ]; do
    another_refresh_token >>"$TOKENS"
  done
}
BEFORE_RUN=fresh_chains measure "Token, refresh grant (rotating)" "$CONNECTIONS" token-refresh.lua "$PORTAL/connect/token" \
  "$TOKENS" "$PUBLIC_CLIENT" "$THREADS"

measure "Sign-in page, GET" "$CONNECTIONS" page-get.lua "$PORTAL/account/sign-in"

# One antiforgery token and its cookie, fetched like a browser would, serve every post.
: >"$JAR"
[ "$(http "$PORTAL/account/sign-in")" = 200 ] || fail "the sign-in page did not answer 200."
AF_TOKEN=$(antiforgery_token "$WORK/b")
AF_COOKIE="portal_af=$(awk '$6 == "portal_af" { print $7 }' "$JAR")"
[ -n "$AF_TOKEN" ] && [ "$AF_COOKIE" != "portal_af=" ] || fail "no antiforgery token or cookie on the sign-in page."
measure "Sign-in, POST wrong password" "$CONNECTIONS" sign-in-post.lua "$PORTAL/account/sign-in" \
  "$AF_TOKEN" "$AF_COOKIE" "$UNKNOWN_NIN"
# The same with one connection: the time one person waits when nobody else is signing in.
measure "Sign-in, POST wrong password, 1 connection" 1 sign-in-post.lua "$PORTAL/account/sign-in" \
  "$AF_TOKEN" "$AF_COOKIE" "$UNKNOWN_NIN"

say "Measuring the password hash alone (PBKDF2-HMAC-SHA512, 210,000 iterations)..."
# A .NET 10 file-based app, the same API the portal uses; Python's hashlib (OpenSSL too) when it cannot run.
if ! HASH_LINE=$(dotnet run "$BENCH_DIR/hash-cost.cs" -- 210000 15 2>"$WORK/hash.log" | grep '^median_ms='); then
  say "  (dotnet run hash-cost.cs failed, see below; measuring with python3's hashlib instead)"
  cat "$WORK/hash.log" >&2
  HASH_LINE=$(python3 - <<'PY'
import hashlib, os, statistics, time
salt, times = os.urandom(16), []
hashlib.pbkdf2_hmac("sha512", b"Karibu-Portal-2026", salt, 210000, 32)
for _ in range(15):
    start = time.perf_counter()
    hashlib.pbkdf2_hmac("sha512", b"Karibu-Portal-2026", salt, 210000, 32)
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(f"median_ms={times[7]:.1f} min_ms={times[0]:.1f} max_ms={times[-1]:.1f} samples=15 iterations=210000 (python3)")
PY
)
fi
say "  $HASH_LINE"
HASH_MEDIAN=$(printf '%s' "$HASH_LINE" | sed -n 's/.*median_ms=\([^ ]*\).*/\1/p')
HASH_RANGE=$(printf '%s' "$HASH_LINE" | sed -n 's/.*min_ms=\([^ ]*\) max_ms=\([^ ]*\).*/\1–\2/p')

# --- report ------------------------------------------------------------------------------------------------

TABLE=$WORK/table.md
{
  printf '| scenario | requests/s | latency p50 | p90 | p99 | non-200 | socket errors, timeouts |\n'
  printf '|---|--:|--:|--:|--:|--:|--:|\n'
  while IFS=$'\t' read -r name rps p50 p90 p99 bad errs; do
    printf '| %s | %s | %s ms | %s ms | %s ms | %s | %s |\n' "$name" "$rps" "$p50" "$p90" "$p99" "$bad" "$errs"
  done <"$RESULTS"
  printf '| PBKDF2-HMAC-SHA512, 210,000 iterations, alone (one thread) | | %s ms per hash | | | | |\n' "$HASH_MEDIAN"
} >"$TABLE"
printf '\n' && cat "$TABLE"

BAD=$(awk -F'\t' '{ s += $6 + $7 } END { print s + 0 }' "$RESULTS")
[ "$BAD" -eq 0 ] || say "Warning: $BAD answers were not 200 or failed; the numbers above are not to be trusted."

if [ "$WRITE_DOCS" != 1 ]; then
  say "(Not written to docs/benchmarks.md: a full run, BENCH_DURATION=15s and BENCH_RUNS>=3, or BENCH_WRITE=1 does that.)"
  exit 0
fi

DOC=$ROOT/docs/benchmarks.md
SECTION=$WORK/identity-section.md
# Only the part between the markers is the script's: notes written by hand after it, under the same
# heading, survive the next run.
{
  printf '<!-- identity.sh: begin (generated by infra/bench/identity.sh; edit below the end marker) -->\n'
  printf 'Measured by `infra/bench/identity.sh` on %s (commit `%s`).\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(git rev-parse --short HEAD)"
  printf -- '- Machine: %s CPUs (%s), %s memory, %s; load average %s when measuring began, %s at the end.\n' "$(nproc)" \
    "$(lscpu | sed -n 's/^Model name: *//p' | head -n1)" "$(free -h | awk '/^Mem:/ { print $2 }')" "$(uname -sr)" \
    "$LOAD_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf -- '- Command: `infra/bench/identity.sh`, that is `wrk -t%s -c%s -d%s --timeout %s` per scenario, %s runs, median of each column (non-200 and errors: summed over the runs).\n' \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$TIMEOUT" "$RUNS"
  printf -- '- The portal: Release build, Development environment (demo clients and accounts), a new embedded PostgreSQL on the same machine, warnings-only logging, the per-address form limit raised out of the way; wrk and curl on the same machine too.\n\n'
  cat "$TABLE"
  printf '\nPBKDF2 alone: median of 15 hashes (range %s ms), `infra/bench/hash-cost.cs`.\n' "$HASH_RANGE"
  printf '<!-- identity.sh: end -->\n'
} >"$SECTION"

if [ ! -f "$DOC" ]; then
  cat >"$DOC" <<'EOF'
# Benchmarks

What parts of the portal cost on a known machine, measured by the scripts in `infra/bench/`. These are
measurements to compare over time and to size machines with, not tests: nothing passes or fails. Each
section says how it was measured and on what; numbers from different machines are not comparable.
EOF
fi
if grep -q '^<!-- identity.sh: begin' "$DOC"; then
  awk -v section="$SECTION" '
    /^<!-- identity.sh: begin/ { while ((getline line < section) > 0) print line; skipping = 1; next }
    /^<!-- identity.sh: end/ { skipping = 0; next }
    !skipping { print }
  ' "$DOC" >"$WORK/doc.md"
else
  { cat "$DOC"; printf '\n## Identity\n\n'; cat "$SECTION"; } | cat -s >"$WORK/doc.md"
fi
mv "$WORK/doc.md" "$DOC"
say "Written to docs/benchmarks.md (## Identity)."

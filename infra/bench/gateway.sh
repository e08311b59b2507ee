#!/usr/bin/env bash
# The gateway benchmark (issue 4): what the portal's gateway adds to a call to an agency, next to nginx.
#
#   infra/bench/gateway.sh                   build Release, start everything privately, measure, write docs/benchmarks.md
#   BENCH_DURATION=3s BENCH_RUNS=1 infra/bench/gateway.sh    a quick look (nothing is written to the docs)
#
# The same request to the same backend (a demo agency's GET /health, small JSON that needs no assertion), with
# wrk at the same threads, connections and duration, in one run:
#   direct             wrk -> the demo agency
#   nginx              wrk -> nginx (Debian's package, a plain reverse proxy, keepalive upstream) -> the demo agency
#   gateway            wrk -> the portal's gateway, as a signed-in citizen (session cookie): the door authenticates,
#                      rate-limits (a policy that never refuses), attaches the signed Portal-Identity assertion
#                      and audits the call into gateway.proxied_calls -> the demo agency
#   gateway, /whoami   the same, to /whoami: the agency verifies the assertion (RS256) on every call (information)
#   gateway, public    the same /health through a second endpoint open to anyone, by an anonymous caller (no
#                      Cookie header, so no session check and no assertion; still the rate limit and the audit):
#                      for information, what the citizen's session costs
# Every request but the public one carries the citizen's Cookie header, so that those requests are the same bytes.
# The scenarios take turns within each run (direct, nginx, gateway, /whoami, public), BENCH_RUNS runs, so that
# drift in what else the machine does falls on all of them alike; the median of each column is kept.
#
# Everything listens on 127.0.0.1 only, on free ports: the portal in Production settings with its own embedded
# PostgreSQL in a temporary folder, the demo agency, nginx with its own configuration. Every process started
# here is stopped on exit, whatever the exit. This is a measurement, not a test: it passes or fails nothing
# (it does say so when a scenario got answers other than 200, which would make it meaningless).
# shellcheck disable=SC2016 # backquotes in printf formats are Markdown, not command substitutions
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BENCH_DIR=$ROOT/infra/bench

THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
DURATION=${BENCH_DURATION:-15s}
RUNS=${BENCH_RUNS:-3}
# Write the results into docs/benchmarks.md (only a full run should; BENCH_WRITE=0 for a quick look).
WRITE_DOCS=${BENCH_WRITE:-$([ "$DURATION" = 15s ] && [ "$RUNS" -ge 3 ] && echo 1 || echo 0)}

AGENCY=rita        # a demo agency; the assertion's audience is its code, which its /whoami checks
ENDPOINT=bench     # the catalogue endpoint made for this run: /agencies/rita/bench/... -> the demo agency
PUBLIC_ENDPOINT=bench-public # the same destination, open to anyone
BACKEND_PATH=/health
CITIZEN_NIN=19880214424242000042
CITIZEN_PHONE=+255700004242
CITIZEN_PASSWORD=Mti-Mrefu-Wa-Mwembe-2026
HASH_ITERATIONS=210000 # the portal's default (Identity:PasswordHashIterations): no re-hash at sign-in

say() { printf '%s\n' "$*" >&2; }
fail() { printf 'gateway.sh: %s\n' "$*" >&2; exit 1; }

# --- prerequisites ---------------------------------------------------------------------------------------

PSQL=$(command -v psql || compgen -G "/usr/lib/postgresql/*/bin/psql" | sort -V | tail -n1 || true)
NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)
need_packages=()
command -v wrk >/dev/null 2>&1 || need_packages+=(wrk)
command -v curl >/dev/null 2>&1 || need_packages+=(curl)
command -v openssl >/dev/null 2>&1 || need_packages+=(openssl)
[ -n "$NGINX" ] || need_packages+=(nginx)
[ -n "$PSQL" ] || need_packages+=(postgresql-client)
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
  PSQL=$(command -v psql || compgen -G "/usr/lib/postgresql/*/bin/psql" | sort -V | tail -n1 || true)
  NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)
  if [ -z "$PSQL" ] || [ -z "$NGINX" ]; then fail "psql or nginx is still missing after installing them."; fi
fi
command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK is missing (https://dot.net/download)."

# --- start and stop --------------------------------------------------------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gateway-bench.XXXXXX")
# As root the embedded PostgreSQL runs as the postgres user, which must be able to reach its folder inside.
chmod 711 "$WORK"
AGENCIES_PID=""
PORTAL_PID=""
NGINX_PID=""

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
  stop_group "$NGINX_PID"
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
    for log in portal agencies; do
      [ -f "$WORK/$log.log" ] || continue
      say "--- last lines of the $log log ---"
      tail -n 30 "$WORK/$log.log" >&2 || true
    done
    if [ -s "$WORK/nginx/error.log" ]; then say "--- nginx's error log ---"; tail -n 10 "$WORK/nginx/error.log" >&2 || true; fi
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

BACKEND_PORT=$(free_port)
NGINX_PORT=$(free_port)
PORTAL_PORT=$(free_port)
REGISTRY=http://127.0.0.1:$(free_port)
BACKEND=http://127.0.0.1:$BACKEND_PORT
PORTAL=http://127.0.0.1:$PORTAL_PORT
NGINX_URL=http://127.0.0.1:$NGINX_PORT

say "Starting the demo agency $AGENCY on $BACKEND (trusting the portal at $PORTAL/)..."
# shellcheck disable=SC2030,SC2031 # each process gets its own environment, in its own subshell
(
  export ASPNETCORE_ENVIRONMENT=Production
  export Logging__LogLevel__Default=Warning
  # Only the one agency: an empty address leaves the others out.
  export DemoAgencies__nida="" DemoAgencies__brela="" DemoAgencies__tra="" DemoAgencies__rita="$BACKEND"
  export DemoAgencies__PortalUrl=$PORTAL/
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
  # The agency is on loopback over plain http: listed explicitly (outside Development only https, public addresses).
  export Gateway__AllowedPrivateDestinations=${BACKEND#http://}
  # curl signs in over plain HTTP on loopback, and would not send a Secure cookie back over it.
  export Web__SecureCookies=false
  # Required outside Development: the host names it answers to, and the key ring's certificate (throwaway keys
  # here, left unencrypted on purpose; the portal logs that at start).
  export AllowedHosts="localhost;127.0.0.1"
  export DataProtection__AllowUnencryptedKeys=true
  # Required, used only by registration (NIDA's registry), which this benchmark does not touch: nothing listens.
  export Identity__RegistryUrl=$REGISTRY/
  # The limiter stays on the path (a partition per citizen and endpoint, a permit per call) but never refuses:
  # 10,000,000 a minute is the most the setting accepts.
  export Gateway__RateLimits__bench__PermitLimit=10000000
  export Gateway__RateLimits__bench__Window=00:01:00
  export Logging__LogLevel__Default=Warning
  exec setsid dotnet bin/Release/net10.0/ServicePortal.Host.dll
) >"$WORK/portal.log" 2>&1 &
PORTAL_PID=$!

wait_for "the demo agency" "$AGENCIES_PID" 120 curl -fsS -o /dev/null "$BACKEND$BACKEND_PATH"
wait_for "the portal" "$PORTAL_PID" 240 curl -fsS -o /dev/null "$PORTAL/health/ready"
say "Portal and agency ready."

PG_PORT=$(sed -n 4p "$WORK/postgres/data/postmaster.pid")
PG_PASSWORD=$(cat "$WORK/postgres/superuser-password")
sql() { PGPASSWORD=$PG_PASSWORD "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U portal -d portal -qAtX -v ON_ERROR_STOP=1 "$@"; }

# --- the citizen, the agency and its endpoint --------------------------------------------------------------

password_hash() {
  # ASP.NET Core Identity's format v3, as the portal stores it: 0x01, PRF (2: HMAC-SHA512), iterations and salt
  # length (big-endian 32-bit), the salt, then 32 bytes of PBKDF2-HMAC-SHA512; base64.
  local salt subkey
  salt=$(openssl rand -hex 16)
  subkey=$(openssl kdf -keylen 32 -kdfopt digest:SHA512 -kdfopt "pass:$1" -kdfopt "hexsalt:$salt" \
    -kdfopt "iter:$HASH_ITERATIONS" PBKDF2 | tr -d ':\n')
  [ ${#subkey} -eq 64 ] || fail "openssl kdf gave no PBKDF2 key (OpenSSL 3 is needed)."
  # shellcheck disable=SC2059 # the format is built from hex digits only
  printf "$(printf '01%08x%08x%08x%s%s' 2 "$HASH_ITERATIONS" 16 "$salt" "$subkey" | sed 's/../\\x&/g')" | openssl base64 -A
}

say "Creating the citizen, the agency '$AGENCY' and its endpoint '$ENDPOINT' -> $BACKEND/..."
sql -v nin="$CITIZEN_NIN" -v phone="$CITIZEN_PHONE" -v hash="$(password_hash "$CITIZEN_PASSWORD")" \
  -v destinations="[{\"name\": \"$AGENCY\", \"address\": \"$BACKEND/\"}]" -v agency="$AGENCY" -v endpoint="$ENDPOINT" \
  -v public_endpoint="$PUBLIC_ENDPOINT" <<'SQL'
INSERT INTO identity.accounts (nin, first_name, last_name, date_of_birth, phone, password_hash, language)
VALUES (:'nin', 'Rehema', 'Mollel', DATE '1988-02-14', :'phone', :'hash', 'en');
INSERT INTO catalog.agencies (code, short_name, name_sw, name_en, status)
VALUES (:'agency', 'RITA', 'Wakala wa Usajili (benchmark)', 'Registration agency (benchmark)', 'approved');
INSERT INTO catalog.agency_endpoints (agency_id, name, destinations, auth_requirement, rate_limit_policy, status)
SELECT id, :'endpoint', CAST(:'destinations' AS jsonb), 'citizen', 'bench', 'approved' FROM catalog.agencies WHERE code = :'agency';
INSERT INTO catalog.agency_endpoints (agency_id, name, destinations, auth_requirement, rate_limit_policy, status)
SELECT id, :'public_endpoint', CAST(:'destinations' AS jsonb), 'public', 'bench', 'approved' FROM catalog.agencies WHERE code = :'agency';
SQL

# Sign in through the pages, as a browser: NIN and password, then the SMS code (read from the outbox: a
# Production node without an SMS sender leaves it queued there).
JAR=$WORK/cookies.txt
http() {
  # curl with the browser's cookies, no redirects followed; headers to $WORK/h, body to $WORK/b; prints the status.
  curl -sS -b "$JAR" -c "$JAR" -D "$WORK/h" -o "$WORK/b" -w '%{http_code}' "$@"
}
antiforgery_token() { sed -n 's/.*name="__af" type="hidden" value="\([^"]*\)".*/\1/p' "$WORK/b" | head -n1; }
location() {
  local value
  value=$(sed -n 's/^[Ll]ocation: *//p' "$WORK/h" | tr -d '\r' | tail -n1)
  case "$value" in /*) printf '%s%s' "$PORTAL" "$value" ;; *) printf '%s' "$value" ;; esac
}

say "Signing in as the citizen (password, then the SMS code)..."
status=$(http "$PORTAL/account/sign-in")
[ "$status" = 200 ] || fail "the sign-in page answered $status."
status=$(http "$PORTAL/account/sign-in" --data-urlencode "Nin=$CITIZEN_NIN" --data-urlencode "Password=$CITIZEN_PASSWORD" \
  --data "ReturnUrl=/" --data "Level=" --data-urlencode "__af=$(antiforgery_token)")
[ "$status" = 302 ] || fail "signing in answered $status, expected a redirect to the code page."
next=$(location)
code=""
deadline=$((SECONDS + 30))
while [ -z "$code" ]; do
  code=$(sql -v phone="$CITIZEN_PHONE" <<<"SELECT body FROM portal.outbox_messages WHERE recipient = :'phone' ORDER BY id DESC LIMIT 1" |
    grep -oE '\b[0-9]{6}\b' | head -n1 || true)
  [ -n "$code" ] || { [ $SECONDS -lt $deadline ] || fail "no SMS code for $CITIZEN_PHONE in portal.outbox_messages."; sleep 0.5; }
done
status=$(http "$next")
[ "$status" = 200 ] || fail "the code page answered $status."
status=$(http "$PORTAL/account/sign-in/code" --data-urlencode "Code=$code" --data "ReturnUrl=/" \
  --data-urlencode "__af=$(antiforgery_token)")
[ "$status" = 302 ] || fail "the SMS code answered $status, expected a redirect."
# The session cookie (and its chunks, had it been split): what the browser would send.
COOKIE=$(awk '$6 ~ /^portal_session/ { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$JAR")
[ -n "$COOKIE" ] || fail "signed in, but no portal_session cookie."

GATEWAY=$PORTAL/agencies/$AGENCY/$ENDPOINT
gateway_answers() { [ "$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$GATEWAY$1")" = 200 ]; }
# The routes reload within a moment of the insert (NOTIFY catalog_changed).
wait_for "the gateway route" "$PORTAL_PID" 30 gateway_answers "$BACKEND_PATH"
wait_for "the gateway route to /whoami" "$PORTAL_PID" 30 gateway_answers /whoami
PUBLIC_GATEWAY=$PORTAL/agencies/$AGENCY/$PUBLIC_ENDPOINT
wait_for "the public gateway route" "$PORTAL_PID" 30 curl -fsS -o /dev/null "$PUBLIC_GATEWAY$BACKEND_PATH"
[ "$(curl -sS -o /dev/null -w '%{http_code}' "$GATEWAY$BACKEND_PATH")" = 401 ] ||
  fail "the gateway let a request without the session through: it would not be measuring the door."
say "Through the gateway: $(curl -sS -H "Cookie: $COOKIE" "$GATEWAY/whoami" | head -c 300)"

# --- nginx ---------------------------------------------------------------------------------------------------

mkdir -p "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf" <<EOF
# A plain, well-configured reverse proxy: a worker per core, keepalive to the upstream, no access log.
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  upstream agency { server 127.0.0.1:$BACKEND_PORT; keepalive 32; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://agency;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
"$NGINX" -t -q -e "$WORK/nginx/error.log" -p "$WORK/nginx/" -c "$WORK/nginx/nginx.conf" >&2 || fail "nginx refused its configuration."
setsid "$NGINX" -e "$WORK/nginx/error.log" -p "$WORK/nginx/" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' >"$WORK/nginx/stdout.log" 2>&1 &
NGINX_PID=$!
wait_for "nginx ($("$NGINX" -v 2>&1 | sed 's/.*version: //'))" "$NGINX_PID" 30 curl -fsS -o /dev/null "$NGINX_URL$BACKEND_PATH"

# --- measuring ---------------------------------------------------------------------------------------------

SCENARIOS=(direct nginx gateway whoami public)
declare -A URL=(
  [direct]=$BACKEND$BACKEND_PATH
  [nginx]=$NGINX_URL$BACKEND_PATH
  [gateway]=$GATEWAY$BACKEND_PATH
  [whoami]=$GATEWAY/whoami
  [public]=$PUBLIC_GATEWAY$BACKEND_PATH
)
declare -A LABEL=(
  [direct]="direct (wrk -> agency $BACKEND_PATH)"
  [nginx]="nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') (reverse proxy, keepalive upstream)"
  [gateway]="portal gateway, signed-in citizen (cookie; assertion + audit on)"
  [whoami]="portal gateway to /whoami (the agency verifies the JWS each call), for information"
  [public]="portal gateway, public endpoint, anonymous (no cookie: no session check, no assertion; audit on), for information"
)

# CPU used by each part while a scenario runs, from /proc in one pass (forking a reader per process would cost
# more than what it measures on a busy machine): clock ticks of each process, of its children alive now, and
# of its children that exited (counted by the kernel in the parent once reaped).
TICK=$(getconf CLK_TCK)
PG_PID=$(sed -n 1p "$WORK/postgres/data/postmaster.pid")
cpu_snapshot() {
  # Prints: wrk (this shell's reaped children: wrk runs in a command substitution), portal, PostgreSQL, agency,
  # nginx, then the whole machine's busy ticks (everything but idle and iowait, whoever runs it).
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v shell=$$ -v ids="$PORTAL_PID $PG_PID $AGENCIES_PID $NGINX_PID" '
    BEGIN { n = split(ids, id, " "); for (i = 1; i <= n; i++) slot[id[i]] = i }
    {
      pid = $1; sub(/^.*\) /, ""); ppid = $2 # after the name, the fields shift by 2: utime is $12
      if (pid == shell) t[0] += $14 + $15
      if (pid in slot) t[slot[pid]] += $12 + $13 + $14 + $15
      else if (ppid in slot) t[slot[ppid]] += $12 + $13
    }
    END {
      while ((getline line < "/proc/stat") > 0) if (split(line, c, " ") && c[1] == "cpu") break
      printf "%d %d %d %d %d %d\n", t[0], t[1], t[2], t[3], t[4], c[2] + c[3] + c[4] + c[7] + c[8] + c[9]
    }'
}

RUN_LINES=$WORK/runs.tsv # scenario, then the RESULT line's fields
CPU_LINES=$WORK/cpu.tsv  # scenario, seconds, then ticks per part
: >"$RUN_LINES"
: >"$CPU_LINES"
WRK_GATEWAY_REQUESTS=0

wrk_once() {
  # $1: scenario; $2: duration. Prints the RESULT line (report.lua: rps, p50/p90/p99, non-200, errors).
  local line cookie=(-H "Cookie: $COOKIE")
  [ "$1" != public ] || cookie=()
  line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency "${cookie[@]}" -s "$BENCH_DIR/page-get.lua" "${URL[$1]}" |
    grep '^RESULT ') || fail "wrk gave no result for $1."
  printf '%s' "${line#RESULT }"
}
count_gateway_calls() {
  # $1: scenario; $2: its RESULT line. Calls through the gateway, to compare with the audit's rows.
  case $1 in gateway | whoami | public) WRK_GATEWAY_REQUESTS=$((WRK_GATEWAY_REQUESTS + $(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$2"))) ;; esac
}

say "Warming up (3 s each: JIT, connection pools, the assertion cache)..."
for scenario in "${SCENARIOS[@]}"; do
  line=$(wrk_once "$scenario" 3s)
  count_gateway_calls "$scenario" "$line"
done

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "Measuring: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $RUNS runs, scenarios in turn, median kept (load average $LOAD_BEFORE)."
for run in $(seq "$RUNS"); do
  for scenario in "${SCENARIOS[@]}"; do
    # The clock brackets the snapshots, so that the ticks and the seconds cover the same span.
    started=$EPOCHREALTIME
    before=$(cpu_snapshot)
    line=$(wrk_once "$scenario" "$DURATION")
    after=$(cpu_snapshot)
    ended=$EPOCHREALTIME
    count_gateway_calls "$scenario" "$line"
    say "  run $run, $scenario: $line"
    printf '%s\t%s\n' "$scenario" "$line" >>"$RUN_LINES"
    awk -v s="$scenario" -v t0="$started" -v t1="$ended" -v a="$after" -v b="$before" 'BEGIN {
      n = split(a, x, " "); split(b, y, " "); printf "%s\t%.3f\t", s, t1 - t0
      for (i = 1; i <= n; i++) printf "%s%d", (i > 1 ? " " : ""), x[i] - y[i]
      printf "\n" }' >>"$CPU_LINES"
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# The audit: every call through the gateway should be a row, written within a second or so of the call.
sleep 3
AUDIT_ROWS=$(sql <<<"SELECT count(*) FROM gateway.proxied_calls WHERE agency = '$AGENCY'")
AUDIT_NON_200=$(sql <<<"SELECT count(*) FROM gateway.proxied_calls WHERE agency = '$AGENCY' AND status <> 200")

# --- report ------------------------------------------------------------------------------------------------

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
total() { awk '{ s += $1 } END { print s + 0 }'; }
field() { awk -F'\t' -v s="$1" '$1 == s { print $2 }' "$RUN_LINES" | sed -n "s/.*\b$2=\([^ ]*\).*/\1/p"; }
declare -A RPS P50 P99 BAD
for scenario in "${SCENARIOS[@]}"; do
  RPS[$scenario]=$(field "$scenario" rps | median)
  P50[$scenario]=$(field "$scenario" p50_ms | median)
  P99[$scenario]=$(field "$scenario" p99_ms | median)
  BAD[$scenario]=$(($(field "$scenario" non_200 | total) + $(field "$scenario" socket_errors | total) + $(field "$scenario" timeouts | total)))
done
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
RATIO_NGINX=$(calc '%.2f' "${RPS[gateway]} / ${RPS[nginx]}")
RATIO_DIRECT=$(calc '%.2f' "${RPS[gateway]} / ${RPS[direct]}")
ADDED_P99=$(calc '%.2f' "${P99[gateway]} - ${P99[direct]}")
NGINX_ADDED_P99=$(calc '%.2f' "${P99[nginx]} - ${P99[direct]}")
THROUGHPUT_MET=$(awk -v v="$RATIO_NGINX" 'BEGIN { print ((v + 0 >= 0.7) ? "met" : "not met") }')
LATENCY_MET=$(awk -v v="$ADDED_P99" 'BEGIN { print ((v + 0 < 2) ? "met" : "not met") }')

TABLE=$WORK/table.md
{
  printf '| scenario | requests/s | p50 | p99 | non-200, errors |\n'
  printf '|---|--:|--:|--:|--:|\n'
  for scenario in "${SCENARIOS[@]}"; do
    printf '| %s | %s | %s ms | %s ms | %s |\n' "${LABEL[$scenario]}" "${RPS[$scenario]}" "${P50[$scenario]}" "${P99[$scenario]}" "${BAD[$scenario]}"
  done
} >"$TABLE"

CPU_TABLE=$WORK/cpu.md
{
  printf '| scenario | wrk (and this script) | portal | PostgreSQL | demo agency | nginx | these five | whole machine |\n'
  printf '|---|--:|--:|--:|--:|--:|--:|--:|\n'
  for scenario in "${SCENARIOS[@]}"; do
    awk -F'\t' -v s="$scenario" -v label="${LABEL[$scenario]%% (*}" -v tick="$TICK" '
      $1 == s { seconds += $2; split($3, t, " "); for (i = 1; i <= 6; i++) part[i] += t[i]; for (i = 1; i <= 5; i++) all += t[i] }
      END {
        printf "| %s |", label
        for (i = 1; i <= 5; i++) printf " %.2f |", part[i] / tick / seconds
        printf " %.2f | %.2f |\n", all / tick / seconds, part[6] / tick / seconds
      }' "$CPU_LINES"
  done
} >"$CPU_TABLE"

{
  printf '\n'
  cat "$TABLE"
  printf '\nGateway/nginx throughput %s (goal >= 0.7: %s); gateway/direct %s. Added p99 over direct: gateway %s ms (goal < 2 ms: %s), nginx %s ms.\n' \
    "$RATIO_NGINX" "$THROUGHPUT_MET" "$RATIO_DIRECT" "$ADDED_P99" "$LATENCY_MET" "$NGINX_ADDED_P99"
  printf '\nCPU in use while each scenario ran (cores, averaged over its runs; %s cores in all):\n\n' "$(nproc)"
  cat "$CPU_TABLE"
  printf '\nAudit: %s rows in gateway.proxied_calls for %s calls wrk made through the gateway (plus a few probes); %s rows not 200.\n' \
    "$AUDIT_ROWS" "$WRK_GATEWAY_REQUESTS" "$AUDIT_NON_200"
} >&2

BAD_TOTAL=$((BAD[direct] + BAD[nginx] + BAD[gateway] + BAD[whoami] + BAD[public]))
[ "$BAD_TOTAL" -eq 0 ] || say "Warning: $BAD_TOTAL answers were not 200 or failed; the numbers above are not to be trusted."

if [ "$WRITE_DOCS" != 1 ]; then
  say "(Not written to docs/benchmarks.md: a full run, BENCH_DURATION=15s and BENCH_RUNS>=3, or BENCH_WRITE=1 does that.)"
  exit 0
fi

DOC=$ROOT/docs/benchmarks.md
SECTION=$WORK/gateway-section.md
# Only the part between the markers is the script's: notes written by hand after it, under the same
# heading, survive the next run.
{
  printf '<!-- gateway.sh: begin (generated by infra/bench/gateway.sh; edit below the end marker) -->\n'
  printf 'Measured by `infra/bench/gateway.sh` on %s (commit `%s`).\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(git rev-parse --short HEAD)"
  printf -- '- Machine: %s CPUs (%s), %s memory, %s; load average %s when measuring began, %s at the end.\n' "$(nproc)" \
    "$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$(free -h | awk '/^Mem:/ { print $2 }')" "$(uname -sr)" \
    "$LOAD_BEFORE" "$LOAD_AFTER"
  printf -- '- Command: `infra/bench/gateway.sh`, that is `wrk -t%s -c%s -d%s --latency` per scenario, the scenarios in turn, %s runs, median of each column (non-200 and errors: summed over the runs), after a 3 s warm-up of each.\n' \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$RUNS"
  printf -- '- The same request everywhere: `GET %s` of the demo agency %s (a small JSON answer; Release build, Production settings), with the citizen'"'"'s `Cookie: portal_session=...` header (%s bytes) in every scenario but the anonymous one.\n' \
    "$BACKEND_PATH" "$AGENCY" "${#COOKIE}"
  printf -- '- nginx: `worker_processes auto`, `upstream { keepalive 32; }`, HTTP/1.1 to the upstream, **access log off**.\n'
  printf -- '- The portal: Release build, Production settings, warnings-only logging, a new embedded PostgreSQL on the same machine. The gateway is reached with the portal session cookie of a citizen signed in with password and SMS code (not a bearer token); the door validates the session (the cookie handler checks its security stamp against the account, kept per node for up to 30 s and evicted by NOTIFY when it changes), applies a rate-limit policy that never refuses (10,000,000 a minute), attaches the `Portal-Identity` assertion (cached per session and agency) and **audits every call** (queue, then binary COPY into `gateway.proxied_calls`).\n'
  printf -- '- wrk, nginx, the agency, the portal and PostgreSQL all share the machine.\n\n'
  cat "$TABLE"
  printf '\n- Throughput, gateway/nginx: **%s** (goal at least 0.7: **%s**); gateway/direct: %s.\n' "$RATIO_NGINX" "$THROUGHPUT_MET" "$RATIO_DIRECT"
  printf -- '- Added p99 over direct: gateway **%s ms** (goal under 2 ms: **%s**); nginx %s ms.\n' "$ADDED_P99" "$LATENCY_MET" "$NGINX_ADDED_P99"
  printf -- '- Audit: %s rows in `gateway.proxied_calls` for %s calls made by wrk through the gateway (warm-up included) plus a few probes; %s of them not 200.\n' \
    "$AUDIT_ROWS" "$WRK_GATEWAY_REQUESTS" "$AUDIT_NON_200"
  printf '\nCPU in use while each scenario ran, in cores (from `/proc`, averaged over the runs; the machine has %s):\n\n' "$(nproc)"
  cat "$CPU_TABLE"
  printf '<!-- gateway.sh: end -->\n'
} >"$SECTION"

if grep -q '^<!-- gateway.sh: begin' "$DOC"; then
  awk -v section="$SECTION" '
    /^<!-- gateway.sh: begin/ { while ((getline line < section) > 0) print line; skipping = 1; next }
    /^<!-- gateway.sh: end/ { skipping = 0; next }
    !skipping { print }
  ' "$DOC" >"$WORK/doc.md"
else
  { cat "$DOC"; printf '\n## Gateway (issue 4)\n\n'; cat "$SECTION"; } | cat -s >"$WORK/doc.md"
fi
mv "$WORK/doc.md" "$DOC"
say "Written to docs/benchmarks.md (## Gateway (issue 4))."

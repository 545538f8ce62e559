#!/usr/bin/env bash
# `make test` (and `.ci/run`): set up everything the tests need and run the whole suite.
#
#   1. the system packages (Chromium, PostgreSQL 15, CJK fonts, ClamAV's clamd): installed with
#      apt-get when missing and run as root; otherwise the script says which are missing and stops;
#   2. the Python test dependencies and the compiled translations (`make install-test translations`);
#   3. `make lint`: ruff's rules and its formatting;
#   4. a throwaway PostgreSQL 15 server in a temporary directory, on 127.0.0.1, deleted on exit
#      (the machine's own clusters are never touched);
#   5. pytest on SQLite, 6. pytest on PostgreSQL (browser tests excluded from both),
#   7. the browser tests (`-m browser`) in Chromium, against gunicorn on SQLite;
#   8. the cluster test (`-m cluster`): two hosts behind nginx on PostgreSQL and Redis.
#
# Every pytest step runs even if an earlier one failed; the script fails if any did. pytest's
# exit code 5 (no tests collected) counts as a failure. Under CI=true nothing may be skipped for
# want of a browser or a database: the browser tests fail instead (tests/browser/conftest.py),
# and so do the virus-scan tests without clamd (tests/conftest.py starts its own, on a local
# signature file with the EICAR test signature).
#
# Settings: PG_BIN (default /usr/lib/postgresql/15/bin), TEST_PG_PORT (default: 54329, or a
# free port if that one is taken), CHROMIUM_PATH (default /usr/bin/chromium), REDIS_SERVER_PATH
# (default /usr/bin/redis-server), CLAMD_PATH (default /usr/sbin/clamd), NGINX_PATH (default
# /usr/sbin/nginx), PYTEST_ARGS
# (extra arguments for every pytest step, e.g. "-x").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
export CHROMIUM_PATH
CLAMD_PATH=${CLAMD_PATH:-/usr/sbin/clamd}
export CLAMD_PATH
REDIS_SERVER_PATH=${REDIS_SERVER_PATH:-/usr/bin/redis-server}
export REDIS_SERVER_PATH
NGINX_PATH=${NGINX_PATH:-/usr/sbin/nginx}
export NGINX_PATH
PYTEST=(.venv/bin/pytest -q ${PYTEST_ARGS:-})
mkdir -p test-output

# ---- output: a header per step, its elapsed time, a summary at the end -----------------------
RUN_START=$(date +%s)
STEP_START=$RUN_START
STEP_NAME=""
SUMMARY=()
FAILED=()

step() {
    finish_step
    STEP_NAME=$1
    STEP_START=$(date +%s)
    printf '\n==> %s\n' "$STEP_NAME"
}

finish_step() {
    if [[ -n $STEP_NAME ]]; then
        local elapsed=$(($(date +%s) - STEP_START))
        printf '<== %s: %ss\n' "$STEP_NAME" "$elapsed"
        SUMMARY+=("$(printf '%6ss  %s' "$elapsed" "$STEP_NAME")")
        STEP_NAME=""
    fi
}

is_root() { [[ $(id -u) -eq 0 ]]; }

# ---- 1. system packages ----------------------------------------------------------------------
step "[1/8] system packages: chromium, postgresql (15), fonts-noto-cjk, clamav-daemon, redis-server, nginx"
missing=()
[[ -x $CHROMIUM_PATH ]] || missing+=(chromium)
[[ -x $CLAMD_PATH ]] || missing+=(clamav-daemon)
[[ -x $REDIS_SERVER_PATH ]] || missing+=(redis-server)
[[ -x $NGINX_PATH ]] || missing+=(nginx-light)
[[ -x $PG_BIN/initdb && -x $PG_BIN/pg_ctl && -x $PG_BIN/psql ]] || missing+=(postgresql)
if command -v dpkg-query >/dev/null; then
    [[ $(dpkg-query -W -f='${db:Status-Status}' fonts-noto-cjk 2>/dev/null) == installed ]] \
        || missing+=(fonts-noto-cjk)
elif ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    missing+=(fonts-noto-cjk)
fi
if ((${#missing[@]})); then
    if is_root && command -v apt-get >/dev/null; then
        echo "Installing ${missing[*]} with apt-get"
        if [[ -z ${APT_UPDATED:-} ]]; then
            apt-get update -q
            export APT_UPDATED=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
    else
        echo "ERROR: the tests need these system packages, which are missing: ${missing[*]}" >&2
        echo "Install them as root, e.g.: sudo apt-get install -y ${missing[*]}" >&2
        echo "(Chromium is looked for at $CHROMIUM_PATH, PostgreSQL 15 in $PG_BIN, clamd at" \
             "$CLAMD_PATH; set CHROMIUM_PATH, PG_BIN or CLAMD_PATH if yours are elsewhere.)" >&2
        exit 1
    fi
else
    echo "all present"
fi

# ---- 2. Python dependencies and translations -------------------------------------------------
step "[2/8] make install-test translations"
make --no-print-directory install-test translations

# ---- 3. lint ---------------------------------------------------------------------------------
step "[3/8] make lint (ruff check, ruff format --check)"
if ! make --no-print-directory lint; then
    echo "FAILED: lint (run \`make lint\`; \`ruff format portal tests bench\` fixes the formatting)" >&2
    FAILED+=("lint")
fi

# ---- 4. a throwaway PostgreSQL server --------------------------------------------------------
step "[4/8] start a throwaway PostgreSQL server"
PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/portal-test-pg.XXXXXX")
as_pg() {
    # PostgreSQL refuses to run as root: root runs it as the postgres user.
    if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_postgres() {
    if [[ -f $PG_TMP/data/postmaster.pid ]]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_TMP"
}
trap stop_postgres EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if is_root; then
    id postgres >/dev/null 2>&1 || { echo "ERROR: there is no 'postgres' user to run PostgreSQL as" >&2; exit 1; }
    chown postgres: "$PG_TMP"
fi
port_is_free() {
    .venv/bin/python - "$1" <<'EOF'
import socket, sys
with socket.socket() as s:
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
EOF
}
PG_PORT=${TEST_PG_PORT:-54329}
if ! port_is_free "$PG_PORT"; then
    [[ -z ${TEST_PG_PORT:-} ]] || { echo "ERROR: TEST_PG_PORT=$PG_PORT is in use" >&2; exit 1; }
    PG_PORT=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
as_pg "$PG_BIN/initdb" -D "$PG_TMP/data" --username=postgres --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --no-locale --no-sync >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log" >&2; exit 1; }
# A disposable server: durability off for speed; the socket lives in the temporary directory.
if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_TMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null; then
    echo "ERROR: PostgreSQL did not start; its log:" >&2
    cat "$PG_TMP/server.log" >&2 || true
    exit 1
fi
as_pg "$PG_BIN/psql" -q -v ON_ERROR_STOP=1 -h "$PG_TMP" -p "$PG_PORT" -U postgres -d postgres \
    -c "CREATE ROLE portal LOGIN PASSWORD 'portal'" -c "CREATE DATABASE portal_test OWNER portal" \
    -c "CREATE DATABASE portal_cluster OWNER portal"
PG_URL="postgresql://portal:portal@127.0.0.1:$PG_PORT/portal_test"
CLUSTER_URL="postgresql://portal:portal@127.0.0.1:$PG_PORT/portal_cluster"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') at $PG_URL (data in $PG_TMP)"

# ---- 5-7. the suite --------------------------------------------------------------------------
run_pytest() {
    local name=$1
    shift
    local rc=0
    "$@" || rc=$?
    if ((rc == 5)); then
        echo "FAILED: $name collected no tests (pytest exit code 5)" >&2
    elif ((rc != 0)); then
        echo "FAILED: $name (pytest exit code $rc)" >&2
    fi
    ((rc == 0)) || FAILED+=("$name")
}

step "[5/8] pytest on SQLite (browser tests excluded)"
run_pytest "pytest on SQLite" env -u TEST_DATABASE_URL \
    "${PYTEST[@]}" -m "not browser and not cluster" --junitxml=test-output/junit-sqlite.xml

step "[6/8] pytest on PostgreSQL (browser tests excluded)"
run_pytest "pytest on PostgreSQL" env TEST_DATABASE_URL="$PG_URL" \
    "${PYTEST[@]}" -m "not browser and not cluster" --junitxml=test-output/junit-postgresql.xml

step "[7/8] browser tests in Chromium (-m browser; gunicorn on SQLite)"
run_pytest "browser tests" env -u TEST_DATABASE_URL PORTAL_TEST_STRICT=1 \
    "${PYTEST[@]}" -m browser --junitxml=test-output/junit-browser.xml

step "[8/8] the cluster test (-m cluster; two hosts behind nginx, PostgreSQL, Redis)"
run_pytest "cluster test" env -u TEST_DATABASE_URL CLUSTER_DATABASE_URL="$CLUSTER_URL" \
    PORTAL_TEST_STRICT=1 "${PYTEST[@]}" -m cluster --junitxml=test-output/junit-cluster.xml

finish_step
printf '\n==> Summary (total %ss)\n' "$(($(date +%s) - RUN_START))"
printf '%s\n' "${SUMMARY[@]}"
if ((${#FAILED[@]})); then
    printf 'FAILED: %s\n' "${FAILED[@]}" >&2
    exit 1
fi
echo "All tests passed."

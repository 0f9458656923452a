#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (tests/engines.py), sourced by .ci/run:
#   . .ci/postgres.sh && start_test_postgres
# exports CHIBO_TEST_POSTGRES=postgresql://chibo@127.0.0.1:PORT/postgres and stops and
# deletes the cluster when the calling shell exits. Run directly (.ci/postgres.sh) it
# starts the server, asks it one query and stops it: a quick check of this part alone.
#
# The server binaries come from /usr/lib/postgresql/*/bin or pg_config --bindir; when
# there are none and we are root with apt-get, the distribution's `postgresql` package
# is installed. PostgreSQL refuses to run as root, so as root the cluster belongs to the
# `postgres` system user (created with useradd --system if it does not exist).
set -euo pipefail

CHIBO_PG_FIRST_PORT="${CHIBO_PG_FIRST_PORT:-54329}"

_pg_bindir() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
    done
    if command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir)"
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
    fi
    return 1
}

_pg_install() {
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "PostgreSQL server binaries (initdb, pg_ctl) not found, and this is not root" \
             "with apt-get to install them: install PostgreSQL's server package, or set" \
             "CHIBO_TEST_POSTGRES to the URL of a server's maintenance database" >&2
        return 1
    fi
    echo "== PostgreSQL server binaries not found: installing the distribution's" \
         "(apt-get update; apt-get install -y postgresql)"
    # Only the binaries are wanted: no 'main' cluster started on port 5432.
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
        mkdir -p /etc/postgresql-common
        echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

_pg_port_free() {
    # Something answers on the port: taken. (bash's /dev/tcp, no extra tool needed.)
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

_pg_as_owner() {
    if [ -n "$CHIBO_PG_USER" ]; then
        runuser -u "$CHIBO_PG_USER" -- "$@"
    else
        "$@"
    fi
}

stop_test_postgres() {
    if [ -n "${CHIBO_PG_DIR:-}" ] && [ -d "$CHIBO_PG_DIR" ]; then
        if [ -f "$CHIBO_PG_DIR/data/postmaster.pid" ]; then
            echo "== stopping the test PostgreSQL (port $CHIBO_PG_PORT)"
            _pg_as_owner "$CHIBO_PG_BIN/pg_ctl" -D "$CHIBO_PG_DIR/data" -m immediate -w \
                stop >/dev/null 2>&1 || true
        fi
        rm -rf "$CHIBO_PG_DIR"
    fi
    CHIBO_PG_DIR=""
}

start_test_postgres() {
    if [ -n "${CHIBO_TEST_POSTGRES:-}" ]; then
        echo "== PostgreSQL for the tests: CHIBO_TEST_POSTGRES is set, using it"
        return 0
    fi
    CHIBO_PG_BIN="$(_pg_bindir)" || { _pg_install && CHIBO_PG_BIN="$(_pg_bindir)"; } || {
        echo "PostgreSQL server binaries still not found after installing" >&2
        return 1
    }
    CHIBO_PG_USER=""
    if [ "$(id -u)" = 0 ]; then
        CHIBO_PG_USER=postgres
        if ! id -u "$CHIBO_PG_USER" >/dev/null 2>&1; then
            echo "== creating the system user $CHIBO_PG_USER to own the test cluster"
            useradd --system --no-create-home --shell /usr/sbin/nologin "$CHIBO_PG_USER"
        fi
    fi
    CHIBO_PG_PORT="$CHIBO_PG_FIRST_PORT"
    while ! _pg_port_free "$CHIBO_PG_PORT"; do
        CHIBO_PG_PORT=$((CHIBO_PG_PORT + 1))
        if [ "$CHIBO_PG_PORT" -gt $((CHIBO_PG_FIRST_PORT + 100)) ]; then
            echo "no free local port from $CHIBO_PG_FIRST_PORT for the test PostgreSQL" >&2
            return 1
        fi
    done
    CHIBO_PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/chibo-pg.XXXXXX")"
    trap stop_test_postgres EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    if [ -n "$CHIBO_PG_USER" ]; then chown "$CHIBO_PG_USER" "$CHIBO_PG_DIR"; fi
    echo "== starting a throwaway PostgreSQL ($CHIBO_PG_BIN) on 127.0.0.1:$CHIBO_PG_PORT" \
         "in $CHIBO_PG_DIR${CHIBO_PG_USER:+ as $CHIBO_PG_USER}"
    if ! _pg_as_owner "$CHIBO_PG_BIN/initdb" -D "$CHIBO_PG_DIR/data" --locale=C.UTF-8 \
            --encoding=UTF8 -A trust -U chibo >"$CHIBO_PG_DIR/initdb.log" 2>&1; then
        cat "$CHIBO_PG_DIR/initdb.log" >&2
        return 1
    fi
    if ! _pg_as_owner "$CHIBO_PG_BIN/pg_ctl" -D "$CHIBO_PG_DIR/data" \
            -l "$CHIBO_PG_DIR/server.log" -w -t 60 \
            -o "-p $CHIBO_PG_PORT -c fsync=off -c listen_addresses=127.0.0.1 -k $CHIBO_PG_DIR -c max_connections=200" \
            start >/dev/null; then
        cat "$CHIBO_PG_DIR/server.log" >&2
        return 1
    fi
    export CHIBO_TEST_POSTGRES="postgresql://chibo@127.0.0.1:$CHIBO_PG_PORT/postgres"
    echo "== CHIBO_TEST_POSTGRES=$CHIBO_TEST_POSTGRES"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    # Run directly: start, ask one query, stop (the EXIT trap).
    unset CHIBO_TEST_POSTGRES
    start_test_postgres
    "$CHIBO_PG_BIN/psql" -X -q -t -A "$CHIBO_TEST_POSTGRES" \
        -c "SELECT 'server ' || current_setting('server_version') || ', encoding ' || current_setting('server_encoding') || ', collation ' || datcollate FROM pg_database WHERE datname = 'postgres'"
fi

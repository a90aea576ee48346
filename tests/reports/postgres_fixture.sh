#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server from the system's packages: initdb
# into a temp dir, start the server on a Unix socket in that dir only (no TCP port, so
# parallel runs never collide), create a database, run the command with
# STRATBENCH_TEST_PG set to its libpq connection string, stop the server, remove the dir.
# Exits 77 (the test's SKIP_RETURN_CODE) when the server binaries are missing.
#
# usage: postgres_fixture.sh COMMAND [ARGS...]
set -euo pipefail

skip() {
  echo "SKIP: $*"
  exit 77
}

bindir=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres && -x $d/createdb ]]; then
    bindir=$d
    break
  fi
done
[[ -n $bindir ]] || skip "no PostgreSQL server under /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)"

# initdb refuses to run as root (CI containers): the server then runs as the postgres
# system user, in a dir it owns; the test itself still runs as the caller.
as_server=()
if [[ $(id -u) == 0 ]]; then
  id postgres >/dev/null 2>&1 || skip "running as root, and there is no 'postgres' user to run the server as"
  command -v runuser >/dev/null 2>&1 || skip "running as root without runuser to drop privileges"
  as_server=(runuser -u postgres --)
fi

# /tmp rather than $TMPDIR: the socket's path must fit in 107 bytes.
dir=$(mktemp -d /tmp/sbpg.XXXXXX)
if [[ ${#as_server[@]} -gt 0 ]]; then chown postgres: "$dir"; fi

# cd first: the server user may not be allowed into the caller's working directory, and
# PostgreSQL's tools refuse to start where they cannot resolve it.
server() { (cd "$dir" && "${as_server[@]}" "$@"); }

cleanup() {
  server "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

if ! server "$bindir/initdb" -D "$dir/data" -U sbtest -A trust --no-locale -E UTF8 --no-sync >"$dir/initdb.log" 2>&1; then
  cat "$dir/initdb.log"
  echo "postgres_fixture: initdb failed"
  exit 1
fi
# fsync off: the cluster is thrown away, and durability is not what the tests measure.
if ! server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c max_connections=20" \
    start >/dev/null; then
  cat "$dir/server.log"
  echo "postgres_fixture: the server did not start"
  exit 1
fi
server "$bindir/createdb" -h "$dir" -U sbtest sbhist

export STRATBENCH_TEST_PG="host=$dir dbname=sbhist user=sbtest"
echo "postgres_fixture: $("$bindir/postgres" --version), socket in $dir"
set +e
"$@"
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
  echo "postgres_fixture: command failed ($rc); server log:"
  tail -n 30 "$dir/server.log"
fi
exit $rc

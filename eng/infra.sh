#!/usr/bin/env bash
# Local infrastructure for development and tests: PostgreSQL 15 and RabbitMQ 3.10 as plain
# processes on loopback, with their data under .local/ (git-ignored). No Docker needed. When the
# clone lies where the 'postgres' user cannot enter (under /root, or a 700-mode directory),
# PostgreSQL's data goes to /var/lib/postgresql/complaints-dev/<hash of the clone's path> instead.
#
#   eng/infra.sh up       install what is missing, start both, wait until they accept connections
#   eng/infra.sh down     stop both
#   eng/infra.sh status   say what runs
#   eng/infra.sh env      print the settings as shell exports (eval "$(eng/infra.sh env)")
#   eng/infra.sh stop-postgres | stop-rabbitmq   stop one (fault drills); "up" starts it again
#
# Safe to run twice: "up" on a running stack only checks it. Needs root on Debian 12 to install
# packages; PostgreSQL itself runs as the 'postgres' user because it refuses to run as root.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"

PG_PORT="${COMPLAINTS_PG_PORT:-55432}"
RABBIT_PORT="${COMPLAINTS_RABBIT_PORT:-55672}"
RABBIT_MGMT_PORT="${COMPLAINTS_RABBIT_MGMT_PORT:-55673}"
RABBIT_DIST_PORT="${COMPLAINTS_RABBIT_DIST_PORT:-55679}"
APP_USER=complaints
APP_PASSWORD=complaints
APP_DB=complaints
APP_VHOST=complaints

PG_BIN=/usr/lib/postgresql/15/bin
# PostgreSQL refuses to run as root, and the 'postgres' user (which exists once the package is
# installed) must be able to reach its data directory.
pg_paths() {
  PG_HOME="$LOCAL/postgres"
  if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1; then
    mkdir -p "$LOCAL"
    if ! runuser -u postgres -- test -x "$LOCAL" 2>/dev/null; then
      PG_HOME="/var/lib/postgresql/complaints-dev/$(printf '%s' "$ROOT" | sha256sum | cut -c1-16)"
    fi
  fi
  PG_DATA="$PG_HOME/data"
  PG_SOCKET="$PG_HOME/run"
  PG_LOG="$PG_HOME/postgres.log"
}
pg_paths

RABBIT_BIN=/usr/lib/rabbitmq/bin
RABBIT_HOME="$LOCAL/rabbitmq"
export RABBITMQ_NODENAME="complaints@localhost"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT="$RABBIT_PORT"
export RABBITMQ_DIST_PORT="$RABBIT_DIST_PORT"
export RABBITMQ_MNESIA_BASE="$RABBIT_HOME/mnesia"
export RABBITMQ_LOG_BASE="$RABBIT_HOME/log"
export RABBITMQ_CONFIG_FILE="$RABBIT_HOME/rabbitmq.conf"
export RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_HOME/enabled_plugins"
export RABBITMQ_PID_FILE="$RABBIT_HOME/rabbitmq.pid"

log() { printf '[infra] %s\n' "$*" >&2; }

apt_updated=no
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    log "missing packages: $*; install them (as root: apt-get install $*) and run again"; exit 1
  fi
  if [ "$apt_updated" = no ]; then apt-get update -qq; apt_updated=yes; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_installed() {
  local missing=()
  [ -x "$PG_BIN/initdb" ] || missing+=(postgresql-15)
  [ -x "$RABBIT_BIN/rabbitmq-server" ] || missing+=(rabbitmq-server)
  command -v psql >/dev/null || missing+=(postgresql-client-15)
  command -v openssl >/dev/null || missing+=(openssl)
  # The desk's browser tests drive Debian's Chromium (Playwright never downloads a browser here).
  [ -x "${COMPLAINTS_TEST_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
  if [ ${#missing[@]} -gt 0 ]; then log "installing ${missing[*]}"; apt_install "${missing[@]}"; fi
  # Debian's packages try to start their own system-wide servers; ours are separate and project-local.
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

require_free_port() {
  if port_busy "$1"; then
    log "port $1 ($2) is taken by another process, perhaps another checkout's eng/infra.sh (stop it with its 'eng/infra.sh down'), or choose other ports with COMPLAINTS_PG_PORT / COMPLAINTS_RABBIT_PORT / COMPLAINTS_RABBIT_MGMT_PORT / COMPLAINTS_RABBIT_DIST_PORT"
    exit 1
  fi
}

pg_running() { [ -f "$PG_DATA/postmaster.pid" ] && as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

pg_up() {
  mkdir -p "$PG_HOME" "$PG_SOCKET"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$PG_HOME"; fi
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initialising PostgreSQL in $PG_DATA"
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  fi
  if ! pg_running; then
    require_free_port "$PG_PORT" PostgreSQL
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
      -o "-p $PG_PORT -k $PG_SOCKET -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB -c shared_preload_libraries=pg_stat_statements" start >/dev/null
  fi
  psql_admin() { as_postgres psql -h "$PG_SOCKET" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
  if [ "$(psql_admin -c "select 1 from pg_roles where rolname='$APP_USER'")" != 1 ]; then
    psql_admin -c "create role $APP_USER login createdb password '$APP_PASSWORD'"
  fi
  if [ "$(psql_admin -c "select 1 from pg_database where datname='$APP_DB'")" != 1 ]; then
    psql_admin -c "create database $APP_DB owner $APP_USER"
  fi
  # Statement counts per query for eng/count-work.sh (where a complaint's work goes; loaded at start above).
  psql_admin -d "$APP_DB" -c "create extension if not exists pg_stat_statements" >/dev/null
  # The development key-encryption key lives with the data it protects: a new clone at the same
  # path, or a deleted .local/, must not leave customers' data keys wrapped under a lost key.
  if [ ! -s "$PG_HOME/dev-kek" ]; then
    if [ -s "$LOCAL/dev-kek" ]; then cp "$LOCAL/dev-kek" "$PG_HOME/dev-kek"; else (umask 077 && head -c 32 /dev/urandom | base64 > "$PG_HOME/dev-kek"); fi
    chmod 600 "$PG_HOME/dev-kek"
  fi
  # Likewise the development key that signs audit checkpoints (ECDSA P-256, PKCS#8, base64): the
  # checkpoints already in this database were signed with it.
  if [ ! -s "$PG_HOME/dev-audit-key" ]; then
    (umask 077 && openssl ecparam -name prime256v1 -genkey -noout -outform DER \
      | openssl pkcs8 -topk8 -nocrypt -inform DER -outform DER | base64 -w0 > "$PG_HOME/dev-audit-key")
    chmod 600 "$PG_HOME/dev-audit-key"
  fi
  for _ in $(seq 1 30); do
    PGPASSWORD="$APP_PASSWORD" psql -h 127.0.0.1 -p "$PG_PORT" -U "$APP_USER" -d "$APP_DB" -qtAc 'select 1' >/dev/null 2>&1 && return 0
    sleep 1
  done
  log "PostgreSQL does not accept connections; see $PG_LOG"; exit 1
}

pg_down() {
  if pg_running; then log "stopping PostgreSQL"; as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null; fi
}

rabbitmqctl_() { "$RABBIT_BIN/rabbitmqctl" -n "$RABBITMQ_NODENAME" "$@"; }
rabbit_running() { rabbitmqctl_ -q status >/dev/null 2>&1; }

rabbit_up() {
  mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  cat > "$RABBITMQ_CONFIG_FILE" <<CONF
listeners.tcp.default = 127.0.0.1:$RABBIT_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $RABBIT_MGMT_PORT
loopback_users = none
CONF
  echo '[rabbitmq_management].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
  if ! rabbit_running; then
    require_free_port "$RABBIT_PORT" RabbitMQ
    require_free_port "$RABBIT_MGMT_PORT" "RabbitMQ management"
    log "starting RabbitMQ on 127.0.0.1:$RABBIT_PORT (management on $RABBIT_MGMT_PORT)"
    setsid nohup "$RABBIT_BIN/rabbitmq-server" > "$RABBIT_HOME/server.out" 2>&1 < /dev/null &
    # await_startup fails at once until the Erlang node is reachable, so poll for that first.
    local started=no
    for _ in $(seq 1 120); do
      if rabbitmqctl_ -q await_startup --timeout 60 >/dev/null 2>&1; then started=yes; break; fi
      sleep 1
    done
    if [ "$started" = no ]; then
      log "RabbitMQ did not start; see $RABBIT_HOME/server.out and $RABBITMQ_LOG_BASE"; tail -20 "$RABBIT_HOME/server.out" >&2 || true; exit 1
    fi
  fi
  if ! rabbitmqctl_ -q list_users 2>/dev/null | grep -q "^$APP_USER\b"; then
    rabbitmqctl_ -q add_user "$APP_USER" "$APP_PASSWORD" >/dev/null
    rabbitmqctl_ -q set_user_tags "$APP_USER" administrator >/dev/null
    rabbitmqctl_ -q set_permissions -p / "$APP_USER" '.*' '.*' '.*' >/dev/null
  fi
  # The platform's own virtual host (its queues are quorum queues; '/' may hold older classic ones).
  if ! rabbitmqctl_ -q list_vhosts 2>/dev/null | grep -qx "$APP_VHOST"; then
    rabbitmqctl_ -q add_vhost "$APP_VHOST" >/dev/null
    rabbitmqctl_ -q set_permissions -p "$APP_VHOST" "$APP_USER" '.*' '.*' '.*' >/dev/null
  fi
  # A queue an earlier release declared and nothing reads any more: bound as it was, it would fill
  # with every event published (docs/operations.md, "Upgrading"). Gone if it is there.
  for queue in followup-refresh-complaint-facts resolution-track-case-file resolution-track-case-file_error followup-link-second-complaint followup-link-second-complaint_error \
      routing-route-filed-complaint routing-route-filed-complaint_error \
      resolution-notify-new-resolution-date resolution-notify-new-resolution-date_error \
      followup-refresh-changed-facts followup-refresh-changed-facts_error followup-link-second-complaints followup-link-second-complaints_error \
      resolution-refresh-changed-case-files resolution-refresh-changed-case-files_error \
      resolution-notify-new-resolution-dates resolution-notify-new-resolution-dates_error; do
    rabbitmqctl_ -q delete_queue -p "$APP_VHOST" "$queue" >/dev/null 2>&1 || true
  done
  for _ in $(seq 1 30); do
    (exec 3<>"/dev/tcp/127.0.0.1/$RABBIT_MGMT_PORT") 2>/dev/null && return 0
    sleep 1
  done
  log "RabbitMQ management does not answer on $RABBIT_MGMT_PORT"; exit 1
}

rabbit_down() {
  if rabbit_running; then log "stopping RabbitMQ"; rabbitmqctl_ -q stop >/dev/null 2>&1 || true; fi
}

print_env() {
  cat <<ENV
export ConnectionStrings__Postgres='Host=127.0.0.1;Port=$PG_PORT;Database=$APP_DB;Username=$APP_USER;Password=$APP_PASSWORD'
export ConnectionStrings__RabbitMq='amqp://$APP_USER:$APP_PASSWORD@127.0.0.1:$RABBIT_PORT/$APP_VHOST'
export COMPLAINTS_TEST_POSTGRES='Host=127.0.0.1;Port=$PG_PORT;Database=$APP_DB;Username=$APP_USER;Password=$APP_PASSWORD'
export COMPLAINTS_PG_URL='postgresql://$APP_USER:$APP_PASSWORD@127.0.0.1:$PG_PORT/$APP_DB'
export COMPLAINTS_TEST_RABBITMQ='amqp://$APP_USER:$APP_PASSWORD@127.0.0.1:$RABBIT_PORT/'
export COMPLAINTS_TEST_RABBITMQ_MANAGEMENT='http://$APP_USER:$APP_PASSWORD@127.0.0.1:$RABBIT_MGMT_PORT/'
ENV
  # Development only: the key-encryption key of this database's customers' data keys.
  if [ -s "$PG_HOME/dev-kek" ]; then echo "export COMPLAINTS_DEV_KEK='$(cat "$PG_HOME/dev-kek")'"; fi
  if [ -s "$PG_HOME/dev-audit-key" ]; then echo "export COMPLAINTS_DEV_AUDIT_KEY='$(cat "$PG_HOME/dev-audit-key")'"; fi
}

status() {
  if pg_running; then echo "postgres: running on 127.0.0.1:$PG_PORT"; else echo "postgres: stopped"; fi
  if rabbit_running; then echo "rabbitmq: running on 127.0.0.1:$RABBIT_PORT (management $RABBIT_MGMT_PORT)"; else echo "rabbitmq: stopped"; fi
}

case "${1:-}" in
  up)
    ensure_installed
    pg_paths
    pg_up
    rabbit_up
    status >&2
    log "settings (eval \"\$(eng/infra.sh env)\" to use them in a shell):"
    print_env >&2
    ;;
  down) rabbit_down; pg_down ;;
  stop-postgres) pg_down ;;
  stop-rabbitmq) rabbit_down ;;
  status) status ;;
  env) print_env ;;
  *) echo "usage: $0 up|down|status|env|stop-postgres|stop-rabbitmq" >&2; exit 2 ;;
esac

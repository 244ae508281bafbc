#!/usr/bin/env bash
# scripts/elasticsearch.sh — run a real, throw-away Elasticsearch for Vigil's
# integration tests.
#
# Usage:
#   scripts/elasticsearch.sh start    start one single-node ES in the background;
#                                     prints its URL (http://127.0.0.1:PORT) as the
#                                     last line on stdout (progress goes to stderr).
#                                     If the instance in the state file is still
#                                     healthy, just prints its URL again.
#   scripts/elasticsearch.sh url      print the URL of the running instance
#   scripts/elasticsearch.sh status   print its cluster health JSON (exit 1 if down)
#   scripts/elasticsearch.sh stop     stop it (TERM, KILL after 20 s), remove its
#                                     temp dir and the state file; safe to call
#                                     when nothing runs
#   scripts/elasticsearch.sh kill     (outage tests) stop the process but keep its
#                                     data, port and state file
#   scripts/elasticsearch.sh revive   start a killed instance again: same port,
#                                     same data
#
# Typical use in a test script:
#   url=$(scripts/elasticsearch.sh start)
#   trap 'scripts/elasticsearch.sh stop' EXIT
#   VIGIL_ES_URL="$url" npm run test:integration
#
# What it does:
#   * fetches org.elasticsearch.distribution.integ-test-zip:elasticsearch:<ver>:zip
#     from Maven Central with `mvn dependency:copy` (about 100 MB, once), unzips it
#     into the cache and reuses it afterwards;
#   * runs it with the machine's JDK (`java` on PATH, or ES_JAVA_HOME), single
#     node, bound to 127.0.0.1 on free HTTP/transport ports, 512 MB heap,
#     config/data/logs in a fresh `mktemp -d` dir, security off (plain HTTP, no
#     auth);
#   * as root (ES refuses to run as root) it creates the system user `vigil-es`
#     and starts ES with `runuser -u vigil-es`.
#
# Know the integ-test-zip: it is the minimal distribution (server plus the
# transport-netty4, apm, x-pack-core and x-pack-security modules; no bundled
# JDK). Everything in the server core works (index, bulk, search, mappings,
# aliases, index templates, rollover, and data streams that are auto-created by
# writing to a name matching a `data_stream: {}` index template), but the APIs
# of the modules it lacks do not:
#   * GET / and HEAD / (rest-root module) -> 405 "Incorrect HTTP method for uri
#     [/] and method [GET], allowed: [DELETE]"; so @elastic/elasticsearch's
#     client.ping() and client.info() throw ResponseError 405 (index, bulk,
#     search work). Wait for readiness with GET /_cluster/health instead.
#     Use GET /_nodes/_local?filter_path=nodes.*.version for the version.
#   * PUT/GET/DELETE /_data_stream/<name> (data-streams module) -> 405 or
#     "no handler found": create data streams by indexing into them, and use
#     unique names per test, since they cannot be deleted.
#   * _delete_by_query, _update_by_query, _reindex (reindex module): "no handler
#     found" / 405; ingest processors (e.g. "No processor type exists with name
#     [set]"), painless scripts, ILM and most other x-pack APIs are missing too.
#
# Requirements: java (17+ for ES 8.x, 21+ for ES 9.x), mvn (only for the first
# download), curl, unzip (or python3), and node or python3 (to find free ports).
#
# Environment (all optional):
#   VIGIL_ES_VERSION        ES version (default below: newest 8.x on Maven Central)
#   VIGIL_ES_CACHE          download/unzip cache (default $HOME/.cache/vigil-es)
#   VIGIL_ES_STATE          state file (default /tmp/vigil-es.state)
#   VIGIL_ES_USER           user to run ES as when root (default vigil-es)
#   VIGIL_ES_HEAP           heap size, -Xms and -Xmx (default 512m)
#   VIGIL_ES_START_TIMEOUT  seconds to wait for yellow health (default 120)
#   ES_JAVA_HOME            JDK to use (default: derived from `java` on PATH)

set -euo pipefail

readonly DEFAULT_ES_VERSION="8.19.21"
readonly ES_VERSION="${VIGIL_ES_VERSION:-$DEFAULT_ES_VERSION}"
readonly CACHE_DIR="${VIGIL_ES_CACHE:-$HOME/.cache/vigil-es}"
readonly STATE_FILE="${VIGIL_ES_STATE:-/tmp/vigil-es.state}"
readonly ES_USER="${VIGIL_ES_USER:-vigil-es}"
readonly HEAP="${VIGIL_ES_HEAP:-512m}"
readonly START_TIMEOUT="${VIGIL_ES_START_TIMEOUT:-120}"
readonly STOP_GRACE=20
readonly ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip"
readonly DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.6.1"

log() { printf 'elasticsearch.sh: %s\n' "$*" >&2; }
die() { printf 'elasticsearch.sh: ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- state file

# state_get KEY — value of KEY=... in the state file (empty if absent).
state_get() {
  [[ -f "$STATE_FILE" ]] || return 0
  sed -n "s/^$1=//p" "$STATE_FILE" | head -n 1
}

write_state() { # url pid dir version
  local tmp="$STATE_FILE.tmp.$$"
  printf 'url=%s\npid=%s\ndir=%s\nversion=%s\n' "$1" "$2" "$3" "$4" >"$tmp"
  mv -f "$tmp" "$STATE_FILE"
}

# Take an exclusive lock for the rest of the script (start/stop don't overlap).
take_lock() {
  local lock="$1"
  if command -v flock >/dev/null 2>&1; then
    exec {lock_fd}>"$lock"
    flock -w 300 "$lock_fd" || die "timed out waiting for lock $lock"
  fi
}

# ------------------------------------------------------------------ process

# is_es_pid PID — true if PID is alive and is an Elasticsearch JVM.
is_es_pid() {
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'org.elasticsearch'
}

healthy() { # URL — true if the cluster answers with yellow or green
  curl -fsS -m 10 "$1/_cluster/health?wait_for_status=yellow&timeout=5s" 2>/dev/null |
    grep -Eq '"status":"(yellow|green)"'
}

# kill_es PID — TERM, then KILL after STOP_GRACE seconds; waits until gone.
kill_es() {
  local pid="$1" i
  is_es_pid "$pid" || return 0
  log "stopping Elasticsearch (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_GRACE * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "pid $pid still running after ${STOP_GRACE}s, sending KILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  die "pid $pid did not exit after KILL"
}

# remove_run_dir DIR — only removes dirs this script created.
remove_run_dir() {
  local dir="$1"
  [[ -n "$dir" && -d "$dir" ]] || return 0
  [[ "$(basename "$dir")" == vigil-es.* ]] || die "refusing to remove unexpected dir '$dir'"
  rm -rf -- "$dir"
}

free_port() {
  if command -v node >/dev/null 2>&1; then
    node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
  else
    die "need node or python3 to find a free port"
  fi
}

# ------------------------------------------------------------------- setup

java_major() { # JAVA_HOME_DIR — prints the major version (17, 21, ...)
  local release="$1/release" v=""
  if [[ -r "$release" ]]; then # cheap: no JVM start
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$release" | head -n 1)"
  fi
  if [[ -z "$v" ]]; then
    v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java\.specification\.version = //p' | head -n 1)"
  fi
  v="${v#1.}" # 1.8 -> 8
  printf '%s\n' "${v%%[.+-]*}"
}

# Sets ES_JAVA_HOME (exported) unless the distribution bundles a JDK.
setup_java() {
  local es_home="$1" need java_bin major
  if [[ -x "$es_home/jdk/bin/java" ]]; then
    unset ES_JAVA_HOME JAVA_HOME
    log "using the JDK bundled with Elasticsearch"
    return
  fi
  if [[ -n "${ES_JAVA_HOME:-}" ]]; then
    java_bin="$ES_JAVA_HOME/bin/java"
    [[ -x "$java_bin" ]] || die "set-up error: ES_JAVA_HOME=$ES_JAVA_HOME has no bin/java"
  else
    command -v java >/dev/null 2>&1 ||
      die "set-up error: 'java' not found on PATH (Elasticsearch ${ES_VERSION} needs a JDK; install e.g. openjdk-17-jdk-headless, or set ES_JAVA_HOME)"
    java_bin="$(readlink -f "$(command -v java)")"
    ES_JAVA_HOME="$(dirname "$(dirname "$java_bin")")"
  fi
  need=17
  [[ "${ES_VERSION%%.*}" -ge 9 ]] && need=21
  major="$(java_major "$ES_JAVA_HOME")"
  [[ "$major" =~ ^[0-9]+$ ]] || die "set-up error: cannot tell the version of $java_bin"
  ((major >= need)) ||
    die "set-up error: Elasticsearch ${ES_VERSION} needs Java ${need}+, but $java_bin is Java ${major} (set VIGIL_ES_VERSION=${DEFAULT_ES_VERSION} or ES_JAVA_HOME)"
  export ES_JAVA_HOME
  log "using Java ${major} at ${ES_JAVA_HOME}"
}

# Prints the unzipped ES home in the cache, downloading it on first use.
ensure_distribution() {
  local home="$CACHE_DIR/elasticsearch-$ES_VERSION"
  local zip="$CACHE_DIR/elasticsearch-$ES_VERSION.zip" tmp
  if [[ -x "$home/bin/elasticsearch" ]]; then
    printf '%s\n' "$home"
    return
  fi
  mkdir -p "$CACHE_DIR"
  if [[ ! -s "$zip" ]]; then
    command -v mvn >/dev/null 2>&1 ||
      die "set-up error: 'mvn' not found on PATH (needed once to download $ARTIFACT from Maven Central; install maven)"
    log "downloading $ARTIFACT with Maven (about 100 MB, once)"
    local mvn_log="$CACHE_DIR/mvn-download.log"
    if ! mvn -B -Dstyle.color=never "$DEP_PLUGIN:copy" -Dartifact="$ARTIFACT" \
      -DoutputDirectory="$CACHE_DIR" -Dmdep.overWriteReleases=true </dev/null >"$mvn_log" 2>&1; then
      tail -n 30 "$mvn_log" >&2
      die "download of $ARTIFACT failed (is Maven Central reachable? does version $ES_VERSION exist?); full log: $mvn_log"
    fi
    [[ -s "$zip" ]] || die "Maven did not produce $zip"
  fi
  log "unzipping $(basename "$zip") into $CACHE_DIR"
  tmp="$(mktemp -d "$CACHE_DIR/.unzip.XXXXXX")"
  if command -v unzip >/dev/null 2>&1; then
    unzip -q "$zip" -d "$tmp" || { rm -rf "$tmp"; die "unzip of $zip failed (corrupt? delete it and retry)"; }
  elif command -v python3 >/dev/null 2>&1; then
    python3 -m zipfile -e "$zip" "$tmp" || { rm -rf "$tmp"; die "unzip of $zip failed"; }
    chmod +x "$tmp/elasticsearch-$ES_VERSION"/bin/* # zipfile drops the mode bits
  else
    die "set-up error: need 'unzip' (or python3) to unpack $zip"
  fi
  [[ -x "$tmp/elasticsearch-$ES_VERSION/bin/elasticsearch" ]] ||
    { rm -rf "$tmp"; die "unexpected zip layout in $zip"; }
  chmod -R a+rX "$tmp/elasticsearch-$ES_VERSION"
  rm -rf "$home"
  mv "$tmp/elasticsearch-$ES_VERSION" "$home"
  rmdir "$tmp"
  rm -f "$zip" # Maven keeps its own copy in ~/.m2; the unzipped tree is what we reuse
  printf '%s\n' "$home"
}

# Creates the unprivileged user ES runs as when we are root.
ensure_user() {
  id -u "$ES_USER" >/dev/null 2>&1 && return
  command -v useradd >/dev/null 2>&1 || die "set-up error: running as root but 'useradd' is missing"
  log "creating system user $ES_USER"
  useradd --system --no-create-home --user-group --shell /usr/sbin/nologin "$ES_USER" ||
    id -u "$ES_USER" >/dev/null 2>&1 || die "could not create user $ES_USER"
}

print_logs() { # RUN_DIR
  local f shown=""
  for f in "$1/logs/vigil-test.log" "$1/console.log"; do
    [[ -s "$f" ]] || continue
    printf -- '----- last 50 lines of %s -----\n' "$f" >&2
    tail -n 50 "$f" >&2
    shown=1
  done
  [[ -n "$shown" ]] || log "(Elasticsearch wrote no log yet)"
}

# ------------------------------------------------------------------ commands

cmd_start() {
  take_lock "$STATE_FILE.lock"

  local url pid dir
  url="$(state_get url)"
  pid="$(state_get pid)"
  if [[ -n "$url" ]] && is_es_pid "$pid" && healthy "$url"; then
    log "already running (pid $pid)"
    printf '%s\n' "$url"
    return
  fi
  if [[ -f "$STATE_FILE" ]]; then
    log "cleaning up a stale instance from $STATE_FILE"
    stop_from_state
  fi

  command -v curl >/dev/null 2>&1 || die "set-up error: 'curl' not found on PATH"
  local started=$SECONDS es_home
  # Check Java before a 100 MB download (the integ-test-zip bundles no JDK).
  setup_java "$CACHE_DIR/elasticsearch-$ES_VERSION"
  es_home="$(ensure_distribution)"

  local run_dir http_port transport_port
  run_dir="$(mktemp -d "${TMPDIR:-/tmp}/vigil-es.XXXXXX")"
  mkdir -p "$run_dir"/{data,logs,tmp}
  cp -R "$es_home/config" "$run_dir/config"
  # The stock jvm.options writes gc.log relative to the working dir: keep it in logs/.
  sed -i "s#file=gc.log#file=$run_dir/logs/gc.log#" "$run_dir/config/jvm.options"

  http_port="$(free_port)"
  transport_port="$(free_port)"
  while [[ "$transport_port" == "$http_port" ]]; do transport_port="$(free_port)"; done
  url="http://127.0.0.1:$http_port"

  cat >"$run_dir/config/elasticsearch.yml" <<EOF
# generated by scripts/elasticsearch.sh
cluster.name: vigil-test
node.name: vigil-es-0
discovery.type: single-node
network.host: 127.0.0.1
http.port: $http_port
transport.port: $transport_port
path.data: $run_dir/data
path.logs: $run_dir/logs
bootstrap.memory_lock: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
# The integ-test-zip does ship the x-pack-core and x-pack-security modules, and
# security is on by default in 8.x (the launcher then auto-generates TLS certs:
# HTTPS only, with auth). Turn it off for plain HTTP without credentials.
xpack.security.enabled: false
EOF

  local es_home_run="$es_home"
  if [[ "$(id -u)" -eq 0 ]]; then
    ensure_user
    chown -R "$ES_USER:" "$run_dir"
    # The cache usually sits under /root (mode 700), which the ES user cannot
    # enter: give the run a hard-linked (cheap) or copied view of ES home.
    if ! runuser -u "$ES_USER" -- test -r "$es_home/lib/elasticsearch-$ES_VERSION.jar"; then
      cp -al "$es_home" "$run_dir/es-home" 2>/dev/null || cp -a "$es_home" "$run_dir/es-home"
      es_home_run="$run_dir/es-home"
    fi
  fi

  launch_and_wait "$run_dir" "$url" "$es_home_run"
  printf '%s\n' "$url"
}

# launch_and_wait RUN_DIR URL ES_HOME — starts ES from a prepared run dir and waits for health.
launch_and_wait() {
  local run_dir="$1" url="$2" es_home_run="$3" started=$SECONDS pid=""
  rm -f "$run_dir/es.pid"
  local -a as_user=()
  [[ "$(id -u)" -eq 0 ]] && as_user=(runuser -u "$ES_USER" --)
  local -a es_env=(ES_PATH_CONF="$run_dir/config" ES_TMPDIR="$run_dir/tmp"
    ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP")
  [[ -n "${ES_JAVA_HOME:-}" ]] && es_env+=(ES_JAVA_HOME="$ES_JAVA_HOME")

  log "starting Elasticsearch $ES_VERSION on $url (run dir $run_dir)"
  # Detach fully: own session, no stdin, nothing on our stdout (so that
  # `url=$(scripts/elasticsearch.sh start)` does not wait for ES to exit) and
  # without our lock fd (else the lock would live as long as ES).
  (
    cd "$run_dir"
    if [[ -n "${lock_fd:-}" ]]; then exec {lock_fd}>&-; fi
    exec setsid "${as_user[@]}" env "${es_env[@]}" \
      "$es_home_run/bin/elasticsearch" -d -p "$run_dir/es.pid" \
      </dev/null >"$run_dir/console.log" 2>&1
  ) &
  local launcher=$!

  # Record the run right away so that `stop` can clean up even a half start.
  write_state "$url" "" "$run_dir" "$ES_VERSION"

  local deadline=$((SECONDS + START_TIMEOUT)) launcher_rc=""
  while :; do
    if [[ -z "$pid" && -s "$run_dir/es.pid" ]]; then
      pid="$(cat "$run_dir/es.pid")"
      write_state "$url" "$pid" "$run_dir" "$ES_VERSION"
    fi
    if [[ -n "$pid" ]] && healthy "$url"; then
      break
    fi
    if [[ -z "$launcher_rc" ]] && ! kill -0 "$launcher" 2>/dev/null; then
      launcher_rc=0
      wait "$launcher" || launcher_rc=$?
      if [[ "$launcher_rc" -ne 0 ]]; then
        print_logs "$run_dir"
        stop_from_state
        die "Elasticsearch failed to start (launcher exit code $launcher_rc); see the log above"
      fi
    fi
    if [[ -n "$launcher_rc" && -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      print_logs "$run_dir"
      stop_from_state
      die "Elasticsearch (pid $pid) exited during start-up; see the log above"
    fi
    if ((SECONDS >= deadline)); then
      print_logs "$run_dir"
      # The launcher leads its own process group (setsid): end all of it.
      kill -TERM -- "-$launcher" 2>/dev/null || true
      stop_from_state
      die "Elasticsearch did not report yellow health on $url within ${START_TIMEOUT}s; see the log above"
    fi
    sleep 0.5
  done
  log "Elasticsearch $ES_VERSION is up (pid $pid) after $((SECONDS - started))s"
}

# For outage tests: stop the running instance but keep its data, port and state.
cmd_kill() {
  take_lock "$STATE_FILE.lock"
  local pid dir url
  pid="$(state_get pid)"; dir="$(state_get dir)"; url="$(state_get url)"
  [[ -n "$dir" ]] || die "no Elasticsearch to kill (no $STATE_FILE)"
  [[ -n "$pid" ]] && kill_es "$pid"
  write_state "$url" "" "$dir" "$ES_VERSION"
  log "killed; '$0 revive' starts it again on $url with the same data"
}

# Starts a killed instance again: same run dir, same port, same data.
cmd_revive() {
  take_lock "$STATE_FILE.lock"
  local dir url es_home
  dir="$(state_get dir)"; url="$(state_get url)"
  [[ -n "$dir" && -d "$dir" ]] || die "nothing to revive (no run dir in $STATE_FILE)"
  if [[ -n "$(state_get pid)" ]] && is_es_pid "$(state_get pid)" && healthy "$url"; then printf '%s\n' "$url"; return; fi
  setup_java "$CACHE_DIR/elasticsearch-$ES_VERSION"
  if [[ -d "$dir/es-home" ]]; then es_home="$dir/es-home"; else es_home="$(ensure_distribution)"; fi
  launch_and_wait "$dir" "$url" "$es_home"
  printf '%s\n' "$url"
}

# Stops whatever the state file describes and removes its traces.
stop_from_state() {
  local pid dir
  pid="$(state_get pid)"
  dir="$(state_get dir)"
  if [[ -z "$pid" && -n "$dir" && -s "$dir/es.pid" ]]; then
    pid="$(cat "$dir/es.pid")"
  fi
  if [[ -n "$pid" ]]; then kill_es "$pid"; fi
  remove_run_dir "$dir"
  rm -f "$STATE_FILE"
}

cmd_stop() {
  take_lock "$STATE_FILE.lock"
  if [[ ! -f "$STATE_FILE" ]]; then
    log "nothing to stop (no $STATE_FILE)"
    return
  fi
  stop_from_state
  log "stopped"
}

cmd_url() {
  local url pid
  url="$(state_get url)"
  pid="$(state_get pid)"
  [[ -n "$url" ]] || die "no Elasticsearch running (no $STATE_FILE); run '$0 start'"
  is_es_pid "$pid" || die "Elasticsearch from $STATE_FILE (pid ${pid:-?}) is not running"
  printf '%s\n' "$url"
}

cmd_status() {
  local url
  url="$(cmd_url)"
  curl -fsS -m 10 "$url/_cluster/health?pretty" || die "no answer from $url"
}

main() {
  case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) cmd_url ;;
  status) cmd_status ;;
  kill) cmd_kill ;;
  revive) cmd_revive ;;
  *)
    echo "usage: $0 start|stop|url|status|kill|revive" >&2
    exit 2
    ;;
  esac
}

main "$@"

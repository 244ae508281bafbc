#!/usr/bin/env bash
# Runs the whole test suite, test/unit then test/integration in one mocha run (called by `npm test` after
# the TypeScript build); its arguments go to mocha (`npm run test:integration` leaves out dist/test/unit).
# Sets up what the integration tests need on this machine: Debian's logrotate, chromium and openssl.
set -uo pipefail
cd "$(dirname "$0")/.."

ensure_logrotate() {
  command -v logrotate >/dev/null 2>&1 && return 0
  [ -x /usr/sbin/logrotate ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test set-up: installing logrotate (Debian package)" >&2
    (apt-get install -y -qq logrotate >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq logrotate >/dev/null 2>&1; })
  fi
  if ! command -v logrotate >/dev/null 2>&1 && [ ! -x /usr/sbin/logrotate ]; then
    echo "test set-up error: logrotate is missing and could not be installed (apt-get install logrotate)" >&2
    exit 2
  fi
}
ensure_logrotate

# Debian's chromium renders the backtest HTML report in a test (headless)
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  command -v chromium-browser >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test set-up: installing chromium (Debian package, for the backtest report test)" >&2
    (apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; })
  fi
  if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    echo "test set-up error: chromium is missing and could not be installed (apt-get install chromium)" >&2
    exit 2
  fi
}
ensure_chromium

# openssl makes the throwaway certificates of the SMTP (STARTTLS, implicit TLS) tests
ensure_openssl() {
  command -v openssl >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test set-up: installing openssl (Debian package, for the SMTP TLS tests)" >&2
    (apt-get install -y -qq openssl >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq openssl >/dev/null 2>&1; })
  fi
  if ! command -v openssl >/dev/null 2>&1; then
    echo "test set-up error: openssl is missing and could not be installed (apt-get install openssl)" >&2
    exit 2
  fi
}
ensure_openssl
export PATH="$PATH:/usr/sbin:/sbin"

out=$(mktemp)
started_es=""
cleanup() {
  rm -f "$out"
  [ -n "$started_es" ] && bash scripts/elasticsearch.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

# A real Elasticsearch for the integration tests (scripts/elasticsearch.sh), unless one is given.
if [ -z "${VIGIL_TEST_ES_URL:-}" ]; then
  export VIGIL_ES_STATE="${VIGIL_ES_STATE:-/tmp/vigil-es-test.$$.state}"
  echo "test set-up: starting Elasticsearch (scripts/elasticsearch.sh)" >&2
  if ! VIGIL_TEST_ES_URL=$(bash scripts/elasticsearch.sh start | tail -n 1) || [ -z "$VIGIL_TEST_ES_URL" ]; then
    echo "test set-up error: could not start Elasticsearch (needs java 17+ and mvn; see the messages above)" >&2
    exit 2
  fi
  export VIGIL_TEST_ES_URL
  started_es=1
  echo "test set-up: Elasticsearch at $VIGIL_TEST_ES_URL" >&2
fi

npx mocha --config test/.mocharc.json "$@" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
passed=$(grep -Eo '^ *[0-9]+ passing' "$out" | grep -Eo '[0-9]+' | tail -1)
failed=$(grep -Eo '^ *[0-9]+ failing' "$out" | grep -Eo '[0-9]+' | tail -1)
pending=$(grep -Eo '^ *[0-9]+ pending' "$out" | grep -Eo '[0-9]+' | tail -1)
line="${passed:-0} passed, ${failed:-0} failed"
[ -n "$pending" ] && line="$line, $pending skipped"
echo "mocha: $line"
if [ "${passed:-0}" = 0 ] && [ "$rc" = 0 ]; then echo "no test ran" >&2; exit 1; fi
exit "$rc"

# lib.sh: helpers for the end-to-end tests. Each test drives the real proxima
# binary ($PROXIMA_BIN) on a real SQLite file in a fresh temporary directory.
set -u
: "${PROXIMA_BIN:?PROXIMA_BIN must point to the proxima binary}"
: "${PROXIMA_SRC:?PROXIMA_SRC must point to the source tree}"

T=$(mktemp -d "${TMPDIR:-/tmp}/proxima-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
DB="$T/proxima.db"
failures=0
checks=0

px() { "$PROXIMA_BIN" --db "$DB" "$@"; }

fail() {
  echo "ÉCHEC: $*" >&2
  failures=$((failures + 1))
}

# run_ok NAME CMD...: the command must exit 0; its stdout goes to $T/out.
run_ok() {
  local name=$1; shift
  checks=$((checks + 1))
  if ! "$@" >"$T/out" 2>"$T/err"; then
    fail "$name: exit $? (attendu 0)"; cat "$T/err" >&2
  fi
}

# run_fail NAME STATUS CMD...: the command must exit with STATUS; stderr in $T/err.
run_fail() {
  local name=$1 want=$2; shift 2
  checks=$((checks + 1))
  "$@" >"$T/out" 2>"$T/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    fail "$name: exit $got (attendu $want)"; cat "$T/err" >&2
  fi
}

# expect NAME FILE PATTERN: FILE must contain the fixed string PATTERN.
expect() {
  checks=$((checks + 1))
  if ! grep -qF -- "$3" "$2"; then
    fail "$1: « $3 » absent de $(basename "$2")"; sed 's/^/    /' "$2" >&2
  fi
}

# expect_re NAME FILE REGEX
expect_re() {
  checks=$((checks + 1))
  if ! grep -qE -- "$3" "$2"; then
    fail "$1: motif « $3 » absent de $(basename "$2")"; sed 's/^/    /' "$2" >&2
  fi
}

# db_digest: a digest of every table's content, to prove nothing was written.
db_digest() {
  sqlite3 "$DB" .dump 2>/dev/null | sha256sum | cut -d' ' -f1
}

# agent LOGIN ROLE SITE: an agent with password $PW and one grant.
PW='une phrase de passe solide'
agent() {
  PROXIMA_PASSWORD=$PW "$PROXIMA_BIN" --db "$DB" user add "$1" --nom "Agent $1" >/dev/null ||
    fail "création de l'agent $1"
  "$PROXIMA_BIN" --db "$DB" user grant "$1" "$2" "$3" >/dev/null || fail "droit $2 de $1"
}

finish() {
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
  exit $?
}

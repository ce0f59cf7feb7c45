# lib.sh: helpers for the end-to-end tests. Each test drives the real proxima
# binary ($PROXIMA_BIN) on a real SQLite file in a fresh temporary directory.
set -u
: "${PROXIMA_BIN:?PROXIMA_BIN must point to the proxima binary}"
: "${PROXIMA_SRC:?PROXIMA_SRC must point to the source tree}"

T=$(mktemp -d "${TMPDIR:-/tmp}/proxima-e2e.XXXXXX")
SERVER= # the pid of a server started by serve

# stop_server: stop the server started by serve, if it runs (also at exit).
stop_server() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null
    wait "$SERVER" 2>/dev/null
    SERVER=
  fi
}
trap 'stop_server; rm -rf "$T"' EXIT
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

# agent LOGIN ROLE SITE [NAME]: an agent with password $PW and one grant.
PW='une phrase de passe solide'
agent() {
  PROXIMA_PASSWORD=$PW "$PROXIMA_BIN" --db "$DB" user add "$1" --nom "${4:-Agent $1}" >/dev/null ||
    fail "création de l'agent $1"
  "$PROXIMA_BIN" --db "$DB" user grant "$1" "$2" "$3" >/dev/null || fail "droit $2 de $1"
}

# serve: proxima serve over $DB on a free loopback port (2 worker threads);
# sets PORT, B (its base URL) and SERVER (its pid: stop_server stops it,
# and so does the exit); the test fails and stops when it does not answer.
serve() {
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  B="http://127.0.0.1:$PORT"
  "$PROXIMA_BIN" --db "$DB" serve --adresse 127.0.0.1 --port "$PORT" --fils 2 2>"$T/server.log" &
  SERVER=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "$B/api/sante" && break
    sleep 0.1
  done
  checks=$((checks + 1))
  if ! curl -s -o /dev/null "$B/api/sante"; then
    fail "le serveur ne répond pas sur $B"
    cat "$T/server.log" >&2
    finish
  fi
}

# secours_fixture: as the agent ts (travailleur_social, MDS du Calaisis),
# Marie Dupont of Calais in her household and a secours d'urgence opened for
# it on 02/03/2026; sets marie, foyer and dossier.
secours_fixture() {
  run_ok "person" px --as ts person add --nom Dupont --prenom Marie --naissance 1985-02-03 \
    --sexe F --commune 62193 --adresse "3 rue de la Paix" --date 2026-01-05
  marie=$(cat "$T/out")
  run_ok "household" px --as ts household create --libelle "Foyer Dupont" --date 2026-01-05
  foyer=$(cat "$T/out")
  run_ok "demandeur" px --as ts household add "$foyer" "$marie" --role demandeur --date 2026-01-05
  run_ok "open" px --as ts dossier open secours_urgence "$foyer" --personne "$marie" \
    --fait montant_demande=150 --fait besoin=energie --date 2026-03-02
  dossier=$(grep -o 'D[0-9]*' "$T/out" | head -n 1)
  checks=$((checks + 1))
  [ -n "$dossier" ] || { fail "dossier non ouvert"; cat "$T/out" >&2; finish; }
}

finish() {
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
  exit $?
}

# http_cache.sh: the server keeps sessions, agents and dossier answers in
# memory (src/http/cache.c); every change made by another process must
# still show on the very next request. A real `proxima serve` (2 worker
# threads, so that a request may land on a thread that has not seen the
# change) and the CLI on the same database:
#   - a dossier read again and again is the same document, and each read
#     still writes its "lecture" row (the chain verifies);
#   - a dossier changed by the CLI (instruire) is served changed at once;
#   - a role revoked by the CLI: the next read is a 403 with its "refus"
#     row; granted again: 200;
#   - another agent without the right is refused even though the dossier's
#     answer is in memory for the first one;
#   - a session signed out on one connection is refused on the next request;
#   - an agent disabled by the CLI: 401 at once.
. "$(dirname "$0")/lib.sh"

export PROXIMA_TODAY=2026-03-16
unset PROXIMA_USER PROXIMA_PASSWORD

run_ok "init" px init
agent ts travailleur_social mds:calaisis
agent autre travailleur_social mds:arrageois
TS() { px --as ts "$@"; }
secours_fixture

serve

# sign_in LOGIN JAR: a session, its cookie in JAR
sign_in() {
  checks=$((checks + 1))
  local code
  code=$(curl -s -o "$T/login" -w '%{http_code}' -c "$2" -H 'Content-Type: application/json' \
    --data-binary "{\"identifiant\": \"$1\", \"mot_de_passe\": \"$PW\"}" "$B/api/session")
  [ "$code" = 201 ] || { fail "connexion de $1 : statut $code"; cat "$T/login" >&2; finish; }
}
# get NAME JAR PATH STATUS: GET PATH with the session of JAR, expecting STATUS; body in $T/body
get() {
  checks=$((checks + 1))
  local code
  code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$2" "$B$3")
  [ "$code" = "$4" ] || { fail "$1 : statut $code, attendu $4"; sed 's/^/    /' "$T/body" >&2; }
}
rows() { sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE login = '$1' AND action = '$2' AND object_type = 'dossier' AND object_id = '$dossier'"; }

sign_in ts "$T/jar"
sign_in autre "$T/jar2"

# --- the same document, one row per read ---
r0=$(rows ts lecture)
get "première lecture" "$T/jar" "/api/dossiers/$dossier" 200
cp "$T/body" "$T/first.json"
for i in 1 2 3 4 5 6 7 8; do
  get "lecture $i" "$T/jar" "/api/dossiers/$dossier" 200
  checks=$((checks + 1))
  cmp -s "$T/first.json" "$T/body" || fail "lecture $i : document différent de la première lecture"
done
checks=$((checks + 1))
[ "$(($(rows ts lecture) - r0))" = 9 ] || fail "9 lectures, $(($(rows ts lecture) - r0)) lignes « lecture »"
expect "état avant" "$T/first.json" '"etat":"depose"'

# --- changed by the CLI: served changed at once ---
run_ok "instruire" TS dossier instruire "$dossier" --date 2026-03-05
get "lecture après instruire" "$T/jar" "/api/dossiers/$dossier" 200
expect "état après instruire (CLI)" "$T/body" '"etat":"instruit"'
run_ok "json CLI" TS --json dossier show "$dossier"
checks=$((checks + 1))
python3 - "$T/out" "$T/body" <<'EOF' || fail "le dossier servi n'est pas celui de la ligne de commande"
import json, sys
cli, web = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("etat", "historique"):
    if cli.get(k) != web.get(k):
        sys.exit(1)
EOF

# --- another agent, no right on this site: refused, though the answer is in memory ---
f0=$(rows autre refus)
get "autre agent" "$T/jar2" "/api/dossiers/$dossier" 403
checks=$((checks + 1))
[ "$(($(rows autre refus) - f0))" = 1 ] || fail "refus de l'autre agent non journalisé"

# --- a role revoked by the CLI: the next request is refused ---
get "lecture avant retrait" "$T/jar" "/api/dossiers/$dossier" 200
f0=$(rows ts refus)
run_ok "revoke" px user revoke ts travailleur_social mds:calaisis
get "lecture après retrait du rôle" "$T/jar" "/api/dossiers/$dossier" 403
checks=$((checks + 1))
[ "$(($(rows ts refus) - f0))" = 1 ] || fail "refus après retrait non journalisé"
run_ok "grant again" px user grant ts travailleur_social mds:calaisis
get "lecture après nouveau droit" "$T/jar" "/api/dossiers/$dossier" 200

# --- signed out on one request: the next one is anonymous ---
get "moi avant déconnexion" "$T/jar2" "/api/moi" 200
checks=$((checks + 1))
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar2" -X DELETE \
  -H "X-CSRF-Token: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf"])' "$T/body")" \
  "$B/api/session")
[ "$code" = 204 ] || fail "déconnexion : statut $code"
get "moi après déconnexion" "$T/jar2" "/api/moi" 401

# --- disabled by the CLI: 401 at once ---
get "moi avant désactivation" "$T/jar" "/api/moi" 200
run_ok "disable" px user disable ts
get "lecture après désactivation" "$T/jar" "/api/dossiers/$dossier" 401
expect "message de désactivation" "$T/body" "désactivé"

run_ok "chaîne du journal des accès" px user access-log --verify
finish

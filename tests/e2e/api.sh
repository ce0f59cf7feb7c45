# api.sh: the HTTP server and its JSON API, driven with curl. The real
# `proxima serve` runs on a free port of 127.0.0.1 over a real database
# (proxima init, agents added with PROXIMA_PASSWORD, their grants). Checked:
# sign-in, cookie and CSRF token; persons created, searched and read (each
# read logged); a secours d'urgence from request to payment; a commission
# session from agenda to procès-verbal; 403 with a problem document and a
# "refus" row in access_log for an agent of another MDS; 401 without a
# session; 413, 431, 400 (malformed JSON, French detail), 404, 405, 415;
# the security headers on every kind of answer; sign-in throttling (429,
# Retry-After); the route table equal to docs/openapi.yaml; a clean stop on
# SIGTERM. The server is always killed at the end (trap).
. "$(dirname "$0")/lib.sh"

export PROXIMA_TODAY=2026-03-16
unset PROXIMA_USER PROXIMA_PASSWORD
CALAIS=62193
SAINT_POL=62767

run_ok "init" px init
agent ts travailleur_social mds:calaisis
agent cadre cadre_mds mds:calaisis
agent instr instructeur mds:calaisis
agent ts.ternois travailleur_social mds:ternois
agent acc accueil mds:calaisis
agent dpo delegue_protection_donnees departement:62
agent bloque travailleur_social mds:calaisis
agent stats statistiques departement:62

# --- the server, on a free port ---
serve

# call WHO METHOD PATH [BODY [CURL ARGS...]]: WHO is an agent (its cookie jar
# and CSRF token are used and updated) or "-" for no session. Status in
# $T/status, body in $T/body, headers in $T/headers.
call() {
  local who=$1 method=$2 path=$3 body=${4-}
  shift 3
  [ $# -gt 0 ] && shift
  local args=(-s -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$method")
  if [ "$who" != - ]; then
    args+=(-b "$T/jar.$who" -c "$T/jar.$who")
    [ -f "$T/csrf.$who" ] && args+=(-H "X-CSRF-Token: $(cat "$T/csrf.$who")")
  fi
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  curl "${args[@]}" "$@" "$B$path" >"$T/status" 2>/dev/null || echo 000 >"$T/status"
}
# status NAME WANT: the last call answered WANT
status() {
  checks=$((checks + 1))
  local got
  got=$(cat "$T/status")
  if [ "$got" != "$2" ]; then
    fail "$1 : statut $got, attendu $2"
    sed 's/^/    /' "$T/body" >&2
  fi
}
# field PATH: a value of the last JSON body ("personnes.0.id"); "" if absent
field() {
  python3 - "$T/body" "$1" <<'EOF'
import json, sys
try:
    v = json.load(open(sys.argv[1], encoding="utf-8"))
    for k in sys.argv[2].split("."):
        v = v[int(k)] if isinstance(v, list) else v[k]
    print("" if v is None else (json.dumps(v) if isinstance(v, (bool, list, dict)) else v))
except Exception:
    print("")
EOF
}
# is NAME PATH WANT: field PATH of the last body equals WANT
is() {
  checks=$((checks + 1))
  local got
  got=$(field "$2")
  [ "$got" = "$3" ] || fail "$1 : $2 = « $got », attendu « $3 »"
}
header() { # NAME PATTERN: a header line of the last answer matches (extended regex, any case)
  checks=$((checks + 1))
  grep -qiE -- "$2" "$T/headers" || { fail "$1 : en-tête « $2 » absent"; sed 's/^/    /' "$T/headers" >&2; }
}
security_headers() { # NAME: the security headers of every answer
  header "$1: CSP" "^Content-Security-Policy: default-src 'self'"
  header "$1: nosniff" "^X-Content-Type-Options: nosniff"
  header "$1: referrer" "^Referrer-Policy: same-origin"
  header "$1: frames" "^X-Frame-Options: DENY"
  header "$1: cache" "^Cache-Control: no-store"
}
problem() { # NAME STATUS: a problem document (RFC 9457) with that status and a detail
  status "$1" "$2"
  header "$1: problem+json" "^Content-Type: application/problem\+json"
  is "$1: status" status "$2"
  checks=$((checks + 1))
  [ -n "$(field detail)" ] && [ -n "$(field title)" ] && [ -n "$(field type)" ] ||
    fail "$1 : document de problème incomplet"
}
login() { # AGENT: sign in, keep the cookie and the CSRF token
  rm -f "$T/jar.$1" "$T/csrf.$1"
  call "$1" POST /api/session "{\"identifiant\": \"$1\", \"mot_de_passe\": \"$PW\"}"
  status "login $1" 201
  field csrf >"$T/csrf.$1"
}
refusals() { # LOGIN OBJECT_ID: "refus" rows of the access log
  sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE action = 'refus' AND login = '$1' AND object_id = '$2'"
}
reads() { # LOGIN OBJECT_ID
  sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE action = 'lecture' AND login = '$1' AND object_id = '$2'"
}
one_more() { # NAME NOW BEFORE
  checks=$((checks + 1))
  [ "$2" = "$(($3 + 1))" ] || fail "$1 : $2 ligne(s), attendu $(($3 + 1))"
}

# --- no session ---
call - GET /api/sante
status "health" 200
is "health" etat ok
security_headers "health"
call - GET /api/moi
problem "no session" 401
is "no session: French" detail "authentification requise"
security_headers "401"
call - GET /api/personnes/P0000001
problem "no session, person" 401
call - GET /api/inconnue
problem "unknown route" 404
security_headers "404"
call - PUT /api/moi
problem "wrong method" 405
header "wrong method: Allow" "^Allow: GET"

# --- sign-in ---
call - POST /api/session "{\"identifiant\": \"ts\", \"mot_de_passe\": \"pas le bon mot\"}"
problem "bad password" 401
is "bad password: French" detail "identifiant ou mot de passe incorrect"
checks=$((checks + 1))
grep -qi '^Set-Cookie' "$T/headers" && fail "bad password : un cookie a été posé"
call - POST /api/session "{\"identifiant\": \"ts\"}"
problem "no password" 400
is "no password: names the field" detail "champ « mot_de_passe » manquant"
login ts
header "cookie" "^Set-Cookie: proxima=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax"
is "login: agent" identifiant ts
is "login: grant" droits.0.site mds:calaisis
checks=$((checks + 1))
[ "$(wc -c <"$T/csrf.ts")" -ge 40 ] || fail "jeton CSRF absent de la réponse de connexion"
checks=$((checks + 1))
token=$(awk '$6 == "proxima" {print $7}' "$T/jar.ts")
if sqlite3 "$DB" "SELECT count(*) FROM http_session WHERE hex(id_hash) = upper('$token') OR id_hash = '$token'" | grep -qv '^0$'; then
  fail "le jeton de session est stocké en clair"
fi
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "SELECT count(*) FROM http_session WHERE login = 'ts'")" = 1 ] || fail "session non enregistrée"
call ts GET /api/moi
status "moi" 200
is "moi" identifiant ts
is "moi: csrf" csrf "$(cat "$T/csrf.ts")"
security_headers "moi"

# behind the TLS proxy: the __Host- cookie, Secure
call - POST /api/session "{\"identifiant\": \"instr\", \"mot_de_passe\": \"$PW\"}" -H 'X-Forwarded-Proto: https'
status "login over TLS" 201
header "TLS cookie" "^Set-Cookie: __Host-proxima=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax; Secure"
login instr
login cadre
login ts.ternois
login acc
login dpo
login stats

# --- CSRF and origin ---
person='{"nom": "Dupont", "prenom": "Marie", "date_naissance": "1985-02-03", "sexe": "F", "commune": "62193", "adresse": "3 rue de la Paix", "date": "2026-01-05"}'
mv "$T/csrf.ts" "$T/csrf.keep"
call ts POST /api/personnes "$person"
problem "no CSRF token" 403
is "no CSRF token: French" detail "jeton anti-CSRF absent"
echo "pas-le-bon-jeton-pas-le-bon-jeton-pas-le-b" >"$T/csrf.ts"
call ts POST /api/personnes "$person"
problem "wrong CSRF token" 403
mv "$T/csrf.keep" "$T/csrf.ts"
call ts POST /api/personnes "$person" -H 'Origin: https://ailleurs.example'
problem "foreign origin" 403
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "SELECT count(*) FROM person")" = 0 ] || fail "une personne a été créée malgré le refus"

# --- persons ---
call ts POST /api/personnes "$person"
status "create person" 201
marie=$(field id)
header "create person: Location" "^Location: /api/personnes/$marie"
call ts POST /api/personnes "$person"
problem "duplicate person" 409
checks=$((checks + 1))
grep -q "existe déjà : $marie" "$T/body" || fail "doublon : message sans l'identifiant $marie"
call ts POST /api/personnes '{"nom": "Durand", "prenom": "Luc", "date_naissance": "1980-02-30", "sexe": "M"}'
problem "impossible birth date" 400
is "impossible date: names the field" detail "champ « date_naissance » : date au format AAAA-MM-JJ attendue"
call ts POST /api/personnes '{"nom": "Durand", "prenom": "Luc", "date_naissance": "1980-02-03", "sexe": "X"}'
problem "unknown sex" 400
call ts POST /api/personnes '{"nom": "Durand", '
problem "malformed JSON" 400
checks=$((checks + 1))
grep -q '"detail":"corps de la requête, ligne 1' "$T/body" || fail "JSON mal formé : détail français absent"
call ts POST /api/personnes '[1, 2]'
problem "JSON not an object" 400
call ts POST /api/personnes '' --data-binary 'nom=Durand' -H 'Content-Type: application/x-www-form-urlencoded'
problem "form body on the API" 415
call ts GET "/api/personnes?nom=dupont&ignore=1"
status "search" 200
is "search: found" personnes.0.id "$marie"
is "search: identity only" personnes.0.adresse ""
call ts GET "/api/personnes?nom=dupont&nom=martin"
problem "repeated parameter" 400
call ts GET "/api/personnes"
problem "search without criterion" 400
call ts GET "/api/personnes?nom=%ZZ"
problem "bad escape" 400
before=$(reads ts "$marie")
call ts GET "/api/personnes/$marie"
status "read person" 200
is "read person" nom Dupont
is "read person: address" adresse "3 rue de la Paix"
one_more "person read logged" "$(reads ts "$marie")" "$before"
call ts GET /api/personnes/P0000099
problem "unknown person" 404
call ts GET "/api/personnes/P0000001%27%20OR%201=1"
problem "id with quotes" 400

# household, the beneficiary of the secours d'urgence
call ts POST /api/foyers '{"libelle": "Foyer Dupont", "date": "2026-01-05"}'
status "household" 201
foyer=$(field id)
call ts POST "/api/foyers/$foyer/membres" "{\"personne\": \"$marie\", \"role\": \"demandeur\", \"date\": \"2026-01-05\"}"
status "household member" 201

# --- a secours d'urgence, from request to payment ---
call ts POST /api/dossiers "{\"dispositif\": \"secours_urgence\", \"beneficiaire\": \"$foyer\", \"personne\": \"$marie\", \"date\": \"2026-03-12\", \"faits\": {\"montant_demande\": \"180,00\", \"besoin\": \"couleur\"}}"
problem "bad fact" 422
checks=$((checks + 1))
grep -q "besoin" "$T/body" || fail "fait invalide : le message ne nomme pas le fait"
call ts POST /api/dossiers "{\"dispositif\": \"secours_durgence\", \"beneficiaire\": \"$foyer\"}"
problem "unknown dispositif" 404
call ts POST /api/dossiers "{\"dispositif\": \"secours_urgence\", \"beneficiaire\": \"$foyer\", \"personne\": \"$marie\", \"date\": \"2026-03-12\", \"faits\": {\"montant_demande\": \"180,00\", \"besoin\": \"alimentation\"}}"
status "open" 201
d=$(field id)
is "open: state" etat depose
header "open: Location" "^Location: /api/dossiers/$d"
op() { # WHO OP BODY: POST /api/dossiers/$d/operations/OP
  call "$1" POST "/api/dossiers/$d/operations/$2" "${3-}"
}
op ts demander_pieces '{"pieces": ["justificatif de domicile"], "date": "2026-03-13"}'
status "request documents" 200
is "request documents" etat incomplet
op ts completer '{"faits": {"montant_demande": "200,00"}, "date": "2026-03-14"}'
status "complete" 200
is "complete" etat depose
op ts completer '{}'
problem "completer without facts" 400
op ts valider '{}'
problem "unknown operation" 400
op ts instruire '{}'
status "instruct" 200
is "instruct" etat_libelle "Instruit"
before=$(sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE action = 'refus' AND login = 'instr'")
op instr decider '{"decision": "accord", "montant": "200,00"}'
problem "instructor decides" 403
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE action = 'refus' AND login = 'instr'")" = "$((before + 1))" ] ||
  fail "refus de décision non journalisé"
op cadre decider '{"decision": "accord", "montant": "400,00"}'
problem "amount above the rule" 422
op cadre decider '{"decision": "accord", "montant": "200,00", "motif": "situation d'\''urgence alimentaire"}'
status "decide" 200
is "decide" etat accorde
op instr notifier
status "notify (no body)" 200
is "notify" etat notifie
op instr payer '{"montant": "250,00"}'
problem "pay above the grant" 422
op instr payer '{"montant": "120,50"}'
status "first payment" 200
is "first payment" versement V0000001
op instr payer '{"montant": "79,50"}'
status "second payment" 200
is "second payment" etat paye
call ts GET "/api/dossiers/$d"
status "read dossier" 200
is "read dossier: granted" montant_accorde "200.00"
is "read dossier: paid" montant_verse "200.00"
is "read dossier: history" historique.0.operation ouvrir
is "read dossier: documents asked" historique.1.operation demander_pieces
call instr GET "/api/dossiers/$d"
is "allowed operations" operations_possibles '["payer", "clore"]'
checks=$((checks + 1))
[ "$(reads ts "$d")" -ge 1 ] || fail "lecture du dossier non journalisée"

# --- an agent of another MDS: 403, a problem document, a "refus" row ---
before=$(refusals ts.ternois "$d")
call ts.ternois GET "/api/dossiers/$d"
problem "Ternois reads a Calaisis dossier" 403
one_more "dossier refusal logged" "$(refusals ts.ternois "$d")" "$before"
checks=$((checks + 1))
grep -q "Dupont" "$T/body" && fail "le refus montre des données du dossier"
before=$(refusals ts.ternois "$marie")
call ts.ternois GET "/api/personnes/$marie"
problem "Ternois reads a Calaisis person" 403
one_more "person refusal logged" "$(refusals ts.ternois "$marie")" "$before"
before=$(refusals ts.ternois "$d")
op ts.ternois clore '{"motif": "essai"}'
problem "Ternois writes on a Calaisis dossier" 403
one_more "write refusal logged" "$(refusals ts.ternois "$d")" "$before"
call ts.ternois GET "/api/personnes?nom=dupont"
status "search stays within sites" 200
is "search stays within sites" nombre 0
# reception has no dossier capability: refused before the engine, logged too
before=$(refusals acc "$d")
call acc GET "/api/dossiers/$d"
problem "reception reads a dossier" 403
one_more "early refusal logged" "$(refusals acc "$d")" "$before"
call acc GET "/api/personnes/$marie"
status "reception reads the identity" 200
is "reception: no social dossier shown" dossiers "[]"

# --- acts ---
call acc POST /api/actes '{"dispositif": "accueil_physique", "site": "mds:calaisis", "faits": {"motif": "enfance_famille", "orientation": "travailleur_social"}}'
status "act" 201
is "act: id" dispositif accueil_physique
call acc POST /api/actes '{"dispositif": "secours_urgence"}'
problem "a dossier's dispositif as an act" 422

# --- a commission session, from agenda to procès-verbal ---
call ts POST /api/personnes '{"nom": "Martin", "prenom": "Léa", "date_naissance": "2005-06-01", "sexe": "F", "commune": "62193", "date": "2026-01-05"}'
lea=$(field id)
call ts POST /api/dossiers "{\"dispositif\": \"fonds_aide_jeunes\", \"beneficiaire\": \"$lea\", \"date\": \"2026-03-02\", \"faits\": {\"montant_demande\": \"300,00\", \"objet\": \"formation\"}}"
status "FAJ" 201
faj=$(field id)
d=$faj
op ts instruire '{"date": "2026-03-05"}'
status "FAJ instructed" 200
call ts POST /api/seances '{"commission": "Commission insertion du Calaisis", "date": "2026-03-16", "president": "Mme Blandine Drain", "site": "mds:calaisis"}'
problem "social worker creates a session" 403
call instr POST /api/seances '{"commission": "Commission insertion du Calaisis", "date": "2026-03-16", "president": "Mme Blandine Drain", "site": "mds:calaisis"}'
status "session" 201
s=$(field id)
op instr inscrire_commission "{\"seance\": \"$s\"}"
status "agenda" 200
is "agenda" etat inscrit
call cadre POST "/api/seances/$s/decisions" "{\"decisions\": [{\"dossier\": \"$faj\", \"decision\": \"accord\", \"montant\": \"nan\"}]}"
problem "decision with a bad amount" 400
is "bad amount: names the decision" detail "décision 1 : champ « montant » : montant en euros attendu (ex. \"150,00\")"
call cadre POST "/api/seances/$s/decisions" "{\"decisions\": [{\"dossier\": \"$faj\", \"decision\": \"accord\", \"montant\": \"300,00\"}]}"
status "decisions" 200
call cadre GET "/api/seances/$s"
status "read session" 200
is "read session" ordre_du_jour.0.decision accord
call cadre POST "/api/seances/$s/cloture" '{"proces_verbal": "Séance tenue à Calais."}'
status "close session" 200
call cadre GET "/api/seances/$s/proces-verbal"
status "minutes" 200
header "minutes: text" "^Content-Type: text/plain; charset=utf-8"
expect "minutes" "$T/body" "Séance tenue à Calais."

# --- the data officer's access log ---
call ts GET "/api/journal-acces/personnes/$marie"
problem "social worker reads the access log" 403
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE action = 'refus' AND login = 'ts' AND object_type = 'journal_acces'")" -ge 1 ] ||
  fail "refus du journal d'accès non journalisé"
call dpo GET "/api/journal-acces/personnes/$marie"
status "access log" 200
expect "access log: the refusal" "$T/body" '"agent":"ts.ternois","action":"refus"'
expect "access log: the read" "$T/body" '"agent":"ts","action":"lecture"'
call dpo GET "/api/personnes/$marie"
problem "data officer reads the file itself" 403

# --- catalogue ---
call ts GET /api/dispositifs
status "catalogue" 200
expect "catalogue" "$T/body" '"code":"secours_urgence"'
call ts GET "/api/dispositifs/secours_urgence?date=2026-03-16"
status "dispositif" 200
is "dispositif" workflow.code secours
is "condition in French words" eligibilite.0.libelle "Montant demandé dans la limite du plafond fixé par le RDAS"
call ts GET /api/dispositifs/fsl
is "choice label" faits.0.libelles_choix.acces_non_identifie "Accès au logement (non identifié, recevable)"
call ts GET /api/dispositifs/inconnu
problem "unknown dispositif" 404

# --- indicators ---
call stats GET "/api/indicateurs?annee=2026&grille=mds"
status "indicators" 200
is "indicators: grid" grille mds
checks=$((checks + 1))
[ -n "$(field indicateurs.0.code)" ] || fail "indicateurs : aucun indicateur"
call ts GET "/api/indicateurs?annee=2026"
problem "indicators without the capability" 403
call stats GET "/api/indicateurs?annee=2026&grille=canton"
problem "unknown grid" 400

# --- sizes ---
head -c 2000000 /dev/zero | tr '\0' a >"$T/big"
call ts POST /api/personnes '' --data-binary @"$T/big" -H 'Content-Type: application/json'
problem "huge body" 413
call ts GET /api/moi '' -H "X-Remplissage: $(head -c 20000 "$T/big")"
problem "huge headers" 431
security_headers "431"

# --- sign-out ---
call ts DELETE /api/session
status "logout" 204
header "logout clears the cookie" "^Set-Cookie: proxima=; Path=/; Max-Age=0"
call ts GET /api/moi
problem "after logout" 401
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "SELECT count(*) FROM http_session WHERE login = 'ts'")" = 0 ] || fail "session non supprimée"

# an expired session (30 minutes idle) is refused and removed
sqlite3 "$DB" "UPDATE http_session SET last_seen = last_seen - 1900 WHERE login = 'instr'"
call instr GET /api/moi
problem "idle session" 401
is "idle session: French" detail "votre session a expiré (30 minutes sans activité ou 10 heures après la connexion)"
# a disabled account loses its sessions at once
"$PROXIMA_BIN" --db "$DB" user disable cadre >/dev/null || fail "désactivation de cadre"
call cadre GET /api/moi
problem "disabled account" 401

# --- sign-in throttling: 5 failures in 15 minutes ---
for i in 1 2 3 4 5; do
  call - POST /api/session '{"identifiant": "bloque", "mot_de_passe": "mauvais mot de passe"}' -H 'X-Real-IP: 192.0.2.10'
  status "failure $i" 401
done
call - POST /api/session "{\"identifiant\": \"bloque\", \"mot_de_passe\": \"$PW\"}" -H 'X-Real-IP: 192.0.2.11'
problem "login blocked" 429
header "Retry-After" "^Retry-After: [0-9]+"
is "login blocked: French" code too_many_requests
call - POST /api/session "{\"identifiant\": \"dpo\", \"mot_de_passe\": \"$PW\"}" -H 'X-Real-IP: 192.0.2.10'
problem "address blocked" 429
call - POST /api/session "{\"identifiant\": \"dpo\", \"mot_de_passe\": \"$PW\"}" -H 'X-Real-IP: 192.0.2.12'
status "another address" 201

# --- the route table is docs/openapi.yaml's, and the reverse ---
# (the HTML pages are not API: only /api routes are documented)
"$PROXIMA_BIN" serve --routes | awk -F'\t' '{print $1}' | grep -E '^[A-Z]+ /api(/|$)' | sed -E 's/:([a-z_]+)/{\1}/g' | sort >"$T/routes"
awk '
  /^paths:/ { inpaths = 1; next }
  inpaths && /^[^ ]/ { inpaths = 0 }
  inpaths && /^  \/[^ ]*:[ ]*$/ { path = $1; sub(/:$/, "", path); next }
  inpaths && /^    (get|post|put|patch|delete):[ ]*$/ { m = $1; sub(/:$/, "", m); print toupper(m) " " path }
' "$PROXIMA_SRC/docs/openapi.yaml" | sort >"$T/documented"
checks=$((checks + 1))
[ -s "$T/routes" ] || fail "proxima serve --routes n'a rien listé"
if ! diff -u "$T/routes" "$T/documented" >"$T/diff"; then
  fail "routes du serveur (-) et de docs/openapi.yaml (+) différentes"
  cat "$T/diff" >&2
fi

# --- the log: one line per request, no identifier, no query ---
checks=$((checks + 1))
grep -qE '^[0-9T:-]+Z GET /api/personnes/:id 200 [0-9.]+ms$' "$T/server.log" ||
  fail "journal du serveur : ligne de requête absente"
checks=$((checks + 1))
if grep -qE "$marie|dupont|Dupont|mot_de_passe|$PW" "$T/server.log"; then
  fail "le journal du serveur contient des données personnelles"
fi

# --- a clean stop ---
kill -TERM "$SERVER"
checks=$((checks + 1))
if wait "$SERVER"; then :; else fail "arrêt sur SIGTERM : code $?"; fi
SERVER=
expect "stopped" "$T/server.log" "proxima: stopped"
run_ok "journal verify" px journal verify
run_ok "access log intact" px user access-log --verify

finish

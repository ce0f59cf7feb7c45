# user.sh: agents and rights from the command line. Passwords come from
# PROXIMA_PASSWORD or the first line of stdin, never from argv; a refused
# password, site or role writes nothing; grants, revocations, passwords and
# disabling are journalled without any secret; --as checks the acting
# agent's rights; the data officer reads who accessed a person's file, and
# the access log's chain catches a direct edit of the database.
. "$(dirname "$0")/lib.sh"

unset PROXIMA_PASSWORD PROXIMA_USER

# pxpw PASSWORD ARGS...: proxima with PROXIMA_PASSWORD set
pxpw() {
  local pw=$1; shift
  PROXIMA_PASSWORD=$pw "$PROXIMA_BIN" --db "$DB" "$@"
}
# pxin LINE ARGS...: proxima with LINE on stdin
pxin() {
  local line=$1; shift
  printf '%s\n' "$line" | "$PROXIMA_BIN" --db "$DB" "$@"
}
unchanged() { # NAME DIGEST
  [ "$2" = "$(db_digest)" ] || fail "$1 : la base a été modifiée"
}

run_ok "init" px init

# --- add ---
run_ok "add with PROXIMA_PASSWORD" pxpw "$PW" user add jdupont --nom "Dupont Jean"
expect "add" "$T/out" "Agent jdupont créé : Dupont Jean."

before=$(db_digest)
run_fail "short password" 3 pxpw "court123456" user add mdurand --nom "Durand Marie"
expect "short password" "$T/err" "mot de passe trop court : 11 caractères, il en faut au moins 12"
unchanged "short password" "$before"
run_fail "11 accented characters" 3 pxin "ééééééééééé" user add mdurand --nom "Durand Marie"
expect "11 accented" "$T/err" "11 caractères"
unchanged "11 accented" "$before"
run_fail "password = login" 3 pxpw "Jean.Dupontel" user add jean.dupontel --nom "Dupontel Jean"
expect "password = login" "$T/err" "identifiant"
unchanged "password = login" "$before"
run_fail "no password" 2 px user add mdurand --nom "Durand Marie" </dev/null
expect "no password" "$T/err" "aucun mot de passe"
run_fail "password in argv" 2 px user add mdurand --nom "Durand Marie" --password "$PW"
expect "password in argv" "$T/err" "option inconnue : --password"
run_fail "missing name" 2 pxpw "$PW" user add mdurand
expect "missing name" "$T/err" "--nom"
run_fail "bad login" 3 pxpw "$PW" user add "Marie Durand" --nom "Durand Marie"
expect "bad login" "$T/err" "identifiant d'agent invalide"
unchanged "refused adds" "$before"

run_ok "12 accented characters on stdin" pxin "éééééééééééé" user add mdurand --nom "Durand Marie"
run_fail "duplicate" 5 pxpw "$PW" user add jdupont --nom "Autre"
expect "duplicate" "$T/err" "l'agent jdupont existe déjà"

# --- grant, revoke ---
run_ok "grant mds" px user grant jdupont travailleur_social mds:calaisis
expect "grant mds" "$T/out" "Rôle travailleur_social attribué à jdupont sur mds:calaisis."
run_ok "grant mdadt" px user grant jdupont travailleur_social mdadt:artois
run_ok "grant departement" px user grant mdurand cadre_mds departement:62

before=$(db_digest)
run_fail "unknown site" 3 px user grant jdupont travailleur_social mds:atlantide
expect "unknown site" "$T/err" "site inconnu du référentiel territorial : mds:atlantide"
expect "unknown site hint" "$T/err" "mds:calaisis"
run_fail "other departement" 3 px user grant jdupont cadre_mds departement:59
expect "other departement" "$T/err" "département"
run_fail "unknown grid" 3 px user grant jdupont cadre_mds canton:arras-1
expect "unknown grid" "$T/err" "grille de site inconnue"
run_fail "site without grid" 3 px user grant jdupont cadre_mds calaisis
expect "site without grid" "$T/err" "site mal écrit"
run_fail "unknown role" 3 px user grant jdupont sorcier mds:calaisis
expect "unknown role" "$T/err" "rôle absent du catalogue"
expect "unknown role hint" "$T/err" "travailleur_social"
run_fail "unknown agent" 4 px user grant personne travailleur_social mds:calaisis
expect "unknown agent" "$T/err" "agent inconnu"
run_fail "duplicate grant" 5 px user grant jdupont travailleur_social mds:calaisis
expect "duplicate grant" "$T/err" "a déjà le rôle"
unchanged "refused grants" "$before"

run_ok "revoke" px user revoke jdupont travailleur_social mdadt:artois
expect "revoke" "$T/out" "Rôle travailleur_social retiré à jdupont sur mdadt:artois."
run_fail "revoke again" 4 px user revoke jdupont travailleur_social mdadt:artois
expect "revoke again" "$T/err" "n'a pas le rôle"

# --- list ---
run_ok "list" px user list
expect "list" "$T/out" "jdupont : Dupont Jean (actif)"
expect "list" "$T/out" "  travailleur_social sur mds:calaisis"
expect "list" "$T/out" "mdurand : Durand Marie (actif)"
expect "list" "$T/out" "  cadre_mds sur departement:62"
grep -qF "mdadt:artois" "$T/out" && fail "list : droit retiré encore affiché"
run_ok "list json" px --json user list
expect "list json" "$T/out" '"login": "jdupont"'
expect "list json" "$T/out" '"site_code": "calaisis"'

# --- password, disable ---
run_ok "password on stdin" pxin "une toute nouvelle phrase" user password jdupont
expect "password" "$T/out" "Mot de passe de jdupont changé."
run_fail "password unknown agent" 4 pxpw "$PW" user password personne
run_ok "disable" px user disable mdurand
run_ok "list after disable" px user list
expect "disabled" "$T/out" "mdurand : Durand Marie (désactivé)"
run_fail "disable again" 5 px user disable mdurand

# --- the journal: every change, no secret ---
run_ok "journal verify" px journal verify
types=$(sqlite3 "$DB" "SELECT group_concat(type, ' ') FROM (SELECT type FROM journal WHERE type LIKE 'user.%' ORDER BY seq)")
want="user.created user.created user.granted user.granted user.granted user.revoked user.password_changed user.disabled"
checks=$((checks + 1))
[ "$types" = "$want" ] || fail "événements du journal : « $types », attendu « $want »"
checks=$((checks + 1))
if sqlite3 "$DB" "SELECT type, actor, subject, reason, payload FROM journal" |
   grep -qE "phrase|éééé|argon2"; then
  fail "un mot de passe ou son empreinte est dans le journal"
fi

# --- acting as an agent (--as) ---
run_ok "admin" pxpw "$PW" user add admin1 --nom "Admin Istrateur"
run_ok "admin grant" px user grant admin1 administrateur departement:62
run_ok "dpo" pxpw "$PW" user add dpo --nom "Délégué Données"
run_ok "dpo grant" px user grant dpo delegue_protection_donnees departement:62
run_ok "as admin" px --as admin1 user grant jdupont travailleur_social mds:ternois
actor=$(sqlite3 "$DB" "SELECT actor FROM journal ORDER BY seq DESC LIMIT 1")
checks=$((checks + 1))
[ "$actor" = "admin1" ] || fail "auteur de l'attribution : « $actor », attendu admin1"
run_fail "as social worker" 7 px --as jdupont user list
expect "as social worker" "$T/err" "ne permet pas l'action « utilisateurs.gerer »"
run_fail "as disabled agent" 7 px --as mdurand user list
expect "as disabled" "$T/err" "désactivé"
run_fail "--as with --acteur" 2 px --as admin1 user disable jdupont --acteur autre

# --- the data officer's view ---
run_ok "access-log empty" px --as dpo user access-log P-1
expect "access-log empty" "$T/out" "Aucun accès enregistré au dossier de la personne P-1."
run_fail "admin reads access log" 7 px --as admin1 user access-log P-1
expect "admin reads access log" "$T/err" \
  "votre rôle administrateur ne permet pas l'action « journal_acces.lire »"
run_ok "access-log" px --as dpo user access-log P-1
expect "access-log" "$T/out" "Accès au dossier de la personne P-1, du plus ancien au plus récent"
expect_re "dpo read" "$T/out" "lecture +dpo +journal_acces P-1  \(droit : delegue_protection_donnees@departement:62\)"
expect_re "admin refused" "$T/out" "REFUS +admin1 +journal_acces P-1"
first=$(grep -n "dpo" "$T/out" | head -1 | cut -d: -f1)
refus=$(grep -n "REFUS" "$T/out" | head -1 | cut -d: -f1)
checks=$((checks + 1))
[ "${first:-0}" -lt "${refus:-0}" ] || fail "access-log : l'ordre doit être du plus ancien au plus récent"
run_ok "access-log json" px --json --as dpo user access-log P-1
expect "access-log json" "$T/out" '"action": "refus"'
expect "access-log json" "$T/out" '"agent": "admin1"'

run_ok "access-log verify" px user access-log --verify
expect_re "verify" "$T/out" "journal des accès intègre : [0-9]+ lignes"
run_fail "access-log usage" 2 px user access-log
run_fail "access-log both" 2 px user access-log P-1 --verify

# --- tampering with the access log ---
sqlite3 "$DB" "DROP TRIGGER access_log_no_update; UPDATE access_log SET login = 'personne' WHERE seq = 2"
run_fail "tampered" 11 px user access-log --verify
expect "tampered" "$T/err" "journal des accès altéré à la ligne n° 2"
run_fail "tampered json" 11 px --json user access-log --verify
expect "tampered json" "$T/out" '"premiere_ligne_alteree": 2'

finish

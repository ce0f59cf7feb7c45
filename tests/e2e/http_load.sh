# http_load.sh: the access log's group commit under concurrent reads. The
# real `proxima serve` (2 worker threads) over a real database; 240 GETs of
# one dossier and 60 of the person's file, 24 curl processes at once. Each
# read must leave exactly one "lecture" row in access_log (none lost, none
# doubled), the hash chain must verify, and every answer must be a 200 with
# the document. Then a batch that cannot be committed (a trigger refuses
# the rows): the read answers 500 with a problem document and serves
# nothing of the dossier, and the server goes on once the trigger is gone.
# Also: the home page's figures are cached until the journal moves.
. "$(dirname "$0")/lib.sh"

export PROXIMA_TODAY=2026-03-16
unset PROXIMA_USER PROXIMA_PASSWORD
N=240
NP=60

run_ok "init" px init
agent ts travailleur_social mds:calaisis
agent cadre cadre_mds mds:calaisis
secours_fixture

serve

code=$(curl -s -o "$T/login" -w '%{http_code}' -c "$T/jar" -H 'Content-Type: application/json' \
  --data-binary "{\"identifiant\": \"ts\", \"mot_de_passe\": \"$PW\"}" "$B/api/session")
checks=$((checks + 1))
[ "$code" = 201 ] || { fail "connexion : statut $code"; finish; }
COOKIE=$(awk -F'\t' 'NF >= 7 && $6 != "" { print $6 "=" $7 }' "$T/jar" | tail -n 1)

# reads TYPE ID: the "lecture" rows of ts on that object (a person's file
# also logs the list of their dossiers: one "dossier" row per read of it)
reads() { sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE action = 'lecture' AND login = 'ts' AND object_type = '$1' AND object_id = '$2'"; }
d0=$(reads dossier "$dossier")
p0=$(reads personne "$marie")

# --- many reads at once ---
mkdir -p "$T/r"
export T COOKIE B
{
  for i in $(seq 1 $N); do echo "d$i /api/dossiers/$dossier"; done
  for i in $(seq 1 $NP); do echo "p$i /api/personnes/$marie"; done
} | xargs -P 24 -n 2 sh -c 'curl -s -o "$T/r/$1.body" -w "%{http_code}" -H "Cookie: $COOKIE" "$B$2" >"$T/r/$1.code" 2>/dev/null' _
checks=$((checks + 1))
ok=$(cat "$T"/r/*.code | grep -o 200 | wc -l)
[ "$ok" = $((N + NP)) ] || fail "lectures simultanées : $ok réponses 200 sur $((N + NP))"
checks=$((checks + 1))
docs=$(grep -l "\"id\":\"$dossier\"" "$T"/r/d*.body | wc -l)
[ "$docs" = "$N" ] || fail "lectures simultanées : $docs dossiers servis sur $N"
checks=$((checks + 1))
[ "$(($(reads dossier "$dossier") - d0))" = $((N + NP)) ] ||
  fail "journal des accès : $(($(reads dossier "$dossier") - d0)) lectures du dossier journalisées pour $((N + NP))"
checks=$((checks + 1))
[ "$(($(reads personne "$marie") - p0))" = "$NP" ] ||
  fail "journal des accès : $(($(reads personne "$marie") - p0)) lectures de la personne journalisées pour $NP"
run_ok "chain" px user access-log --verify
expect "chain" "$T/out" "journal des accès intègre"

# --- a batch that cannot be committed: 500, nothing served ---
sqlite3 "$DB" "CREATE TRIGGER refuse_log BEFORE INSERT ON access_log BEGIN SELECT RAISE(ABORT, 'refus de test'); END"
n0=$(sqlite3 "$DB" "SELECT count(*) FROM access_log")
code=$(curl -s -o "$T/failed" -D "$T/failed.h" -w '%{http_code}' -H "Cookie: $COOKIE" "$B/api/dossiers/$dossier")
checks=$((checks + 1))
[ "$code" = 500 ] || fail "journal des accès impossible à écrire : statut $code, attendu 500"
checks=$((checks + 1))
grep -q "$dossier\|$marie" "$T/failed" && fail "journal des accès impossible à écrire : le dossier a été servi"
expect "problème" "$T/failed.h" "application/problem+json"
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "SELECT count(*) FROM access_log")" = "$n0" ] || fail "une ligne a été écrite malgré le déclencheur"
sqlite3 "$DB" "DROP TRIGGER refuse_log"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$B/api/dossiers/$dossier")
checks=$((checks + 1))
[ "$code" = 200 ] || fail "après le déclencheur retiré : statut $code, attendu 200"
run_ok "chain after failure" px user access-log --verify

# --- the home page's figures: cached, recomputed when the journal moves ---
home_su() {
  curl -s -H "Cookie: $COOKIE" "$B/" | grep -o 'data-indicateur="su_accordes".*</tr>' |
    grep -o 'data-periode="annee">[^<]*' | sed 's/.*>//'
}
h1=$(home_su)
h2=$(home_su)
checks=$((checks + 1))
[ -n "$h1" ] && [ "$h1" = "$h2" ] || fail "page d'accueil : « $h1 » puis « $h2 »"
# a decision through the CLI (another process): the journal moves, the figure follows
run_ok "instruire" px --as ts dossier instruire "$dossier" --date 2026-03-05
run_ok "decider" px --as cadre dossier decider "$dossier" --decision accord --montant 150,00 --date 2026-03-06
h3=$(home_su)
checks=$((checks + 1))
[ "$h3" = $((h1 + 1)) ] || fail "page d'accueil après une décision : « $h3 », attendu $((h1 + 1))"

stop_server
checks=$((checks + 1))
grep -q "error" "$T/server.log" || fail "l'échec du lot n'est pas dans le journal du serveur"
finish

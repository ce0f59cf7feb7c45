# exchange.sh: export, import and replay through the CLI. A history typed
# by agents of the MDS du Calaisis is exported; imported into a fresh
# database it gives the same projections (replay digests) and the same
# export but for the header's date, from a file or from stdin. Damaged
# files are refused with every bad line named and nothing written
# (db_digest); --as needs the "import" capability; replay says whether the
# projections matched the journal.
. "$(dirname "$0")/lib.sh"

export PROXIMA_TODAY=2022-12-31
unset PROXIMA_USER PROXIMA_PASSWORD
CALAIS=62193
A="$T/a.db"
B="$T/b.db"

# on DB_FILE CMD...: run proxima on another database
on() { local db=$1; shift; "$PROXIMA_BIN" --db "$db" "$@"; }
agent() { # LOGIN ROLE SITE [ROLE SITE]
  PROXIMA_PASSWORD=$PW "$PROXIMA_BIN" --db "$DB" user add "$1" --nom "Agent $1" >/dev/null ||
    fail "création de l'agent $1"
  "$PROXIMA_BIN" --db "$DB" user grant "$1" "$2" "$3" >/dev/null || fail "droit $2 de $1"
}
unchanged() { # NAME DIGEST
  checks=$((checks + 1))
  [ "$2" = "$(db_digest)" ] || fail "$1 : la base a été modifiée"
}
# body FILE: the export without its header's date
body() { sed -E '1s/"exporte_le":"[^"]*"/"exporte_le":"-"/' "$1"; }
# digest_of DB: the projections' digest as replay prints it
digest_of() {
  on "$1" replay 2>/dev/null | sed -n 's/^empreinte des projections avant le rejeu : //p'
}

# ---- the history, in database A (DB) ----
DB=$A
run_ok "init A" px init
agent ana.instr instructeur mds:calaisis
"$PROXIMA_BIN" --db "$DB" user grant ana.instr cadre_mds mds:calaisis >/dev/null ||
  fail "droit cadre_mds"
agent max.admin administrateur departement:62
agent ts.calais travailleur_social mds:calaisis
X() { px --as ana.instr "$@"; }

run_ok "person 1" X person add --nom Martin --prenom Sophie --naissance 1985-03-12 --sexe F \
  --commune $CALAIS --adresse "12 rue Royale" --date 2022-01-10
run_ok "person 2" X person add --nom Martin --prenom Éric --naissance 1983-07-01 --sexe M \
  --commune $CALAIS --date 2022-01-10
run_ok "household" X household create --libelle "Foyer Martin" --date 2022-01-11
run_ok "member 1" X household add F0000001 P0000001 --role demandeur --date 2022-01-11
run_ok "member 2" X household add F0000001 P0000002 --role conjoint --date 2022-01-11
run_ok "open" X dossier open secours_urgence F0000001 --personne P0000001 --date 2022-03-01 \
  --fait montant_demande=200,00 --fait besoin=alimentation
run_ok "instruire" X dossier instruire D0000001 --date 2022-03-02
run_ok "decider" X dossier decider D0000001 --decision accord --montant 200,00 --date 2022-03-03
run_ok "payer" X dossier payer D0000001 --montant 200,00 --date 2022-03-04
run_ok "open 2" X dossier open secours_urgence F0000001 --date 2022-04-01 \
  --fait montant_demande=300,00 --fait besoin=energie
run_ok "instruire 2" X dossier instruire D0000002 --date 2022-04-02
run_ok "refus" X dossier decider D0000002 --decision refus --motif 'aide "énergie" déjà versée' \
  --date 2022-04-05
run_ok "act" X act record accueil_physique --site mds:calaisis --date 2022-09-15 \
  --fait motif=information
run_ok "move" X person move P0000002 --commune 62510 --adresse "8 rue Thiers" --date 2022-06-01

# ---- export ----
run_ok "export stdout" px export
cp "$T/out" "$T/a.jsonl"
expect_re "header" "$T/a.jsonl" '^\{"format":"proxima-journal","version":1,"departement":"62","exporte_le":"[0-9T:+-]+","evenements":14\}$'
expect "person line" "$T/a.jsonl" '{"type":"person.created","date_enregistrement":"'
expect "actor kept" "$T/a.jsonl" '"acteur":"ana.instr"'
expect "motive escaped" "$T/a.jsonl" 'aide \"énergie\" déjà versée'
checks=$((checks + 1))
[ "$(wc -l <"$T/a.jsonl")" -eq 15 ] || fail "export : 15 lignes attendues, $(wc -l <"$T/a.jsonl")"
checks=$((checks + 1))
grep -q '"type":"user\.\|"type":"ref\.' "$T/a.jsonl" && fail "export : événements hors dossiers exportés"

run_ok "export file" px export --sortie "$T/a2.jsonl"
expect "export file message" "$T/err" "14 événements exportés dans $T/a2.jsonl"
checks=$((checks + 1))
[ "$(body "$T/a.jsonl")" = "$(body "$T/a2.jsonl")" ] || fail "export fichier et sortie standard diffèrent"
checks=$((checks + 1))
[ -e "$T/a2.jsonl.partiel" ] && fail "fichier temporaire laissé"

run_ok "export period" px export --depuis 2000-01-01 --jusqu-au 2000-12-31
expect "empty period" "$T/out" '"depuis":"2000-01-01","jusqu_au":"2000-12-31","evenements":0}'
run_fail "export reversed period" 2 px export --depuis 2022-12-31 --jusqu-au 2022-01-01
expect "reversed" "$T/err" "--depuis est postérieur à --jusqu-au"
run_fail "export bad date" 3 px export --depuis 2022-13-01
expect "bad date" "$T/err" "--depuis"
run_fail "export unwritable" 9 px export --sortie "$T/pas/de/dossier.jsonl"
run_fail "export refused" 7 px --as ts.calais export
run_ok "export admin" px --as max.admin export
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE login = 'max.admin' AND action = 'lecture' AND object_type = 'journal' AND object_id = 'export'")" = 1 ] ||
  fail "export par un agent non inscrit au journal des accès"
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE login = 'ts.calais' AND action = 'refus' AND object_id = 'export'")" = 1 ] ||
  fail "refus d'export non journalisé"

# ---- import into a fresh database B ----
DB=$B
run_ok "init B" px init
run_ok "import" px import "$T/a.jsonl"
expect "import count" "$T/out" "14 événements importés"
expect_re "import per type" "$T/out" "^  person.created +2$"
expect_re "import per type" "$T/out" "^  dossier.decided +2$"
checks=$((checks + 1))
da=$(digest_of "$A")
db=$(digest_of "$B")
[ -n "$da" ] && [ "$da" = "$db" ] || fail "projections différentes après import ($da / $db)"
run_ok "export B" px export
checks=$((checks + 1))
[ "$(body "$T/a.jsonl")" = "$(body "$T/out")" ] || {
  fail "export(import(export)) diffère de export"; diff <(body "$T/a.jsonl") <(body "$T/out") >&2
}
expect "imported actor" "$T/out" '"acteur":"ana.instr"'
run_ok "journal verify B" px journal verify

# a second import of the same file: every id exists, refused, nothing written
before=$(db_digest)
run_fail "import twice" 3 px import --max-erreurs 3 "$T/a.jsonl"
expect "import twice" "$T/err" "rien n'a été importé"
unchanged "import twice" "$before"

# ---- stdin, and --as ----
DB="$T/c.db"
run_ok "init C" px init
agent ts.calais travailleur_social mds:calaisis
agent max.admin administrateur departement:62
before=$(db_digest)
run_fail "import without capability" 7 px --as ts.calais import "$T/a.jsonl"
expect "import without capability" "$T/err" "erreur :"
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE action = 'refus' AND login = 'ts.calais'")" = 1 ] ||
  fail "refus d'import non journalisé"
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "SELECT count(*) FROM person")" = 0 ] || fail "import refusé mais des personnes écrites"
run_ok "import stdin as admin" sh -c "\"$PROXIMA_BIN\" --db \"$DB\" --as max.admin import - <\"$T/a.jsonl\""
expect "import stdin" "$T/out" "14 événements importés"
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "SELECT actor FROM journal WHERE type = 'journal.imported'")" = max.admin ] ||
  fail "trace d'import absente ou sans l'agent"

# ---- damaged files: every error named, nothing written ----
DB="$T/d.db"
run_ok "init D" px init
before=$(db_digest)
# line 3: an unknown field; line 7: not JSON
awk 'NR == 3 { sub(/"contenu":\{/, "\"contenu\":{\"pointure\":42,") } NR == 7 { $0 = "{oops" } { print }' \
  "$T/a.jsonl" >"$T/bad.jsonl"
run_fail "bad lines 3 and 7" 3 px import "$T/bad.jsonl"
expect "line 3" "$T/err" "bad.jsonl, ligne 3 : événement person.created : champ inconnu « pointure »"
expect "line 7" "$T/err" "bad.jsonl, ligne 7, colonne"
expect "summary" "$T/err" "rien n'a été importé"
unchanged "bad lines" "$before"

run_fail "max errors 1" 3 px import --max-erreurs 1 "$T/bad.jsonl"
expect "max errors 1" "$T/err" "arrêt après 1 erreurs"
checks=$((checks + 1))
grep -q "ligne 7" "$T/err" && fail "--max-erreurs 1 : la ligne 7 ne devait pas être examinée"
unchanged "max errors" "$before"

sed '1s/"version":1/"version":2/' "$T/a.jsonl" >"$T/v2.jsonl"
run_fail "version 2" 3 px import "$T/v2.jsonl"
expect "version 2" "$T/err" "version 2 du format non prise en charge"
unchanged "version 2" "$before"

sed '1d' "$T/a.jsonl" >"$T/nohead.jsonl"
run_fail "no header" 3 px import "$T/nohead.jsonl"
expect "no header" "$T/err" "ligne 1 : en-tête manquant"

sed '$d' "$T/a.jsonl" >"$T/cut.jsonl"
run_fail "truncated" 3 px import "$T/cut.jsonl"
expect "truncated" "$T/err" "annonce 14 événements, le fichier en contient 13"
unchanged "truncated" "$before"

sed '2s/"type":"person.created"/"type":"person.deleted"/' "$T/a.jsonl" >"$T/type.jsonl"
run_fail "unknown type" 3 px import "$T/type.jsonl"
expect "unknown type" "$T/err" "ligne 2 : type d'événement inconnu : « person.deleted »"
unchanged "unknown type" "$before"

run_fail "missing file" 9 px import "$T/absent.jsonl"
run_fail "no file" 2 px import
run_fail "bad max" 2 px import --max-erreurs 0 "$T/a.jsonl"
unchanged "usage errors" "$before"

# ---- a large import (1 000 events or more): rollback journal, indexes set aside ----
# persons_file N BAD: N person.created events, line BAD (if any) of an unknown type
persons_file() {
  awk -v n="$1" -v bad="${2:-0}" 'BEGIN {
    printf "{\"format\":\"proxima-journal\",\"version\":1,\"departement\":\"62\",\"exporte_le\":\"2023-01-02T09:00:00+01:00\",\"evenements\":%d}\n", n
    for (l = 2; l < n + 2; l++)
      if (l == bad) print "{\"type\":\"nope\"}"
      else printf "{\"type\":\"person.created\",\"date_enregistrement\":\"2022-01-10T09:00:00+01:00\",\"acteur\":\"system\",\"contenu\":{\"id\":\"P%07d\",\"nom\":\"Durand\",\"prenom\":\"Paul %d\",\"date_naissance\":\"1970-01-01\",\"sexe\":\"M\",\"commune\":\"62193\",\"date\":\"2022-01-10\"}}\n", l, l
  }'
}
schema() { sqlite3 "$DB" "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"; }
DB="$T/e.db"
run_ok "init E" px init
fresh_schema=$(schema)
cp "$DB" "$T/e0.db"
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "PRAGMA page_size")" = 8192 ] || fail "une base neuve devrait avoir des pages de 8 Kio"
persons_file 1500 1490 >"$T/big-bad.jsonl"
run_fail "large import refused" 3 px import "$T/big-bad.jsonl"
expect "large import refused" "$T/err" "big-bad.jsonl, ligne 1490 : type d'événement inconnu"
# every byte as it was, but the file change counter (header offsets 24 and 92,
# 1-based 25-28 and 93-96), moved by the journal mode's change and return
checks=$((checks + 1))
[ -z "$(cmp -l "$T/e0.db" "$DB" | awk '!(($1 >= 25 && $1 <= 28) || ($1 >= 93 && $1 <= 96))')" ] ||
  fail "import refusé : la base a changé au-delà du compteur de l'en-tête"
checks=$((checks + 1))
[ "$(stat -c %s "$T/e0.db")" = "$(stat -c %s "$DB")" ] || fail "import refusé : taille de la base changée"
persons_file 1500 >"$T/big.jsonl"
run_ok "large import" px import "$T/big.jsonl"
expect_re "large import" "$T/out" "1.{1,3}500 événements importés"
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "PRAGMA journal_mode")" = wal ] || fail "la base n'est plus en mode WAL après l'import"
checks=$((checks + 1))
[ "$(schema)" = "$fresh_schema" ] || { fail "schéma différent après l'import"; diff <(echo "$fresh_schema") <(schema) >&2; }
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "PRAGMA integrity_check")" = ok ] || fail "intégrité de la base après l'import"
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "SELECT count(*) FROM person INDEXED BY person_name WHERE name_key >= ''")" = 1500 ] ||
  fail "index person_name incomplet après l'import"
run_ok "journal verify E" px journal verify

# ---- replay ----
DB=$A
run_ok "replay" px replay
expect "replay equal" "$T/out" "identiques : le journal et les projections concordent"
sqlite3 "$DB" "UPDATE dossier SET state = 'clos' WHERE id = 'D0000001'"
run_ok "replay repairs" px replay
expect "replay differs" "$T/out" "DIFFÉRENTES"
run_ok "replay again" px --json replay
expect "replay json" "$T/out" '"identiques": true'
run_fail "replay refused" 7 px --as ts.calais replay
run_ok "replay admin" px --as max.admin replay

finish

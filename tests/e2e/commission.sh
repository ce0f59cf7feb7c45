# commission.sh: a commission session of the MDS du Calaisis with three
# dossiers (FAJ, coup de pouce compétence, AFP). The instructeur creates the
# session and puts the instructed dossiers on its agenda; the cadre records
# the decisions in one batch (options, then a CSV file), all or nothing;
# the session cannot be closed while a dossier is undecided; the minutes
# (procès-verbal) print French amounts and totals per decision.
. "$(dirname "$0")/lib.sh"

export PROXIMA_TODAY=2026-03-16
unset PROXIMA_USER PROXIMA_PASSWORD
CALAIS=62193
NNBSP=$'\xe2\x80\xaf' # thousands separator
NBSP=$'\xc2\xa0'      # before the euro sign

bad() { # NAME STATUS MESSAGE CMD...: refused, nothing written
  local name=$1 status=$2 msg=$3 before
  shift 3
  before=$(db_digest)
  run_fail "$name" "$status" "$@"
  expect "$name" "$T/err" "$msg"
  checks=$((checks + 1))
  [ "$before" = "$(db_digest)" ] || fail "$name : la base a été modifiée"
}
# every table but the access log, which records refusals by design
data_digest() {
  local t
  for t in $(sqlite3 "$DB" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'access_log%' ORDER BY name"); do
    echo "== $t"; sqlite3 "$DB" "SELECT * FROM \"$t\""
  done | sha256sum | cut -d' ' -f1
}
refusals() { sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE action = 'refus'"; }
forbidden() { # NAME MESSAGE CMD...: exit 7, no data written, the refusal logged
  local name=$1 msg=$2 data nref
  shift 2
  data=$(data_digest)
  nref=$(refusals)
  run_fail "$name" 7 "$@"
  expect "$name" "$T/err" "$msg"
  checks=$((checks + 1))
  [ "$data" = "$(data_digest)" ] || fail "$name : des données ont été écrites"
  [ "$(refusals)" = "$((nref + 1))" ] || fail "$name : refus non journalisé"
}
state() { sqlite3 "$DB" "SELECT state FROM dossier WHERE id = '$1'"; }
last() { cat "$T/out"; }

run_ok "init" px init
agent ts travailleur_social mds:calaisis
agent instr instructeur mds:calaisis
agent cadre cadre_mds mds:calaisis
agent instr.ternois instructeur mds:ternois
TS() { px --as ts "$@"; }
INSTR() { px --as instr "$@"; }
CADRE() { px --as cadre "$@"; }

# --- three instructed dossiers ---
run_ok "young person" TS person add --nom Martin --prenom Léa --naissance 2005-06-01 --sexe F \
  --commune $CALAIS --date 2026-01-05
lea=$(last)
run_ok "RSA beneficiary" TS person add --nom Petit --prenom Inès --naissance 1988-09-21 --sexe F \
  --commune $CALAIS --date 2026-01-05
ines=$(last)
run_ok "household head" TS person add --nom Roux --prenom Paul --naissance 1970-01-15 --sexe M \
  --commune $CALAIS --date 2026-01-05
paul=$(last)
run_ok "household" TS household create --libelle "Foyer Roux" --date 2026-01-05
foyer=$(last)
run_ok "demandeur" TS household add "$foyer" "$paul" --role demandeur --date 2026-01-05

run_ok "FAJ" TS dossier open fonds_aide_jeunes "$lea" --fait montant_demande=1234,56 \
  --fait objet=formation --date 2026-03-02
d1=$(last)
run_ok "CPC" TS dossier open coup_de_pouce_competence "$ines" --fait montant_demande=2000 \
  --fait beneficiaire_rsa=vrai --fait "formation=CACES R489" --date 2026-03-02
d2=$(last)
run_ok "AFP" TS dossier open aide_financiere_personnalisee "$foyer" --personne "$paul" \
  --fait montant_demande=350 --fait objet=energie --date 2026-03-03
d3=$(last)
run_ok "not instructed" TS dossier open fonds_aide_jeunes "$lea" --fait montant_demande=100 \
  --fait objet=mobilite
d4=$(last)
for d in "$d1" "$d2" "$d3"; do
  run_ok "instruct $d" TS dossier instruire "$d" --date 2026-03-05
done

# --- the session ---
bad "no chair" 2 "--president" INSTR commission create --commission "Commission insertion" \
  --date 2026-03-16 --site mds:calaisis
bad "unknown site" 4 "site inconnu : « mds:atlantide »" INSTR commission create \
  --commission "Commission insertion" --date 2026-03-16 --president "Mme Blandine Drain" \
  --site mds:atlantide
bad "too far ahead" 3 "trop lointaine" INSTR commission create \
  --commission "Commission insertion" --date 2028-03-16 --president "Mme Blandine Drain" \
  --site mds:calaisis
forbidden "social worker" "commission.gerer" TS commission create --commission "Commission insertion" \
  --date 2026-03-16 --president "Mme Blandine Drain" --site mds:calaisis
forbidden "Ternois instructeur" "mds:calaisis" px --as instr.ternois commission create \
  --commission "Commission insertion" --date 2026-03-16 --president "Mme Blandine Drain" \
  --site mds:calaisis
run_ok "create" INSTR commission create --commission "Commission insertion du Calaisis" \
  --date 16/03/2026 --president "Mme Blandine Drain" --site mds:calaisis
s=$(last)
[ "$s" = S0000001 ] || fail "séance : $s"

# --- the agenda: all or nothing ---
bad "schedule a dossier not instructed" 5 "dossier $d4" INSTR commission schedule "$s" "$d1" "$d4"
bad "schedule in an unknown session" 4 "S0000009" INSTR commission schedule S0000009 "$d1"
bad "schedule twice the same" 2 "deux fois" INSTR commission schedule "$s" "$d1" "$d1"
run_ok "schedule" INSTR commission schedule "$s" "$d1" "$d2" "$d3"
for d in "$d1" "$d2" "$d3"; do
  [ "$(state "$d")" = inscrit ] || fail "$d : état $(state "$d") au lieu de inscrit"
done
run_ok "show" INSTR commission show "$s"
expect "show" "$T/out" "Séance $s : Commission insertion du Calaisis"
expect "show" "$T/out" "Ordre du jour (3 dossiers)"
expect "show" "$T/out" "1. $d1  Fonds d'aide aux jeunes (FAJ)"
expect "show" "$T/out" "3. $d3  Aide financière personnalisée (AFP)"

# --- closing too early ---
bad "close undecided" 5 "3 dossiers de l'ordre du jour ne sont pas décidés : $d1, $d2, $d3" \
  CADRE commission close "$s" --pv "Séance tenue."

# --- the batch: one bad decision, nothing decided ---
bad "batch with an amount above the rule" 3 "dossier $d3" CADRE commission decide "$s" \
  --dossier "$d1" --decision accord --montant 1234,56 \
  --dossier "$d2" --decision refus --motif "formation financée par la Région" \
  --dossier "$d3" --decision accord --montant 900
forbidden "batch by the instructeur" "decider" INSTR commission decide "$s" \
  --dossier "$d1" --decision accord --montant 100
bad "batch with a dossier off the agenda" 5 "n'est pas inscrit à l'ordre du jour" \
  CADRE commission decide "$s" --dossier "$d1" --decision accord --montant 100 \
  --dossier "$d4" --decision refus --motif "x"
bad "decision before dossier" 2 "--decision doit suivre --dossier" CADRE commission decide "$s" \
  --decision accord --dossier "$d1"
bad "unknown outcome" 3 "décision inconnue : « favorable »" CADRE commission decide "$s" \
  --dossier "$d1" --decision favorable
printf 'dossier;decision;montant;motif\n%s;accord;1234,56;\n%s;refuse;;non\n' "$d1" "$d2" \
  >"$T/bad.csv"
bad "CSV with a bad outcome" 3 "ligne 3" CADRE commission decide "$s" --fichier "$T/bad.csv"
for d in "$d1" "$d2" "$d3"; do
  [ "$(state "$d")" = inscrit ] || fail "$d décidé malgré l'échec du lot : $(state "$d")"
done

# --- the batch, from a CSV file as the secretariat prepares it ---
{
  printf '\xef\xbb\xbfdossier;decision;montant;motif\r\n'
  printf '%s;accord;1 234,56;\r\n' "$d1"
  printf '%s;refus;;"formation déjà financée par la Région; dossier à réorienter"\r\n' "$d2"
  printf '%s;accord;350,00;impayés d'"'"'énergie\r\n' "$d3"
} >"$T/decisions.csv"
run_ok "decide" CADRE commission decide "$s" --fichier "$T/decisions.csv"
expect "decide" "$T/out" "$s"
[ "$(state "$d1")" = accorde ] || fail "$d1 : $(state "$d1")"
[ "$(state "$d2")" = refuse ] || fail "$d2 : $(state "$d2")"
[ "$(state "$d3")" = accorde ] || fail "$d3 : $(state "$d3")"
on=$(sqlite3 "$DB" "SELECT group_concat(DISTINCT decided_on) FROM decision WHERE session = '$s'")
[ "$on" = 2026-03-16 ] || fail "date des décisions : $on (attendu la date de la séance)"
bad "decide twice" 5 "déjà été décidé" CADRE commission decide "$s" --dossier "$d1" \
  --decision refus --motif "revirement"

run_ok "dossier shows the session" INSTR dossier show "$d1"
expect "dossier shows the session" "$T/out" "séance $s"

# --- minutes before and after closing ---
run_ok "minutes before closing" CADRE commission minutes "$s"
expect "minutes before closing" "$T/out" "État       : prévue (non close)"
run_ok "close" CADRE commission close "$s" --pv "Quorum atteint : 5 membres présents sur 7."
expect "close" "$T/out" "$s"
run_ok "minutes" INSTR commission minutes "$s"
m="$T/out"
expect "minutes" "$m" "PROCÈS-VERBAL DE SÉANCE"
expect "minutes" "$m" "Commission : Commission insertion du Calaisis"
expect "minutes" "$m" "Séance     : $s du 16 mars 2026"
expect "minutes" "$m" "Présidence : Mme Blandine Drain"
expect "minutes" "$m" "Site       : MDS du Calaisis (mds:calaisis)"
expect "minutes" "$m" "État       : close le 16/03/2026"
expect "minutes" "$m" "1. Dossier $d1 : Fonds d'aide aux jeunes (FAJ)"
expect "minutes" "$m" "Bénéficiaire : Martin Léa ($lea)"
expect "minutes" "$m" "Décision     : accord, 1${NNBSP}234,56${NBSP}€"
expect "minutes" "$m" "Motif        : formation déjà financée par la Région; dossier à réorienter"
expect "minutes" "$m" "Bénéficiaire : Roux Paul ($paul), foyer Foyer Roux ($foyer)"
expect "minutes" "$m" "Décision     : accord, 350,00${NBSP}€"
expect "minutes" "$m" "accord : 2 dossiers, 1${NNBSP}584,56${NBSP}€"
expect "minutes" "$m" "refus : 1 dossier"
expect "minutes" "$m" "Total accordé : 1${NNBSP}584,56${NBSP}€"
expect "minutes" "$m" "Quorum atteint : 5 membres présents sur 7."
run_ok "minutes json" px --json --as cadre commission minutes "$s"
expect "minutes json" "$T/out" "\"seance\": \"$s\""
run_ok "show json" px --json --as cadre commission show "$s"
expect "show json" "$T/out" '"etat": "close"'
expect "show json" "$T/out" '"montant": "1234.56"'
expect "show json" "$T/out" '"decision": "refus"'

# --- a closed session is final ---
bad "close twice" 5 "déjà close" CADRE commission close "$s" --pv "encore"
bad "decide after closing" 5 "close" CADRE commission decide "$s" --dossier "$d2" \
  --decision accord --montant 100

# --- a session planned ahead cannot decide yet ---
run_ok "instruct 4" TS dossier instruire "$d4"
run_ok "planned session" INSTR commission create --commission "Commission insertion du Calaisis" \
  --date 2026-04-13 --president "M. Jean Lefort" --site mds:calaisis
s2=$(last)
run_ok "schedule planned" INSTR commission schedule "$s2" "$d4"
bad "decide a session to come" 5 "n'a pas encore eu lieu" CADRE commission decide "$s2" \
  --dossier "$d4" --decision accord --montant 100
bad "close a session to come" 5 "avant de s'être tenue" CADRE commission close "$s2" --pv "x"

# reading a session is reading each dossier of its agenda: logged
reads=$(sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE action = 'lecture' AND login = 'instr' AND object_id = '$d2'")
[ "${reads:-0}" -ge 2 ] || fail "lectures de l'ordre du jour non journalisées ($reads)"
forbidden "Ternois reads the session" "mds:calaisis" px --as instr.ternois commission minutes "$s"

run_ok "journal verify" px journal verify
finish

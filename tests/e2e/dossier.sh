# dossier.sh: a secours d'urgence from request to payment, entirely through
# the CLI, at the MDS du Calaisis. The travailleur social records the family
# and the request, asks for documents and instructs it; the workflow (data/
# catalogue/workflows.json, "secours") lets the travailleur social or the
# cadre de MDS decide (not the instructeur), an appeal only the cadre, and
# the travailleur social or the instructeur notify and pay. Each bad input gets a precise French message
# and leaves the database unchanged (db_digest before and after).
. "$(dirname "$0")/lib.sh"

export PROXIMA_TODAY=2026-03-16
unset PROXIMA_USER PROXIMA_PASSWORD
CALAIS=62193

# bad NAME STATUS MESSAGE CMD...: refused with STATUS and MESSAGE, nothing written
bad() {
  local name=$1 status=$2 msg=$3 before
  shift 3
  before=$(db_digest)
  run_fail "$name" "$status" "$@"
  expect "$name" "$T/err" "$msg"
  checks=$((checks + 1))
  [ "$before" = "$(db_digest)" ] || fail "$name : la base a été modifiée"
}
state() { sqlite3 "$DB" "SELECT state FROM dossier WHERE id = '$1'"; }

run_ok "init" px init
agent ts travailleur_social mds:calaisis
agent cadre cadre_mds mds:calaisis
agent instr instructeur mds:calaisis
TS() { px --as ts "$@"; }
CADRE() { px --as cadre "$@"; }
INSTR() { px --as instr "$@"; }

# --- the family ---
run_ok "person" TS person add --nom Dupont --prenom Marie --naissance 1985-02-03 --sexe F \
  --commune $CALAIS --adresse "3 rue de la Paix" --date 2026-01-05
marie=$(cat "$T/out")
run_ok "household" TS household create --libelle "Foyer Dupont" --date 2026-01-05
foyer=$(cat "$T/out")
run_ok "demandeur" TS household add "$foyer" "$marie" --role demandeur --date 2026-01-05

# --- opening: bad input first ---
bad "unknown dispositif" 4 "dispositif inconnu : « secours_durgence »" \
  TS dossier open secours_durgence "$foyer" --fait montant_demande=150
bad "unknown fact" 3 "fait inconnu pour le dispositif secours_urgence : « couleur »" \
  TS dossier open secours_urgence "$foyer" --fait couleur=bleu
bad "malformed amount" 3 "fait « montant_demande » (Montant demandé) : valeur « cent euros » invalide" \
  TS dossier open secours_urgence "$foyer" --fait "montant_demande=cent euros" --fait besoin=energie
bad "not a choice" 3 "besoin" \
  TS dossier open secours_urgence "$foyer" --fait montant_demande=150 --fait besoin=vacances
bad "fact without value" 2 "attendu CODE=VALEUR" \
  TS dossier open secours_urgence "$foyer" --fait montant_demande
bad "missing required fact" 3 "besoin" \
  TS dossier open secours_urgence "$foyer" --fait montant_demande=150
bad "opening after today" 3 "17/03/2026" \
  TS dossier open secours_urgence "$foyer" --fait montant_demande=150 --fait besoin=energie \
  --date 2026-03-17
bad "unknown beneficiary" 4 "F0000099" \
  TS dossier open secours_urgence F0000099 --fait montant_demande=150 --fait besoin=energie

run_ok "open" TS dossier open secours_urgence "$foyer" --personne "$marie" \
  --fait montant_demande=180,00 --fait besoin=alimentation --date 2026-03-12
d=$(cat "$T/out")
[ "$d" = D0000001 ] || fail "open : identifiant $d"
[ "$(state "$d")" = depose ] || fail "open : état $(state "$d")"

run_ok "show new" TS dossier show "$d"
expect "show new" "$T/out" "Dossier $d : Secours d'urgence (secours_urgence)"
expect "show new" "$T/out" "État         : Déposé (depose)"
expect "show new" "$T/out" "Montant demandé : 180,00"
expect "show new" "$T/out" "proxima dossier instruire $d"
expect "show new" "$T/out" "proxima dossier demander-pieces $d"
if grep -q "proxima dossier decider" "$T/out"; then fail "show new : décider n'est pas permis au travailleur social"; fi

# --- operations the workflow does not allow now ---
bad "pay before decision" 5 "payer" INSTR dossier payer "$d" --montant 10
bad "complete without request" 5 "opération \"completer\" impossible dans l'état \"depose\"" TS dossier completer "$d" --fait montant_demande=10
bad "decide before instruction" 5 "decider" CADRE dossier decider "$d" --decision accord --montant 100

# --- documents, completion, instruction ---
run_ok "request documents" TS dossier demander-pieces "$d" --piece "justificatif de domicile" \
  --piece "facture d'énergie" --date 2026-03-13
expect "request documents" "$T/out" "$d En attente de pièces"
bad "completion without fact" 2 "--fait" TS dossier completer "$d"
run_ok "complete" TS dossier completer "$d" --fait montant_demande=200,00 --date 2026-03-14
expect "complete" "$T/out" "$d Déposé"
bad "instruction after today" 3 "postérieure à la date du jour" \
  TS dossier instruire "$d" --date 2026-03-17
bad "instruction before opening" 3 "antérieure à l'ouverture du dossier D0000001" TS dossier instruire "$d" --date 2026-03-01
run_ok "instruct" TS dossier instruire "$d"
expect "instruct" "$T/out" "$d Instruit"

# --- decision: the social worker or the cadre, within the rules; not the instructeur ---
nref=$(sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE action = 'refus'")
run_fail "instructor decides" 7 INSTR dossier decider "$d" --decision accord --montant 200
expect "instructor decides" "$T/err" "decider"
got=$(sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE action = 'refus' AND login = 'instr'")
[ "$got" = "$((nref + 1))" ] || fail "refus de décision non journalisé ($got)"
bad "unknown outcome" 2 "décision inconnue : « oui »" CADRE dossier decider "$d" --decision oui
bad "decision without outcome" 2 "--decision" CADRE dossier decider "$d" --montant 100
bad "amount above the rule" 3 "supérieur au montant calculé par le règlement (200,00" \
  CADRE dossier decider "$d" --decision accord --montant 400
bad "refusal without motive" 3 "motif" CADRE dossier decider "$d" --decision refus
run_ok "decide" CADRE dossier decider "$d" --decision accord --montant 200,00 \
  --motif "situation d'urgence alimentaire"
expect "decide" "$T/out" "$d Accordé"
run_ok "notify" INSTR dossier notifier "$d"
expect "notify" "$T/out" "$d Notifié"

# --- payment: never above the amount granted ---
bad "payment above the amount granted" 3 "dépasserait le montant accordé (200,00" \
  INSTR dossier payer "$d" --montant 250
bad "payment after today" 3 "postérieure à la date du jour" \
  INSTR dossier payer "$d" --montant 50 --date 2026-03-20
bad "payment without amount" 2 "--montant" INSTR dossier payer "$d"
run_ok "first payment" INSTR dossier payer "$d" --montant 120,50
expect "first payment" "$T/out" "$d Payé (versement V0000001)"
run_ok "second payment json" px --json --as instr dossier payer "$d" --montant 79.50
expect "second payment json" "$T/out" '"versement": "V0000002"'
expect "second payment json" "$T/out" '"etat": "paye"'
bad "one cent too many" 3 "dépasserait le montant accordé" INSTR dossier payer "$d" --montant 0,01
run_ok "close" INSTR dossier clore "$d" --motif "aide versée"
expect "close" "$T/out" "$d Clos"
bad "pay a closed dossier" 5 "payer" INSTR dossier payer "$d" --montant 1

# --- the whole story, shown once ---
run_ok "show" TS dossier show "$d"
expect "show" "$T/out" "État         : Clos (clos)"
expect "show" "$T/out" "Bénéficiaire : foyer $foyer (demandeur $marie)"
expect "show" "$T/out" "Accordé      : 200,00"
expect "show" "$T/out" "Versé        : 200,00"
expect "show" "$T/out" "accord, 200,00"
expect "show" "$T/out" "situation d'urgence alimentaire"
expect "show" "$T/out" "V0000001  16/03/2026  120,50"
expect_re "show history" "$T/out" "12/03/2026  ouvrir le dossier +-> Déposé  \(ts\)"
expect_re "show history" "$T/out" "13/03/2026  demander des pièces +-> En attente de pièces  \(ts\)"
expect_re "show history" "$T/out" "décider +-> Accordé  \(cadre\)"
expect "show" "$T/out" "Opérations possibles pour vous maintenant : aucune"
run_ok "show json" px --json --as instr dossier show "$d"
expect "show json" "$T/out" '"etat": "clos"'
expect "show json" "$T/out" '"montant_accorde": "200.00"'
expect "show json" "$T/out" '"montant_verse": "200.00"'
expect "show json" "$T/out" '"montant_demande": "200.00"'
expect "show json" "$T/out" '"operations_possibles": ['
lectures=$(sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE action = 'lecture' AND object_id = '$d'")
[ "${lectures:-0}" -ge 3 ] || fail "lectures du dossier non journalisées ($lectures)"

# --- a second request above the ceiling cannot be granted ---
run_ok "open above ceiling" TS dossier open secours_urgence "$foyer" --personne "$marie" \
  --fait montant_demande=500,00 --fait besoin=energie
d2=$(cat "$T/out")
run_ok "instruct above ceiling" TS dossier instruire "$d2"
bad "accord above the ceiling" 3 "dépasse le plafond du secours d'urgence" \
  CADRE dossier decider "$d2" --decision accord --montant 350
run_ok "refuse above ceiling" CADRE dossier decider "$d2" --decision refus \
  --motif "montant supérieur au plafond du RDAS"
expect "refuse above ceiling" "$T/out" "$d2 Refusé"
run_ok "appeal" TS dossier recours "$d2" --motif "situation aggravée"
expect "appeal" "$T/out" "$d2 Recours formé"
run_fail "social worker decides the appeal" 7 TS dossier decider "$d2" --decision refus \
  --motif "plafond"
expect "social worker decides the appeal" "$T/err" "decider"

# --- the social worker handles a secours alone, from request to payment ---
run_ok "open 3" TS dossier open secours_urgence "$foyer" --personne "$marie" \
  --fait montant_demande=90,00 --fait besoin=transport
d3=$(cat "$T/out")
run_ok "instruct 3" TS dossier instruire "$d3"
bad "social worker above the rule" 3 "supérieur au montant calculé par le règlement (90,00" \
  TS dossier decider "$d3" --decision accord --montant 120
run_ok "social worker decides" TS dossier decider "$d3" --decision accord --montant 90
expect "social worker decides" "$T/out" "$d3 Accordé"
run_ok "social worker notifies" TS dossier notifier "$d3"
run_ok "social worker pays" TS dossier payer "$d3" --montant 90
expect "social worker pays" "$T/out" "$d3 Payé"

# --- usage ---
run_fail "unknown subcommand" 2 TS dossier valider "$d"
run_fail "missing dossier" 2 TS dossier instruire
bad "unknown dossier" 4 "D0000099" TS dossier instruire D0000099
run_fail "no agent" 2 px dossier show "$d"

run_ok "journal verify" px journal verify
finish

# acces.sh: who may read what, and the log of every read. An agent of the
# MDS du Calaisis cannot read a file of the Ternois (exit 7 and a "refus"
# row in access_log); reception staff (accueil) read identities but no
# child-protection dossier and record no PMI act; each allowed read of a
# person or a dossier leaves a "lecture" row; the data officer lists who
# read a person's file with `proxima user access-log PERSON`.
. "$(dirname "$0")/lib.sh"

export PROXIMA_TODAY=2026-03-16
unset PROXIMA_USER PROXIMA_PASSWORD
CALAIS=62193
SAINT_POL=62767

last() { cat "$T/out"; }
# log ACTION LOGIN OBJECT_ID: rows of the access log
log() {
  sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE action = '$1' AND login = '$2' AND object_id = '$3'"
}
# one_more NAME ACTION LOGIN OBJECT BEFORE: exactly one row more than BEFORE
one_more() {
  checks=$((checks + 1))
  local now
  now=$(log "$2" "$3" "$4")
  [ "$now" = "$(($5 + 1))" ] || fail "$1 : $now ligne(s) « $2 » de $3 sur $4, attendu $(($5 + 1))"
}

run_ok "init" px init
agent ts.calais travailleur_social mds:calaisis
agent ts.ternois travailleur_social mds:ternois
agent acc.calais accueil mds:calaisis
agent pmi.calais puericultrice_pmi mds:calaisis
agent dpo delegue_protection_donnees departement:62
C() { px --as ts.calais "$@"; }
TN() { px --as ts.ternois "$@"; }
ACC() { px --as acc.calais "$@"; }

# --- a file of the Ternois ---
run_ok "Ternois person" TN person add --nom Leroy --prenom Jules --naissance 1992-04-04 --sexe M \
  --commune $SAINT_POL --date 2026-01-05
jules=$(last)
run_ok "Ternois dossier" TN dossier open rsa_orientation "$jules" --fait orientation=sociale \
  --fait soumis_droits_devoirs=vrai
dt=$(last)

before=$(log refus ts.calais "$dt")
run_fail "Calaisis reads a Ternois dossier" 7 C dossier show "$dt"
expect "Calaisis reads a Ternois dossier" "$T/err" "mds:ternois"
one_more "refusal logged" refus ts.calais "$dt" "$before"
if grep -q "Leroy" "$T/out" "$T/err"; then fail "le refus ne doit rien montrer du dossier"; fi
before=$(log refus ts.calais "$jules")
run_fail "Calaisis reads a Ternois person" 7 C person show "$jules"
one_more "person refusal logged" refus ts.calais "$jules" "$before"
run_fail "Calaisis writes on a Ternois dossier" 7 C dossier instruire "$dt"
st=$(sqlite3 "$DB" "SELECT state FROM dossier WHERE id = '$dt'")
[ "$st" = depose ] || fail "le dossier $dt a changé d'état : $st"
run_ok "search stays within sites" C person search --nom leroy
expect "search stays within sites" "$T/out" "Aucune personne ne correspond"

# the Ternois agent reads it, and each read is logged
before=$(log lecture ts.ternois "$dt")
run_ok "Ternois reads its dossier" TN dossier show "$dt"
one_more "read logged" lecture ts.ternois "$dt" "$before"
run_ok "Ternois reads it again" TN dossier show "$dt"
one_more "each read logged" lecture ts.ternois "$dt" "$((before + 1))"
grant=$(sqlite3 "$DB" "SELECT grant_used FROM access_log WHERE action = 'lecture' AND object_id = '$dt' ORDER BY seq DESC LIMIT 1")
case "$grant" in *travailleur_social*mds:ternois*) ;; *) fail "droit utilisé mal journalisé : « $grant »" ;; esac

# --- child protection and PMI at the MDS du Calaisis ---
run_ok "child" C person add --nom Caron --prenom Lucas --naissance 2019-08-20 --sexe M \
  --commune $CALAIS --date 2026-01-05
lucas=$(last)
run_ok "AED" C dossier open aed "$lucas" --fait renforcee=faux --fait duree_mois=6
aed=$(last)
run_ok "PMI consultation" px --as pmi.calais act record pmi_consultation_enfant \
  --personne "$lucas" --site mds:calaisis --fait professionnel=puericultrice --fait lieu=centre_pmi \
  --fait vaccination=oui
expect_re "PMI consultation" "$T/out" "^A[0-9]{7}$"

before=$(log refus acc.calais "$aed")
run_fail "reception reads child protection" 7 ACC dossier show "$aed"
expect "reception reads child protection" "$T/err" "accueil"
one_more "child protection refusal logged" refus acc.calais "$aed" "$before"
acts=$(sqlite3 "$DB" "SELECT count(*) FROM act")
run_fail "reception records a PMI act" 7 ACC act record pmi_consultation_enfant \
  --personne "$lucas" --site mds:calaisis --fait professionnel=medecin --fait lieu=centre_pmi
[ "$(sqlite3 "$DB" "SELECT count(*) FROM act")" = "$acts" ] || fail "acte PMI enregistré par l'accueil"
run_fail "PMI nurse reads child protection" 7 px --as pmi.calais dossier show "$aed"

# reception reads the identity only, and that read is logged too
before=$(log lecture acc.calais "$lucas")
run_ok "reception reads the identity" ACC person show "$lucas"
expect "reception reads the identity" "$T/out" "Personne $lucas : Caron Lucas"
if grep -q "$aed" "$T/out"; then fail "l'accueil voit le dossier de protection de l'enfance"; fi
one_more "identity read logged" lecture acc.calais "$lucas" "$before"
run_ok "reception records a visit" ACC act record accueil_physique --site mds:calaisis \
  --fait motif=enfance_famille --fait orientation=travailleur_social
expect_re "reception records a visit" "$T/out" "^A[0-9]{7}$"

# the social worker reads the AED and sees it in the child's file
before=$(log lecture ts.calais "$aed")
run_ok "social worker reads the AED" C dossier show "$aed"
expect "social worker reads the AED" "$T/out" "Données      : données de protection de l'enfance"
one_more "AED read logged" lecture ts.calais "$aed" "$before"
run_ok "social worker reads the child" C person show "$lucas"
expect "social worker reads the child" "$T/out" "$aed"
before=$(log lecture ts.calais "$aed")
run_ok "json read" px --json --as ts.calais dossier show "$aed"
one_more "json read logged" lecture ts.calais "$aed" "$before"

# --- the data officer: who read Lucas's file ---
run_fail "social worker reads the access log" 7 C user access-log "$lucas"
run_ok "access log" px --as dpo user access-log "$lucas"
out="$T/out"
expect "access log" "$out" "Accès au dossier de la personne $lucas"
expect_re "access log: social worker" "$out" "lecture +ts\.calais +dossier $aed"
expect_re "access log: reception refused" "$out" "REFUS +acc\.calais +dossier $aed"
expect_re "access log: reception read" "$out" "lecture +acc\.calais +personne $lucas"
expect_re "access log: PMI nurse refused" "$out" "REFUS +pmi\.calais +dossier $aed"
if grep -q "ts.ternois" "$out"; then fail "journal d'accès : lectures d'une autre personne"; fi
run_ok "access log json" px --json --as dpo user access-log "$lucas"
expect "access log json" "$T/out" '"action": "refus"'
expect "access log json" "$T/out" '"agent": "acc.calais"'
run_ok "access log of the Ternois person" px --as dpo user access-log "$jules"
expect_re "Ternois log" "$T/out" "REFUS +ts\.calais +dossier $dt"
expect_re "Ternois log" "$T/out" "lecture +ts\.ternois +dossier $dt"
run_ok "access log intact" px user access-log --verify

finish

# check.sh: `proxima check` against a tiny reference directory written here,
# on a small 2022 history recorded entirely through the CLI (persons,
# households, secours d'urgence decided and paid, one of them by a central
# direction, reception acts, PMI consultations). Also the indicator
# commands around it: compute, explain (rights and access log), close-year
# (a second close is refused; check then reads the frozen figures).
. "$(dirname "$0")/lib.sh"

export PROXIMA_TODAY=2023-02-15
unset PROXIMA_USER PROXIMA_PASSWORD
CALAIS=62193
ARRAS=62041
REF="$T/ref"
mkdir -p "$REF"

. "$(dirname "$0")/history.sh"
secours "su calais" "$fm" 2022-03-01 200
su_calais=$(cat "$T/last")
secours "su arras" "$fp" 2022-05-02 100
secours "su central" "$fm" 2022-06-01 50 central:dsol
secours "su 2023" "$fp" 2023-01-10 80

run_ok "visit 1" px --as acc act record accueil_physique --site mds:arrageois --date 2022-02-01 \
  --fait motif=information
run_ok "visit 2" px --as acc act record accueil_physique --site mds:arrageois --date 2022-02-02 \
  --fait motif=logement
run_ok "visit 3" px --as acc act record accueil_physique --site mds:calaisis --date 2022-09-01 \
  --fait motif=autre
run_ok "pmi 1" px --as puer act record pmi_consultation_enfant --site mds:calaisis \
  --personne "$noe" --date 2022-04-01 --fait professionnel=medecin --fait lieu=centre_pmi
run_ok "pmi 2" px --as puer act record pmi_consultation_enfant --site mds:calaisis \
  --personne "$noe" --date 2022-10-01 --fait professionnel=puericultrice --fait lieu=domicile

# --- the reference tables (a few rows of the published shape) ----------------------
cat >"$REF/mds-2022.csv" <<'EOF'
mds,nom,su_accordes,accueils_physiques,pmi_enfants_vus,agents,etp
arrageois,MDS de l'Arrageois,1,2,0,172,162.68
calaisis,MDS du Calaisis,1,1,1,168,159.56
EOF
cat >"$REF/departement-2022.csv" <<'EOF'
section,code,libelle,valeur,unite,portee
insertion,allocation_rsa,Allocation RSA,311400000,EUR,extended
insertion,su_accordes,Secours d'urgence,3,nombre,core
insertion,su_montant,Secours d'urgence (montant),400,EUR,core
insertion,aides_financieres_montant,Aides financières,350,EUR,core
enfance,enfants_vus_consultation,Enfants vus au moins une fois en consultation,1,nombre,core
territoires,qpv_projets,Projets financés en quartier politique de la ville,48,nombre,core
mds,habitants,Habitants,1453934,nombre,context
EOF

# --- check: every figure in scope matches ------------------------------------------
run_ok "check" px --as stat check --year 2022 --against "$REF"
expect "check" "$T/out" "14 chiffres conformes sur 14"
expect_re "check mds line" "$T/out" "arrageois +su_accordes +1 +1 +OK"
expect_re "check etp" "$T/out" "calaisis +etp +159,56 +159,56 +OK"
# 350 € paid, printed "400" (to the hundred): it rounds to 400
expect "check rounded amount" "$T/out" "su_montant"
if grep -q "qpv_projets\|allocation_rsa\|habitants" "$T/out"; then
  fail "check : une ligne hors périmètre a été comparée"
fi
run_ok "check json" px --json check --year 2022 --against "$REF"
expect "check json" "$T/out" '"conformes": 14'
expect "check json" "$T/out" '"statut": "OK"'

# --- a gap: exit 5, the figure says ÉCART ----------------------------------------------
mkdir -p "$T/gap"
sed 's/^calaisis,MDS du Calaisis,1,/calaisis,MDS du Calaisis,2,/' "$REF/mds-2022.csv" >"$T/gap/mds-2022.csv"
cp "$REF/departement-2022.csv" "$T/gap/"
run_fail "check gap" 5 px check --year 2022 --against "$T/gap"
expect_re "check gap line" "$T/out" "calaisis +su_accordes +2 +1 +ÉCART"
expect "check gap total" "$T/out" "13 chiffres conformes sur 14"
expect "check gap message" "$T/err" "1 chiffre en écart avec la référence"

# --- the tables changed shape: the message names what is unknown --------------------------
mkdir -p "$T/shape"
sed '1s/$/,foo/; 2,$s/$/,1/' "$REF/mds-2022.csv" >"$T/shape/mds-2022.csv"
cp "$REF/departement-2022.csv" "$T/shape/"
run_fail "unknown column" 3 px check --year 2022 --against "$T/shape"
expect "unknown column" "$T/err" "colonne inconnue « foo »"
cp "$REF/mds-2022.csv" "$T/shape/"
echo "enfance,bar,Un chiffre nouveau,3,nombre,core" >>"$T/shape/departement-2022.csv"
run_fail "unknown row" 3 px check --year 2022 --against "$T/shape"
expect "unknown row" "$T/err" "indicateur inconnu « bar »"
expect "unknown row line" "$T/err" "ligne 9"
cp "$REF/departement-2022.csv" "$T/shape/"
echo "ailleurs,MDS d'ailleurs,0,0,0,0,0" >>"$T/shape/mds-2022.csv"
run_fail "unknown mds" 3 px check --year 2022 --against "$T/shape"
expect "unknown mds" "$T/err" "MDS inconnue « ailleurs »"
run_fail "no reference" 9 px check --year 2022 --against "$T/nowhere"
run_fail "no year" 2 px check --against "$REF"

# --- rights: counts need statistiques.lire ----------------------------------------------
run_fail "check without rights" 7 px --as curieux check --year 2022 --against "$REF"
expect "check without rights" "$T/err" "statistiques.lire"

# --- compute and explain ---------------------------------------------------------------
run_ok "compute" px --as stat indicateurs compute --year 2022 --code su_accordes
expect_re "compute calais" "$T/out" "MDS du Calaisis +1"
expect_re "compute departement" "$T/out" "Département +3"
run_ok "compute month" px indicateurs compute --year 2022 --code su_accordes --mois 6 \
  --grille departement
expect_re "compute month" "$T/out" "Département +1"
run_fail "explain without dossier.lire" 7 px --as stat indicateurs explain su_accordes \
  --year 2022 --grille mds --zone calaisis
refused=$(sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE login = 'stat' AND action = 'refus'")
[ "$refused" = 1 ] || fail "refus d'explication non journalisé ($refused)"
run_ok "explain" px --as cadre indicateurs explain su_accordes --year 2022 --grille mds \
  --zone calaisis
expect "explain" "$T/out" "$su_calais"
expect "explain" "$T/out" "1 dossiers ou actes derrière ce chiffre"
logged=$(sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE login = 'cadre' AND action = 'lecture' AND object_type = 'indicateur'")
[ "$logged" = 1 ] || fail "lecture des identifiants non journalisée ($logged)"

# --- closing the year -------------------------------------------------------------------
run_fail "close current year" 5 px close-year 2023
run_ok "close" px close-year 2022
expect "close" "$T/out" "Année 2022 close"
run_fail "close twice" 5 px close-year 2022
expect "close twice" "$T/err" "déjà close"
run_ok "check frozen" px check --year 2022 --against "$REF"
expect "check frozen" "$T/out" "valeurs figées"
expect "check frozen" "$T/out" "14 chiffres conformes sur 14"

finish

# report.sh: `proxima report` on a small 2022 history recorded through the
# CLI (secours d'urgence in two MDS and at a central direction, PMI
# consultations, reception acts): every format is written, the figures are
# those of the engine, French in the page, plain in the CSV, numbers in the
# workbook; the coherence annex explains the secours gap by the central
# direction; usage and rights errors; a closed year reads the frozen values.
# When the reference-year generator is there, the whole report of a
# generated year (small scale) is written too.
. "$(dirname "$0")/lib.sh"

export PROXIMA_TODAY=2023-02-15
unset PROXIMA_USER PROXIMA_PASSWORD
CALAIS=62193
ARRAS=62041
OUT="$T/rapport"
NNBSP=$(printf '\342\200\257')
NBSP=$(printf '\302\240')

. "$(dirname "$0")/history.sh"
secours "su calais" "$fm" 2022-03-01 200
secours "su arras" "$fp" 2022-05-02 100
secours "su calais 2" "$fm" 2022-07-04 150
secours "su central" "$fm" 2022-06-01 50 central:dsol

for d in 2022-02-01 2022-02-02; do
  run_ok "visit $d" px --as acc act record accueil_physique --site mds:arrageois --date $d \
    --fait motif=information
done
run_ok "pmi 1" px --as puer act record pmi_consultation_enfant --site mds:calaisis \
  --personne "$noe" --date 2022-04-01 --fait professionnel=medecin --fait lieu=centre_pmi
run_ok "pmi 2" px --as puer act record pmi_consultation_enfant --site mds:calaisis \
  --personne "$noe" --date 2022-10-01 --fait professionnel=puericultrice --fait lieu=domicile

# --- usage and rights -----------------------------------------------------------
run_fail "no out" 2 px report --year 2022
expect "no out" "$T/err" "--out manquant"
run_fail "bad format" 2 px report --year 2022 --format pdf --out "$OUT"
expect "bad format" "$T/err" "format inconnu « pdf »"
run_fail "no year" 2 px report --out "$OUT"
run_fail "no right" 7 px --as curieux report --year 2022 --out "$OUT"
expect "no right" "$T/err" "statistiques.lire"
[ -e "$OUT" ] && fail "un refus a créé le dossier de sortie"

# --- every format ---------------------------------------------------------------
run_ok "report" px --as stat report --year 2022 --format tout --out "$OUT"
for f in rapport-2022.html chiffres-cles.csv mds.csv territoires.csv coherence.csv \
  methodologie.csv rapport-2022.xlsx rapport-2022.json; do
  expect "path $f" "$T/out" "$OUT/$f"
  checks=$((checks + 1))
  [ -s "$OUT/$f" ] || fail "$f absent ou vide"
done
ls -a "$OUT" | grep -q '^\.proxima' && fail "fichier temporaire laissé dans $OUT"
H="$OUT/rapport-2022.html"
expect "html lang" "$H" '<html lang="fr">'
expect "html collectivite" "$H" "Département du Pas-de-Calais"
expect "html provisional" "$H" "chiffres provisoires, calculés le 15/02/2023"
# 4 secours granted in the département, one of them by the central direction
expect "html su" "$H" '<a href="#def-su_accordes">Secours d&#39;urgence accordés</a></th><td class="num">4</td>'
expect "html su amount" "$H" "0,0${NBSP}M€"
expect "html definition" "$H" 'id="def-su_accordes"'
expect "html coherence" "$H" "1 décision relève d&#39;un site central"
expect "html footer" "$H" "Accessibilité : partiellement conforme"
checks=$((checks + 1))
[ "$(grep -c '<svg ' "$H")" -ge 5 ] || fail "graphiques absents"
C="$OUT/chiffres-cles.csv"
checks=$((checks + 1))
[ "$(head -c 3 "$C" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "chiffres-cles.csv sans BOM"
expect "csv crlf" "$C" $'section;code;libelle;valeur;unite\r'
expect "csv su" "$C" $'insertion;su_accordes;Secours d\'urgence accordés;4;nombre\r'
expect "csv amount" "$C" $'insertion;su_montant;Secours d\'urgence (montant);500,00;EUR\r'
expect "csv coherence" "$OUT/coherence.csv" "su_accordes;Secours d'urgence accordés;su_accordes;4;3;1;1;0;oui;"
expect "csv mds" "$OUT/mds.csv" "calaisis;MDS du Calaisis;0;0;0;0;2;"
checks=$((checks + 1))
if grep -q "$NNBSP" "$C"; then fail "séparateur de milliers dans chiffres-cles.csv"; fi
checks=$((checks + 1))
if command -v unzip >/dev/null; then
  unzip -p "$OUT/rapport-2022.xlsx" xl/workbook.xml >"$T/wb.xml" 2>/dev/null ||
    fail "classeur illisible"
  for s in "Chiffres clés" MDS Territoires "Cohérence" "Méthodologie"; do
    expect "sheet $s" "$T/wb.xml" "name=\"$s\""
  done
fi
checks=$((checks + 1))
python3 - "$OUT/rapport-2022.json" <<'EOF' || fail "JSON du rapport"
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
assert r["annee"] == 2022 and r["exercice_clos"] is False
su = [p for p in r["coherence"]["paires"] if p["departement_code"] == "su_accordes"][0]
assert su["departement"]["valeur"] == 4 and su["somme_mds"]["valeur"] == 3, su
assert su["ecart_place_lignes"]["valeur"] == 1, su
codes = {d["code"] for d in r["definitions"]}
for s in r["sections"]:
    for g in s["groupes"]:
        for f in g["chiffres"]:
            assert f["code"] in codes, f["code"]
EOF

# --- only one format, into an existing directory --------------------------------------
run_ok "report csv" px report --year 2022 --format csv --out "$T/csv"
checks=$((checks + 1))
[ "$(ls "$T/csv" | wc -l)" = 5 ] || fail "5 fichiers CSV attendus : $(ls "$T/csv")"

# --- a closed year reads the frozen values --------------------------------------------
run_ok "close" px close-year 2022
run_ok "report closed" px report --year 2022 --format html --out "$T/clos"
expect "closed" "$T/clos/rapport-2022.html" "Exercice clos"
expect "closed su" "$T/clos/rapport-2022.html" '<td class="num">4</td>'

# --- a generated reference year, when the generator is there ---------------------------
if "$PROXIMA_BIN" --help 2>/dev/null | grep -q '^  generate'; then
  DB="$T/gen.db"
  run_ok "gen init" px init
  run_ok "generate" px generate --year 2022 --echelle 0.01 --silencieux
  run_ok "report generated" px report --year 2022 --format tout --out "$T/gen"
  expect "generated coherence" "$T/gen/rapport-2022.html" "Définitions comparées : Accords FSL"
  checks=$((checks + 1))
  [ "$(grep -c '^' "$T/gen/coherence.csv")" = 10 ] || fail "9 paires de cohérence attendues"
fi

finish

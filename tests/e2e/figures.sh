# figures.sh: proof that the figures come from events. On a generated year
# (small scale), one secours d'urgence decided through the CLI at the MDS
# du Calaisis must move exactly the figures whose definition counts it:
# su_accordes for the MDS du Calaisis and for the département, by one; its
# payment then moves su_montant and aides_financieres_montant by its amount,
# and nothing else. Every other figure of every indicator stays as it was.
. "$(dirname "$0")/lib.sh"

unset PROXIMA_USER PROXIMA_PASSWORD
CALAIS=62193

# every figure of the year on the mds grid, one "code|zone|value" line each
snapshot() {
  px indicateurs compute --year 2022 --grille mds |
    awk '/^[a-z_0-9]+ : / { code = $1; next }
         /^  / { v = $NF; $NF = ""; sub(/^ +/, ""); sub(/ +$/, ""); print code "|" $0 "|" v }'
}

run_ok "init" px init
run_ok "generate" px generate --year 2022 --echelle 0.01 --silencieux
agent ts travailleur_social mds:calaisis
agent cadre cadre_mds mds:calaisis
agent instr instructeur mds:calaisis

snapshot >"$T/before"
n=$(wc -l <"$T/before")
checks=$((checks + 1))
[ "$n" -gt 500 ] || fail "trop peu de chiffres calculés : $n"

# the family, in the spring of 2022, and the request
export PROXIMA_TODAY=2022-06-30
run_ok "person" px --as ts person add --nom Figuier --prenom Alice --naissance 1980-04-02 \
  --sexe F --commune $CALAIS --adresse "1 rue du Port" --date 2022-05-02
alice=$(cat "$T/out")
run_ok "household" px --as ts household create --libelle "Foyer Figuier" --date 2022-05-02
foyer=$(cat "$T/out")
run_ok "member" px --as ts household add "$foyer" "$alice" --role demandeur --date 2022-05-02
run_ok "open" px --as ts dossier open secours_urgence "$foyer" --personne "$alice" \
  --fait montant_demande=120,00 --fait besoin=energie --date 2022-06-01
d=$(cat "$T/out")
run_ok "instruct" px --as ts dossier instruire "$d" --date 2022-06-02
snapshot >"$T/opened"
checks=$((checks + 1))
cmp -s "$T/before" "$T/opened" || {
  fail "ouvrir et instruire un dossier ne doit changer aucun chiffre"
  diff "$T/before" "$T/opened" >&2
}

run_ok "decide" px --as cadre dossier decider "$d" --decision accord --montant 120,00 --date 2022-06-03
snapshot >"$T/decided"
diff "$T/before" "$T/decided" | sed -n 's/^> //p' | sort >"$T/moved"
checks=$((checks + 1))
[ "$(wc -l <"$T/moved")" -eq 2 ] || { fail "la décision doit changer exactement 2 chiffres"; cat "$T/moved" >&2; }
for zone in "MDS du Calaisis" "Département"; do
  b=$(grep -F "su_accordes|$zone|" "$T/before" | cut -d'|' -f3 | tr -d ' \342\200\257')
  a=$(grep -F "su_accordes|$zone|" "$T/decided" | cut -d'|' -f3 | tr -d ' \342\200\257')
  checks=$((checks + 1))
  [ -n "$b" ] && [ "$a" = "$((b + 1))" ] || fail "su_accordes $zone : $b -> $a (attendu +1)"
done

run_ok "pay" px --as instr dossier payer "$d" --montant 120,00 --date 2022-06-10
snapshot >"$T/paid"
diff "$T/decided" "$T/paid" | sed -n 's/^> //p' | cut -d'|' -f1,2 | sort >"$T/paid.moved"
checks=$((checks + 1))
grep -qv '^\(su_montant\|aides_financieres_montant\)|' "$T/paid.moved" &&
  { fail "le paiement ne doit changer que les montants d'aides"; cat "$T/paid.moved" >&2; }
checks=$((checks + 1))
grep -q '^su_montant|Département' "$T/paid.moved" || fail "su_montant du département inchangé"

finish

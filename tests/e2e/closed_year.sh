# closed_year.sh: a closed year keeps its definitions. A small 2022 history
# is recorded through the CLI and the year closed (a second closing is
# refused); then the dictionary changes in a copy of the data directory
# (--data): su_accordes gets a version 2 with another definition, label
# and measure, the layout another title, su_montant leaves the layout and
# the dictionary, su_accordes_bis enters it. The report of 2022 and
# `indicateurs show/explain/compute --year 2022` still give the values,
# labels, definitions and layout frozen at the closing, flag the
# definitions changed since, and keep doing so once the rows behind the
# figures are purged; an open year reads today's dictionary.
. "$(dirname "$0")/lib.sh"

export PROXIMA_TODAY=2023-02-15
unset PROXIMA_USER PROXIMA_PASSWORD
CALAIS=62193
ARRAS=62041
FLAG="définition modifiée depuis la clôture : version 1 à la clôture, version 2 aujourd'hui"
FLAG_HTML="définition modifiée depuis la clôture : version 1 à la clôture, version 2 aujourd&#39;hui"
FROZEN_DEF="chaque secours comptant une fois, au site qui instruit le dossier"
NEW_DEF="Bénéficiaires distincts d'un secours d'urgence accordé dans la période (nouvelle définition)"

. "$(dirname "$0")/history.sh"
secours "su calais" "$fm" 2022-03-01 200
secours "su calais 2" "$fm" 2022-07-04 150
secours "su arras" "$fp" 2022-05-02 100

# --- closing ---------------------------------------------------------------------
run_ok "close" px close-year 2022
expect "close" "$T/out" "avec leurs définitions et la mise en page du rapport"
run_fail "close twice" 5 px close-year 2022
expect "close twice" "$T/err" "l'année 2022 est déjà close"
expect "close twice" "$T/err" "ne peut pas être close une seconde fois"
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM indicator_definition_document WHERE year = 2022")" = \
  "$(sqlite3 "$DB" "SELECT COUNT(*) FROM indicator_definition WHERE year = 2022")" ] ||
  fail "une définition figée sans son document"
checks=$((checks + 1))
[ "$(sqlite3 "$DB" "SELECT content FROM year_closed_document WHERE year = 2022 \
  AND name = 'rapport/rapport.json'")" = "$(cat "$PROXIMA_SRC/data/rapport/rapport.json")" ] ||
  fail "mise en page non figée"

run_ok "report closed" px report --year 2022 --format tout --out "$T/avant"
H="$T/avant/rapport-2022.html"
expect "closed" "$H" "Exercice clos : les définitions sont celles figées avec les chiffres"
expect "closed su" "$H" '<a href="#def-su_accordes">Secours d&#39;urgence accordés</a></th><td class="num">3</td>'
checks=$((checks + 1))
if grep -q "Depuis la clôture" "$H"; then fail "définition signalée modifiée sans changement"; fi

# --- the dictionary and the layout change after the closing ------------------------
D2="$T/data2"
cp -r "$PROXIMA_SRC/data" "$D2"
python3 - "$D2" "$NEW_DEF" <<'PY' || fail "copie du dictionnaire"
import json, sys
root, new_def = sys.argv[1], sys.argv[2]
p = root + "/indicateurs/insertion.json"
d = json.load(open(p, encoding="utf-8"))
for x in d["indicateurs"]:
    if x["code"] == "su_accordes":
        x.update(version=2, definition=new_def, libelle="Secours (libellé modifié)",
                 mesure="distinct_beneficiaire")
    if x["code"] == "aides_financieres_montant":
        x["somme_de"] = [c for c in x["somme_de"] if c != "su_montant"]
d["indicateurs"] = [x for x in d["indicateurs"] if x["code"] != "su_montant"]
bis = dict(next(x for x in d["indicateurs"] if x["code"] == "su_accordes"), code="su_accordes_bis")
d["indicateurs"].append(bis)
json.dump(d, open(p, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
p = root + "/rapport/rapport.json"
r = json.load(open(p, encoding="utf-8"))
r["titre"] = "Bilan modifié"
def drop(items):
    return [i for i in items if (i if isinstance(i, str) else i["code"]) != "su_montant"]
for s in r["sections"]:
    for g in s["groupes"]:
        g["indicateurs"] = drop(g["indicateurs"])
for g in r["mds"]["groupes"]:
    g["indicateurs"] = drop(g["indicateurs"])
assert "su_montant" not in json.dumps(r), "su_montant still in the layout"
json.dump(r, open(p, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
run_ok "new dictionary loads" px --data "$D2" indicateurs show su_accordes
expect "new dictionary" "$T/out" "$NEW_DEF"
run_fail "su_montant gone" 4 px --data "$D2" indicateurs show su_montant

# the report of the closed year: frozen values, labels, definitions, layout; the flags
run_ok "report after change" px --data "$D2" report --year 2022 --format tout --out "$T/apres"
H="$T/apres/rapport-2022.html"
expect "frozen title" "$H" "<h1>Rapport d&#39;activité 2022</h1>"
expect "frozen label and value" "$H" '<a href="#def-su_accordes">Secours d&#39;urgence accordés</a></th><td class="num">3</td>'
expect "frozen definition" "$H" "$FROZEN_DEF"
expect "flag" "$H" "<dt>Depuis la clôture</dt><dd class=\"modifiee\">$FLAG_HTML</dd>"
expect "removed flagged" "$H" "indicateur retiré du dictionnaire depuis la clôture : version 1"
expect "removed still shown" "$H" 'id="def-su_montant"'
checks=$((checks + 1))
if grep -qF "nouvelle définition" "$H" || grep -qF "libellé modifié" "$H" ||
  grep -qF "Bilan modifié" "$H"; then
  fail "le rapport de l'année close lit le dictionnaire ou la mise en page d'aujourd'hui"
fi
for f in chiffres-cles.csv mds.csv territoires.csv coherence.csv; do
  checks=$((checks + 1))
  cmp -s "$T/avant/$f" "$T/apres/$f" || fail "$f a changé avec le dictionnaire"
done
expect "csv flag" "$T/apres/methodologie.csv" "su_accordes;Secours d'urgence accordés;nombre;1;"
expect "csv flag text" "$T/apres/methodologie.csv" ";$FLAG"$'\r'
checks=$((checks + 1))
python3 - "$T/apres/rapport-2022.json" "$FLAG" <<'PY' || fail "JSON du rapport de l'année close"
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
assert r["exercice_clos"] is True and r["definitions_figees"] is True
d = {x["code"]: x for x in r["definitions"]}
assert d["su_accordes"]["version"] == 1, d["su_accordes"]
assert d["su_accordes"]["modification_depuis_cloture"] == sys.argv[2], d["su_accordes"]
assert "su_montant" in d and d["su_montant"]["modification_depuis_cloture"].startswith(
    "indicateur retiré"), d["su_montant"]
assert d["rsa_allocataires"]["modification_depuis_cloture"] is None
PY

# show and explain read the frozen definition of a closed year
run_ok "show frozen" px --data "$D2" indicateurs show su_accordes --year 2022
expect "show frozen" "$T/out" "Définition figée à la clôture de 2022."
expect "show frozen flag" "$T/out" "Attention : $FLAG."
expect "show frozen text" "$T/out" "$FROZEN_DEF"
expect "show frozen version" "$T/out" "version 1"
run_ok "show removed" px --data "$D2" indicateurs show su_montant --year 2022
expect "show removed" "$T/out" "indicateur retiré du dictionnaire depuis la clôture"
run_fail "show added" 4 px --data "$D2" indicateurs show su_accordes_bis --year 2022
expect "show added" "$T/err" "indicateur « su_accordes_bis » absent des définitions figées à la clôture de 2022"
run_ok "show open year" px --data "$D2" indicateurs show su_accordes --year 2021
expect "show open year" "$T/out" "Année 2021 non close : définition actuelle du dictionnaire."
expect "show open year text" "$T/out" "$NEW_DEF"
run_ok "show json" px --data "$D2" --json indicateurs show su_accordes --year 2022
expect "show json" "$T/out" "\"figee\": true"
expect "show json flag" "$T/out" "\"modification_depuis_cloture\": \"$FLAG\""
run_ok "explain frozen" px --data "$D2" indicateurs explain su_accordes --year 2022
expect "explain frozen" "$T/out" "su_accordes (Secours d'urgence accordés), 2022, departement (département), année : 3"
expect "explain definition" "$T/out" "Définition (figée à la clôture) : "
expect "explain flag" "$T/out" "Attention : $FLAG ; la liste ci-dessous suit la définition d'aujourd'hui."
run_fail "explain removed" 4 px --data "$D2" indicateurs explain su_montant --year 2022
expect "explain removed" "$T/err" "retiré du dictionnaire depuis la clôture de 2022"
run_ok "compute removed" px --data "$D2" indicateurs compute --year 2022 --code su_montant
expect "compute removed" "$T/out" "su_montant : Secours d'urgence (montant)"
run_ok "compute frozen" px --data "$D2" indicateurs compute --year 2022 --code su_accordes
expect "compute frozen" "$T/out" "su_accordes : Secours d'urgence accordés"

# --- the rows behind the figures are purged: nothing moves -------------------------
run_ok "purge" sqlite3 "$DB" "DELETE FROM payment; DELETE FROM decision; \
DELETE FROM dossier_step; DELETE FROM dossier;"
run_ok "report after purge" px --data "$D2" report --year 2022 --format tout --out "$T/purge"
for f in chiffres-cles.csv mds.csv territoires.csv coherence.csv methodologie.csv; do
  checks=$((checks + 1))
  cmp -s "$T/apres/$f" "$T/purge/$f" || fail "$f a changé avec la purge"
done
expect "purge flag" "$T/purge/rapport-2022.html" "$FLAG_HTML"
run_ok "explain after purge" px --data "$D2" indicateurs explain su_accordes --year 2022
expect "explain after purge" "$T/out" "année : 3"
expect "explain after purge" "$T/out" "0 dossiers ou actes derrière ce chiffre"

finish

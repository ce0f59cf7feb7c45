# report_web.sh: `proxima report` and the web pages build one report model
# (report_model_for_year). On the small 2022 history of report.sh, served by
# a real `proxima serve`: /rapport/document is byte for byte the
# rapport-2022.html that the CLI writes, and the MDS table of /rapport shows
# the figures of the CLI's mds.csv; the same once the year is closed, after
# a secours recorded late in 2022 that neither counts any more.
. "$(dirname "$0")/lib.sh"

export PROXIMA_TODAY=2023-02-15
unset PROXIMA_USER PROXIMA_PASSWORD
CALAIS=62193
ARRAS=62041

if ! command -v curl >/dev/null; then
  echo "curl absent : test ignoré"
  exit 77
fi

. "$(dirname "$0")/history.sh"
secours "su calais" "$fm" 2022-03-01 200
secours "su arras" "$fp" 2022-05-02 100
secours "su central" "$fm" 2022-06-01 50 central:dsol
run_ok "pmi" px --as puer act record pmi_consultation_enfant --site mds:calaisis \
  --personne "$noe" --date 2022-04-01 --fait professionnel=medecin --fait lieu=centre_pmi

serve
checks=$((checks + 1))
[ "$(curl -s -o /dev/null -w '%{http_code}' -c "$T/jar" -H 'Content-Type: application/json' \
  --data-binary "{\"identifiant\": \"cadre\", \"mot_de_passe\": \"$PW\"}" "$B/api/session")" = 201 ] ||
  fail "connexion de cadre"

# get NAME PATH FILE: the page, answered 200, into FILE
get() {
  checks=$((checks + 1))
  local status
  status=$(curl -s -b "$T/jar" -o "$3" -w '%{http_code}' "$B$2")
  [ "$status" = 200 ] || { fail "$1 : statut $status, attendu 200"; sed 's/^/    /' "$3" >&2; }
}

# same_report NAME DIR: the pages of 2022 against the CLI's files in DIR
same_report() {
  get "$1 document" "/rapport/document?annee=2022" "$T/document.html"
  checks=$((checks + 1))
  cmp -s "$2/rapport-2022.html" "$T/document.html" ||
    { fail "$1 : /rapport/document diffère du rapport-2022.html de la ligne de commande"
      diff "$2/rapport-2022.html" "$T/document.html" | head -20 >&2; }
  get "$1 page" "/rapport?annee=2022" "$T/page.html"
  checks=$((checks + 1))
  python3 - "$2/mds.csv" "$T/page.html" <<'EOF' || fail "$1 : le tableau par MDS de /rapport diffère de mds.csv"
import csv, html, re, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig"), delimiter=";"))
codes, areas = rows[0][2:], [r[0] for r in rows[1:]]
want = {(c, r[0]): r[2 + i] for r in rows[1:] for i, c in enumerate(codes)}
page = open(sys.argv[2], encoding="utf-8").read()
got = {}
for code, cells in re.findall(r'<tr data-indicateur="([^"]+)"><th scope="row">.*?</th>(.*?)</tr>', page):
    texts = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", cells)]
    assert len(texts) == len(areas) + 1, (code, texts)
    for a, t in zip(areas, texts):
        got[(code, a)] = t.replace("\u202f", "").replace("\u00a0", "")
assert set(got) == set(want), sorted(set(got) ^ set(want))[:5]
bad = [(k, got[k], want[k]) for k in want if got[k] != want[k]]
assert not bad, bad[:5]
assert want[("su_accordes", "calaisis")] == "1" and want[("su_accordes", "arrageois")] == "1", want
EOF
}

# --- the open year: computed by both ------------------------------------------------
run_ok "report open" px report --year 2022 --format tout --out "$T/ouvert"
same_report "ouverte" "$T/ouvert"
expect "open page" "$T/page.html" "Année ouverte : les valeurs sont calculées"

# --- the closed year: frozen for both, whatever is recorded later ------------------
run_ok "close" px close-year 2022
secours "su late" "$fm" 2022-11-02 80
run_ok "report closed" px report --year 2022 --format tout --out "$T/clos"
same_report "close" "$T/clos"
expect "closed page" "$T/page.html" "Année close : les valeurs sont figées."
expect "closed document" "$T/document.html" "Exercice clos"
checks=$((checks + 1))
cmp -s "$T/ouvert/mds.csv" "$T/clos/mds.csv" || fail "les chiffres figés ont changé après la clôture"

finish

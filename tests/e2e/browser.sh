# browser.sh: the agents' HTML pages in Debian's Chromium (tests/browser/run.mjs,
# playwright-core and axe-core). A real `proxima serve` on a free port over a
# real database: init, three agents of the MDS du Calaisis (travailleur
# social, cadre, instructeur), a person living in Calais with her household
# and an insertion act, a commission session with two instructed dossiers on
# its agenda, and the data officer (dpd, delegue_protection_donnees on the
# whole département).
# Skipped (77) when chromium, node or the npm packages are not available.
. "$(dirname "$0")/lib.sh"

export PROXIMA_TODAY=2026-03-16
unset PROXIMA_USER PROXIMA_PASSWORD
CALAIS=62193
BROWSER_DIR="$PROXIMA_SRC/tests/browser"

if [ ! -x /usr/bin/chromium ] || ! command -v node >/dev/null; then
  echo "chromium ou node absent : test ignoré (scripts/install-deps.sh)"
  exit 77
fi
if ! "$BROWSER_DIR/setup.sh" >"$T/npm.log" 2>&1; then
  echo "npm ci impossible dans tests/browser : test ignoré"; cat "$T/npm.log"
  exit 77
fi

run_ok "init" px init
agent ts travailleur_social mds:calaisis "Camille Martin"
agent cadre cadre_mds mds:calaisis "Dominique Leroy"
agent instr instructeur mds:calaisis "Sacha Petit"
run_ok "person" px --as ts person add --nom Lefèvre --prenom Hélène --naissance 1979-07-12 --sexe F \
  --commune $CALAIS --adresse "12 rue Royale" --date 2026-01-05
person=$(cat "$T/out")
run_ok "household" px --as ts household create --libelle "Foyer Lefèvre" --date 2026-01-05
foyer=$(cat "$T/out")
run_ok "member" px --as ts household add "$foyer" "$person" --role demandeur --date 2026-01-05
agent dpd delegue_protection_donnees departement:62 "Claude Bernard"
run_ok "act" px --as ts act record action_insertion --personne "$person" --date 2026-02-10 \
  --fait "action=Atelier mobilité"

# --- a commission session with two dossiers on its agenda ---
run_ok "AFP" px --as ts dossier open aide_financiere_personnalisee "$foyer" --personne "$person" \
  --fait montant_demande=350 --fait objet=energie --date 2026-03-02
afp=$(cat "$T/out")
run_ok "CPC" px --as ts dossier open coup_de_pouce_competence "$person" --fait montant_demande=2000 \
  --fait beneficiaire_rsa=vrai --fait "formation=CACES R489" --date 2026-03-02
cpc=$(cat "$T/out")
for d in "$afp" "$cpc"; do
  run_ok "instruct $d" px --as ts dossier instruire "$d" --date 2026-03-05
done
run_ok "session" px --as instr commission create --commission "Commission insertion du Calaisis" \
  --date 2026-03-16 --president "Mme Blandine Drain" --site mds:calaisis
seance=$(cat "$T/out")
run_ok "schedule" px --as instr commission schedule "$seance" "$afp" "$cpc"

serve

checks=$((checks + 1))
SHOTS=${PROXIMA_SHOTS:-$T/shots}
if ! BASE_URL=$B PASSWORD=$PW PERSON_NAME=lefevre PERSON_ID=$person SEANCE=$seance \
  DOSSIERS="$afp $cpc" SHOTS=$SHOTS node "$BROWSER_DIR/run.mjs" >"$T/run.log" 2>&1; then
  fail "tests dans le navigateur"
  sed 's/^/    /' "$T/run.log" >&2
  sed 's/^/    server: /' "$T/server.log" | tail -20 >&2
else
  tail -1 "$T/run.log"
fi
stop_server
finish

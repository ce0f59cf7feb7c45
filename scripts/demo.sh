#!/usr/bin/env bash
# demo.sh: what `make demo` runs once proxima is built. On the embedded SQLite
# database var/proxima.db: the Pas-de-Calais referential, the reference year
# 2022 generated through the engine's own operations, the check against the
# published report, the activity report in every format, demo agents (one
# per role, passwords printed once, when they are created), then the server.
set -euo pipefail
cd "$(dirname "$0")/.."

PROXIMA=${PROXIMA:-build/src/cli/proxima}
DB=${DB:-var/proxima.db}
REF=${REF:-../shared/reference}
PORT=${PORT:-8062}
px() { "$PROXIMA" --db "$DB" "$@"; }

mkdir -p var
px init
if [ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM dossier" 2>/dev/null || echo 0)" = 0 ]; then
  echo "Génération de l'année de référence 2022 (environ une à deux minutes)..."
  px generate --year 2022 --reference "$REF"
fi
echo
echo "Contrôle des chiffres calculés contre le rapport publié ($REF) :"
px check --year 2022 --against "$REF" | tail -n 1 || true
echo
px report --year 2022 --format tout --out var/rapport-2022

# one demo agent per role, created once; the passwords are printed only then
accounts=(
  "accueil.calaisis|Agent d'accueil, MDS du Calaisis|accueil|mds:calaisis"
  "ts.calaisis|Travailleur social, MDS du Calaisis|travailleur_social|mds:calaisis"
  "instructeur.calaisis|Instructeur, MDS du Calaisis|instructeur|mds:calaisis"
  "cadre.calaisis|Cadre de la MDS du Calaisis|cadre_mds|mds:calaisis"
  "referent.rsa|Référent RSA, MDS du Calaisis|referent_rsa|mds:calaisis"
  "evaluateur.apa|Évaluateur APA/PCH, MDS du Calaisis|evaluateur_apa_pch|mds:calaisis"
  "pmi.calaisis|Puéricultrice de PMI, MDS du Calaisis|puericultrice_pmi|mds:calaisis"
  "medecin.pmi|Médecin de PMI, MDS du Calaisis|medecin_pmi|mds:calaisis"
  "elu.commission|Élu présidant les commissions|elu|departement:62"
  "statistiques|Chargé d'études statistiques|statistiques|departement:62"
  "dpd|Délégué à la protection des données|delegue_protection_donnees|departement:62"
  "admin|Administrateur|administrateur|departement:62"
)
created=()
for a in "${accounts[@]}"; do
  IFS='|' read -r login name role site <<<"$a"
  if [ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM users WHERE login = '$login'")" = 0 ]; then
    pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=' | cut -c1-16)
    PROXIMA_PASSWORD="$pw" px user add "$login" --nom "$name" >/dev/null
    px user grant "$login" "$role" "$site" >/dev/null
    created+=("$(printf '  %-22s %-16s %s' "$login" "$pw" "$role sur $site")")
  fi
done
echo
if [ ${#created[@]} -gt 0 ]; then
  echo "Comptes de démonstration (mots de passe affichés une seule fois) :"
  printf '%s\n' "${created[@]}"
else
  echo "Comptes de démonstration déjà créés : proxima --db $DB user list"
fi
echo
echo "Rapport d'activité 2022 : var/rapport-2022/ (rapport.html, CSV, XLSX, JSON)"
# The demo plays the reference year: the server's civil date is 31/12/2022,
# so that the home page shows 2022's figures and what an agent records in
# the browser joins that year (PROXIMA_TODAY=AAAA-MM-JJ make demo to change).
export PROXIMA_TODAY=${PROXIMA_TODAY:-2022-12-31}
echo "Date du jour simulée par le serveur : $PROXIMA_TODAY (année de référence)"
echo "Serveur : http://127.0.0.1:$PORT/ (Ctrl-C pour arrêter)"
exec "$PROXIMA" --db "$DB" serve --adresse 127.0.0.1 --port "$PORT"

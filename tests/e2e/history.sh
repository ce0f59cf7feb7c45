# history.sh: the small 2022 history that check.sh and report.sh record
# through the CLI before they look at its figures: agents with département
# grants (and one reception agent of the MDS de l'Arrageois), Marie Dupont
# and her son Noé in Calais, Paul Martin in Arras, their households, and
# secours(), a secours d'urgence opened, instructed, granted and paid the
# same day (its id in $T/last). Sourced after lib.sh; needs CALAIS and ARRAS.
run_ok "init" px init
agent ts travailleur_social departement:62
agent instr instructeur departement:62
agent cadre cadre_mds departement:62
agent acc accueil departement:62
agent puer puericultrice_pmi departement:62
agent stat statistiques departement:62
agent curieux accueil mds:arrageois
TS() { px --as ts "$@"; }
INSTR() { px --as instr "$@"; }
CADRE() { px --as cadre "$@"; }

# --- the history -------------------------------------------------------------
run_ok "marie" TS person add --nom Dupont --prenom Marie --naissance 1985-02-03 --sexe F \
  --commune $CALAIS --adresse "3 rue de la Paix" --date 2022-01-03
marie=$(cat "$T/out")
run_ok "paul" TS person add --nom Martin --prenom Paul --naissance 1979-06-01 --sexe M \
  --commune $ARRAS --adresse "1 place des Héros" --date 2022-01-03
paul=$(cat "$T/out")
run_ok "noe" TS person add --nom Dupont --prenom Noé --naissance 2021-01-10 --sexe M \
  --commune $CALAIS --adresse "3 rue de la Paix" --date 2022-01-03
noe=$(cat "$T/out")
run_ok "foyer marie" TS household create --libelle "Foyer Dupont" --date 2022-01-03
fm=$(cat "$T/out")
run_ok "demandeur marie" TS household add "$fm" "$marie" --role demandeur --date 2022-01-03
run_ok "foyer paul" TS household create --libelle "Foyer Martin" --date 2022-01-03
fp=$(cat "$T/out")
run_ok "demandeur paul" TS household add "$fp" "$paul" --role demandeur --date 2022-01-03

# secours(NAME FOYER DATE AMOUNT [SITE]): opened, instructed, granted, paid the same day
secours() {
  local name=$1 foyer=$2 date=$3 amount=$4 site=${5:-} d
  if [ -n "$site" ]; then
    run_ok "$name open" TS dossier open secours_urgence "$foyer" --site "$site" \
      --fait montant_demande=300 --fait besoin=alimentation --date "$date"
  else
    run_ok "$name open" TS dossier open secours_urgence "$foyer" \
      --fait montant_demande=300 --fait besoin=alimentation --date "$date"
  fi
  d=$(cat "$T/out")
  run_ok "$name instruct" TS dossier instruire "$d" --date "$date"
  run_ok "$name decide" CADRE dossier decider "$d" --decision accord --montant "$amount" --date "$date"
  run_ok "$name pay" INSTR dossier payer "$d" --montant "$amount" --date "$date"
  echo "$d" >"$T/last"
}

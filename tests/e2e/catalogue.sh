# catalogue.sh: `proxima catalogue check|list|show` on the shipped catalogue
# (no database needed), and broken copies of it refused with exit status 3
# and a message naming the file, the object, the field and the value.
. "$(dirname "$0")/lib.sh"

# expect_not NAME FILE PATTERN: FILE must not contain the fixed string PATTERN.
expect_not() {
  checks=$((checks + 1))
  if grep -qF -- "$3" "$2"; then
    fail "$1: « $3 » présent dans $(basename "$2")"
  fi
}

run_ok "check" px catalogue check
expect_re "check" "$T/out" "^catalogue valide : [0-9]+ dispositifs, [0-9]+ workflows, 12 rôles$"
[ ! -e "$DB" ] || fail "catalogue check ne doit pas créer de base"

run_ok "check json" px --json catalogue check
expect "check json" "$T/out" '"valide": true'
expect "check json" "$T/out" '"roles": 12'

run_ok "list" px catalogue list
expect_re "list header" "$T/out" "^Code +Politique +Nature +Classe +Site +Commission +Workflow +Libellé$"
expect_re "list su" "$T/out" "^secours_urgence +insertion +dossier +social +mds_residence +non +secours +Secours d'urgence$"
expect_re "list fsl" "$T/out" "^fsl +logement +dossier +social +mds_residence +oui +aide_commission "
expect_re "list rsa" "$T/out" "^rsa_droit +insertion +dossier +social +mds_residence +non +droit_importe "
expect_re "list aemo" "$T/out" "^aemo +enfance +mesure +protection_enfance +mds_residence +non +mesure "
expect_re "list pmi act" "$T/out" "^pmi_bilan_maternelle +pmi +acte +sante +site_agent +non +- "
expect_re "list accueil" "$T/out" "^accueil_telephonique +accueil +acte +aucune +site_agent +non +- "
expect_re "list apa" "$T/out" "^apa_domicile +autonomie +dossier +social +mds_residence +non +prestation "
expect_re "list total" "$T/out" "^[0-9]+ dispositifs$"

run_ok "list enfance" px catalogue list --politique enfance
expect "list enfance" "$T/out" "afase"
expect "list enfance" "$T/out" "ase_accueil"
expect_not "list enfance" "$T/out" "secours_urgence"
expect "list enfance" "$T/out" "8 dispositifs"

run_ok "list json" px --json catalogue list --politique=jeunesse
expect "list json" "$T/out" '"code": "permis_citoyen"'
expect "list json" "$T/out" '"pacte": "reussites_citoyennes"'
expect_not "list json" "$T/out" '"code": "afase"'

run_fail "list unknown policy" 4 px catalogue list --politique culture
expect "list unknown policy" "$T/err" "aucun dispositif pour la politique « culture »"
expect "list unknown policy" "$T/err" "insertion"

run_ok "show su" env PROXIMA_TODAY=2022-06-15 "$PROXIMA_BIN" catalogue show secours_urgence
expect "show su" "$T/out" "Secours d'urgence (secours_urgence)"
expect "show su" "$T/out" "Paramètres en vigueur au 15/06/2022"
expect "show su" "$T/out" "plafond = 350,00"
expect "show su" "$T/out" "référence : RDAS du Pas-de-Calais"
expect "show su" "$T/out" "montant_demande <= param.plafond"
expect "show su" "$T/out" "min(montant_demande, param.plafond)"
expect "show su" "$T/out" "Workflow secours :"
expect_re "show su decider" "$T/out" "decider +instruit, ajourne -> accord : accorde ; refus : refuse"
expect "show su roles" "$T/out" "rôles : travailleur_social, cadre_mds"
expect_re "show su appeal" "$T/out" "decider +recours -> accord : accorde ; refus : refuse ; sans_suite"
expect "show su" "$T/out" "Site           mds_residence : MDS compétente"

run_ok "show aide menagere before" px catalogue show aide_menagere --date 2022-06-30
expect "ASPA April 2022" "$T/out" "plafond_ressources = 916,78"
expect "ASPA April 2022" "$T/out" "depuis le 01/04/2022"
run_ok "show aide menagere after" px catalogue show aide_menagere --date 01/07/2022
expect "ASPA July 2022" "$T/out" "plafond_ressources = 953,45"
expect "ASPA July 2022" "$T/out" "loi n° 2022-1158"
run_ok "show apa 2018" px catalogue show apa_domicile --date 2018-06-01
expect "no value yet" "$T/out" "plafond_gir1 : aucune valeur en vigueur (première valeur le 01/01/2019)"
expect "APA age" "$T/out" "age_minimum = 60"
expect "APA age ref" "$T/out" "CASF art. L. 232-1"

run_ok "show act" px catalogue show accueil_physique
expect "show act" "$T/out" "Workflow       aucun (acte)"
expect "show act" "$T/out" "choix : rsa_insertion « RSA et insertion »"
run_ok "show fsl" px catalogue show fsl
expect "choice label" "$T/out" "acces_non_identifie « Accès au logement (non identifié, recevable) »"
expect "condition label" "$T/out" "1. Montant demandé positif (sauf accès à un logement non encore identifié)"
expect "condition rule" "$T/out" "règle : volet = \"acces_non_identifie\" ou montant_demande > 0 €"

run_ok "show json" px --json catalogue show fsl --date 2022-12-31
expect "show json" "$T/out" '"code": "fsl"'
expect "show json" "$T/out" '"date_parametres": "2022-12-31"'
expect "show json" "$T/out" '"en_vigueur": {'
expect "show json" "$T/out" '"valeur": "500.00"'
expect "show json" "$T/out" '"operation": "inscrire_commission"'
expect "show json" "$T/out" '"accord": "accorde"'

run_fail "show unknown" 4 px catalogue show zzz
expect "show unknown" "$T/err" "dispositif inconnu : « zzz »"
run_fail "show no code" 2 px catalogue show
run_fail "show bad date" 3 px catalogue show fsl --date 2022-02-30
run_fail "no subcommand" 2 px catalogue
run_fail "bad subcommand" 2 px catalogue verify
expect "bad subcommand" "$T/err" "sous-commande inconnue : verify"

# ---- broken copies of the catalogue ----
broken() { # broken FILE FROM TO: a fresh copy where FILE's first FROM becomes TO
  rm -rf "$T/data"
  mkdir -p "$T/data"
  cp -r "$PROXIMA_SRC/data/catalogue" "$T/data/"
  FROM=$2 TO=$3 perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/' "$T/data/catalogue/$1"
  cmp -s "$PROXIMA_SRC/data/catalogue/$1" "$T/data/catalogue/$1" && fail "broken $1: « $2 » introuvable"
}

broken insertion.json '"libelle": "Secours d'\''urgence"' '"libele": "Secours d'\''urgence"'
run_fail "typo key" 3 px --data "$T/data" catalogue check
expect "typo key" "$T/err" "insertion.json : dispositif « secours_urgence », champ « libele » : clé inconnue « libele »"
run_fail "typo key list" 3 px --data "$T/data" catalogue list

broken workflows.json '"roles": ["cadre_mds"]}' '"roles": ["cadre_mdss"]}'
run_fail "unknown role" 3 px --data "$T/data" catalogue check
expect "unknown role" "$T/err" "workflows.json : workflow « aide », champ « transitions["
expect "unknown role" "$T/err" "rôle inconnu « cadre_mdss »"

broken autonomie.json 'gir <= param.gir_maximum' 'gir <= param.gir_maximun'
run_fail "rule typo" 3 px --data "$T/data" catalogue check
expect "rule typo" "$T/err" "autonomie.json : dispositif « apa_domicile », champ « eligibilite[2].regle »"
expect "rule typo" "$T/err" "param.gir_maximun"

broken autonomie.json '"valeur": "916.78"' '"valeur": 916.78'
run_fail "money as number" 3 px --data "$T/data" catalogue check
expect "money as number" "$T/err" "champ « parametres.plafond_ressources.valeurs[2].valeur » : montant en euros attendu"

broken autonomie.json '"depuis": "2022-07-01"' '"depuis": "2022-03-01"'
run_fail "params out of order" 3 px --data "$T/data" catalogue check
expect "params out of order" "$T/err" "aide_menagere"
expect "params out of order" "$T/err" "« 2022-03-01 » qui ne suit pas celle de la valeur précédente (2022-04-01)"

broken pmi.json '"site": "site_agent",' '"site": "site_agent", "workflow": "aide",'
run_fail "act with workflow" 3 px --data "$T/data" catalogue check
expect "act with workflow" "$T/err" "pmi.json : dispositif « pmi_consultation_enfant », champ « workflow » : un acte n'a pas de workflow, reçu « aide »"

broken enfance.json '"classe": "protection_enfance"' '"classe": "protection_enfant"'
run_fail "unknown class" 3 px --data "$T/data" catalogue check
expect "unknown class" "$T/err" "enfance.json : dispositif « afase », champ « classe » : valeur inconnue « protection_enfant »"

rm -rf "$T/data/catalogue"
run_fail "no catalogue" 9 px --data "$T/data" catalogue check
expect "no catalogue" "$T/err" "répertoire du catalogue illisible"

finish

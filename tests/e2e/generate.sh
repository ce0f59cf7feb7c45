# generate.sh: the reference-year generator end to end. The reference tables
# are scaled by one half here (counts and amounts rounded half away from
# zero; shares unchanged; the agents and ETP of the MDS are facts of the
# referential, not generated: they keep their value; the two figures that
# are sums of others are the sums of the scaled parts), the year is
# generated with --echelle 0.5 and another seed than the default, and
# `proxima check` must find every figure. A figure the generator reports as
# not generated (a dispositif or a parameter missing from the catalogue)
# fails the test.
. "$(dirname "$0")/lib.sh"

unset PROXIMA_USER PROXIMA_PASSWORD PROXIMA_TODAY
REF="$PROXIMA_SRC/../shared/reference"
HALF="$T/half"
mkdir -p "$HALF"

# --- the scaled reference tables ------------------------------------------------
awk -F, -v OFS=, '
  { sub(/\r$/, "") }
  NR == 1 { for (i = 1; i <= NF; i++) name[i] = $i; print; next }
  { for (i = 3; i <= NF; i++) if (name[i] != "agents" && name[i] != "etp") $i = int($i * 0.5 + 0.5)
    print }' "$REF/mds-2022.csv" >"$HALF/mds-2022.csv"
awk -F, -v OFS=, '
  function half(v) { return int(v * 0.5 + 0.5) }
  { sub(/\r$/, "") }
  NR == FNR { if ($5 == "nombre" || $5 == "EUR") v[$2] = half($4); next }
  FNR == 1 { print; next }
  { if ($2 == "demandes_prestation_instruites")
      $4 = v["demandes_apa_domicile"] + v["cartes_mobilite_inclusion"] + \
           v["demandes_apa_etablissement_hors_departement"] + v["demandes_ash"] + \
           v["demandes_aide_menagere_restauration"] + \
           v["demandes_accueil_jour_hebergement_temporaire"]
    else if ($2 == "aides_financieres_montant")
      $4 = v["su_montant"] + v["afp_montant"] + v["faj_montant"] + v["cpc_montant"]
    else if ($5 == "nombre" || $5 == "EUR")
      $4 = half($4)
    print }' "$REF/departement-2022.csv" "$REF/departement-2022.csv" >"$HALF/departement-2022.csv"
grep -q '^ternois,MDS du Ternois,497,.*,49,46.23$' "$HALF/mds-2022.csv" ||
  fail "table des MDS mal réduite"
grep -q ',foyers_rsa,Foyers RSA,24069,' "$HALF/departement-2022.csv" ||
  fail "table du département mal réduite"

# --- refusals ---------------------------------------------------------------------
run_ok "init" px init
run_fail "sans année" 2 px generate
expect "sans année" "$T/err" "--year"
run_fail "échelle invalide" 2 px generate --year 2022 --echelle 0,1234567
expect "échelle invalide" "$T/err" "échelle invalide"
run_fail "agent" 2 px --as quelquun generate --year 2022
expect "agent" "$T/err" "système"
run_fail "tables absentes" 9 px generate --year 2022 --reference "$T/nulle-part"
expect "tables absentes" "$T/err" "mds-2022.csv"

# --- the half year --------------------------------------------------------------------
run_ok "génération" px generate --year 2022 --seed 4242 --echelle 0.5 --reference "$REF" \
  --silencieux
cp "$T/out" "$T/gen.out"
expect "résumé" "$T/gen.out" "Année 2022 générée (graine 4242)"
expect_re "événements" "$T/gen.out" "événements en [0-9]+,[0-9] s"
skipped=$(sed -n 's/^  - \([a-z_0-9]*\) : .*/\1/p' "$T/gen.out" | tr '\n' ' ')
checks=$((checks + 1))
for code in $skipped; do
  fail "chiffre non généré (voir generate) : $code"
done
last=$(sqlite3 "$DB" "SELECT MAX(seq) FROM journal")

# a database with case events is refused, and nothing is written
run_fail "base déjà remplie" 5 px generate --year 2022 --echelle 0.5 --silencieux
expect "base déjà remplie" "$T/err" "contient déjà"
[ "$(sqlite3 "$DB" "SELECT MAX(seq) FROM journal")" = "$last" ] ||
  fail "la génération refusée a écrit dans le journal"

# the journal's chain holds
run_ok "journal" px journal verify

# --- every generated figure against the scaled tables ---------------------------------
checks=$((checks + 1))
px check --year 2022 --against "$HALF" >"$T/check.out" 2>&1
grep -q "chiffres conformes" "$T/check.out" || {
  fail "check n'a pas abouti"
  tail -5 "$T/check.out" >&2
}
while read -r zone code rest; do
  checks=$((checks + 1))
  case " $skipped " in
  *" $code "*) ;;
  *) fail "écart : $zone $code $rest" ;;
  esac
done < <(grep 'ÉCART$' "$T/check.out")
tail -1 "$T/check.out"

finish

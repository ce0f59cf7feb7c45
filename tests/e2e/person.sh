# person.sh: persons and households through the CLI, for agents of the MDS
# du Calaisis and du Ternois. A person is added once: a second add of the
# same identity is refused with the other id, under each matching rule;
# `person match` finds people by NIR, internal id, CAF number and role, and
# name + birth date; a move changes the competent MDS (and so who may read
# the file); search ignores accents and case and stays within the agent's
# sites; households gain and lose members. Every refusal writes nothing.
. "$(dirname "$0")/lib.sh"

export PROXIMA_TODAY=2026-03-16
unset PROXIMA_USER PROXIMA_PASSWORD
CALAIS=62193
MARCK=62548
SAINT_POL=62767

# agent LOGIN ROLE SITE: an agent with one grant
unchanged() { # NAME DIGEST
  checks=$((checks + 1))
  [ "$2" = "$(db_digest)" ] || fail "$1 : la base a été modifiée"
}
# data_digest: every table but the access log, which records refusals by design
data_digest() {
  local t
  for t in $(sqlite3 "$DB" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'access_log%' ORDER BY name"); do
    echo "== $t"; sqlite3 "$DB" "SELECT * FROM \"$t\""
  done | sha256sum | cut -d' ' -f1
}
refusals() { sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE action = 'refus'"; }
# refused NAME DATA_DIGEST REFUSALS_BEFORE: no data written, one more refusal logged
refused() {
  checks=$((checks + 1))
  [ "$2" = "$(data_digest)" ] || fail "$1 : des données ont été écrites"
  [ "$(refusals)" = "$(($3 + 1))" ] || fail "$1 : refus non journalisé ($(refusals) refus)"
}
# id NAME: the only line of $T/out must be an identifier
id_of() {
  local v
  v=$(cat "$T/out")
  case "$v" in [PFODVAS][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) echo "$v" ;;
  *) fail "$1 : identifiant attendu, obtenu « $v »"; echo "?" ;; esac
}

run_ok "init" px init
agent ts.calais travailleur_social mds:calaisis
agent ts.ternois travailleur_social mds:ternois
agent acc.calais accueil mds:calaisis
C() { px --as ts.calais "$@"; }
TN() { px --as ts.ternois "$@"; }

# --- add ---
run_ok "add" C person add --nom Dupont --prenom Marie --naissance 1985-02-03 --sexe F \
  --date 2026-01-05 --nir 285026219300139 --commune $CALAIS --adresse "3 rue de la Paix" --telephone "03 21 00 00 00"
marie=$(id_of "add")
[ "$marie" = P0000001 ] || fail "premier identifiant : $marie"
run_ok "add json" px --json --as ts.calais person add --nom Lefèvre --prenom Hélène \
  --naissance 12/07/1979 --sexe F --commune $MARCK --identifiant-interne IODAS-4521 \
  --date 05/01/2026
expect "add json" "$T/out" '"id": "P0000002"'
helene=P0000002
run_ok "add caf" C person add --nom Benali --prenom Karim --naissance 1990-11-30 --sexe M \
  --caf 7654321 --role-caf demandeur --commune $CALAIS --date 2026-01-05
karim=$(id_of "add caf")

# --- duplicates, one per rule, and nothing written ---
before=$(db_digest)
run_fail "same NIR" 5 C person add --nom Autre --prenom Nom --naissance 1985-02-03 --sexe F \
  --nir 285026219300139 --commune $CALAIS
expect "same NIR" "$T/err" "cette personne existe déjà : $marie (même NIR)"
run_fail "same internal id" 5 C person add --nom Lefevre --prenom Helene2 --naissance 1979-07-12 \
  --sexe F --identifiant-interne IODAS-4521 --commune $MARCK
expect "same internal id" "$T/err" "existe déjà : $helene (même identifiant interne)"
run_fail "same CAF number and role" 5 C person add --nom Benali --prenom K. \
  --naissance 1990-11-30 --sexe M --caf 7654321 --role-caf demandeur --commune $CALAIS
expect "same CAF" "$T/err" "existe déjà : $karim (même numéro CAF et rôle)"
run_fail "same name and birth date" 5 C person add --nom DUPONT --prenom marie \
  --naissance 03/02/1985 --sexe F --commune $CALAIS
expect "same name" "$T/err" "existe déjà : $marie (même nom, prénom et date de naissance)"
expect "same name hint" "$T/err" "--homonyme"
unchanged "duplicates" "$before"

# --- bad input, nothing written ---
run_fail "missing sex" 2 C person add --nom X --prenom Y --naissance 1980-01-01
expect "missing sex" "$T/err" "--sexe"
run_fail "bad NIR key" 3 C person add --nom Durand --prenom Luc --naissance 1985-02-03 --sexe M \
  --nir 185026219300112 --commune $CALAIS
expect "bad NIR key" "$T/err" "NIR"
run_fail "birth after today" 3 C person add --nom Futur --prenom Bébé --naissance 2026-04-01 \
  --sexe F --commune $CALAIS
expect "birth after today" "$T/err" "01/04/2026"
run_fail "bad date" 3 C person add --nom Durand --prenom Luc --naissance 1985-02-30 --sexe M
expect "bad date" "$T/err" "1985-02-30"
run_fail "unknown commune" 4 C person add --nom Durand --prenom Luc --naissance 1985-02-03 \
  --sexe M --commune 99999
expect "unknown commune" "$T/err" "99999"
run_fail "no agent" 2 px person add --nom Durand --prenom Luc --naissance 1985-02-03 --sexe M
expect "no agent" "$T/err" "--as IDENTIFIANT"
expect "no agent" "$T/err" "PROXIMA_USER"
run_fail "unknown agent" 6 px --as inconnu person show P0000001
expect "unknown agent" "$T/err" "agent inconnu : « inconnu »"
unchanged "bad input" "$before"
data=$(data_digest); nref=$(refusals)
run_fail "Ternois agent adds a Calais person" 7 TN person add --nom Durand --prenom Luc \
  --naissance 1985-02-03 --sexe M --commune $CALAIS
refused "Ternois agent adds a Calais person" "$data" "$nref"

# a homonym is allowed on purpose
run_ok "homonym" C person add --nom Dupont --prenom Marie --naissance 1985-02-03 --sexe F \
  --commune $MARCK --homonyme
homonym=$(id_of "homonym")

# --- match, by each rule ---
run_ok "match NIR" C person match --nom X --prenom Y --naissance 2000-01-01 --sexe F \
  --nir "2 85 02 62 193 001 39"
expect "match NIR" "$T/out" "$marie (règle : NIR)"
run_ok "match internal id" C person match --nom X --prenom Y --naissance 2000-01-01 \
  --identifiant-interne IODAS-4521
expect "match internal id" "$T/out" "$helene (règle : identifiant interne)"
run_ok "match CAF" C person match --nom X --prenom Y --naissance 2000-01-01 --caf 7654321 \
  --role-caf demandeur
expect "match CAF" "$T/out" "$karim (règle : numéro CAF et rôle)"
run_ok "match name" C person match --nom "LEFEVRE" --prenom "helene" --naissance 1979-07-12
expect "match name" "$T/out" "$helene (règle : nom, prénom et date de naissance)"
run_ok "match json" px --json --as ts.calais person match --nom Benali --prenom Karim \
  --naissance 1990-11-30
expect "match json" "$T/out" "\"id\": \"$karim\""
run_fail "match none" 4 C person match --nom Personne --prenom Inconnue --naissance 1970-01-01
expect "match none" "$T/err" "aucune personne ne correspond"

# --- show: identity, competent MDS, read logged ---
run_ok "show" C person show "$marie"
expect "show" "$T/out" "Personne $marie : Dupont Marie"
expect "show" "$T/out" "Née le"
expect "show" "$T/out" "3 rue de la Paix, Calais ($CALAIS)"
expect "show" "$T/out" "MDS compétente      : MDS du Calaisis (mds:calaisis)"
reads=$(sqlite3 "$DB" "SELECT count(*) FROM access_log WHERE action = 'lecture' AND person_id = '$marie' AND login = 'ts.calais'")
[ "${reads:-0}" -ge 1 ] || fail "show : lecture non journalisée ($reads)"
run_fail "Ternois agent reads a Calais person" 7 TN person show "$marie"
run_ok "show json" px --json --as ts.calais person show "$marie"
expect "show json" "$T/out" '"mds": "calaisis"'
expect "show json" "$T/out" '"dossiers": []'

# --- move: the competent MDS follows the address ---
before=$(db_digest)
run_fail "move to unknown commune" 4 C person move "$marie" --commune 99999
run_fail "move in the future" 3 C person move "$marie" --commune $SAINT_POL --date 2026-04-01
unchanged "bad moves" "$before"
data=$(data_digest); nref=$(refusals)
run_fail "move by a Ternois agent" 7 TN person move "$marie" --commune $SAINT_POL
refused "move by a Ternois agent" "$data" "$nref"
run_ok "move" C person move "$marie" --commune $SAINT_POL --adresse "8 place de l'Hôtel de ville" \
  --date 2026-03-10
expect "move" "$T/out" "$marie"
run_ok "show after move" TN person show "$marie"
expect "show after move" "$T/out" "MDS compétente      : MDS du Ternois (mds:ternois)"
expect "show after move" "$T/out" "Saint-Pol-sur-Ternoise ($SAINT_POL)"
run_fail "Calais agent after move" 7 C person show "$marie"

# --- search: accents and case ignored, within the agent's sites ---
run_ok "search lefevre" C person search --nom lefevre
expect "search lefevre" "$T/out" "$helene  Lefèvre Hélène, née le 12/07/1979"
run_ok "search LEFÈVRE hélène" C person search --nom "LEFÈVRE hélène"
expect "search LEFÈVRE" "$T/out" "$helene"
run_ok "search by birth date" C person search --naissance 12/07/1979
expect "search by birth date" "$T/out" "$helene"
run_ok "search by commune" C person search --commune $CALAIS
expect "search by commune" "$T/out" "$karim"
run_ok "search dupont" C person search --nom dupont
expect "search dupont (homonym in Marck)" "$T/out" "$homonym"
if grep -q "$marie" "$T/out"; then fail "search : $marie a déménagé dans le Ternois"; fi
run_ok "search Ternois" TN person search --nom dupont
expect "search Ternois" "$T/out" "$marie"
run_ok "search none" TN person search --nom lefevre
expect "search none" "$T/out" "Aucune personne ne correspond"
run_ok "search json" px --json --as ts.calais person search --nom benali
expect "search json" "$T/out" "\"id\": \"$karim\""
run_fail "search without criterion" 2 C person search

# --- households ---
run_ok "household create" C household create --libelle "Foyer Benali" --date 2026-02-01
foyer=$(id_of "household create")
[ "$foyer" = F0000001 ] || fail "foyer : $foyer"
run_ok "household add demandeur" C household add "$foyer" "$karim" --role demandeur --date 2026-02-01
run_ok "household add conjoint" C household add "$foyer" "$helene" --role conjoint --date 2026-03-01
before=$(db_digest)
run_fail "second demandeur" 5 C household add "$foyer" "$homonym" --role demandeur
expect "second demandeur" "$T/err" "demandeur"
run_fail "bad role" 3 C household add "$foyer" "$homonym" --role cousin
expect "bad role" "$T/err" "cousin"
run_fail "already member" 5 C household add "$foyer" "$helene" --role conjoint
run_fail "unknown household" 4 C household add F0000099 "$homonym" --role enfant
run_fail "missing role" 2 C household add "$foyer" "$homonym"
unchanged "household refusals" "$before"
run_ok "household leave" C household leave "$foyer" "$helene" --date 2026-03-15
run_fail "leave twice" 5 C household leave "$foyer" "$helene"
members=$(sqlite3 "$DB" "SELECT count(*) FROM household_member WHERE household = '$foyer' AND valid_to IS NULL")
[ "$members" = 1 ] || fail "membres actuels du foyer : $members (attendu 1)"
run_ok "household json" px --json --as ts.calais household create --libelle "Foyer Lefèvre"
expect "household json" "$T/out" '"id": "F0000002"'

# every change is in the journal, and the journal is intact
run_ok "journal verify" px journal verify

finish

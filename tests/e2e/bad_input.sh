# bad_input.sh: a malformed referential file stops `proxima init` with a French
# message naming the file, the line and the value, and leaves the database as
# it was (here: a database already holding a good referential).
. "$(dirname "$0")/lib.sh"

run_ok "init" px init
good=$(db_digest)

# corrupt DATA FILE LINE SED: copy data/, apply the sed to one file, run init on it
corrupt() {
  rm -rf "$T/data"; cp -r "$PROXIMA_SRC/data" "$T/data"
  sed -i "$2" "$T/data/ref/$1"
}

check_bad() { # NAME FILE SED MESSAGE...
  local name=$1 file=$2 script=$3; shift 3
  corrupt "$file" "$script"
  run_fail "$name" 3 "$PROXIMA_BIN" --db "$DB" --data "$T/data" init
  for m in "$@"; do expect "$name" "$T/err" "$m"; done
  [ "$good" = "$(db_digest)" ] || fail "$name : la base a été modifiée"
}

check_bad "bad insee code" communes.csv '3s/^62001,/6200X,/' \
  "communes.csv, ligne 3" "6200X" "code INSEE"
check_bad "bad date" communes.csv '5s/2022-01-01/2022-13-01/' \
  "communes.csv, ligne 5" "2022-13-01"
check_bad "bad population" communes.csv '4s/,[0-9]*,"INSEE/,19x6,"INSEE/' \
  "communes.csv, ligne 4" "19x6" "population"
check_bad "unknown epci" epci-membres.csv '10s/^[0-9]*,/200000172,/' \
  "epci-membres.csv, ligne 10" "200000172" "EPCI absent"
check_bad "unknown commune" epci-membres.csv '2s/,62001,/,62999,/' \
  "epci-membres.csv, ligne 2" "62999"
check_bad "bad siren" epci.csv '2s/^200018083,/200018084,/' \
  "epci.csv, ligne 2" "200018084" "SIREN"
check_bad "unknown territory" affectations-epci.csv '2s/,arrageois,arrageois,arrageois,/,atlantide,arrageois,arrageois,/' \
  "affectations-epci.csv, ligne 2" "atlantide"
check_bad "unknown mds" affectations-epci.csv '2s/,arrageois,arrageois,arrageois,/,arrageois,nulle-part,arrageois,/' \
  "affectations-epci.csv" "nulle-part" "MDS"
check_bad "unterminated quote" communes.csv '7s/"INSEE/"INSEE"x/' \
  "communes.csv" "ligne 7"
check_bad "missing column" sites.csv '1s/territoire/terr/' \
  "sites.csv" "territoire"
check_bad "overlapping versions" communes.csv '3s/2024-01-01,/2023-06-01,/' \
  "communes.csv, ligne 3" "chevauchent"
check_bad "bad fact value" faits-publies.csv '2s/,211425,/,211 425,/' \
  "faits-publies.csv, ligne 2" "211 425"

# a missing file names the file
rm -rf "$T/data"; cp -r "$PROXIMA_SRC/data" "$T/data"; rm "$T/data/ref/sites.csv"
run_fail "missing file" 9 "$PROXIMA_BIN" --db "$DB" --data "$T/data" init
expect "missing file" "$T/err" "sites.csv"
[ "$good" = "$(db_digest)" ] || fail "missing file : la base a été modifiée"

finish

# registry.sh: the territorial summary must show the 2022 report's communes
# per territory (890), today's referential 887, and commune look-ups work by
# name (accent- and case-insensitive), INSEE code and postcode, as of a date.
. "$(dirname "$0")/lib.sh"

run_ok "init" px init

run_ok "summary 2022" px registry summary --date 2022-12-31
out="$T/out"
expect_re "Arrageois 255" "$out" "^Arrageois +255 "
expect_re "Artois 104" "$out" "^Artois +104 "
expect_re "Audomarois 89" "$out" "^Audomarois +89 "
expect_re "Boulonnais 74" "$out" "^Boulonnais +74 "
expect_re "Calaisis 52" "$out" "^Calaisis +52 "
expect_re "Lens-Hénin 50" "$out" "^Lens-Hénin +50 "
expect_re "Montreuillois-Ternois 266" "$out" "^Montreuillois-Ternois +266 "
expect_re "total 890" "$out" "^Total +890 "
expect "EPCI of Lens-Hénin" "$out" "CA d'Hénin-Carvin; CA de Lens - Liévin"
expect "MDS of Lens-Hénin" "$out" "MDS Hénin-Carvin; MDS Lens-Liévin"
expect "published population" "$out" $'211\xe2\x80\xaf425'
expect "population gap" "$out" $'-4\xe2\x80\xaf950'
expect "population vintage" "$out" "population municipale"

run_ok "summary 2022 FR date" px registry summary --date 31/12/2022
expect_re "FR date" "$T/out" "^Total +890 "

run_ok "summary today" px registry summary --date 2026-11-29
expect_re "total 887" "$T/out" "^Total +887 "
expect_re "Montreuillois-Ternois 263" "$T/out" "^Montreuillois-Ternois +263 "

run_ok "summary day before merger" px registry summary --date 2024-12-31
expect_re "890 on 2024-12-31" "$T/out" "^Total +890 "
run_ok "summary merger day" px registry summary --date 2025-01-01
expect_re "887 on 2025-01-01" "$T/out" "^Total +887 "

run_ok "summary mds" px registry summary --date 2022-12-31 --grille mds
expect_re "MDS Lens-Liévin 36" "$T/out" "^MDS Lens-Liévin +36 "
expect_re "MDS Hénin-Carvin 14" "$T/out" "^MDS Hénin-Carvin +14 "
expect_re "MDS du Ternois 102" "$T/out" "^MDS du Ternois +102 "
expect_re "MDS du Montreuillois 164" "$T/out" "^MDS du Montreuillois +164 "
expect_re "mds total" "$T/out" "^Total +890 "

run_ok "summary json" px --json registry summary --date 2022-12-31
expect "json" "$T/out" '"communes": 890'
expect "json" "$T/out" '"code": "lens-henin"'

run_ok "lievin" px registry commune lievin --date 2022-12-31
expect "lievin" "$T/out" "Liévin (code INSEE 62510), codes postaux 62800"
expect "lievin" "$T/out" "MDS        : MDS Lens-Liévin"
expect "lievin" "$T/out" "MDADT      : MDADT Lens-Hénin"
expect "lievin" "$T/out" "Territoire : Lens-Hénin"
expect "lievin" "$T/out" "SIREN 246200364"

run_ok "LIÉVIN upper case" px registry commune "LIÉVIN" --date 2022-12-31
expect "LIÉVIN" "$T/out" "Liévin (code INSEE 62510)"

run_ok "62510" px registry commune 62510 --date 2022-12-31
expect "62510 is Liévin's INSEE code" "$T/out" "Liévin (code INSEE 62510)"
expect "62510 is Arques' postcode" "$T/out" "Arques (code INSEE 62040)"
first=$(head -1 "$T/out")
case "$first" in Liévin*) ;; *) fail "62510 : le code INSEE doit venir avant le code postal ($first)";; esac

run_ok "62800" px registry commune 62800
expect "62800" "$T/out" "Liévin"

run_ok "saint omer" px registry commune "saint omer"
expect "saint omer" "$T/out" "Saint-Omer (code INSEE 62765)"
expect "saint omer" "$T/out" "MDS        : MDS de l'Audomarois"
first=$(head -1 "$T/out")
case "$first" in Saint-Omer*) ;; *) fail "l'égalité exacte doit venir d'abord ($first)";; esac

run_ok "hesdin 2022" px registry commune hesdin --date 2022-06-01
expect "hesdin 2022" "$T/out" "Hesdin (code INSEE 62447)"
expect "hesdin 2022 accent-insensitive prefix" "$T/out" "Hesdin-l'Abbé"
run_ok "hesdin today" px registry commune 62447 --date 2026-11-29
expect "hesdin today" "$T/out" "Hesdin-la-Forêt (code INSEE 62447)"
expect "hesdin today" "$T/out" "MDS        : MDS du Montreuillois"

run_fail "marconne today" 4 px registry commune 62549 --date 2026-11-29
expect "marconne today" "$T/err" "la commune Marconne (62549) n'existe pas au 29/11/2026"
expect "marconne today" "$T/err" "62447"

run_ok "marconne 2022" px registry commune marconne --date 2022-12-31
expect "marconne 2022" "$T/out" "Marconne (code INSEE 62549)"
expect "marconne 2022" "$T/out" "Existe jusqu'au 31/12/2024, puis rejoint la commune nouvelle 62447"

run_fail "unknown commune" 4 px registry commune "zzzzville"
expect "unknown commune" "$T/err" "aucune commune ne correspond à « zzzzville »"

run_fail "before coverage" 3 px registry summary --date 2021-06-30
expect "before coverage" "$T/err" "ne couvre pas cette date"
expect "before coverage" "$T/err" "01/01/2022"

run_fail "bad date" 3 px registry summary --date 2022-02-30
expect "bad date" "$T/err" "2022-02-30"

run_fail "bad grid" 2 px registry summary --grille canton
expect "bad grid" "$T/err" "grille inconnue"

finish

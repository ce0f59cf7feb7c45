# init.sh: `proxima init` creates the schema and loads the referential once;
# a second run changes nothing; the journal records the load.
. "$(dirname "$0")/lib.sh"

run_ok "init" px init
expect "init" "$T/out" "schéma en version"
expect "init" "$T/out" "Référentiel territorial chargé"
expect "init" "$T/out" "20 EPCI"
[ -f "$DB" ] || fail "la base $DB n'a pas été créée"

before=$(db_digest)
run_ok "init again" px init
expect "init again" "$T/out" "déjà à jour"
expect "init again" "$T/out" "0 migration"
[ "$before" = "$(db_digest)" ] || fail "un second init a modifié la base"

run_ok "journal verify" px journal verify
expect "journal verify" "$T/out" "1 événement"

n=$(sqlite3 "$DB" "SELECT COUNT(*) FROM journal WHERE type = 'ref.loaded'")
[ "$n" = 1 ] || fail "attendu 1 événement ref.loaded, trouvé $n"
checks=$((checks + 2))

# --db defaults to PROXIMA_DB
run_ok "PROXIMA_DB" env PROXIMA_DB="$T/other.db" "$PROXIMA_BIN" init
[ -f "$T/other.db" ] || fail "PROXIMA_DB ignorée"

# a command on a database that was never initialised says what to do
run_fail "not initialised" 5 "$PROXIMA_BIN" --db "$T/empty.db" registry summary
expect "not initialised" "$T/err" "n'est pas initialisée"
expect "not initialised" "$T/err" "proxima --db $T/empty.db init"

run_fail "unknown command" 2 px frobnicate
expect "unknown command" "$T/err" "commande inconnue : frobnicate"

finish

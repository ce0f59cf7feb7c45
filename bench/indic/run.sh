#!/usr/bin/env bash
# run.sh [--base FICHIER] [--runs N]: the indicator benchmark, one command.
#
# Builds what it needs from the release build directory (build/, or $BUILD):
# the proxima binary and libproxima.a, then bench_indic (bench_indic.c
# linked against them). Uses a database of the reference year (2022, about
# 1.5 million events): the one given with --base, or var/bench/ref-2022.db,
# created once with `proxima init` and `proxima generate --year 2022
# --reference ../shared/reference` (about 2 minutes; $REFERENCE to point
# elsewhere) and kept for the next runs. Prints the machine, then:
#   (a) the whole report computation through the engine: every indicator of
#       the dictionary, every grid, the year and its 12 months, in one pass
#       (indic_compute_grids: the two sources on two threads), best of N runs
#       (3), wall and CPU time (all threads), and the CPU time of the calling
#       thread (the engine's main thread: about the wall time on a quiet
#       machine, the other thread finishing first); --verify checks the
#       values against the sequential engine, one pass per grid;
#   (b) the same indicators written as SQL GROUP BY queries
#       (bench/indic/groupby.sql) run by the sqlite3 CLI over the same
#       database, best of N;
#   (c) the ratio (a) / (b), of wall-clock times and of CPU times (user +
#       system: what the machine's other tenants do not inflate).
# For information, the same computation on one thread, and with one pass
# per grid.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$root/build}
base=
runs=3
while [ $# -gt 0 ]; do
    case $1 in
    --base)
        base=${2:?--base attend un fichier}
        shift
        ;;
    --runs)
        runs=${2:?--runs attend un nombre}
        shift
        ;;
    *)
        echo "usage : bench/indic/run.sh [--base FICHIER] [--runs N]" >&2
        exit 2
        ;;
    esac
    shift
done

for tool in sqlite3 pkg-config cc python3; do
    command -v $tool >/dev/null || {
        echo "run.sh : $tool est introuvable (scripts/install-deps.sh)" >&2
        exit 1
    }
done
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$root" --buildtype=debugoptimized >/dev/null
fi
ninja -C "$build" libproxima.a src/cli/proxima >/dev/null
proxima=$build/src/cli/proxima

work=$(mktemp -d "${TMPDIR:-/tmp}/proxima-bench-indic.XXXXXX")
trap 'rm -rf "$work"' EXIT

# shellcheck disable=SC2046
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$root/src" \
    "$root/bench/indic/bench_indic.c" "$build/libproxima.a" \
    $(pkg-config --cflags --libs sqlite3 jansson libsodium) -lm -pthread -o "$work/bench_indic"

if [ -z "$base" ]; then
    base=$root/var/bench/ref-2022.db
    if [ ! -f "$base" ]; then
        reference=${REFERENCE:-$root/../shared/reference}
        [ -d "$reference" ] || {
            echo "run.sh : tables de référence introuvables ($reference) : REFERENCE=..." >&2
            exit 1
        }
        mkdir -p "$(dirname "$base")"
        echo "== création de la base de l'année de référence : $base"
        "$proxima" --db "$base.tmp" init >/dev/null
        "$proxima" --db "$base.tmp" generate --year 2022 --reference "$reference" | tail -n 3
        mv "$base.tmp" "$base"
        rm -f "$base.tmp-wal" "$base.tmp-shm"
        echo
    fi
fi
[ -f "$base" ] || {
    echo "run.sh : base introuvable : $base" >&2
    exit 1
}

echo "== machine"
echo "date : $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "nproc : $(nproc)"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core)' || true
echo "SQLite $(sqlite3 --version | cut -d' ' -f1), $(cc --version | head -n 1)"
buildtype=$(meson introspect --buildoptions "$build" 2>/dev/null | python3 -c \
    'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"))' \
    2>/dev/null || echo "?")
echo "construction : $build ($buildtype)"
echo "base : $base ($(du -h "$base" | cut -f1)), $(sqlite3 "$base" \
    "SELECT (SELECT count(*) FROM decision) || ' décisions, ' || (SELECT count(*) FROM payment) ||
     ' paiements, ' || (SELECT count(*) FROM dossier) || ' dossiers, ' ||
     (SELECT count(*) FROM act) || ' actes, ' || (SELECT count(*) FROM journal) || ' événements'")"
echo "charge avant : $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# warm the OS cache once, so that the first run of each side does not pay the disk
cat "$base" >/dev/null

echo "== (a) le rapport entier par le moteur (une passe, toutes les grilles)"
"$work/bench_indic" --db "$base" --data "$root/data" --runs "$runs" --verify | tee "$work/a.txt"
a=$(sed -n 's/^meilleur : \([0-9.]*\) s.*/\1/p' "$work/a.txt")
acpu=$(sed -n 's/^meilleur : .*(CPU \([0-9.]*\) s)/\1/p' "$work/a.txt")
echo

echo "== (b) les mêmes indicateurs en SQL GROUP BY (bench/indic/groupby.sql, sqlite3)"
b=
bcpu=
TIMEFORMAT='%R %U %S'
for i in $(seq 1 "$runs"); do
    { time sqlite3 "$base" <"$root/bench/indic/groupby.sql" >/dev/null; } 2>"$work/t.txt"
    read -r wall user sys <"$work/t.txt"
    cpu=$(python3 -c "print('%.3f' % ($user + $sys))")
    echo "run $i : $wall s (CPU $cpu s)"
    b=$(python3 -c "print(min($wall, ${b:-1e9}))")
    bcpu=$(python3 -c "print(min($cpu, ${bcpu:-1e9}))")
done
echo "meilleur : $b s (CPU $bcpu s)"
echo

echo "== (c) rapport moteur / GROUP BY"
python3 -c "print('temps écoulé : %.3f / %.3f = %.2f' % ($a, $b, $a / $b))"
python3 -c "print('temps CPU    : %.3f / %.3f = %.2f' % ($acpu, $bcpu, $acpu / $bcpu))"
echo

echo "== pour information : le moteur sur un seul fil, puis une passe par grille"
"$work/bench_indic" --db "$base" --data "$root/data" --runs "$runs" --workers 1 | grep '^meilleur'
"$work/bench_indic" --db "$base" --data "$root/data" --runs 1 --separate | grep '^meilleur'
echo "charge après : $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# run.sh [--petit] [--operations N]: the engine benchmark, one command.
#
# Builds what it needs from the release build directory (build/, or $BUILD):
# the proxima binary and libproxima.a, then bench_engine (bench_engine.c
# linked against them). Generates a deterministic year of a Département's
# events (gen_year.py: 1 500 000 events, or 150 000 with --petit), and prints
# the machine, then the figures of docs/PERFORMANCE.md:
#   (a) import events/s, (b) the ratio to raw SQLite inserts of the same
#   rows, (c) p50/p99 latencies of durable interactive operations,
#   (d) export and (e) replay of the year, for information.
# Everything happens in a temporary directory, removed at the end.
set -euo pipefail

events=1500000
ops=1000
while [ $# -gt 0 ]; do
    case $1 in
    --petit) events=150000 ;;
    --operations)
        ops=${2:?--operations attend un nombre}
        shift
        ;;
    *)
        echo "usage : bench/engine/run.sh [--petit] [--operations N]" >&2
        exit 2
        ;;
    esac
    shift
done

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$root/build}
for tool in python3 sqlite3 pkg-config cc; do
    command -v $tool >/dev/null || {
        echo "run.sh : $tool est introuvable (scripts/install-deps.sh)" >&2
        exit 1
    }
done
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$root" --buildtype=debugoptimized >/dev/null
fi
ninja -C "$build" libproxima.a src/cli/proxima >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/proxima-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# shellcheck disable=SC2046
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$root/src" \
    "$root/bench/engine/bench_engine.c" "$build/libproxima.a" \
    $(pkg-config --cflags --libs sqlite3 jansson libsodium) -lm -o "$work/bench_engine"

echo "== machine"
echo "date : $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "nproc : $(nproc)"
lscpu | head -n 15
echo "SQLite $(sqlite3 --version | cut -d' ' -f1), $(cc --version | head -n 1)"
buildtype=$(meson introspect --buildoptions "$build" 2>/dev/null | python3 -c \
    'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"))' \
    2>/dev/null || echo "?")
echo "construction : $build ($buildtype)"
echo

# the communes of 2022 and their MDS, from a database initialised as usual
"$build/src/cli/proxima" --db "$work/ref.db" init >/dev/null
sqlite3 -csv "$work/ref.db" "SELECT a.commune, a.area, COALESCE(c.population, 1)
  FROM ref_assignment a JOIN ref_commune c ON c.code = a.commune
   AND c.valid_from <= '2022-06-30' AND (c.valid_to IS NULL OR c.valid_to >= '2022-06-30')
  WHERE a.grid = 'mds' AND a.valid_from <= '2022-01-01'
   AND (a.valid_to IS NULL OR a.valid_to >= '2022-12-31')
  ORDER BY a.commune" >"$work/communes.csv"

echo "== génération de l'année ($events événements)"
t0=$(date +%s%N)
python3 "$root/bench/engine/gen_year.py" --communes "$work/communes.csv" --events "$events" \
    --out "$work/annee.jsonl"
echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms, $(stat -c %s "$work/annee.jsonl") octets"
cut -d'"' -f4 "$work/annee.jsonl" | tail -n +2 | sort | uniq -c | sort -rn
echo

echo "== mesures (charge de la machine avant : $(cut -d' ' -f1-3 /proc/loadavg))"
"$work/bench_engine" --data "$root/data" --fichier "$work/annee.jsonl" --dossier "$work" \
    --operations "$ops"
echo "charge de la machine après : $(cut -d' ' -f1-3 /proc/loadavg)"

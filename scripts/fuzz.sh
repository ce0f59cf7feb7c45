#!/usr/bin/env bash
# fuzz.sh [SECONDS]: run each libFuzzer target for SECONDS (default 60).
#
# Configures build-fuzz with clang and the sanitizers if it does not exist,
# builds the fuzz targets, and runs each one over a temporary copy of its
# committed corpus (fuzz/corpus/<target>/, which is never grown). Crash
# reproducers go to fuzz/artifacts/ (gitignored). Prints one line per target
# and exits non-zero if any target crashed.
set -euo pipefail

secs=${1:-60}
case $secs in
'' | *[!0-9]*)
    echo "usage : scripts/fuzz.sh [SECONDES]" >&2
    exit 2
    ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz
targets=(csv json rules import http_body values)

if ! command -v clang >/dev/null; then
    echo "fuzz.sh : clang est introuvable (apt-get install clang libclang-rt-dev)" >&2
    exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/proxima-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$root/fuzz/artifacts"

if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" "$root" -Dfuzz=true -Db_sanitize=address,undefined \
        -Db_lundef=false >"$work/setup.log" 2>&1 || {
        cat "$work/setup.log" >&2
        echo "fuzz.sh : échec de la configuration de $build" >&2
        exit 1
    }
fi
ninja -C "$build" "${targets[@]/#/fuzz/fuzz_}" >"$work/build.log" 2>&1 || {
    cat "$work/build.log" >&2
    echo "fuzz.sh : échec de la compilation des cibles de fuzzing" >&2
    exit 1
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

status=0
for t in "${targets[@]}"; do
    corpus=$work/corpus-$t
    log=$work/$t.log
    mkdir -p "$corpus"
    case $t in
    http_body) seeds_dir=http ;; # fuzz_http_body seeds fuzz/corpus/http/
    *) seeds_dir=$t ;;
    esac
    cp "$root/fuzz/corpus/$seeds_dir/"* "$corpus/"
    seeds=$(ls "$corpus" | wc -l)
    if "$build/fuzz/fuzz_$t" -max_total_time="$secs" -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$root/fuzz/artifacts/$t-" "$corpus" >"$log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
        echo "fuzz_$t : aucun plantage en $secs s, ${execs:-?} exécutions," \
            "couverture ${cov:-?}, corpus $seeds -> $(ls "$corpus" | wc -l) entrées"
    else
        cp "$log" "$root/fuzz/artifacts/$t.log"
        echo "fuzz_$t : PLANTAGE, reproducteur et journal dans fuzz/artifacts/ ($t.log)"
        grep -m 5 -E 'ERROR|SUMMARY|check failed|runtime error' "$log" | sed 's/^/    /' || true
        status=1
    fi
done
exit $status

#!/usr/bin/env bash
# run.sh [--duree 10s] [--duree-accueil 30s] [--connexions 16] [--fils-wrk 2]
# [--fils N]: the HTTP server benchmark, one command.
#
# wrk on loopback against the real `proxima serve` over the reference-year
# database (2022, generated once into var/bench/http.db and reused: about 2
# minutes the first time), signed in as a bench agent (cadre_mds on
# departement:62, the whole Département):
#   GET /api/dossiers/:id   a dossier, JSON (each read writes an access-log row,
#                           durable before the answer: group commit), with
#                           --connexions (16) and again with 64 connections;
#                           the same dossier each time, so the server answers
#                           from its memory (src/http/cache.c: still checked
#                           and logged at each read); then 4 096 dossiers in
#                           turn (--connexions), each one read from the store
#   GET /                   the home page, HTML: the site's key figures (the
#                           server runs with PROXIMA_TODAY=2022-12-31 so that
#                           they are the reference year's), cached until the
#                           journal moves; measured over --duree-accueil
#   GET /api/moi            a JSON route of the same pipeline that writes nothing
#   GET /api/dossiers/:id   again, the database copied to /dev/shm (tmpfs): the
#                           same code and the same commit, but fsync costs ~nothing
# then a real nginx (worker_processes 2, access_log off) serving, on another
# loopback port, static files holding the very bodies of the first two
# answers (so exactly the same byte sizes), measured with the same wrk
# settings in the same run. Prints the machine, then the table: route,
# req/s, p50, p99, nginx req/s, ratio. Target (issue): ratio >= 0.5 on the
# JSON route.
#
# Needs build/ (make build), wrk and nginx (installed with apt-get when
# missing and running as root), curl, sqlite3, python3. Every server and
# nginx started here is stopped at the end (trap); the temporary directory
# is removed. The bench database is kept (its access_log grows with each run).
set -euo pipefail

duration=10s
home_duration=10s
conns=16
wthreads=2
sthreads=4
while [ $# -gt 0 ]; do
    case $1 in
    --duree) duration=${2:?--duree attend une durée (10s)} && shift ;;
    --duree-accueil) home_duration=${2:?--duree-accueil attend une durée (10s)} && shift ;;
    --connexions) conns=${2:?--connexions attend un nombre} && shift ;;
    --fils-wrk) wthreads=${2:?--fils-wrk attend un nombre} && shift ;;
    --fils) sthreads=${2:?--fils attend un nombre (1 à 4)} && shift ;;
    *)
        echo "usage : bench/http/run.sh [--duree 10s] [--duree-accueil 10s] [--connexions 16] [--fils-wrk 2] [--fils 4]" >&2
        exit 2
        ;;
    esac
    shift
done

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$root/build}
ref=${REF:-$root/../shared/reference}
proxima=$build/src/cli/proxima
db=$root/var/bench/http.db
PW='banc essai http proxima'
AGENT=banc.http

# --- tools ---
need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)
[ -n "$NGINX" ] || need_apt+=(nginx-light)
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "run.sh : installez d'abord : apt-get install -y ${need_apt[*]}" >&2
        exit 1
    fi
    echo "installation : ${need_apt[*]}"
    apt-get install -y "${need_apt[@]}" >/dev/null 2>&1 ||
        { apt-get update >/dev/null && apt-get install -y "${need_apt[@]}" >/dev/null; }
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi
for tool in curl sqlite3 python3 ninja; do
    command -v $tool >/dev/null || {
        echo "run.sh : $tool est introuvable (scripts/install-deps.sh)" >&2
        exit 1
    }
done
if [ ! -f "$build/build.ninja" ]; then
    echo "run.sh : $build n'existe pas : lancez d'abord « make build »" >&2
    exit 1
fi
ninja -C "$build" src/cli/proxima >/dev/null

# --- the reference-year database, made once ---
mkdir -p "$root/var/bench"
if [ "$(sqlite3 "$db" "SELECT count(*) FROM dossier" 2>/dev/null || echo 0)" = 0 ]; then
    echo "== base de l'année de référence 2022 : $db (une seule fois, environ 2 minutes)"
    rm -f "$db" "$db.tmp" "$db.tmp-wal" "$db.tmp-shm"
    "$proxima" --db "$db.tmp" init >/dev/null
    "$proxima" --db "$db.tmp" generate --year 2022 --reference "$ref" | tail -n 1
    sqlite3 "$db.tmp" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    mv "$db.tmp" "$db"
    rm -f "$db.tmp-wal" "$db.tmp-shm"
fi
"$proxima" --db "$db" migrate >/dev/null
if [ "$(sqlite3 "$db" "SELECT count(*) FROM users WHERE login = '$AGENT'")" = 0 ]; then
    PROXIMA_PASSWORD=$PW "$proxima" --db "$db" user add "$AGENT" --nom "Banc d'essai HTTP" >/dev/null
    "$proxima" --db "$db" user grant "$AGENT" cadre_mds departement:62 >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/proxima-bench-http.XXXXXX")
shm=
SERVER=
NGPID=
stop_server() {
    if [ -n "$SERVER" ]; then
        kill "$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
        SERVER=
    fi
}
cleanup() {
    stop_server
    if [ -n "$NGPID" ]; then
        kill "$NGPID" 2>/dev/null || true
        wait "$NGPID" 2>/dev/null || true
    fi
    rm -rf "$work"
    [ -n "$shm" ] && rm -rf "$shm"
    return 0
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server DB: proxima serve on a free loopback port, $B its base URL
start_server() {
    local port
    port=$(free_port)
    B="http://127.0.0.1:$port"
    PROXIMA_TODAY=2022-12-31 "$proxima" --db "$1" serve --adresse 127.0.0.1 --port "$port" --fils "$sthreads" \
        2>>"$work/server.log" &
    SERVER=$!
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "$B/api/sante" && return 0
        sleep 0.1
    done
    echo "run.sh : le serveur ne répond pas sur $B" >&2
    tail -n 20 "$work/server.log" >&2
    exit 1
}

# sign_in: a session for the bench agent; $COOKIE is the Cookie header's value
sign_in() {
    rm -f "$work/jar"
    local code
    code=$(curl -s -o "$work/login.json" -w '%{http_code}' -c "$work/jar" \
        -H 'Content-Type: application/json' \
        --data-binary "{\"identifiant\": \"$AGENT\", \"mot_de_passe\": \"$PW\"}" "$B/api/session")
    if [ "$code" != 201 ]; then
        echo "run.sh : connexion refusée ($code)" >&2
        cat "$work/login.json" >&2
        exit 1
    fi
    COOKIE=$(awk -F'\t' 'NF >= 7 && $6 != "" { print $6 "=" $7 }' "$work/jar" | tail -n 1)
}

# bench NAME DURATION URL [COOKIE [CONNECTIONS [LUA]]]: wrk (with the script LUA, if given),
# its output in $work/runN.wrk; sets RPS P50 P99
runs=0
bench() {
    local name=$1 url=$3 args=(-t"$wthreads" -c"${5:-$conns}" -d"$2" --latency --timeout 60s) out
    [ -n "${4-}" ] && args+=(-H "Cookie: $4")
    [ -n "${6-}" ] && args+=(-s "$6")
    runs=$((runs + 1))
    out=$work/run$runs.wrk
    wrk "${args[@]}" "$url" >"$out"
    RPS=$(awk '/^Requests\/sec:/ { printf ($2 < 100 ? "%.1f" : "%.0f"), $2 }' "$out")
    COUNT=$(awk '/ requests in / { print $1 }' "$out")
    P50=$(awk '$1 == "50%" { print ms($2) }
        function ms(v) { if (v ~ /us$/) return sprintf("%.2f", v / 1000); if (v ~ /ms$/) return sprintf("%.2f", v + 0);
                         if (v ~ /m$/) return sprintf("%.0f", v * 60000); return sprintf("%.0f", v * 1000) }' "$out")
    P99=$(awk '$1 == "99%" { print ms($2) }
        function ms(v) { if (v ~ /us$/) return sprintf("%.2f", v / 1000); if (v ~ /ms$/) return sprintf("%.2f", v + 0);
                         if (v ~ /m$/) return sprintf("%.0f", v * 60000); return sprintf("%.0f", v * 1000) }' "$out")
    local bad
    bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
    if [ -n "$bad" ]; then
        echo "run.sh : $name : $bad réponses non 2xx/3xx" >&2
        cat "$out" >&2
        exit 1
    fi
    if grep -q 'Socket errors' "$out"; then
        echo "  $name : $(grep 'Socket errors' "$out" | sed 's/^ *//')"
    fi
    printf '  %-38s %9s req/s   p50 %8s ms   p99 %8s ms   (%s requêtes)\n' "$name" "$RPS" "$P50" "$P99" "$COUNT"
}

echo "== machine"
echo "date : $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "nproc : $(nproc)"
lscpu | grep -E '^(Model name|Thread|Core|Socket)' || true
echo "$(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2), $("$NGINX" -v 2>&1), SQLite $(sqlite3 --version | cut -d' ' -f1)"
echo "base : $db ($(($(stat -c %s "$db") / 1048576)) Mio, $(sqlite3 "$db" "SELECT count(*) FROM dossier") dossiers)"
echo "wrk -t$wthreads -c$conns -d$duration --latency --timeout 60s (GET / : -d$home_duration) ; proxima serve --fils $sthreads ; nginx worker_processes 2"
echo

# --- proxima ---
start_server "$db"
sign_in
id=
for cand in $(sqlite3 "$db" "SELECT id FROM dossier WHERE data_class = 'social' ORDER BY id
    LIMIT 20 OFFSET (SELECT count(*) / 2 FROM dossier WHERE data_class = 'social')"); do
    code=$(curl -s -o "$work/dossier.json" -w '%{http_code}' -H "Cookie: $COOKIE" "$B/api/dossiers/$cand")
    [ "$code" = 200 ] && id=$cand && break
done
[ -n "$id" ] || {
    echo "run.sh : aucun dossier lisible par $AGENT" >&2
    exit 1
}
code=$(curl -s -o "$work/home.html" -w '%{http_code}' -H "Cookie: $COOKIE" "$B/")
[ "$code" = 200 ] || {
    echo "run.sh : GET / : statut $code" >&2
    exit 1
}
json_size=$(stat -c %s "$work/dossier.json")
html_size=$(stat -c %s "$work/home.html")
echo "dossier $id ($(sqlite3 "$db" "SELECT dispositif FROM dossier WHERE id = '$id'")) : $json_size octets ; page d'accueil : $html_size octets"
echo "NB : chaque GET d'un dossier ajoute une ligne au journal des accès (access_log), durable"
echo "     (synchronous=FULL) avant que la réponse parte : un fil écrivain les valide par lots"
echo "     (une transaction, un fsync par lot). GET / et GET /api/moi n'écrivent rien (la"
echo "     session n'est touchée qu'une fois par minute)."
echo
echo "== mesures (charge de la machine avant : $(cut -d' ' -f1-3 /proc/loadavg))"
log0=$(sqlite3 "$db" "SELECT count(*) FROM access_log")
bench "proxima GET /api/dossiers/:id" "$duration" "$B/api/dossiers/$id" "$COOKIE"
j_rps=$RPS j_p50=$P50 j_p99=$P99
j_count=$COUNT
bench "proxima GET /api/dossiers/:id -c64" "$duration" "$B/api/dossiers/$id" "$COOKIE" 64
j64_rps=$RPS j64_p50=$P50 j64_p99=$P99
j_count=$((j_count + COUNT))
# 4 096 dossiers in turn, more than the server keeps answers of in memory
# (1 024 slots, src/http/cache.c): each read is a read from the store
sqlite3 "$db" "SELECT id FROM dossier WHERE data_class = 'social' ORDER BY id LIMIT 4096 OFFSET 1000" >"$work/ids.txt"
cat >"$work/rotate.lua" <<'EOF'
local ids = {}
for line in io.lines(os.getenv("PROXIMA_BENCH_IDS")) do ids[#ids + 1] = line end
local threads = 0
function setup(thread)
  thread:set("first", threads * 1543)
  threads = threads + 1
end
local i
function request()
  i = ((i or first) % #ids) + 1
  return wrk.format("GET", "/api/dossiers/" .. ids[i])
end
EOF
export PROXIMA_BENCH_IDS=$work/ids.txt
bench "proxima GET /api/dossiers/:id x4096" "$duration" "$B/" "$COOKIE" "$conns" "$work/rotate.lua"
r_rps=$RPS r_p50=$P50 r_p99=$P99
j_count=$((j_count + COUNT))
log1=$(sqlite3 "$db" "SELECT count(*) FROM access_log")
echo "    lignes ajoutées au journal des accès : $((log1 - log0)) (pour $j_count lectures mesurées, plus les sondes)"
bench "proxima GET /" "$home_duration" "$B/" "$COOKIE"
h_rps=$RPS h_p50=$P50 h_p99=$P99
bench "proxima GET /api/moi" "$duration" "$B/api/moi" "$COOKIE"
m_rps=$RPS m_p50=$P50 m_p99=$P99
stop_server

# the same dossier, the database on tmpfs: the fsync of each read costs ~nothing
shm=$(mktemp -d /dev/shm/proxima-bench-http.XXXXXX)
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp "$db" "$shm/http.db"
start_server "$shm/http.db"
sign_in
bench "proxima GET /api/dossiers/:id tmpfs" "$duration" "$B/api/dossiers/$id" "$COOKIE"
t_rps=$RPS t_p50=$P50 t_p99=$P99
bench "proxima GET /api/dossiers/:id tmpfs -c64" "$duration" "$B/api/dossiers/$id" "$COOKIE" 64
t64_rps=$RPS t64_p50=$P50 t64_p99=$P99
stop_server
"$proxima" --db "$db" user access-log --verify | sed 's/^/chaîne du journal des accès (base du banc) : /' 
rm -rf "$shm"
shm=

# --- nginx, static files of the same bytes ---
mkdir -p "$work/www" "$work/tmp"
cp "$work/dossier.json" "$work/www/dossier.json"
cp "$work/home.html" "$work/www/index.html"
nport=$(free_port)
{
    [ "$(id -u)" = 0 ] && echo "user root;"
    cat <<EOF
worker_processes 2;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  types { application/json json; text/html html; }
  default_type application/octet-stream;
  sendfile on;
  keepalive_requests 1000000;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  server {
    listen 127.0.0.1:$nport;
    root $work/www;
  }
}
EOF
} >"$work/nginx.conf"
"$NGINX" -p "$work" -c "$work/nginx.conf" -t 2>/dev/null
"$NGINX" -p "$work" -c "$work/nginx.conf" &
NGPID=$!
N="http://127.0.0.1:$nport"
for _ in $(seq 1 100); do
    curl -s -o /dev/null "$N/dossier.json" && break
    sleep 0.1
done
[ "$(curl -s "$N/dossier.json" | wc -c)" = "$json_size" ] || {
    echo "run.sh : nginx ne sert pas le fichier attendu" >&2
    exit 1
}
bench "nginx dossier.json ($json_size o)" "$duration" "$N/dossier.json"
nj_rps=$RPS
bench "nginx dossier.json ($json_size o) -c64" "$duration" "$N/dossier.json" "" 64
nj64_rps=$RPS
bench "nginx index.html ($html_size o)" "$duration" "$N/index.html"
nh_rps=$RPS
echo "charge de la machine après : $(cut -d' ' -f1-3 /proc/loadavg)"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.3f" : "?"), a / b }'; }
echo
echo "== résultats (objectif : rapport >= 0,5 sur la route JSON)"
printf '| %-36s | %9s | %9s | %9s | %11s | %7s |\n' route "req/s" "p50 (ms)" "p99 (ms)" "nginx req/s" rapport
printf '| %-36s | %9s | %9s | %9s | %11s | %7s |\n' "GET /api/dossiers/:id (JSON)" "$j_rps" "$j_p50" "$j_p99" "$nj_rps" "$(ratio "$j_rps" "$nj_rps")"
printf '| %-36s | %9s | %9s | %9s | %11s | %7s |\n' "GET /api/dossiers/:id (JSON), -c64" "$j64_rps" "$j64_p50" "$j64_p99" "$nj64_rps" "$(ratio "$j64_rps" "$nj64_rps")"
printf '| %-36s | %9s | %9s | %9s | %11s | %7s |\n' "idem, 4 096 dossiers tour à tour" "$r_rps" "$r_p50" "$r_p99" "$nj_rps" "$(ratio "$r_rps" "$nj_rps")"
printf '| %-36s | %9s | %9s | %9s | %11s | %7s |\n' "GET / (HTML)" "$h_rps" "$h_p50" "$h_p99" "$nh_rps" "$(ratio "$h_rps" "$nh_rps")"
printf '| %-36s | %9s | %9s | %9s | %11s | %7s |\n' "GET /api/dossiers/:id, base en tmpfs" "$t_rps" "$t_p50" "$t_p99" "$nj_rps" "$(ratio "$t_rps" "$nj_rps")"
printf '| %-36s | %9s | %9s | %9s | %11s | %7s |\n' "idem, tmpfs, -c64" "$t64_rps" "$t64_p50" "$t64_p99" "$nj64_rps" "$(ratio "$t64_rps" "$nj64_rps")"
printf '| %-36s | %9s | %9s | %9s | %11s | %7s |\n' "GET /api/moi (JSON, lecture seule)" "$m_rps" "$m_p50" "$m_p99" "$nj_rps" "$(ratio "$m_rps" "$nj_rps")"

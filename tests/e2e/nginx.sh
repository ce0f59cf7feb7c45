# nginx.sh: a smoke test of the shipped deploy/nginx/proxima.conf, through a
# real nginx on loopback ports with a self-signed certificate made here by
# openssl, in front of the real `proxima serve`. Checked: TLS, the redirect
# from plain HTTP, HSTS and the security headers once each, the __Host-
# cookie with Secure (nginx's X-Forwarded-Proto reached proxima), a signed-in
# request, nginx's own 413 for a huge body. Skipped (77) without nginx.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "nginx absent : test ignoré (apt-get install nginx-light)"
  exit 77
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
. "$(dirname "$0")/lib.sh"

export PROXIMA_TODAY=2026-03-16
unset PROXIMA_USER PROXIMA_PASSWORD

SERVER=
stop_all() {
  [ -f "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null
    wait "$SERVER" 2>/dev/null
  fi
}
trap 'stop_all; rm -rf "$T"' EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

run_ok "init" px init
PROXIMA_PASSWORD=$PW "$PROXIMA_BIN" --db "$DB" user add ts --nom "Agent ts" >/dev/null || fail "agent"
"$PROXIMA_BIN" --db "$DB" user grant ts travailleur_social mds:calaisis >/dev/null || fail "droit"

APP=$(free_port)
TLS=$(free_port)
PLAIN=$(free_port)
"$PROXIMA_BIN" --db "$DB" serve --port "$APP" 2>"$T/server.log" &
SERVER=$!

# the certificate, and the shipped configuration with its placeholders filled
run_ok "certificate" openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
  -keyout "$T/key.pem" -out "$T/cert.pem"
mkdir -p "$T/tmp"
sed -e "s/PROXIMA_HOST/localhost/g" \
  -e "s#/etc/ssl/proxima/localhost.fullchain.pem#$T/cert.pem#" \
  -e "s#/etc/ssl/private/localhost.key#$T/key.pem#" \
  -e "s/server 127.0.0.1:8062;/server 127.0.0.1:$APP;/" \
  -e "s/listen 443 ssl http2;/listen 127.0.0.1:$TLS ssl http2;/" \
  -e "s/listen 80;/listen 127.0.0.1:$PLAIN;/" \
  -e "/listen \[::\]/d" \
  "$PROXIMA_SRC/deploy/nginx/proxima.conf" >"$T/proxima.conf"
checks=$((checks + 1))
grep -v '^ *#' "$T/proxima.conf" | grep -q "PROXIMA_HOST\|8062" && fail "configuration : marque non remplacée"
{
  [ "$(id -u)" = 0 ] && echo "user root;"
  cat <<EOF
worker_processes 1;
pid $T/nginx.pid;
error_log $T/nginx-error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $T/tmp/body;
  proxy_temp_path $T/tmp/proxy;
  fastcgi_temp_path $T/tmp/fastcgi;
  uwsgi_temp_path $T/tmp/uwsgi;
  scgi_temp_path $T/tmp/scgi;
  include $T/proxima.conf;
}
EOF
} >"$T/nginx.conf"
run_ok "nginx -t" "$NGINX" -p "$T" -c "$T/nginx.conf" -t
run_ok "nginx" "$NGINX" -p "$T" -c "$T/nginx.conf"
B="https://localhost:$TLS"
for _ in $(seq 1 100); do
  curl -sk -o /dev/null "$B/api/sante" && break
  sleep 0.1
done

c() { curl -sk -o "$T/body" -D "$T/headers" -w '%{http_code}' "$@" >"$T/status" || echo 000 >"$T/status"; }
status() {
  checks=$((checks + 1))
  [ "$(cat "$T/status")" = "$2" ] || { fail "$1 : statut $(cat "$T/status"), attendu $2"; cat "$T/body" >&2; }
}
once() { # NAME HEADER: exactly one such header line
  checks=$((checks + 1))
  local n
  n=$(grep -ci "^$2:" "$T/headers")
  [ "$n" = 1 ] || { fail "$1 : en-tête $2 présent $n fois"; cat "$T/headers" >&2; }
}

c "$B/api/sante"
status "health through nginx" 200
for h in Strict-Transport-Security Content-Security-Policy X-Content-Type-Options X-Frame-Options \
  Referrer-Policy Cache-Control; do
  once "health: $h" "$h"
done
checks=$((checks + 1))
grep -qi '^Server: nginx/' "$T/headers" && fail "nginx annonce sa version"

c "http://localhost:$PLAIN/api/sante"
status "plain HTTP redirected" 301
expect "redirect to https" "$T/headers" "Location: https://localhost"

c -c "$T/jar" -H 'Content-Type: application/json' \
  --data-binary "{\"identifiant\": \"ts\", \"mot_de_passe\": \"$PW\"}" "$B/api/session"
status "sign-in through nginx" 201
expect_re "TLS cookie" "$T/headers" "^[Ss]et-[Cc]ookie: __Host-proxima=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax; Secure"
c -b "$T/jar" "$B/api/moi"
status "signed-in request" 200
expect "signed-in request" "$T/body" '"identifiant":"ts"'

head -c 2000000 /dev/zero | tr '\0' a >"$T/big"
c -b "$T/jar" -H 'Content-Type: application/json' --data-binary @"$T/big" "$B/api/personnes"
status "huge body stopped by nginx" 413
once "413: X-Frame-Options" X-Frame-Options

checks=$((checks + 1))
grep -qE '^[0-9T:-]+Z GET /api/moi 200 ' "$T/server.log" || fail "la requête n'a pas atteint proxima"
finish

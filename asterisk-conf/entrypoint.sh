#!/bin/sh
# Sets the ARI user's password in ari.conf from EXECASSIST_ARI_PASSWORD at every start
# (it is never baked into the image), then runs Asterisk. awk takes the value from the
# environment, so '/', '&', '\' and quotes stay as written; ';' (a comment in Asterisk's
# files) is escaped; a line break (which could add lines to ari.conf) is refused.
set -eu
conf="${ARI_CONF:-/etc/asterisk/ari.conf}"
: "${EXECASSIST_ARI_PASSWORD:?set EXECASSIST_ARI_PASSWORD (the password execassist logs in to ARI with)}"
awk '
  BEGIN { p = ENVIRON["EXECASSIST_ARI_PASSWORD"]; if (p ~ /[\r\n]/) { print "EXECASSIST_ARI_PASSWORD has a line break" > "/dev/stderr"; bad = 1; exit 1 } }
  /^password = / { out = ""; for (i = 1; i <= length(p); i++) { c = substr(p, i, 1); out = out (c == ";" ? "\\;" : c) } print "password = " out; next }
  { print }
' "$conf" > "$conf.new"
cat "$conf.new" > "$conf"
rm -f "$conf.new"
exec "$@"

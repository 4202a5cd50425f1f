#!/bin/sh
# Print "<status> <url>" for every URL in the list given as $1.
# Exits 1 if any URL did not answer with a 2xx or 3xx status.
set -u

list="${1:-/etc/probe/targets.txt}"
failed=0

while IFS= read -r url; do
  case "$url" in
    '' | '#'*) continue ;;
  esac
  code=$(curl --silent --output /dev/null --max-time 10 \
    --write-out '%{http_code}' "$url") || code=000
  printf '%s %s\n' "$code" "$url"
  case "$code" in
    2?? | 3??) ;;
    *) failed=1 ;;
  esac
done < "$list"

exit "$failed"

#!/bin/sh
# Download today's exchange rates and keep them as /var/lib/rates/YYYY-MM-DD.json.
# RATES_URL must answer with JSON that has a "rates" object.
set -eu

url="${RATES_URL:-https://rates.example.com/latest.json}"
out_dir="${RATES_DIR:-/var/lib/rates}"
today=$(date -u +%Y-%m-%d)
tmp="$out_dir/.$today.json.part"

curl --fail --silent --show-error --max-time 20 "$url" -o "$tmp"
if ! jq -e '.rates | type == "object"' "$tmp" > /dev/null; then
  echo "fetch-rates: $url did not answer with a rates object" >&2
  rm -f "$tmp"
  exit 1
fi
mv "$tmp" "$out_dir/$today.json"
echo "fetch-rates: saved $(jq '.rates | length' "$out_dir/$today.json") rates for $today"

#!/bin/bash
# The suite on the three dates the project checks, one after the other (scripts/faketime-test.sh):
# a month end, the spring DST change in Europe/Berlin, a leap day. Not part of `npm test` or CI:
# it takes three times as long. Arguments (test files or folders) narrow every run.
#   npm run test:dates [-- test/integration test/browser]
# Prints one line per date at the end; exits non-zero when any date failed.
set -uo pipefail
cd "$(dirname "$0")/.."
dates=(
  "2027-01-31 23:50:00|Asia/Shanghai|month-end"
  "2027-03-28 01:30:00|Europe/Berlin|dst-berlin"
  "2028-02-29 12:00:00|Asia/Shanghai|leap-day"
)
summary=() failed=0
for entry in "${dates[@]}"; do
  IFS='|' read -r start tz label <<<"$entry"
  began=$(date +%s)
  scripts/faketime-test.sh "$start" "$tz" "$label" "$@"
  code=$?
  [ "$code" -eq 0 ] || failed=1
  counts=$(sed 's/\x1b\[[0-9;]*m//g' ".tmp/faketime/$label.log" | grep -aE '^ *(Test Files|Tests) ' | sed 's/  */ /g' | tr '\n' ';')
  summary+=("$label ($start $tz): exit $code in $(($(date +%s) - began)) s;$counts")
done
printf '%s\n' "${summary[@]}"
exit "$failed"

#!/bin/bash
# Runs test files with the system date moved (libfaketime): the suite must be green on any date.
#   scripts/faketime-test.sh "<local time>" <TZ> <label> [vitest arguments / test files...]
#   e.g. scripts/faketime-test.sh "2027-01-31 23:50:00" Asia/Shanghai month-end test/unit/calendar.test.ts
# The clock is moved by a fixed offset (FAKETIME="+<n>s") so that it reads that local time when
# the run starts and runs at real speed, the same in every child process; monotonic clocks stay
# real (FAKETIME_DONT_FAKE_MONOTONIC). The Kafka broker (java) keeps the real clock
# (FAKETIME_SKIP_CMDS): it is infrastructure, and under libfaketime its threads crawl.
# The log is kept in .tmp/faketime/<label>.log. Needs Debian's libfaketime (apt-get install faketime).
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,4p' "$0" >&2
  exit 2
fi
start=$1 tz=$2 label=$3
shift 3
lib=${FAKETIME_LIB:-/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1}
[ -r "$lib" ] || { echo "libfaketime not found at $lib (apt-get install faketime)" >&2; exit 2; }
cd "$(dirname "$0")/.."
mkdir -p .tmp/faketime
log=.tmp/faketime/$label.log
offset=$(($(TZ=$tz date -d "$start" +%s) - $(date +%s)))
if [ "$offset" -ge 0 ]; then offset="+$offset"; fi
export TZ=$tz FAKETIME="${offset}s" FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_SKIP_CMDS=java LD_PRELOAD=$lib
echo "system date: $(date) (TZ=$tz, FAKETIME=$FAKETIME)" | tee "$log"
set +e
npx vitest run "$@" 2>&1 | tee -a "$log"
code=${PIPESTATUS[0]}
echo "exit $code" | tee -a "$log"
exit "$code"

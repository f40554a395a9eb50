#!/usr/bin/env bash
# npm run test:clock [-- <vitest paths or filters>]
#
# Runs the date-sensitive suites with the system clock faked (Debian's faketime, libfaketime) to
# the days where calendar bugs hide: the first and the last day of a month, 29 February, and both
# DST changes in Europe/Paris and America/New_York. Tests are meant to run on their own fixed clock
# (TEST_NOW in test/support/domain-fixtures.ts), so every case must pass; one that fails only here reads the
# machine's clock somewhere.
#
# Default suites: src/ and test/, minus
# - test/replication-faults.test.ts and storage-drivers/: real backends, many minutes; their revs
#   come from the HLC wall clock and none of their assertions involve the calendar;
# - test/worker.test.ts: workerd hangs at start when libfaketime is preloaded (even
#   `workerd --version`); its assertions involve no date either.
# Arguments replace the default suites.
set -u
cd "$(dirname "$0")/.."

if ! command -v faketime >/dev/null 2>&1; then
  echo "test:clock: faketime is not installed, so the clock matrix cannot run." >&2
  echo "test:clock: on Debian or Ubuntu: sudo apt-get install faketime" >&2
  exit 2
fi
# A faketime that node does not see (static binary, blocked LD_PRELOAD) would pass every case untested.
seen=$(TZ=UTC faketime -f '@2028-02-29 12:00:00' node -e 'process.stdout.write(new Date().toISOString().slice(0, 10))' 2>&1)
if [ "$seen" != "2028-02-29" ]; then
  echo "test:clock: faketime is installed but node does not see the faked date (it sees \"$seen\"), so the matrix would test nothing." >&2
  exit 2
fi

if [ "$#" -gt 0 ]; then
  suites=("$@")
else
  suites=(src/ test/ --exclude test/replication-faults.test.ts --exclude test/worker.test.ts)
fi

# zone | local wall-clock time the run starts at | why this moment
cases=(
  "Europe/Paris|2027-01-01 00:30:00|first day of a month and a year, 00:30 local: still 31 December in UTC"
  "America/New_York|2027-04-30 23:30:00|last day of a month, 23:30 local: already 1 May in UTC"
  "UTC|2028-02-29 12:00:00|29 February of a leap year"
  "Europe/Paris|2027-03-28 01:59:00|a minute before Paris skips 02:00-03:00"
  "Europe/Paris|2027-10-31 02:30:00|inside the hour Paris lives twice"
  "America/New_York|2027-03-14 01:59:00|a minute before New York skips 02:00-03:00"
  "America/New_York|2027-11-07 01:30:00|inside the hour New York lives twice"
)

# faketime shares its start with child processes (vitest workers, spawned `staunch serve`,
# Chromium): they continue the run's fake clock rather than restarting it at the given time.
results=()
failed=0
for entry in "${cases[@]}"; do
  IFS='|' read -r zone at why <<<"$entry"
  echo
  echo "=== TZ=$zone, clock from $at ($why)"
  log=$(mktemp)
  TZ="$zone" faketime -f "@$at" npx vitest run "${suites[@]}" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n 1)
  rm -f "$log"
  [ "$status" -eq 0 ] || failed=1
  results+=("$([ "$status" -eq 0 ] && echo ok || echo FAILED)  TZ=$zone  $at  ${summary:-no summary (vitest exited with $status)}")
done

echo
echo "clock matrix:"
printf '  %s\n' "${results[@]}"
exit "$failed"

#!/usr/bin/env bash
# Prints the reason of every skipped test and the closing line "N passed, N failed, N skipped" from TRX files.
# Exits non-zero when a test failed or no result was found.
set -uo pipefail
dir=${1:-TestResults}
shopt -s nullglob
files=("$dir"/*.trx)
if [ ${#files[@]} -eq 0 ]; then
  echo "0 passed, 1 failed, 0 skipped (no test results were written)"
  exit 1
fi
# Skip reasons, once per distinct reason.
grep -hoP '(?<=<Message>)[^<]*(?=</Message>)' "${files[@]}" 2>/dev/null | grep -iE 'need|skip' | sort | uniq -c | sed 's/^ */skipped: /' || true
# Each failed test with the first lines of its message, so the end of a CI log names what failed (perl-base is part
# of every Debian system; the TRX message spans lines).
perl -0777 -ne '
  while (/<UnitTestResult\b[^>]*?testName="([^"]*)"[^>]*?outcome="(?:Failed|Error|Timeout|Aborted)"[^>]*>(.*?)<\/UnitTestResult>/gs) {
    my ($name, $body) = ($1, $2);
    my ($message) = $body =~ /<Message>(.*?)<\/Message>/s;
    my ($stack) = $body =~ /<StackTrace>(.*?)<\/StackTrace>/s;
    my @lines = (split(/\n/, $message // ""))[0..7];
    my @all = grep { /\.cs:line/ } split(/\n/, $stack // "");
    # Frames of this project first: a library frame rarely says which step failed.
    my @frames = ((grep { !m{ in /_/} } @all), (grep { m{ in /_/} } @all));
    print "FAILED $name\n", map({ defined $_ ? "  $_\n" : "" } @lines), map({ "  $_\n" } @frames[0..($#frames < 2 ? $#frames : 2)]);
  }' "${files[@]}" | sed -e 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&apos;/'"'"'/g; s/&amp;/\&/g'
passed=0; failed=0; skipped=0
for f in "${files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -n 1)
  get() { echo "$counters" | grep -oP "(?<= $1=\")[0-9]+" || echo 0; }
  passed=$(( passed + $(get passed) ))
  failed=$(( failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted) ))
  skipped=$(( skipped + $(get total) - $(get executed) ))
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# expect_exit.sh STATUS TEXT COMMAND...: runs COMMAND and prints its output; then, only when it
# exited with STATUS and printed a line containing TEXT, prints "caught (exit STATUS): <line>"
# and exits 0. Otherwise says what happened and exits 1. For tests that must see a check fail
# in one particular way (a crash or a missing file is another way).
set -uo pipefail
want=$1 text=$2
shift 2
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
line=$(grep -F -m1 -- "$text" <<<"$out")
if [ "$rc" = "$want" ] && [ -n "$line" ]; then
    echo "caught (exit $rc): $line"
    exit 0
fi
echo "expect_exit.sh: wanted exit $want and a line with '$text'; got exit $rc${line:+ (the line is there)}"
exit 1

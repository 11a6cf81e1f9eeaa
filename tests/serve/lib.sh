# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# What the live-board scripts of tests/serve share (sourced): skip / fail (with the board's
# stderr from $work/serve.err when there is one) and the checks every one makes first: root,
# /dev/net/tun, ip and ping.

skip() { echo "SKIP: $*"; exit 77; }
fail() {
    echo "FAIL: $*"
    if [ -n "${work:-}" ] && [ -f "$work/serve.err" ]; then
        echo "--- hopsim serve stderr"; tail -40 "$work/serve.err"
    fi
    exit 1
}

[ "$(id -u)" -eq 0 ] || skip "needs root (TAP interfaces and network namespaces)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
command -v ip >/dev/null || fail "ip (iproute2) is missing: scripts/deps.sh installs it"
command -v ping >/dev/null || fail "ping (iputils-ping) is missing: scripts/deps.sh installs it"

# wait_board PID SOCKET SECONDS: until `hopsim serve` (PID) has its socket, or fail (it exited,
# or it is not ready in time: a model not in the cache is built first).
wait_board() {
    local pid=$1 sock=$2 seconds=$3 i
    for ((i = 0; i < seconds * 10; i++)); do
        [ -S "$sock" ] && return 0
        kill -0 "$pid" 2>/dev/null || fail "hopsim serve exited before it was ready"
        sleep 0.1
    done
    fail "hopsim serve not ready after $seconds s"
}

# stop_board: SIGTERM to the board ($serve_pid), which must exit 0 within 10 s; clears
# $serve_pid so the scripts' cleanup leaves it alone.
stop_board() {
    local rc
    kill -TERM "$serve_pid"
    for _ in $(seq 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
    wait "$serve_pid"
    rc=$?
    serve_pid=
    [ $rc -eq 0 ] || fail "hopsim serve exited with $rc after SIGTERM"
}

# SPDX-License-Identifier: Apache-2.0
# What the hopd test scripts share (sourced, after HOPSIM, HOPD and HOPCTL are set):
#   lib_init NAME       a temporary directory $T; at exit hopd ($HOPD_PID), the board
#                       ($BOARD_PID) and the namespaces in $NS (when set) are stopped and
#                       removed
#   fail MESSAGE        prints FAIL and hopd's log, exits 1
#   ctl ARGS...         hopctl on hopd's control socket $T/hopd.sock
#   until_true N CMD... CMD true within N tenths of a second
#   wait_ready LOG PID  LOG has its "; ready" line within 120 s while PID runs
#   start_board ARGS... `hopsim serve ARGS` on $T/board.sock, until it is ready
lib_init() {
    T=$(mktemp -d "/tmp/$1.XXXXXX")
    BOARD_PID= HOPD_PID=
    NS=${NS:-}
    trap lib_cleanup EXIT
}
lib_cleanup() {
    [ -n "$HOPD_PID" ] && kill "$HOPD_PID" 2>/dev/null && wait "$HOPD_PID" 2>/dev/null
    [ -n "$BOARD_PID" ] && kill "$BOARD_PID" 2>/dev/null && wait "$BOARD_PID" 2>/dev/null
    for ns in $NS; do ip netns del "$ns" 2>/dev/null; done
    rm -rf "$T"
}
fail() { echo "FAIL: $*"; [ -f "$T/hopd.log" ] && sed 's/^/  hopd: /' "$T/hopd.log"; exit 1; }
ctl() { "$HOPCTL" --socket "$T/hopd.sock" "$@"; }
until_true() {
    local n=$1
    shift
    for _ in $(seq 1 "$n"); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}
wait_ready() {
    for _ in $(seq 1 1200); do
        grep -q "; ready$" "$1" && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
start_board() {
    "$HOPSIM" serve "$@" --socket "$T/board.sock" > "$T/board.log" 2>&1 &
    BOARD_PID=$!
    wait_ready "$T/board.log" $BOARD_PID || { cat "$T/board.log"; fail "the board did not start"; }
}

# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# The router lab, sourced by scripts/demo.sh and tests/hopd/router_e2e.sh (bash, as root):
# examples/router.p4 on a simulated board (`hopsim serve`, the Verilated pipeline at DATA_W=512)
# with ports 1, 2 and 3 on TAP interfaces, each moved into a network namespace of its own with
# one Linux host in it, and hopd on the board's socket. No static ARP anywhere: the hosts and
# hopd resolve each other through the punt path. Addresses come from RFC 5737 only:
#
#   host 1  192.0.2.1/24      --- port 1  192.0.2.254/24
#   host 2  198.51.100.1/24   --- port 2  198.51.100.254/24   (MTU 1280 on both sides)
#   host 3  203.0.113.1/25    --- port 3  203.0.113.126/25
#
# Each host routes the other two /24s through the router and has no default route, so nothing
# is sent anywhere else (IPv6 is disabled in the namespaces and on the TAPs). The router routes
# only its connected subnets: 203.0.113.128/25 has no route (net unreachable).
#
#   lab_init HOPSIM HOPD HOPCTL SOURCE_DIR RTL_CACHE   names, paths and a work directory
#   lab_up                                             board, namespaces, hosts, hopd
#   lab_down                                           removes everything lab_up made
#   lab_step_* (below)                                 one traffic step each: prints what it
#                                                      shows, returns 0 when it shows it
#   lab_in N COMMAND...                                runs COMMAND in host N's namespace
#   lab_ctl ARGS...                                    hopctl on the lab's hopd
# Every wait is bounded in count and time.

lab_init() {
    LAB_HOPSIM=$1 LAB_HOPD=$2 LAB_HOPCTL=$3 LAB_SRC=$4 LAB_CACHE=$5
    LAB_DIR=$(mktemp -d /tmp/hop-lab.XXXXXX)
    LAB_ID=$$
    LAB_NS=("" "hl${LAB_ID}h1" "hl${LAB_ID}h2" "hl${LAB_ID}h3")
    LAB_TAP=("" "hl${LAB_ID}p1" "hl${LAB_ID}p2" "hl${LAB_ID}p3")
    LAB_HOST=("" 192.0.2.1 198.51.100.1 203.0.113.1)
    LAB_ROUTER=("" 192.0.2.254 198.51.100.254 203.0.113.126)
    LAB_BOARD_PID="" LAB_HOPD_PID=""
}

lab_log() { echo "lab: $*"; }

lab_in() {
    local n=$1
    shift
    ip netns exec "${LAB_NS[$n]}" "$@"
}

lab_ping() {  # lab_ping N ARGS...: ping from host N, never longer than 30 s
    local n=$1
    shift
    lab_in "$n" timeout 30 ping "$@"
}

lab_ctl() { "$LAB_HOPCTL" --socket "$LAB_DIR/hopd.sock" "$@"; }

lab_down() {  # safe under set -e, and to call twice
    if [ -n "${LAB_HOPD_PID:-}" ]; then
        kill "$LAB_HOPD_PID" 2>/dev/null || true
        wait "$LAB_HOPD_PID" 2>/dev/null || true
    fi
    if [ -n "${LAB_BOARD_PID:-}" ]; then
        kill "$LAB_BOARD_PID" 2>/dev/null || true
        wait "$LAB_BOARD_PID" 2>/dev/null || true
    fi
    LAB_HOPD_PID="" LAB_BOARD_PID=""
    local n
    for n in 1 2 3; do
        ip netns del "${LAB_NS[$n]}" 2>/dev/null || true
        ip link del "${LAB_TAP[$n]}" 2>/dev/null || true  # still in the root namespace
    done
    if [ -n "${LAB_DIR:-}" ]; then rm -rf "$LAB_DIR"; fi
    return 0
}

# lab_wait_line FILE PATTERN PID [SECONDS]: up to SECONDS (60) for PATTERN in FILE while PID
# lives.
lab_wait_line() {
    local _
    for _ in $(seq 1 $((${4:-60} * 10))); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

lab_start_hopd() {
    : > "$LAB_DIR/hopd.log"
    "$LAB_HOPD" --device "sim:$LAB_DIR/board.sock" --program "$LAB_SRC/examples/router.p4" \
        --interfaces "$LAB_DIR/interfaces" --control "$LAB_DIR/hopd.sock" \
        >> "$LAB_DIR/hopd.log" 2>&1 &
    LAB_HOPD_PID=$!
    # The socket of a killed hopd stays: wait for the ready line.
    if ! lab_wait_line "$LAB_DIR/hopd.log" "; ready$" "$LAB_HOPD_PID"; then
        sed 's/^/  hopd: /' "$LAB_DIR/hopd.log"
        lab_log "hopd did not start"
        return 1
    fi
}

lab_kill_hopd() {
    kill -9 "$LAB_HOPD_PID" 2>/dev/null || true
    wait "$LAB_HOPD_PID" 2>/dev/null || true
    LAB_HOPD_PID=""
    return 0
}

lab_up() {
    local n
    cat > "$LAB_DIR/interfaces" <<'X'
# port address/length mac [mtu N]
1 192.0.2.254/24 02:00:00:00:01:fe
2 198.51.100.254/24 02:00:00:00:02:fe mtu 1280
3 203.0.113.126/25 02:00:00:00:03:fe
X
    # The TAPs are made here, IPv6 off, so that the board brings up quiet interfaces.
    for n in 1 2 3; do
        ip tuntap add dev "${LAB_TAP[$n]}" mode tap || return 1
        echo 1 2>/dev/null > "/proc/sys/net/ipv6/conf/${LAB_TAP[$n]}/disable_ipv6"
    done
    # LAB_SERVE_ARGS: more arguments for hopsim serve (the switch top: "--rtl-top switch
    # --rtl-ports 8 --data-width 64").
    # shellcheck disable=SC2086
    "$LAB_HOPSIM" serve "$LAB_SRC/examples/router.p4" --socket "$LAB_DIR/board.sock" \
        --rtl-cache "$LAB_CACHE" --tap "1=${LAB_TAP[1]}" --tap "2=${LAB_TAP[2]}" \
        --tap "3=${LAB_TAP[3]}" ${LAB_SERVE_ARGS:-} > "$LAB_DIR/board.log" 2>&1 &
    LAB_BOARD_PID=$!
    # (a model not in the cache yet is built first: about 30 s, longer on a busy machine)
    if ! lab_wait_line "$LAB_DIR/board.log" "; ready$" "$LAB_BOARD_PID" 600; then
        sed 's/^/  board: /' "$LAB_DIR/board.log"
        lab_log "the board did not start"
        return 1
    fi
    local mtu=(0 1500 1280 1500) len=(0 24 24 25)
    for n in 1 2 3; do
        local ns=${LAB_NS[$n]} tap=${LAB_TAP[$n]}
        ip netns add "$ns" || return 1
        lab_in "$n" sh -c 'for c in all default; do
            echo 1 > /proc/sys/net/ipv6/conf/$c/disable_ipv6; done' 2>/dev/null
        ip link set "$tap" netns "$ns" || return 1
        ip -n "$ns" link set lo up
        ip -n "$ns" link set "$tap" address "02:00:00:00:0$n:01" mtu "${mtu[$n]}" up
        ip -n "$ns" addr add "${LAB_HOST[$n]}/${len[$n]}" dev "$tap"
        local m
        for m in 1 2 3; do
            [ "$m" = "$n" ] && continue
            ip -n "$ns" route add "$(lab_net24 "$m")" via "${LAB_ROUTER[$n]}" || return 1
        done
    done
    lab_start_hopd
}

lab_net24() {  # the /24 host N's address is in
    local a=${LAB_HOST[$1]}
    echo "${a%.*}.0/24"
}

# ---- traffic steps: each prints what it shows and returns 0 when it shows it

LAB_OUT=""  # what the last step printed

lab_show() {  # prints the output of the last command, indented
    sed 's/^/    /' <<< "$LAB_OUT"
}

lab_counter() {  # lab_counter NAME: one of hopd's slow-path counters (`hopctl counters`)
    lab_ctl counters 2>/dev/null | awk -v n="$1" '$1 == n { print $2; f = 1 } END { if (!f) print -1 }'
}

# lab_moved NAME BEFORE: the counter went up since BEFORE; prints it.
lab_moved() {
    local now
    now=$(lab_counter "$1")
    echo "    hopd: $1 $2 -> $now"
    [ "$2" -ge 0 ] && [ "$now" -gt "$2" ]
}

lab_step_ping_host() {  # host 1 pings host 2 across the router (hopd resolves host 2)
    local c
    c=$(lab_counter arp.resolved)
    LAB_OUT=$(lab_ping 1 -c 3 -i 0.2 -W 3 "${LAB_HOST[2]}" 2>&1)
    lab_show
    grep -q " 0% packet loss" <<< "$LAB_OUT" && lab_moved arp.resolved "$c"
}

lab_step_ping_router() {  # host 1 pings the router's address
    local c
    c=$(lab_counter slowpath.echo_replies)
    LAB_OUT=$(lab_ping 1 -c 3 -i 0.2 -W 3 "${LAB_ROUTER[1]}" 2>&1)
    lab_show
    grep -q " 0% packet loss" <<< "$LAB_OUT" && lab_moved slowpath.echo_replies "$c"
}

lab_step_traceroute() {  # hop 1 the router (time exceeded from hopd), hop 2 host 3
    local c
    c=$(lab_counter slowpath.sent_time_exceeded)
    LAB_OUT=$(lab_in 1 timeout 20 traceroute -n -q 1 -w 2 -m 4 "${LAB_HOST[3]}" 2>&1)
    lab_show
    grep -Eq "^ *1 +${LAB_ROUTER[1]//./\\.} " <<< "$LAB_OUT" &&
        grep -Eq "^ *2 +${LAB_HOST[3]//./\\.} " <<< "$LAB_OUT" &&
        lab_moved slowpath.sent_time_exceeded "$c" || return 1
    # To the router's port-1 address from host 3: hopd's port unreachable comes from that
    # address (not port 3's), so the trace ends there.
    LAB_OUT=$(lab_in 3 timeout 20 traceroute -n -q 1 -w 2 -m 3 "${LAB_ROUTER[1]}" 2>&1)
    lab_show
    grep -Eq "^ *1 +${LAB_ROUTER[1]//./\\.} " <<< "$LAB_OUT"
}

lab_step_no_route() {  # 203.0.113.200: no route on the router
    local c
    c=$(lab_counter slowpath.sent_net_unreachable)
    LAB_OUT=$(lab_ping 1 -c 1 -W 3 203.0.113.200 2>&1)
    lab_show
    grep -q "From ${LAB_ROUTER[1]} .*Destination Net Unreachable" <<< "$LAB_OUT" &&
        lab_moved slowpath.sent_net_unreachable "$c"
}

lab_step_fragment() {  # 4,000 bytes to host 2: fragmented by hopd to MTU 1280
    local c
    c=$(lab_counter slowpath.fragmented_datagrams)
    ip -n "${LAB_NS[1]}" route flush cache 2>/dev/null  # no path MTU learnt earlier
    LAB_OUT=$(lab_ping 1 -c 2 -i 0.3 -W 3 -s 4000 "${LAB_HOST[2]}" 2>&1)
    lab_show
    grep -q " 0% packet loss" <<< "$LAB_OUT" &&
        grep -q "^4008 bytes from ${LAB_HOST[2]}" <<< "$LAB_OUT" &&
        lab_moved slowpath.fragmented_datagrams "$c"
}

lab_step_frag_needed() {  # DF set, 1,428 bytes: fragmentation needed, MTU 1280
    local c
    c=$(lab_counter slowpath.sent_frag_needed)
    LAB_OUT=$(lab_ping 1 -c 1 -W 3 -M "do" -s 1400 "${LAB_HOST[2]}" 2>&1)
    lab_show
    grep -q "From ${LAB_ROUTER[1]} .*Frag needed and DF set (mtu = 1280)" <<< "$LAB_OUT" &&
        lab_moved slowpath.sent_frag_needed "$c"
}

lab_step_reassembly() {  # 3,000 bytes to the router: hopd reassembles and answers
    local c
    c=$(lab_counter reassembly.reassembled)
    LAB_OUT=$(lab_ping 1 -c 2 -i 0.3 -W 3 -s 3000 "${LAB_ROUTER[1]}" 2>&1)
    lab_show
    grep -q " 0% packet loss" <<< "$LAB_OUT" &&
        grep -q "^3008 bytes from ${LAB_ROUTER[1]}" <<< "$LAB_OUT" &&
        lab_moved reassembly.reassembled "$c"
}

# The board's count of frames punted while no client was connected.
lab_punts_no_client() {
    lab_board_stats | sed -n 's/.* \([0-9]*\) punts with no client.*/\1/p'
}

lab_board_stats() {  # the board's statistics, through hopd
    lab_ctl stats 2>/dev/null | sed -n 's/^board: //p'
}

# hopd killed with SIGKILL and started again during a 40-packet ping from host 1 to host 2:
# forwarding is in hardware, only what is punted while hopd is down may be lost.
LAB_RESTART_LOST="" LAB_RESTART_PUNTED=""
lab_step_restart() {
    local before after sent received
    before=$(lab_punts_no_client)
    lab_ping 1 -c 40 -i 0.1 -W 2 "${LAB_HOST[2]}" > "$LAB_DIR/restart-ping" 2>&1 &
    local ping=$!
    sleep 1
    lab_kill_hopd
    lab_log "hopd killed with SIGKILL, starting it again"
    local t0=${EPOCHREALTIME/./}
    lab_start_hopd || { wait $ping; return 1; }
    lab_log "hopd back after $(((${EPOCHREALTIME/./} - t0) / 1000)) ms:" \
        "$(grep -o 'continuing from.*' "$LAB_DIR/hopd.log")"
    wait $ping
    after=$(lab_punts_no_client)
    LAB_OUT=$(cat "$LAB_DIR/restart-ping")
    tail -n 3 <<< "$LAB_OUT" | sed 's/^/    /'
    sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' <<< "$LAB_OUT")
    received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<< "$LAB_OUT")
    [ -n "$sent" ] && [ -n "$received" ] && [ -n "$before" ] && [ -n "$after" ] || return 1
    LAB_RESTART_LOST=$((sent - received))
    LAB_RESTART_PUNTED=$((after - before))
    lab_log "restart: $sent sent, $received received, $LAB_RESTART_LOST lost;" \
        "$LAB_RESTART_PUNTED frames punted while hopd was down"
    [ "$sent" = 40 ] && [ "$LAB_RESTART_LOST" -le "$LAB_RESTART_PUNTED" ]
}

# ---- the whole run: every step, timed, then the counters; 0 when every step passed

LAB_FAILED=()

lab_step() {  # lab_step NAME TITLE
    local t0=${EPOCHREALTIME/./} ok=PASS ms
    echo
    echo "== $2"
    "lab_step_$1" || ok=FAIL
    [ $ok = PASS ] || LAB_FAILED+=("$1")
    ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
    printf '%s %s (%d.%01d s)\n' "$ok" "$1" $((ms / 1000)) $((ms % 1000 / 100))
}

# The counters of hopd's slow path that must have moved, and the board's punt reasons.
lab_check_counters() {
    local name value ok=0
    echo "    hopd counters that moved:"
    lab_ctl counters | awk '$2 != 0 { print "      " $0 }'
    for name in "$@"; do
        value=$(lab_counter "$name")
        if [ "$value" -le 0 ]; then
            echo "    counter $name did not move ($value)"
            ok=1
        fi
    done
    return $ok
}

lab_check_board() {  # every punt reason router.p4 has but options was seen by the board
    local reasons r ok=0
    reasons=$(lab_board_stats | grep "^punts by packet_in reason:")
    echo "    board: $reasons"
    for r in 1 2 3 4 5 6; do
        grep -Eq " x $r( |$)" <<< "$reasons" || { echo "    no punt with reason $r"; ok=1; }
    done
    return $ok
}

lab_step_counters() {  # before the restart: what the first hopd counted
    lab_check_counters arp.requests_answered arp.requests_sent arp.resolved \
        slowpath.echo_replies slowpath.sent_time_exceeded slowpath.sent_net_unreachable \
        slowpath.sent_frag_needed slowpath.fragmented_datagrams slowpath.fragments_sent \
        reassembly.fragments reassembly.reassembled
}

lab_step_after_restart() {  # the restarted hopd answers, reassembles, and shows its stats
    lab_step_reassembly || return 1
    echo "    hopctl stats:"
    lab_ctl stats | sed 's/^/      /'
    lab_check_counters slowpath.echo_replies reassembly.reassembled && lab_check_board
}

lab_run() {
    local t0=$SECONDS
    LAB_FAILED=()
    lab_step ping_host "1. host 1 pings host 2 (${LAB_HOST[2]}) across the router"
    lab_step ping_router "2. host 1 pings the router (${LAB_ROUTER[1]})"
    lab_step traceroute "3. traceroute -n from host 1 to host 3 (${LAB_HOST[3]}), from host 3 to the router"
    lab_step no_route "4. a ping to 203.0.113.200, which the router has no route for"
    lab_step fragment "5. ping -s 4000 to host 2 across the MTU-1280 link (hopd fragments)"
    lab_step frag_needed "6. ping -M do -s 1400 to host 2 (DF set, larger than 1280)"
    lab_step reassembly "7. ping -s 3000 to the router (hopd reassembles)"
    lab_step counters "hopctl counters of hopd so far"
    lab_step restart "8. hopd killed (SIGKILL) and restarted during a ping -c 40 -i 0.1 to host 2"
    lab_step after_restart "after the restart: ping -s 3000 to the router, hopctl stats"
    echo
    if ((${#LAB_FAILED[@]})); then
        echo "router lab: FAILED: ${LAB_FAILED[*]} ($((SECONDS - t0)) s)"
        sed 's/^/  hopd: /' "$LAB_DIR/hopd.log"
        return 1
    fi
    echo "router lab: every step passed ($((SECONDS - t0)) s)"
}

// expect: unknown_state.p4:4:30: error: 'parse_ipv4' is not a parser state
// A transition to a state that does not exist.
parser P() {
    state start { transition parse_ipv4; }
}

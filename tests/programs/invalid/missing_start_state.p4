// expect: missing_start_state.p4:3:8: error: parser 'P' has no 'start' state
// Every parser needs a start state.
parser P() {
    state begin { transition accept; }
}

// expect: action_data_before_directional.p4:3:19: error: action data parameter 'port' must come after the directional parameters
// Action data (directionless) parameters come last.
action set(bit<9> port, inout bit<9> spec) {
    spec = port;
}

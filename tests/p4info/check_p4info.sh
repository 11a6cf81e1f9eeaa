#!/usr/bin/env bash
# Compiles each example with hopc and parses its <name>.p4info.json with protobuf's JSON parser
# against the P4Info schema (unknown fields are errors), then checks that the message survives a
# round trip to the binary wire format and back with the same tables, actions and ids.
set -euo pipefail
hopc=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
protoc --proto_path="$root/tests/p4info" --python_out="$work" "$root/tests/p4info/p4info.proto"
status=0
for p4 in "$root"/examples/*.p4; do
    name=$(basename "$p4" .p4)
    "$hopc" "$p4" -o "$work/$name" >/dev/null
    PYTHONPATH="$work" /usr/bin/python3 - "$work/$name/$name.p4info.json" <<'PY' || status=1
import json, sys
from google.protobuf import json_format
import p4info_pb2
path = sys.argv[1]
text = open(path).read()
msg = json_format.Parse(text, p4info_pb2.P4Info(), ignore_unknown_fields=False)
wire = msg.SerializeToString()
back = p4info_pb2.P4Info.FromString(wire)
assert back == msg, "wire round trip changed the message"
raw = json.loads(text)
assert len(msg.tables) == len(raw.get("tables", [])), "tables lost"
assert len(msg.actions) == len(raw.get("actions", [])), "actions lost"
assert msg.pkg_info.arch == "v1model", "pkgInfo.arch is not v1model"
ids = [t.preamble.id for t in msg.tables] + [a.preamble.id for a in msg.actions]
assert len(ids) == len(set(ids)), "duplicate ids"
for t in msg.tables:
    assert t.preamble.id >> 24 == 0x02, f"table {t.preamble.name} id without the table prefix"
    assert t.size > 0, f"table {t.preamble.name} has no size"
    for f in t.match_fields:
        assert f.bitwidth > 0 and f.match_type != 0, f"bad match field in {t.preamble.name}"
    action_ids = {a.preamble.id for a in msg.actions}
    for r in t.action_refs:
        assert r.id in action_ids, f"table {t.preamble.name} refers to an unknown action"
for a in msg.actions:
    assert a.preamble.id >> 24 == 0x01, f"action {a.preamble.name} id without the action prefix"
for c in msg.controller_packet_metadata:
    assert c.preamble.id >> 24 == 0x04, "controller header id without its prefix"
    assert c.preamble.name in ("packet_in", "packet_out")
for d in msg.digests:
    assert d.preamble.id >> 24 == 0x17, "digest id without its prefix"
    name = d.type_spec.struct.name
    assert name == d.preamble.name and name in msg.type_info.structs, "digest without its struct"
    assert all(m.type_spec.bitstring.bit.bitwidth > 0 for m in msg.type_info.structs[name].members)
print(f"{path}: {len(msg.tables)} tables, {len(msg.actions)} actions, "
      f"{len(msg.controller_packet_metadata)} controller headers: valid P4Info")
PY
done
exit $status

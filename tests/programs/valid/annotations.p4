/*
 * annotations.p4 -- annotations in every position the grammar allows.
 * Covers: annotations without body, with an unstructured body of
 * arbitrary balanced tokens (including nested parentheses, keywords and
 * operators), with a structured expression list [ ... ] and with a
 * structured key-value list [k = v, ...]; standard annotations @name,
 * @hidden, @noWarn, @atomic, @optional, @tableonly,
 * @defaultonly, @field_list; annotations on declarations (header, struct,
 * field, const, action, table, control, parser, state, parameter,
 * key element, action list element, table property, block statement,
 * variable, instance), several annotations stacked, and the same
 * annotation name repeated.
 */
#include <core.p4>
#include <v1model.p4>

@description("an ethernet header") @doc_version(2)
header ethernet_t {
    @name("destination") bit<48> dst;
    @format(mac) bit<48> src;
    bit<16> etherType;
}

@anno_struct_kv[author = "hopline", revision = 3]
struct headers {
    @anno_list[1, 2, "three", true]
    ethernet_t ethernet;
}

struct metadata {
    @field_list(1, 2) bit<8> keep;
    @unusual(this is (a (nested) body) with keywords: table, action, apply; && || ..)
    bit<8> other;
}

@my_const_note
const bit<8> MAGIC = 42;

extern Fancy {
    Fancy();
    void run(in bit<8> a, @optional in bit<8> b);
}

@name("TheParser")
parser Prs(packet_in pkt, @name("hdr_out") out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    @my_state_note state start {
        pkt.extract(hdr.ethernet);
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

@pipeline_note("ingress") @another_note
control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    @my_instance_note Fancy() fancy;

    @name("set_keep") @hidden_hint
    action set_keep(@name("value") bit<8> v) {
        meta.keep = v;
    }

    @noWarn("unused")
    action unused_action() { }

    @name(".global_table_name")
    table t {
        key = {
            hdr.ethernet.dst: exact @name("dmac") @my_key_note;
        }
        actions = {
            @tableonly set_keep;
            @defaultonly NoAction;
        }
        @my_prop_note size = 16;
        default_action = NoAction();
    }

    apply {
        @atomic {
            meta.other = MAGIC;
            t.apply();
        }
        @my_var_note bit<8> local = meta.keep;
        fancy.run(local);
        fancy.run(local, meta.other);
        @hidden {
            meta.keep = local + 1;
        }
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.ethernet); } }

@my_main_note
V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;

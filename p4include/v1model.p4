/*
 * v1model.p4 -- the "v1model" switch architecture (the model implemented by
 * BMv2's simple_switch), as used by hopline.
 *
 * Written for the hopline project from the P4_16 specification and the
 * published description of v1model/simple_switch.  Every type, enum, extern,
 * match_kind and standard_metadata_t field has the name, width, direction
 * and annotations of the v1model.p4 shipped with p4c, so an unmodified BMv2
 * program that includes <core.p4> and <v1model.p4> is accepted.  Comments
 * are our own.
 *
 * Versions: a program may `#define V1MODEL_VERSION 20200408` before
 * including this file to get the newer declarations (counter, meter and
 * register generic in their index type, PortId_t).  Without a definition
 * the older, most widely used declarations apply, as with p4c.
 */

#ifndef _V1_MODEL_P4_
#define _V1_MODEL_P4_

#include "core.p4"

#ifndef V1MODEL_VERSION
#define V1MODEL_VERSION 20180101
#endif

/* Match kinds added by this architecture. */
match_kind {
    range,      // the key lies in [lo, hi]
    optional,   // either an exact value or "don't care"
    selector    // hashed input of an action selector
}

/* The version this file was read with, visible to the program. */
const bit<32> __v1model_version = V1MODEL_VERSION;

#if V1MODEL_VERSION >= 20200408
typedef bit<9> PortId_t;
#endif

/* Per-packet metadata owned by the architecture.  The @alias names are the
 * names simple_switch uses internally for the same values. */
@metadata @name("standard_metadata")
struct standard_metadata_t {
#if V1MODEL_VERSION >= 20200408
    PortId_t ingress_port;    // port the packet arrived on
    PortId_t egress_spec;     // port chosen by ingress (511 = drop)
    PortId_t egress_port;     // port the packet leaves on (egress only)
#else
    bit<9>   ingress_port;
    bit<9>   egress_spec;
    bit<9>   egress_port;
#endif
    bit<32>  instance_type;   // normal, clone, resubmit, recirculate, ...
    bit<32>  packet_length;   // bytes received
    @alias("queueing_metadata.enq_timestamp")
    bit<32>  enq_timestamp;
    @alias("queueing_metadata.enq_qdepth")
    bit<19>  enq_qdepth;
    @alias("queueing_metadata.deq_timedelta")
    bit<32>  deq_timedelta;
    @alias("queueing_metadata.deq_qdepth")
    bit<19>  deq_qdepth;
    @alias("intrinsic_metadata.ingress_global_timestamp")
    bit<48>  ingress_global_timestamp;
    @alias("intrinsic_metadata.egress_global_timestamp")
    bit<48>  egress_global_timestamp;
    @alias("intrinsic_metadata.mcast_grp")
    bit<16>  mcast_grp;       // multicast group, 0 = none
    @alias("intrinsic_metadata.egress_rid")
    bit<16>  egress_rid;      // replica id of a multicast copy
    bit<1>   checksum_error;  // set when verify_checksum* found a mismatch
    error    parser_error;    // error the parser ended with
    @alias("intrinsic_metadata.priority")
    bit<3>   priority;        // queue priority
}

enum CounterType {
    packets,
    bytes,
    packets_and_bytes
}

enum MeterType {
    packets,
    bytes
}

/* An array of counters updated by index from actions or apply blocks. */
extern counter
#if V1MODEL_VERSION >= 20200408
<I>
#endif
{
    counter(bit<32> size, CounterType type);
#if V1MODEL_VERSION >= 20200408
    void count(in I index);
#else
    void count(in bit<32> index);
#endif
}

/* A counter bound to one table (table property `counters`); one cell per
 * entry, updated whenever the entry matches. */
extern direct_counter {
    direct_counter(CounterType type);
    void count();
}

/* Colours written by meters. */
#define V1MODEL_METER_COLOR_GREEN  0
#define V1MODEL_METER_COLOR_YELLOW 1
#define V1MODEL_METER_COLOR_RED    2

/* An array of two-rate three-colour meters (RFC 2697/2698). */
extern meter
#if V1MODEL_VERSION >= 20200408
<I>
#endif
{
    meter(bit<32> size, MeterType type);
#if V1MODEL_VERSION >= 20200408
    void execute_meter<T>(in I index, out T result);
#else
    void execute_meter<T>(in bit<32> index, out T result);
#endif
}

/* A meter bound to one table (table property `meters`). */
extern direct_meter<T> {
    direct_meter(MeterType type);
    void read(out T result);
}

/* An array of state cells that survive from packet to packet. */
#if V1MODEL_VERSION >= 20200408
extern register<T, I>
#else
extern register<T>
#endif
{
    register(bit<32> size);
    @noSideEffects
#if V1MODEL_VERSION >= 20200408
    void read(out T result, in I index);
    void write(in I index, in T value);
#else
    void read(out T result, in bit<32> index);
    void write(in bit<32> index, in T value);
#endif
}

/* Table implementation (property `implementation`) holding action
 * data in a shared pool of members. */
extern action_profile {
    action_profile(bit<32> size);
}

/* Write a random value in [lo, hi] to result; T must be bit<W>. */
extern void random<T>(out T result, in T lo, in T hi);

/* Send `data` to the control plane; a named struct type gives the digest
 * its name. */
extern void digest<T>(in bit<32> receiver, in T data);

enum HashAlgorithm {
    crc32,
    crc32_custom,
    crc16,
    crc16_custom,
    random,
    identity,
    csum16,
    xor16
}

/* Old form, without argument. */
@deprecated("Please use mark_to_drop(standard_metadata) instead.")
extern void mark_to_drop();

/* Set egress_spec to the drop port (511) and mcast_grp to 0. */
@pure
extern void mark_to_drop(inout standard_metadata_t standard_metadata);

/* result = base + (H(data) % max), or base when max is 0. */
@pure
extern void hash<O, T, D, M>(out O result, in HashAlgorithm algo, in T base, in D data, in M max);

/* Table implementation choosing one member of a group by hashing the
 * `selector` key fields. */
extern action_selector {
    action_selector(HashAlgorithm algorithm, bit<32> size, bit<32> outputWidth);
}

enum CloneType {
    I2E,
    E2E
}

@deprecated("Please use verify_checksum/update_checksum instead.")
extern Checksum16 {
    Checksum16();
    bit<16> get<D>(in D data);
}

/* In VerifyChecksum: when condition holds, compute the checksum of the
 * tuple `data` with algo and set standard_metadata.checksum_error if it
 * differs from `checksum`. */
extern void verify_checksum<T, O>(in bool condition, in T data, in O checksum, HashAlgorithm algo);

/* In ComputeChecksum: when condition holds, overwrite `checksum` with the
 * checksum of `data`. */
@pure
extern void update_checksum<T, O>(in bool condition, in T data, inout O checksum, HashAlgorithm algo);

/* As above, with the unparsed payload appended to `data`. */
extern void verify_checksum_with_payload<T, O>(in bool condition, in T data, in O checksum, HashAlgorithm algo);
@noSideEffects
extern void update_checksum_with_payload<T, O>(in bool condition, in T data, inout O checksum, HashAlgorithm algo);

/* Copy the packet to the clone session at the end of ingress (I2E) or of
 * egress (E2E). */
extern void clone(in CloneType type, in bit<32> session);

@deprecated("Please use 'resubmit_preserving_field_list' instead")
extern void resubmit<T>(in T data);
/* Send the packet through ingress again, keeping the user metadata fields
 * annotated @field_list(index). */
extern void resubmit_preserving_field_list(bit<8> index);

@deprecated("Please use 'recirculate_preserving_field_list' instead")
extern void recirculate<T>(in T data);
/* Feed the deparsed packet back into the parser after egress. */
extern void recirculate_preserving_field_list(bit<8> index);

@deprecated("Please use 'clone_preserving_field_list' instead")
extern void clone3<T>(in CloneType type, in bit<32> session, in T data);
extern void clone_preserving_field_list(in CloneType type, in bit<32> session, bit<8> index);

/* Keep at most `length` bytes of the outgoing packet. */
extern void truncate(in bit<32> length);

/* Run-time checks for debugging targets; assume() is a hint to
 * verification tools and behaves as assert() on BMv2. */
extern void assert(in bool check);
extern void assume(in bool check);

/* Debug log; the second form formats `data` into `{}` places of msg. */
extern void log_msg(string msg);
extern void log_msg<T>(string msg, in T data);

/* The six programmable blocks of the architecture.
 * H: struct of headers, header stacks and header unions.
 * M: struct of user metadata. */
parser Parser<H, M>(packet_in b,
                    out H parsedHdr,
                    inout M meta,
                    inout standard_metadata_t standard_metadata);

/* May contain only verify_checksum* calls (and blocks/returns). */
control VerifyChecksum<H, M>(inout H hdr,
                             inout M meta);

@pipeline
control Ingress<H, M>(inout H hdr,
                      inout M meta,
                      inout standard_metadata_t standard_metadata);

@pipeline
control Egress<H, M>(inout H hdr,
                     inout M meta,
                     inout standard_metadata_t standard_metadata);

/* May contain only update_checksum* calls (and blocks/returns). */
control ComputeChecksum<H, M>(inout H hdr,
                              inout M meta);

/* May contain only emit() calls. */
@deparser
control Deparser<H>(packet_out b, in H hdr);

/* The top-level package: instantiate as
 *   V1Switch(MyParser(), MyVerify(), MyIngress(), MyEgress(),
 *            MyCompute(), MyDeparser()) main;  */
package V1Switch<H, M>(Parser<H, M> p,
                       VerifyChecksum<H, M> vr,
                       Ingress<H, M> ig,
                       Egress<H, M> eg,
                       ComputeChecksum<H, M> ck,
                       Deparser<H> dep
                       );

#endif  /* _V1_MODEL_P4_ */

// SPDX-License-Identifier: Apache-2.0
// The reference interpreter: checksums: verify and update.
#include "hash/hash.hpp"
#include "sim/model/model_impl.hpp"

namespace hop::sim {

const std::vector<uint8_t>& Model::Impl::checksumBytes(const ir::ChecksumUnit& c,
                                                       size_t payloadStart,
                                                       const std::vector<uint8_t>* payload) {
    scratch.clear();
    for (const auto& d : c.data) scratch.write(eval(d, nullptr), d->width);
    if (c.withPayload && payload && payloadStart < payload->size())
        scratch.writeBytes(payload->data() + payloadStart, payload->size() - payloadStart);
    return scratch.bytes();
}

BigInt Model::Impl::checksum(const ir::ChecksumUnit& c, size_t payloadStart,
                             const std::vector<uint8_t>* payload) {
    const auto& bytes = checksumBytes(c, payloadStart, payload);
    if (auto why = hash::unsupportedReason(c.algorithm)) throw Unsupported(*why);
    // BMv2 writes its calculation's 64-bit result into the field (identity: the first 8 bytes).
    return hash::compute(c.algorithm, bytes);
}

void Model::Impl::verifyChecksums(size_t payloadStart) {
    for (const auto& c : p.verifyChecksums) {
        if (c.condition && eval(c.condition, nullptr) == 0) continue;
        const int w = c.checksum->width;
        BigInt computed = wrap(checksum(c, payloadStart, input), w);
        BigInt actual = eval(c.checksum, nullptr);
        const std::string what = "verify_checksum of " + (c.checksum->kind == ir::ExprKind::Field
                                                              ? p.fields[c.checksum->index].name
                                                              : std::string("checksum"));
        if (computed == actual) {
            note(TraceEvent::Kind::Checksum, what + ": ok (" + number(actual) + ")");
        } else {
            if (fChecksumError >= 0) phv[fChecksumError] = 1;
            note(TraceEvent::Kind::Checksum, what + ": MISMATCH, packet has " + number(actual) +
                                                 ", computed " + number(computed) +
                                                 " -> standard_metadata.checksum_error = 1");
        }
    }
}

void Model::Impl::updateChecksums(const std::vector<uint8_t>& payload, size_t payloadStart) {
    for (const auto& c : p.updateChecksums) {
        if (c.condition && eval(c.condition, nullptr) == 0) continue;
        BigInt v = wrap(checksum(c, payloadStart, &payload), c.checksum->width);
        assign(c.checksum, v);
        if (tracing && c.checksum->kind == ir::ExprKind::Field)
            note(TraceEvent::Kind::Checksum,
                 "update_checksum " + p.fields[c.checksum->index].name + " = " + number(v));
    }
}

}  // namespace hop::sim

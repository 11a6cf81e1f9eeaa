// SPDX-License-Identifier: Apache-2.0
// The reference interpreter: checksums: verify and update.
#include "sim/model/model_impl.hpp"

namespace hop::sim {

namespace {

// RFC 1071 over the bytes (an odd last byte is padded with a zero byte, as BMv2 does).
uint16_t csum16(const std::vector<uint8_t>& bytes) {
    uint32_t sum = 0;
    for (size_t i = 0; i < bytes.size(); i += 2) {
        uint32_t word = static_cast<uint32_t>(bytes[i]) << 8;
        if (i + 1 < bytes.size()) word |= bytes[i + 1];
        sum += word;
        sum = (sum & 0xffff) + (sum >> 16);
    }
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum & 0xffff);
}

uint16_t xor16(const std::vector<uint8_t>& bytes) {
    uint16_t x = 0;
    for (size_t i = 0; i < bytes.size(); i += 2) {
        uint16_t word = static_cast<uint16_t>(bytes[i] << 8);
        if (i + 1 < bytes.size()) word |= bytes[i + 1];
        x ^= word;
    }
    return x;
}

}  // namespace

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
    switch (c.algorithm) {
        case ir::ChecksumAlgorithm::Csum16:
            return csum16(bytes);
        case ir::ChecksumAlgorithm::Xor16:
            return xor16(bytes);
        case ir::ChecksumAlgorithm::Identity: {
            BigInt v = 0;
            for (uint8_t b : bytes) v = (v << 8) | b;
            return v;
        }
        default:
            throw Unsupported(std::string("checksum algorithm ") + ir::toString(c.algorithm));
    }
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

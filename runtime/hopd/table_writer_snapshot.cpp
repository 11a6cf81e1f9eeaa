// SPDX-License-Identifier: Apache-2.0
// The table writer's part of the state file's snapshot: the drivers (PipelineLoader::save) and
// what every memory word should hold (HwShadow::save).
#include <algorithm>

#include "runtime/hopd/table_writer.hpp"
#include "runtime/tables/snapshot.hpp"

namespace hop::hopd {

std::string TableWriter::snapshot() const {
    tables::SnapshotWriter out;
    // Room reserved, not touched: a string grown by doubling would copy a full table's tens of
    // MB several times and hold two copies at once.
    out.reserve(std::max<size_t>(snapshotHint_ + snapshotHint_ / 4, size_t(64) << 20));
    out.tag("HOPD");
    loader_.save(out);
    shadow_.save(out);
    out.tag("END.");
    snapshotHint_ = out.bytes().size();
    return out.take();
}

bool TableWriter::restore(const std::string& bytes, std::string& error) {
    tables::SnapshotReader in(bytes);
    in.expect("HOPD");
    if (in.ok() && !loader_.restore(in, error)) return false;
    if (in.ok() && !shadow_.restore(in, error)) return false;
    in.expect("END.");
    if (in.ok() && !in.atEnd())
        in.fail("bytes after the end at byte " + std::to_string(in.position()));
    if (!in.ok()) {
        error = in.error();
        return false;
    }
    // What the STAGE registers hold is not known after a restart: the next writes send them.
    staged_.clear();
    snapshotHint_ = bytes.size();
    tail_.clear();
    lastWrites_ = {};
    return true;
}

}  // namespace hop::hopd

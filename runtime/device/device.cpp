// SPDX-License-Identifier: Apache-2.0
// openDevice: the one place a device name becomes a Device.
#include "runtime/device/device.hpp"

#include <fmt/format.h>

#include "runtime/device/pcie_device.hpp"
#include "runtime/device/sim_device.hpp"

namespace hop::device {

std::unique_ptr<Device> openDevice(const std::string& spec, std::string& error) {
    if (spec.starts_with("sim:") && spec.size() > 4) {
        return SimDevice::connect(spec.substr(4), error);
    }
    if (spec.starts_with("pcie:")) return PcieDevice::open(spec, error);
    error = fmt::format(
        "'{}' is not a device: expected sim:PATH (a hopsim serve socket) or "
        "pcie:BDF[,netdev=IFNAME] (a board's BAR and its host interface)",
        spec);
    return nullptr;
}

}  // namespace hop::device

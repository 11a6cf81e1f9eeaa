// SPDX-License-Identifier: Apache-2.0
// hopctl's commands, checked before anything is sent, and turned into the one request line of
// hopd's control protocol (runtime/hopd/control_protocol.hpp):
//   table add TABLE ACTION KEY... => PARAM... [PRIO]   -> table_add ...
//   table modify TABLE ACTION HANDLE => PARAM...       -> table_modify ...
//   table delete TABLE HANDLE                          -> table_delete ...
//   table set-default TABLE ACTION [PARAM...]          -> table_set_default ...
//   table clear TABLE                                  -> table_clear ...
//   table dump TABLE                                   -> table_dump TABLE
//   route add PREFIX via GATEWAY | route add PREFIX dev PORT | route del PREFIX | route show
//   arp show | arp flush | intf show | stats | counters
//   digests                                            -> digests (the board's, in order)
//   load commands|runtime-json|routes FILE               -> load KIND ABSOLUTE_PATH
//   counter read NAME INDEX                            -> counter_read NAME INDEX
//   counter reset NAME | register read NAME [INDEX] | register write NAME INDEX VALUE |
//   register reset NAME | meter set-rates NAME INDEX R:B R:B | meter array-set-rates NAME R:B R:B
// and BMv2 CLI lines as they are (table_add, table_modify, table_delete, table_set_default,
// table_clear, table_dump, counter_read, counter_reset, register_read, register_write,
// register_reset, meter_set_rates, meter_array_set_rates). Tables, actions, keys and parameters are
// checked by hopd against the program; hopctl checks the shape (word counts, prefixes, numbers).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hop::hopctl {

// The request line for `args` (the words after hopctl's options), or nullopt with `error`
// (one line, no "error:" prefix).
std::optional<std::string> buildRequest(const std::vector<std::string>& args, std::string& error);

// The usage text listing every command.
const char* commandHelp();

// The traffic manager's verbs, passed to hopd as they are.
extern const std::vector<std::string> kTmVerbs;

}  // namespace hop::hopctl

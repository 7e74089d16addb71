#pragma once
// The documentation `marketsim help TOPIC` prints, built into the binary from docs/ (embed_docs.cmake).

namespace marketsim::cli::docs {

extern const char* const scenario_format;  ///< docs/scenario-format.md

}  // namespace marketsim::cli::docs

#pragma once
/** Writing a set of output files whole: each to a temporary name in the folder, renamed only once
 *  every one is written, so an error (a full disk, a folder that cannot be created) leaves no
 *  partial set and no temporary file behind, and earlier results intact. */
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace marketsim {

/** Writes every (file name, contents) into `dir` (created if needed), all or nothing. Throws
 *  InputError when `dir` is a file, cannot be created, or a write fails. */
void write_files(const std::filesystem::path& dir, const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace marketsim

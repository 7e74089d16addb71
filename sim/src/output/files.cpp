#include "marketsim/files.hpp"

#include <fstream>
#include <system_error>

#include <unistd.h>

#include "marketsim/error.hpp"

namespace marketsim {

void write_files(const std::filesystem::path& dir, const std::vector<std::pair<std::string, std::string>>& files) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw InputError("--out " + dir.string() + ": exists and is not a folder");
    fs::create_directories(dir, ec);
    if (ec) throw InputError("--out " + dir.string() + ": cannot create the folder: " + ec.message());
    std::vector<fs::path> temps;
    const auto clean = [&] {
        for (const fs::path& t : temps) fs::remove(t, ec);
    };
    for (const auto& [name, contents] : files) {
        const fs::path tmp = dir / ("." + name + ".tmp-" + std::to_string(::getpid()));
        temps.push_back(tmp);
        std::ofstream f(tmp, std::ios::binary);
        f << contents;
        f.close();
        if (!f) {
            clean();
            throw InputError("cannot write " + (dir / name).string() + " (disk full or folder not writable?)");
        }
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        fs::rename(temps[i], dir / files[i].first, ec);
        if (ec) {
            clean();
            throw InputError("cannot write " + (dir / files[i].first).string() + ": " + ec.message());
        }
    }
}

}  // namespace marketsim

#include "marketsim/simd.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <hwy/targets.h>

#include "marketsim/cluster.hpp"
#include "marketsim/error.hpp"
#include "sampling/kernels.hpp"

namespace marketsim::simd {
namespace {
std::string lower(const char* name) {
    std::string s(name);
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
/** Strings joined with ", ". */
std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

/** The target pinned by pin() (a lower-case name), or "" for the best. */
std::string& pinned_name() {
    static std::string name;
    return name;
}

/** Every target this CPU supports and the kernels were compiled for, best first, as bits. */
std::vector<std::int64_t> all_targets() {
    hwy::DisableTargets(0);
    std::vector<std::int64_t> out = hwy::SupportedAndGeneratedTargets();
    for (const std::int64_t t : out)
        if (!pinned_name().empty() && lower(hwy::TargetName(t)) == pinned_name()) hwy::DisableTargets(~t);
    return out;
}
}  // namespace

std::string target() { return lower(kernels::target_name()); }

std::vector<std::string> available() {
    std::vector<std::string> out;
    for (const std::int64_t t : all_targets()) out.push_back(lower(hwy::TargetName(t)));
    return out;
}

void pin(const std::string& name) {
    const std::vector<std::string> names = available();
    if (name != "best" && std::find(names.begin(), names.end(), name) == names.end())
        throw InputError("SIMD target '" + name + "' is not available on this CPU; choose best, " + joined(names));
    pinned_name() = name == "best" ? "" : name;
    all_targets();  // applies the pin
}

void pin_from_environment() {
    if (const char* name = std::getenv("MARKETSIM_SIMD"); name && *name) pin(name);
}

void agree_across_processes(bool pinned) {
    if (cluster::size() == 1) return;
    if (pinned) {
        const std::vector<std::string> targets = cluster::all_gather(target());
        for (int r = 1; r < cluster::size(); ++r)
            if (targets[static_cast<std::size_t>(r)] != targets[0])
                throw InputError("processes pinned different SIMD code paths (process 0: " + targets[0] + ", process " +
                                 std::to_string(r) + ": " + targets[static_cast<std::size_t>(r)] +
                                 "); pin the same one everywhere with --simd or MARKETSIM_SIMD");
        return;
    }
    std::vector<std::vector<std::string>> lists;
    for (const std::string& part : cluster::all_gather(joined(available()))) {
        std::vector<std::string> names;
        for (std::size_t at = 0; at <= part.size();) {
            const std::size_t end = std::min(part.find(", ", at), part.size());
            names.push_back(part.substr(at, end - at));
            at = end + 2;
        }
        lists.push_back(names);
    }
    for (const std::string& candidate : lists.front())
        if (std::all_of(lists.begin(), lists.end(), [&](const std::vector<std::string>& l) {
                return std::find(l.begin(), l.end(), candidate) != l.end();
            })) {
            pin(candidate);
            return;
        }
    throw InputError("no SIMD code path runs on every process's CPU");  // scalar runs everywhere
}

}  // namespace marketsim::simd

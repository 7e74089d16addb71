#include "marketsim/cluster.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>


#ifdef MARKETSIM_WITH_MPI
#include <mpi.h>
#endif

namespace marketsim::cluster {
namespace {
int g_rank = 0;
int g_size = 1;
[[maybe_unused]] bool g_mpi = false;  ///< MPI was started by Session

#ifdef MARKETSIM_WITH_MPI
bool launched_by_mpi() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
        if (std::getenv(name) != nullptr) return true;
    return false;
}

void check(int code, const char* what) {
    if (code == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(code, text, &length);
    throw std::runtime_error(std::string(what) + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}
#endif

}  // namespace

bool built_with_mpi() noexcept {
#ifdef MARKETSIM_WITH_MPI
    return true;
#else
    return false;
#endif
}

Session::Session([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
#ifdef MARKETSIM_WITH_MPI
    if (!launched_by_mpi()) return;
    int provided = 0;
    // only the main thread calls MPI; oneTBB's workers never do
    check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    g_mpi = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    // errors come back as codes (turned into exceptions), not as an abort without a message
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
#endif
}

Session::~Session() {
#ifdef MARKETSIM_WITH_MPI
    if (g_mpi) MPI_Finalize();
    g_mpi = false;
    g_rank = 0;
    g_size = 1;
#endif
}

SoloScope::SoloScope() : rank_(g_rank), size_(g_size) {
    g_rank = 0;
    g_size = 1;
}

SoloScope::~SoloScope() {
    g_rank = rank_;
    g_size = size_;
}

int rank() noexcept { return g_rank; }
int size() noexcept { return g_size; }

void sum(std::span<double> values) {
    if (g_size == 1 || values.empty()) return;
#ifdef MARKETSIM_WITH_MPI
    // in pieces: MPI counts are int
    for (std::size_t at = 0; at < values.size(); at += 1u << 28) {
        const int n = static_cast<int>(std::min<std::size_t>(values.size() - at, 1u << 28));
        check(MPI_Allreduce(MPI_IN_PLACE, values.data() + at, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
    }
#endif
}

void sum(std::span<std::uint64_t> values) {
    if (g_size == 1 || values.empty()) return;
#ifdef MARKETSIM_WITH_MPI
    for (std::size_t at = 0; at < values.size(); at += 1u << 28) {
        const int n = static_cast<int>(std::min<std::size_t>(values.size() - at, 1u << 28));
        check(MPI_Allreduce(MPI_IN_PLACE, values.data() + at, n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
    }
#endif
}

std::vector<std::string> all_gather(const std::string& bytes) {
    if (g_size == 1) return {bytes};
    std::vector<std::string> out(static_cast<std::size_t>(g_size));
#ifdef MARKETSIM_WITH_MPI
    const auto mine = static_cast<unsigned long long>(bytes.size());
    std::vector<unsigned long long> sizes(out.size());
    check(MPI_Allgather(&mine, 1, MPI_UNSIGNED_LONG_LONG, sizes.data(), 1, MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD),
          "MPI_Allgather");
    // one broadcast per process: any size, no int displacements to overflow
    for (int r = 0; r < g_size; ++r) {
        std::string& part = out[static_cast<std::size_t>(r)];
        part = r == g_rank ? bytes : std::string(sizes[static_cast<std::size_t>(r)], '\0');
        for (std::size_t at = 0; at < part.size(); at += 1u << 30) {
            const int n = static_cast<int>(std::min<std::size_t>(part.size() - at, 1u << 30));
            check(MPI_Bcast(part.data() + at, n, MPI_BYTE, r, MPI_COMM_WORLD), "MPI_Bcast");
        }
    }
#endif
    return out;
}

void barrier() {
#ifdef MARKETSIM_WITH_MPI
    if (g_size > 1) check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
#endif
}

int fail(const std::string& message, int code) {
    // stdio, not std::cerr: under MPI the other processes' std::cerr is silenced (main.cpp)
    if (g_size > 1) {
        std::fprintf(stderr, "marketsim (process %d of %d): %s\n", g_rank, g_size, message.c_str());
        std::fflush(stderr);
#ifdef MARKETSIM_WITH_MPI
        MPI_Abort(MPI_COMM_WORLD, code);
#endif
    }
    std::fprintf(stderr, "marketsim: %s\n", message.c_str());
    return code;
}

}  // namespace marketsim::cluster

#pragma once
/** Many processes, one result: the run split over MPI processes.
 *
 *  Under an MPI launcher (mpirun, or a scheduler such as Slurm's srun), every process runs the
 *  same command on the same inputs. Path blocks are dealt out by index (block b to process
 *  b mod P, each with its own oneTBB threads) and the statistics are merged exactly after each
 *  sampling pass: accumulators hold integer counts and exact sums, and per-path or per-block
 *  arrays are filled by exactly one process and summed with zeros. Every process therefore holds
 *  the same merged statistics (and makes the same decisions after them, e.g. the stopping rule's
 *  checkpoints), bit-identical to a one-process run of the same seed and paths, whatever P and the
 *  thread counts. Only process 0 writes files and prints results.
 *
 *  Without a launcher (or in a build without MPI) there is one process and no MPI at all.
 */
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace marketsim::cluster {

/** Whether this build can run under MPI. */
bool built_with_mpi() noexcept;

/** Starts MPI for the program's lifetime when an MPI launcher started this process (its
 *  environment names a rank: OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMI_RANK or PMI_SIZE); otherwise
 *  does nothing. */
class Session {
public:
    Session(int& argc, char**& argv);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
};

int rank() noexcept;  ///< this process, 0..size()-1
int size() noexcept;  ///< processes in the run (1 without MPI)
inline bool root() noexcept { return rank() == 0; }

/** Whether path block `block` is this process's to sample. */
inline bool owns(std::uint64_t block) noexcept {
    return block % static_cast<std::uint64_t>(size()) == static_cast<std::uint64_t>(rank());
}

/** While it lives, this process works alone: size() is 1 and rank() 0, so its runs sample every
 *  block (marketsim bench times one process against all of them this way; the other processes
 *  wait meanwhile, e.g. at a barrier after it). */
class SoloScope {
public:
    SoloScope();
    ~SoloScope();
    SoloScope(const SoloScope&) = delete;
    SoloScope& operator=(const SoloScope&) = delete;

private:
    int rank_, size_;
};

/** Element-wise sums over every process, in place on every process. Exact where, as here, at
 *  most one process holds a non-zero value of each element (or for integer counts). */
void sum(std::span<double> values);
void sum(std::span<std::uint64_t> values);

/** Every process's bytes, in rank order, on every process. */
std::vector<std::string> all_gather(const std::string& bytes);

/** Waits for every process. */
void barrier();

/** Prints `message` (prefixed with this process's rank when there are several) to stderr and
 *  ends the run with exit code `code`: alone, by returning it to the caller; under MPI, by
 *  aborting every process, so none waits forever for one that failed. */
[[nodiscard]] int fail(const std::string& message, int code);

}  // namespace marketsim::cluster

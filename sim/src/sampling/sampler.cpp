#include "sampling/sampler.hpp"

#include "sampling/kernels.hpp"

namespace marketsim {

ChunkSampler::ChunkSampler(const Model& model, std::uint32_t capacity)
    : model_(&model),
      buffers_(std::make_unique<kernels::ChunkBuffers>(model, capacity ? capacity : kernels::chunk_capacity(model))) {}

ChunkSampler::~ChunkSampler() = default;
ChunkSampler::ChunkSampler(ChunkSampler&&) noexcept = default;

std::uint32_t ChunkSampler::capacity() const noexcept { return buffers_->capacity; }

void ChunkSampler::run(std::uint64_t first, std::uint32_t lanes, void (*sink)(void*, int, const double*, std::uint32_t),
                       void* context, const kernels::ChunkDraws* draws) {
    kernels::simulate_chunk(*model_, *buffers_, first, lanes, sink, context, draws);
}

}  // namespace marketsim

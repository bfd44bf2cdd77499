#include "cost/stream_cost.hpp"

#include <memory>

#include "llmgate/cost.hpp"

namespace llmgate::inline v1::detail {
namespace {

class CostObservingSource final : public ChunkSource {
public:
    CostObservingSource(Stream inner, std::string provider, std::string model,
                        std::function<void(std::optional<double>)> on_end)
        : inner_(std::move(inner)), provider_(std::move(provider)), model_(std::move(model)), on_end_(std::move(on_end)) {}

    std::optional<StreamChunk> next() override {
        std::optional<StreamChunk> chunk = inner_.next();
        if (chunk) {
            if (!chunk->provider.empty()) provider_ = chunk->provider;
            if (!chunk->model.empty()) model_ = chunk->model;
            if (chunk->usage) usage_ = *chunk->usage;
        } else if (on_end_) {
            auto on_end = std::move(on_end_);
            on_end_ = nullptr;
            const auto price = price_of(provider_, model_);
            on_end(price ? std::optional<double>(cost_of(usage_, *price)) : std::nullopt);
        }
        return chunk;
    }

private:
    Stream inner_;
    std::string provider_;
    std::string model_;
    Usage usage_{};
    std::function<void(std::optional<double>)> on_end_;
};

}  // namespace

Stream observe_stream_cost(Stream inner, std::string provider, std::string model,
                           std::function<void(std::optional<double>)> on_end) {
    return Stream(std::make_unique<CostObservingSource>(std::move(inner), std::move(provider), std::move(model),
                                                        std::move(on_end)));
}

}  // namespace llmgate::inline v1::detail

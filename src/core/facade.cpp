// The public entry points: package the arguments as one request and hand it to the dispatch layer.
#include <future>
#include <memory>

#include "core/dispatch.hpp"
#include "llmgate/completion.hpp"
#include "llmgate/embeddings.hpp"

namespace llmgate {
namespace {

// A future that already holds the error, for failures found before anything was sent.
template <class T>
std::future<T> failed_future(std::exception_ptr e) {
    std::promise<T> p;
    p.set_exception(std::move(e));
    return p.get_future();
}

template <class T>
detail::Callback<T> fulfil(std::shared_ptr<std::promise<T>> promise) {
    return [promise = std::move(promise)](std::exception_ptr err, T value) {
        if (err)
            promise->set_exception(err);
        else
            promise->set_value(std::move(value));
    };
}

template <class T, class Request, class Start>
std::future<T> start_async(Request request, Start start) {
    auto promise = std::make_shared<std::promise<T>>();
    auto future = promise->get_future();
    start(std::move(request), fulfil(promise));
    return future;
}

}  // namespace

CompletionResponse completion(const std::string& model, const std::vector<Message>& messages, const Options& options) {
    return detail::dispatch_completion(CompletionRequest{model, messages, options});
}

CompletionResponse completion(const std::string& model, const json& messages, const Options& options) {
    return completion(model, messages_from_json(messages), options);
}

Stream stream(const std::string& model, const std::vector<Message>& messages, const Options& options) {
    return detail::dispatch_stream(CompletionRequest{model, messages, options});
}

Stream stream(const std::string& model, const json& messages, const Options& options) {
    return stream(model, messages_from_json(messages), options);
}

std::future<CompletionResponse> acompletion(const std::string& model, const std::vector<Message>& messages,
                                            const Options& options) {
    return start_async<CompletionResponse>(CompletionRequest{model, messages, options}, detail::dispatch_completion_async);
}

std::future<CompletionResponse> acompletion(const std::string& model, const json& messages, const Options& options) {
    try {
        return acompletion(model, messages_from_json(messages), options);
    } catch (...) {
        return failed_future<CompletionResponse>(std::current_exception());
    }
}

std::future<Stream> astream(const std::string& model, const std::vector<Message>& messages, const Options& options) {
    return start_async<Stream>(CompletionRequest{model, messages, options}, detail::dispatch_stream_async);
}

std::future<Stream> astream(const std::string& model, const json& messages, const Options& options) {
    try {
        return astream(model, messages_from_json(messages), options);
    } catch (...) {
        return failed_future<Stream>(std::current_exception());
    }
}

EmbeddingResponse embed(const std::string& model, const std::vector<std::string>& inputs, const EmbedOptions& options) {
    return detail::dispatch_embed(EmbeddingRequest{model, inputs, options, false});
}

EmbeddingResponse embed(const std::string& model, const std::string& input, const EmbedOptions& options) {
    return detail::dispatch_embed(EmbeddingRequest{model, {input}, options, true});
}

std::future<EmbeddingResponse> aembed(const std::string& model, const std::vector<std::string>& inputs,
                                      const EmbedOptions& options) {
    return start_async<EmbeddingResponse>(EmbeddingRequest{model, inputs, options, false}, detail::dispatch_embed_async);
}

std::future<EmbeddingResponse> aembed(const std::string& model, const std::string& input, const EmbedOptions& options) {
    return start_async<EmbeddingResponse>(EmbeddingRequest{model, {input}, options, true}, detail::dispatch_embed_async);
}

}  // namespace llmgate

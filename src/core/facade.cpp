// The public entry points: resolve the model's provider, validate, and dispatch sync or async.
#include <future>
#include <memory>

#include "llmgate/completion.hpp"
#include "llmgate/embeddings.hpp"
#include "providers/registry.hpp"

namespace llmgate {
namespace {

using detail::ChatRequest;
using detail::EmbedRequest;

ChatRequest chat_request(const std::string& model, const std::vector<Message>& messages, const Options& options,
                         detail::Route& route) {
    route = detail::route(model, options.provider);
    if (messages.empty())
        throw InvalidRequestError(ErrorInfo{.provider = route.provider->name(), .model = model, .message = "messages must not be empty"});
    for (const auto& m : messages) {
        if (m.role.empty())
            throw InvalidRequestError(ErrorInfo{.provider = route.provider->name(), .model = model, .message = "every message needs a role"});
        if (m.role == "tool" && m.tool_call_id.empty())
            throw InvalidRequestError(ErrorInfo{.provider = route.provider->name(), .model = model,
                                                .message = "a tool message needs the tool_call_id it answers"});
    }
    return ChatRequest{route.model, messages, options};
}

EmbedRequest embed_request(const std::string& model, std::vector<std::string> inputs, bool single,
                           const EmbedOptions& options, detail::Route& route) {
    route = detail::route(model, options.provider);
    if (inputs.empty())
        throw InvalidRequestError(ErrorInfo{.provider = route.provider->name(), .model = model, .message = "embed needs at least one input"});
    return EmbedRequest{route.model, std::move(inputs), single, options};
}

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

}  // namespace

CompletionResponse completion(const std::string& model, const std::vector<Message>& messages, const Options& options) {
    detail::Route route{};
    const ChatRequest req = chat_request(model, messages, options, route);
    return route.provider->complete(req);
}

CompletionResponse completion(const std::string& model, const json& messages, const Options& options) {
    return completion(model, messages_from_json(messages), options);
}

Stream stream(const std::string& model, const std::vector<Message>& messages, const Options& options) {
    detail::Route route{};
    const ChatRequest req = chat_request(model, messages, options, route);
    return route.provider->stream(req);
}

Stream stream(const std::string& model, const json& messages, const Options& options) {
    return stream(model, messages_from_json(messages), options);
}

std::future<CompletionResponse> acompletion(const std::string& model, const std::vector<Message>& messages,
                                            const Options& options) {
    detail::Route route{};
    ChatRequest req;
    try {
        req = chat_request(model, messages, options, route);
    } catch (...) {
        return failed_future<CompletionResponse>(std::current_exception());
    }
    auto promise = std::make_shared<std::promise<CompletionResponse>>();
    auto future = promise->get_future();
    route.provider->complete_async(std::move(req), fulfil(promise));
    return future;
}

std::future<CompletionResponse> acompletion(const std::string& model, const json& messages, const Options& options) {
    try {
        return acompletion(model, messages_from_json(messages), options);
    } catch (...) {
        return failed_future<CompletionResponse>(std::current_exception());
    }
}

std::future<Stream> astream(const std::string& model, const std::vector<Message>& messages, const Options& options) {
    detail::Route route{};
    ChatRequest req;
    try {
        req = chat_request(model, messages, options, route);
    } catch (...) {
        return failed_future<Stream>(std::current_exception());
    }
    auto promise = std::make_shared<std::promise<Stream>>();
    auto future = promise->get_future();
    route.provider->stream_async(std::move(req), fulfil(promise));
    return future;
}

std::future<Stream> astream(const std::string& model, const json& messages, const Options& options) {
    try {
        return astream(model, messages_from_json(messages), options);
    } catch (...) {
        return failed_future<Stream>(std::current_exception());
    }
}

EmbeddingResponse embed(const std::string& model, const std::vector<std::string>& inputs, const EmbedOptions& options) {
    detail::Route route{};
    const EmbedRequest req = embed_request(model, inputs, false, options, route);
    return route.provider->embed(req);
}

EmbeddingResponse embed(const std::string& model, const std::string& input, const EmbedOptions& options) {
    detail::Route route{};
    const EmbedRequest req = embed_request(model, {input}, true, options, route);
    return route.provider->embed(req);
}

std::future<EmbeddingResponse> aembed(const std::string& model, const std::vector<std::string>& inputs,
                                      const EmbedOptions& options) {
    detail::Route route{};
    EmbedRequest req;
    try {
        req = embed_request(model, inputs, false, options, route);
    } catch (...) {
        return failed_future<EmbeddingResponse>(std::current_exception());
    }
    auto promise = std::make_shared<std::promise<EmbeddingResponse>>();
    auto future = promise->get_future();
    route.provider->embed_async(std::move(req), fulfil(promise));
    return future;
}

std::future<EmbeddingResponse> aembed(const std::string& model, const std::string& input, const EmbedOptions& options) {
    detail::Route route{};
    EmbedRequest req;
    try {
        req = embed_request(model, {input}, true, options, route);
    } catch (...) {
        return failed_future<EmbeddingResponse>(std::current_exception());
    }
    auto promise = std::make_shared<std::promise<EmbeddingResponse>>();
    auto future = promise->get_future();
    route.provider->embed_async(std::move(req), fulfil(promise));
    return future;
}

}  // namespace llmgate

// One call to one model: route, validate, prepare inputs, call the adapter.
#include "core/dispatch.hpp"

#include <type_traits>

#include "core/image_inlining.hpp"
#include "llmgate/errors.hpp"
#include "providers/registry.hpp"

namespace llmgate::detail {
namespace {

[[noreturn]] void invalid(const Route& route, const std::string& model, std::string message) {
    throw InvalidRequestError(ErrorInfo{.provider = route.provider->name(), .model = model, .message = std::move(message)});
}

bool has_images(const std::vector<Message>& messages) {
    for (const auto& m : messages) {
        const auto* parts = std::get_if<std::vector<ContentPart>>(&m.content);
        if (!parts) continue;
        for (const auto& p : *parts)
            if (p.type != "text") return true;
    }
    return false;
}

// Routes and checks the arguments; `needs_fetch` is set when image URLs must be fetched client-side.
ChatRequest chat_request(const CompletionRequest& call, Route& route, bool& needs_fetch) {
    route = detail::route(call.model, call.options.provider);
    if (call.messages.empty()) invalid(route, call.model, "messages must not be empty");
    for (const auto& m : call.messages) {
        if (m.role.empty()) invalid(route, call.model, "every message needs a role");
        if (m.role == "tool" && m.tool_call_id.empty())
            invalid(route, call.model, "a tool message needs the tool_call_id it answers");
    }
    const Capabilities caps = route.provider->capabilities(route.model);
    needs_fetch = false;
    if (has_images(call.messages)) {
        if (!caps.images)
            throw VisionNotSupported(ErrorInfo{.provider = route.provider->name(), .model = call.model,
                                               .message = route.provider->name() + " takes no image input"});
        needs_fetch = !caps.image_urls && has_remote_images(call.messages);
    }
    return ChatRequest{route.model, call.messages, call.options};
}

EmbedRequest embed_request(const EmbeddingRequest& call, Route& route) {
    route = detail::route(call.model, call.options.provider);
    if (call.inputs.empty()) invalid(route, call.model, "embed needs at least one input");
    return EmbedRequest{route.model, call.inputs, call.single_input, call.options};
}

// The placeholder value handed to a callback together with an error.
template <class T>
T no_value() {
    if constexpr (std::is_same_v<T, Stream>)
        return Stream(nullptr);
    else
        return T{};
}

// Runs `next(request)` once image URLs are inlined (asynchronously when there are any to fetch).
template <class T, class Next>
void with_inlined_images_async(ChatRequest req, bool needs_fetch, const Route& route, const std::string& model,
                               Callback<T> done, Next next) {
    if (!needs_fetch) {
        next(std::move(req), std::move(done));
        return;
    }
    auto messages = std::move(req.messages);
    inline_remote_images_async(
        std::move(messages), route.provider->name(), model,
        [req = std::move(req), done = std::move(done), next = std::move(next)](std::exception_ptr err,
                                                                                std::vector<Message> inlined) mutable {
            if (err) {
                done(err, no_value<T>());
                return;
            }
            req.messages = std::move(inlined);
            next(std::move(req), std::move(done));
        });
}

}  // namespace

CompletionResponse dispatch_completion(const CompletionRequest& call) {
    Route route{};
    bool needs_fetch = false;
    ChatRequest req = chat_request(call, route, needs_fetch);
    if (needs_fetch) inline_remote_images(req.messages, route.provider->name(), call.model);
    return route.provider->complete(req);
}

void dispatch_completion_async(CompletionRequest call, Callback<CompletionResponse> done) {
    Route route{};
    bool needs_fetch = false;
    ChatRequest req;
    try {
        req = chat_request(call, route, needs_fetch);
    } catch (...) {
        done(std::current_exception(), {});
        return;
    }
    Provider* provider = route.provider;
    with_inlined_images_async<CompletionResponse>(
        std::move(req), needs_fetch, route, call.model, std::move(done),
        [provider](ChatRequest r, Callback<CompletionResponse> d) { provider->complete_async(std::move(r), std::move(d)); });
}

Stream dispatch_stream(const CompletionRequest& call) {
    Route route{};
    bool needs_fetch = false;
    ChatRequest req = chat_request(call, route, needs_fetch);
    if (needs_fetch) inline_remote_images(req.messages, route.provider->name(), call.model);
    return route.provider->stream(req);
}

void dispatch_stream_async(CompletionRequest call, Callback<Stream> ready) {
    Route route{};
    bool needs_fetch = false;
    ChatRequest req;
    try {
        req = chat_request(call, route, needs_fetch);
    } catch (...) {
        ready(std::current_exception(), Stream(nullptr));
        return;
    }
    Provider* provider = route.provider;
    with_inlined_images_async<Stream>(
        std::move(req), needs_fetch, route, call.model, std::move(ready),
        [provider](ChatRequest r, Callback<Stream> d) { provider->stream_async(std::move(r), std::move(d)); });
}

EmbeddingResponse dispatch_embed(const EmbeddingRequest& call) {
    Route route{};
    const EmbedRequest req = embed_request(call, route);
    return route.provider->embed(req);
}

void dispatch_embed_async(EmbeddingRequest call, Callback<EmbeddingResponse> done) {
    Route route{};
    EmbedRequest req;
    try {
        req = embed_request(call, route);
    } catch (...) {
        done(std::current_exception(), {});
        return;
    }
    route.provider->embed_async(std::move(req), std::move(done));
}

}  // namespace llmgate::detail

// One call to one model: route, validate, prepare inputs, call the adapter.
#include "core/dispatch.hpp"

#include <memory>
#include <optional>
#include <type_traits>

#include "core/callbacks.hpp"
#include "core/image_inlining.hpp"
#include "llmgate/errors.hpp"
#include "providers/registry.hpp"
#include "providers/toolkit/reasoning.hpp"
#include "structured/strategy.hpp"
#include "util/utf8.hpp"

namespace llmgate::inline v1::detail {
namespace {

[[noreturn]] void invalid(const Route& route, const std::string& model, std::string message) {
    throw InvalidRequestError(
        ErrorInfo{.provider = route.provider->name(), .model = model, .message = std::move(message)});
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

// The first text field of the call that is not valid UTF-8 ("messages[2].content", "options.stop[0]"),
// or "" when all are. Text inside JSON values (tool parameters, extra) is checked when the body is encoded.
std::string invalid_utf8_field(const std::vector<Message>& messages, const Options& o) {
    auto at = [](const char* list, std::size_t i, const char* field) {
        return std::string(list) + "[" + std::to_string(i) + "]" + (*field ? "." : "") + field;
    };
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const Message& m = messages[i];
        if (const auto* text = std::get_if<std::string>(&m.content)) {
            if (!is_valid_utf8(*text)) return at("messages", i, "content");
        } else {
            for (const auto& p : std::get<std::vector<ContentPart>>(m.content)) {
                const bool ok =
                    is_valid_utf8(p.text) &&
                    (!p.image_url || (is_valid_utf8(p.image_url->url) && is_valid_utf8(p.image_url->detail))) &&
                    (!p.image_bytes || (is_valid_utf8(p.image_bytes->data) && is_valid_utf8(p.image_bytes->mime_type)));
                if (!ok) return at("messages", i, "content");
            }
        }
        for (const auto& tc : m.tool_calls)
            if (!is_valid_utf8(tc.id) || !is_valid_utf8(tc.function) || !is_valid_utf8(tc.arguments_raw))
                return at("messages", i, "tool_calls");
        if (!is_valid_utf8(m.role)) return at("messages", i, "role");
        if (!is_valid_utf8(m.name)) return at("messages", i, "name");
        if (!is_valid_utf8(m.tool_call_id)) return at("messages", i, "tool_call_id");
        if (!is_valid_utf8(m.reasoning)) return at("messages", i, "reasoning");
    }
    for (std::size_t i = 0; i < o.stop.size(); ++i)
        if (!is_valid_utf8(o.stop[i])) return at("options.stop", i, "");
    for (std::size_t i = 0; i < o.tools.size(); ++i)
        if (!is_valid_utf8(o.tools[i].name) || !is_valid_utf8(o.tools[i].description))
            return at("options.tools", i, "");
    if (!is_valid_utf8(o.tool_choice)) return "options.tool_choice";
    if (!is_valid_utf8(o.user)) return "options.user";
    if (!is_valid_utf8(o.reasoning_effort)) return "options.reasoning_effort";
    if (!is_valid_utf8(o.previous_response_id)) return "options.previous_response_id";
    return {};
}

// Routes and checks the arguments; `needs_fetch` is set when image URLs must be fetched client-side;
// `plan` gets the structured-output strategies to try (empty without a response_format).
// A call whose token was cancelled before it was sent is never sent (any provider, HTTP or not).
void stop_if_cancelled(const std::optional<CancelToken>& token, const Route& route, const std::string& model) {
    if (token && token->cancelled())
        throw CancelledError(ErrorInfo{.provider = route.provider->name(),
                                       .model = model,
                                       .message = "cancelled by the caller (its CancelToken) before it was sent"});
}

// Options::extra / EmbedOptions::extra: null (none) or an object of body fields, never merged otherwise.
void check_extra(const Route& route, const std::string& model, const json& extra) {
    if (!extra.is_null() && !extra.is_object())
        invalid(route, model, "options.extra must be a JSON object of body fields");
}

void check_call(const CompletionRequest& call, Route& route, bool& needs_fetch, std::vector<Strategy>* plan,
                bool for_stream) {
    route = detail::route(call.model, call.options.provider);
    stop_if_cancelled(call.options.cancel, route, call.model);
    if (call.messages.empty()) invalid(route, call.model, "messages must not be empty");
    for (const auto& m : call.messages) {
        if (m.role.empty()) invalid(route, call.model, "every message needs a role");
        if (m.role == "tool" && m.tool_call_id.empty())
            invalid(route, call.model, "a tool message needs the tool_call_id it answers");
    }
    check_extra(route, call.model, call.options.extra);
    if (std::string field = invalid_utf8_field(call.messages, call.options); !field.empty())
        invalid(route, call.model, field + " is not valid UTF-8 (JSON text must be UTF-8)");
    // An unknown reasoning_effort or a negative reasoning_budget_tokens, for every provider (mock included).
    (void)requested_reasoning(call.options, route.provider->name(), call.model);
    // Asked only when images or a response format need them: most calls have neither.
    std::optional<Capabilities> caps;
    auto capabilities = [&]() -> const Capabilities& {
        if (!caps) caps = route.provider->capabilities(route.model);
        return *caps;
    };
    needs_fetch = false;
    if (has_images(call.messages)) {
        if (!capabilities().images)
            throw VisionNotSupported(ErrorInfo{.provider = route.provider->name(),
                                               .model = call.model,
                                               .message = route.provider->name() + " takes no image input"});
        needs_fetch = !capabilities().image_urls && has_remote_images(call.messages);
    }
    if (!call.options.previous_response_id.empty() && !capabilities().server_state)
        invalid(route, call.model,
                "previous_response_id needs server-side conversation state, which only the OpenAI Responses API "
                "keeps (openai-responses/..., azure-responses/...); send the whole conversation instead");
    if (call.options.response_format) {
        // As in Python: a structured reply is validated whole, which a stream cannot offer.
        if (for_stream) invalid(route, call.model, "stream and response_format cannot be used together");
        if (plan)
            *plan = structured_plan(*call.options.response_format, capabilities(), route.provider->name(), call.model);
    }
}

// A boolean schema (JSON Schema's `true` / `false`) as the object schema that means the same, since
// providers take object schemas only: true -> {}, false -> {"not": {}}.
ChatRequest with_object_schema(ChatRequest r) {
    if (r.options.response_format && r.options.response_format->schema.is_boolean())
        r.options.response_format->schema =
            r.options.response_format->schema.get<bool>() ? json::object() : json{{"not", json::object()}};
    return r;
}

ChatRequest chat_request(const CompletionRequest& call, Route& route, bool& needs_fetch, std::vector<Strategy>* plan,
                         bool for_stream) {
    check_call(call, route, needs_fetch, plan, for_stream);
    return with_object_schema(ChatRequest{route.model, call.messages, call.options});
}

// For callers that own the call (the async paths): its messages and options are moved, not copied.
ChatRequest chat_request(CompletionRequest&& call, Route& route, bool& needs_fetch, std::vector<Strategy>* plan,
                         bool for_stream) {
    check_call(call, route, needs_fetch, plan, for_stream);
    return with_object_schema(ChatRequest{route.model, std::move(call.messages), std::move(call.options)});
}

EmbedRequest embed_request(const EmbeddingRequest& call, Route& route) {
    route = detail::route(call.model, call.options.provider);
    stop_if_cancelled(call.options.cancel, route, call.model);
    if (call.inputs.empty()) invalid(route, call.model, "embed needs at least one input");
    check_extra(route, call.model, call.options.extra);
    check_embedding_inputs(call, route.provider->name());
    return EmbedRequest{route.model, call.inputs, call.single_input, call.options};
}

// Runs `next(request)` once image URLs are inlined (asynchronously when there are any to fetch).
template <class T, class Next>
void with_inlined_images_async(ChatRequest&& req, bool needs_fetch, const Route& route, const std::string& model,
                               Callback<T> done, Next next) {
    if (!needs_fetch) {
        next(std::move(req), std::move(done));
        return;
    }
    auto messages = std::move(req.messages);
    inline_remote_images_async(std::move(messages), route.provider->name(), model,
                               [req = std::move(req), done = std::move(done), next = std::move(next)](
                                   std::exception_ptr err, std::vector<Message> inlined) mutable {
                                   if (err) {
                                       done(err, empty_value<T>());
                                       return;
                                   }
                                   req.messages = std::move(inlined);
                                   next(std::move(req), std::move(done));
                               });
}

// One structured-output call: each strategy of the plan in turn, moving to the next only when the
// provider rejected the previous mode (should_step_down); every reply validated.
struct StructuredCall {
    Provider* provider = nullptr;
    ChatRequest base{};
    std::vector<Strategy> plan{};
    std::string model{};  // as the caller wrote it, for errors
};

CompletionResponse complete_structured(const StructuredCall& call) {
    for (std::size_t i = 0;; ++i) {
        try {
            CompletionResponse resp = call.provider->complete(structured_request(call.base, call.plan[i]));
            apply_structured_reply(resp, *call.base.options.response_format, call.plan[i], call.model,
                                   call.provider->capabilities(call.base.model));
            return resp;
        } catch (...) {
            if (i + 1 < call.plan.size() && should_step_down(std::current_exception())) continue;
            throw;
        }
    }
}

void complete_structured_async(std::shared_ptr<const StructuredCall> call, std::size_t i,
                               Callback<CompletionResponse> done) {
    ChatRequest attempt;
    try {
        attempt = structured_request(call->base, call->plan[i]);
    } catch (...) {
        done(std::current_exception(), {});
        return;
    }
    Provider* provider = call->provider;
    provider->complete_async(std::move(attempt), [call = std::move(call), i, done = std::move(done)](
                                                     std::exception_ptr err, CompletionResponse resp) mutable {
        if (err) {
            if (i + 1 < call->plan.size() && should_step_down(err)) {
                complete_structured_async(std::move(call), i + 1, std::move(done));
                return;
            }
            done(err, {});
            return;
        }
        try {
            apply_structured_reply(resp, *call->base.options.response_format, call->plan[i], call->model,
                                   call->provider->capabilities(call->base.model));
        } catch (...) {
            done(std::current_exception(), {});
            return;
        }
        done(nullptr, std::move(resp));
    });
}

}  // namespace

CompletionResponse dispatch_completion(const CompletionRequest& call) {
    Route route{};
    bool needs_fetch = false;
    std::vector<Strategy> plan;
    ChatRequest req = chat_request(call, route, needs_fetch, &plan, false);
    if (needs_fetch) inline_remote_images(req.messages, route.provider->name(), call.model);
    if (plan.empty()) return route.provider->complete(req);
    return complete_structured(StructuredCall{route.provider, std::move(req), std::move(plan), call.model});
}

void dispatch_completion_async(CompletionRequest&& call, Callback<CompletionResponse> done) {
    Route route{};
    bool needs_fetch = false;
    std::vector<Strategy> plan;
    try {
        check_call(call, route, needs_fetch, &plan, false);
    } catch (...) {
        done(std::current_exception(), {});
        return;
    }
    Provider* provider = route.provider;
    // Built in place from the caller's fields (no default-constructed request assigned over).
    with_inlined_images_async<CompletionResponse>(
        with_object_schema(ChatRequest{route.model, std::move(call.messages), std::move(call.options)}), needs_fetch,
        route, call.model,
        std::move(done),
        [provider, plan = std::move(plan), model = call.model](ChatRequest&& r,
                                                               Callback<CompletionResponse> d) mutable {
            if (plan.empty()) {
                provider->complete_async(std::move(r), std::move(d));
                return;
            }
            auto structured = std::make_shared<const StructuredCall>(
                StructuredCall{provider, std::move(r), std::move(plan), std::move(model)});
            complete_structured_async(std::move(structured), 0, std::move(d));
        });
}

PreparedBatchRequest prepare_batch_request(const CompletionRequest& call) {
    Route route{};
    bool needs_fetch = false;
    ChatRequest req = chat_request(call, route, needs_fetch, nullptr, false);
    if (req.options.response_format)
        invalid(route, call.model,
                "response_format is not supported in provider batches (a batch result cannot be validated or retried "
                "with another strategy); ask for JSON in the prompt or pass the provider's own field in options.extra");
    if (req.options.extra.is_object() && req.options.extra.contains("stream"))
        invalid(route, call.model, "a provider batch cannot stream: remove \"stream\" from options.extra");
    if (needs_fetch) inline_remote_images(req.messages, route.provider->name(), call.model);
    return PreparedBatchRequest{route.provider, std::move(req)};
}

Stream dispatch_stream(const CompletionRequest& call) {
    Route route{};
    bool needs_fetch = false;
    ChatRequest req = chat_request(call, route, needs_fetch, nullptr, true);
    if (needs_fetch) inline_remote_images(req.messages, route.provider->name(), call.model);
    return route.provider->stream(req);
}

void dispatch_stream_async(CompletionRequest&& call, Callback<Stream> ready) {
    Route route{};
    bool needs_fetch = false;
    ChatRequest req;
    try {
        req = chat_request(std::move(call), route, needs_fetch, nullptr, true);
    } catch (...) {
        ready(std::current_exception(), Stream(nullptr));
        return;
    }
    Provider* provider = route.provider;
    with_inlined_images_async<Stream>(
        std::move(req), needs_fetch, route, call.model, std::move(ready),
        [provider](ChatRequest&& r, Callback<Stream> d) { provider->stream_async(std::move(r), std::move(d)); });
}

void check_embedding_inputs(const EmbeddingRequest& call, const std::string& provider) {
    for (std::size_t i = 0; i < call.inputs.size(); ++i)
        if (!is_valid_utf8(call.inputs[i]))
            throw InvalidRequestError(
                ErrorInfo{.provider = provider,
                          .model = call.model,
                          .message = "inputs[" + std::to_string(i) + "] is not valid UTF-8 (JSON text must be UTF-8)"});
}

EmbeddingResponse dispatch_embed(const EmbeddingRequest& call) {
    Route route{};
    const EmbedRequest req = embed_request(call, route);
    return route.provider->embed(req);
}

void dispatch_embed_async(EmbeddingRequest&& call, Callback<EmbeddingResponse> done) {
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

}  // namespace llmgate::inline v1::detail

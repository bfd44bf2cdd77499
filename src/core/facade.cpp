// The public entry points: package the arguments as one request and run it through its middleware
// chain (Options::middleware) down to the dispatch layer; model lists run as a fallback chain.
#include <future>
#include <memory>

#include "core/chain.hpp"
#include "core/fallback.hpp"
#include "core/handler.hpp"
#include "llmgate/completion.hpp"
#include "llmgate/embeddings.hpp"

namespace llmgate::inline v1 {
namespace {

const MiddlewareList kNone{};

// A future that already holds the error, for failures found before anything was sent.
template <class T>
std::future<T> failed_future(std::exception_ptr e) {
    std::promise<T> p;
    p.set_exception(std::move(e));
    return p.get_future();
}

template <class T>
Callback<T> fulfil(std::shared_ptr<std::promise<T>> promise) {
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

CompletionRequest first_of(const std::vector<std::string>& models, const std::vector<Message>& messages,
                           const Options& options) {
    return CompletionRequest{models.empty() ? std::string() : models.front(), messages, options};
}

detail::FallbackOn fallback_on(const Options& options) {
    return detail::effective_fallback_on({}, options.fallback_on);
}

// One call through the free functions' chain (no gate or batch middleware): what every async form starts,
// and what a fallback chain runs for each of its models.
void run_completion(CompletionRequest&& r, Callback<CompletionResponse> done) {
    detail::run_complete_async(kNone, std::move(r), std::move(done));
}
void run_stream(CompletionRequest&& r, Callback<Stream> ready) {
    detail::run_stream_async(kNone, std::move(r), std::move(ready));
}
void run_embedding(EmbeddingRequest&& r, Callback<EmbeddingResponse> done) {
    detail::run_embed_async(kNone, std::move(r), std::move(done));
}

// The callback forms with messages in the OpenAI dict shape: converted here, and a conversion error handed to
// the handler on the loop like any other; `forward(messages, handler)` calls the typed form.
template <class T, class Forward>
void with_messages_from_json(const json& messages, Callback<T> handler, Forward forward) {
    std::vector<Message> parsed;
    try {
        parsed = messages_from_json(messages);
    } catch (...) {
        detail::fail_on_loop(std::move(handler), std::current_exception());
        return;
    }
    forward(parsed, std::move(handler));
}

}  // namespace

CompletionResponse completion(const std::string& model, const std::vector<Message>& messages, const Options& options) {
    return detail::run_complete(kNone, CompletionRequest{model, messages, options});
}

CompletionResponse completion(const std::string& model, const json& messages, const Options& options) {
    return completion(model, messages_from_json(messages), options);
}

Stream stream(const std::string& model, const std::vector<Message>& messages, const Options& options) {
    return detail::run_stream(kNone, CompletionRequest{model, messages, options});
}

Stream stream(const std::string& model, const json& messages, const Options& options) {
    return stream(model, messages_from_json(messages), options);
}

std::future<CompletionResponse> acompletion(const std::string& model, const std::vector<Message>& messages,
                                            const Options& options) {
    return start_async<CompletionResponse>(CompletionRequest{model, messages, options}, run_completion);
}

std::future<CompletionResponse> acompletion(const std::string& model, const json& messages, const Options& options) {
    try {
        return acompletion(model, messages_from_json(messages), options);
    } catch (...) {
        return failed_future<CompletionResponse>(std::current_exception());
    }
}

std::future<Stream> astream(const std::string& model, const std::vector<Message>& messages, const Options& options) {
    return start_async<Stream>(CompletionRequest{model, messages, options}, run_stream);
}

std::future<Stream> astream(const std::string& model, const json& messages, const Options& options) {
    try {
        return astream(model, messages_from_json(messages), options);
    } catch (...) {
        return failed_future<Stream>(std::current_exception());
    }
}

void acompletion(const std::string& model, const std::vector<Message>& messages, const Options& options,
                 Callback<CompletionResponse> on_done) {
    detail::start_on_loop<CompletionResponse>(CompletionRequest{model, messages, options}, std::move(on_done),
                                              run_completion);
}

void acompletion(const std::string& model, const json& messages, const Options& options,
                 Callback<CompletionResponse> on_done) {
    with_messages_from_json<CompletionResponse>(
        messages, std::move(on_done), [&](const std::vector<Message>& parsed, Callback<CompletionResponse> h) {
            acompletion(model, parsed, options, std::move(h));
        });
}

void astream(const std::string& model, const std::vector<Message>& messages, const Options& options,
             Callback<Stream> on_ready) {
    detail::start_on_loop<Stream>(CompletionRequest{model, messages, options}, std::move(on_ready), run_stream);
}

void astream(const std::string& model, const json& messages, const Options& options, Callback<Stream> on_ready) {
    with_messages_from_json<Stream>(
        messages, std::move(on_ready),
        [&](const std::vector<Message>& parsed, Callback<Stream> h) { astream(model, parsed, options, std::move(h)); });
}

// Fallback chains: the candidates are tried in order, each through the whole per-call middleware chain.

CompletionResponse completion(const std::vector<std::string>& models, const std::vector<Message>& messages,
                              const Options& options) {
    return detail::complete_with_fallback(first_of(models, messages, options), models, fallback_on(options),
                                          [](const CompletionRequest& r) { return detail::run_complete(kNone, r); });
}

CompletionResponse completion(const std::vector<std::string>& models, const json& messages, const Options& options) {
    return completion(models, messages_from_json(messages), options);
}

Stream stream(const std::vector<std::string>& models, const std::vector<Message>& messages, const Options& options) {
    return detail::stream_with_fallback(first_of(models, messages, options), models, fallback_on(options),
                                        [](const CompletionRequest& r) { return detail::run_stream(kNone, r); });
}

Stream stream(const std::vector<std::string>& models, const json& messages, const Options& options) {
    return stream(models, messages_from_json(messages), options);
}

std::future<CompletionResponse> acompletion(const std::vector<std::string>& models,
                                            const std::vector<Message>& messages, const Options& options) {
    return start_async<CompletionResponse>(
        first_of(models, messages, options), [&models, &options](CompletionRequest r, Callback<CompletionResponse> d) {
            detail::complete_with_fallback_async(std::move(r), models, fallback_on(options), std::move(d),
                                                 run_completion);
        });
}

std::future<CompletionResponse> acompletion(const std::vector<std::string>& models, const json& messages,
                                            const Options& options) {
    try {
        return acompletion(models, messages_from_json(messages), options);
    } catch (...) {
        return failed_future<CompletionResponse>(std::current_exception());
    }
}

std::future<Stream> astream(const std::vector<std::string>& models, const std::vector<Message>& messages,
                            const Options& options) {
    return start_async<Stream>(
        first_of(models, messages, options), [&models, &options](CompletionRequest r, Callback<Stream> d) {
            detail::stream_with_fallback_async(std::move(r), models, fallback_on(options), std::move(d), run_stream);
        });
}

std::future<Stream> astream(const std::vector<std::string>& models, const json& messages, const Options& options) {
    try {
        return astream(models, messages_from_json(messages), options);
    } catch (...) {
        return failed_future<Stream>(std::current_exception());
    }
}

void acompletion(const std::vector<std::string>& models, const std::vector<Message>& messages, const Options& options,
                 Callback<CompletionResponse> on_done) {
    detail::start_on_loop<CompletionResponse>(
        first_of(models, messages, options), std::move(on_done),
        [models, on = fallback_on(options)](CompletionRequest&& r, Callback<CompletionResponse> d) {
            detail::complete_with_fallback_async(std::move(r), models, on, std::move(d), run_completion);
        });
}

void acompletion(const std::vector<std::string>& models, const json& messages, const Options& options,
                 Callback<CompletionResponse> on_done) {
    with_messages_from_json<CompletionResponse>(
        messages, std::move(on_done), [&](const std::vector<Message>& parsed, Callback<CompletionResponse> h) {
            acompletion(models, parsed, options, std::move(h));
        });
}

void astream(const std::vector<std::string>& models, const std::vector<Message>& messages, const Options& options,
             Callback<Stream> on_ready) {
    detail::start_on_loop<Stream>(first_of(models, messages, options), std::move(on_ready),
                                  [models, on = fallback_on(options)](CompletionRequest&& r, Callback<Stream> d) {
                                      detail::stream_with_fallback_async(std::move(r), models, on, std::move(d),
                                                                         run_stream);
                                  });
}

void astream(const std::vector<std::string>& models, const json& messages, const Options& options,
             Callback<Stream> on_ready) {
    with_messages_from_json<Stream>(messages, std::move(on_ready),
                                    [&](const std::vector<Message>& parsed, Callback<Stream> h) {
                                        astream(models, parsed, options, std::move(h));
                                    });
}

EmbeddingResponse embed(const std::string& model, const std::vector<std::string>& inputs, const EmbedOptions& options) {
    return detail::run_embed(kNone, EmbeddingRequest{model, inputs, options, false});
}

EmbeddingResponse embed(const std::string& model, const std::string& input, const EmbedOptions& options) {
    return detail::run_embed(kNone, EmbeddingRequest{model, {input}, options, true});
}

std::future<EmbeddingResponse> aembed(const std::string& model, const std::vector<std::string>& inputs,
                                      const EmbedOptions& options) {
    return start_async<EmbeddingResponse>(EmbeddingRequest{model, inputs, options, false}, run_embedding);
}

std::future<EmbeddingResponse> aembed(const std::string& model, const std::string& input, const EmbedOptions& options) {
    return start_async<EmbeddingResponse>(EmbeddingRequest{model, {input}, options, true}, run_embedding);
}

void aembed(const std::string& model, const std::vector<std::string>& inputs, const EmbedOptions& options,
            Callback<EmbeddingResponse> on_done) {
    detail::start_on_loop<EmbeddingResponse>(EmbeddingRequest{model, inputs, options, false}, std::move(on_done),
                                             run_embedding);
}

void aembed(const std::string& model, const std::string& input, const EmbedOptions& options,
            Callback<EmbeddingResponse> on_done) {
    detail::start_on_loop<EmbeddingResponse>(EmbeddingRequest{model, {input}, options, true}, std::move(on_done),
                                             run_embedding);
}

}  // namespace llmgate

// The OpenAI chat-completions / embeddings wire format, shared by OpenAI, Azure, Groq and Mistral.
// Each of those keeps only its differences (URL, auth, a few fields) in its own small file.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>

#include "providers/http_provider.hpp"

namespace llmgate::inline v1::detail {

class OpenAICompatibleProvider : public HttpProvider {
public:
    using HttpProvider::HttpProvider;

protected:
    // --- what each provider file decides ---
    // Base URL for this call: the per-call override, else the environment, else the default.
    virtual std::string base_url(const std::string& override_base) const = 0;
    virtual std::string chat_url(const std::string& base, const std::string& model) const;
    virtual std::string embeddings_url(const std::string& base, const std::string& model) const;
    // Adds the credentials for this call: the per-call key, else the environment. Throws AuthError
    // (naming the variables to set, never a key) when there is none.
    virtual void add_auth(Headers& headers, const std::string& override_key) const = 0;
    // Accept header for streamed replies.
    virtual std::string stream_accept() const { return "application/json"; }
    virtual bool supports_embeddings() const { return true; }
    // Last word on a chat body (renamed fields, unsupported options dropped). Runs before `extra`.
    virtual void adapt_chat_body(json& body, const ChatRequest& request, bool stream) const;
    // True when adapt_chat_body would change this request's body. When false (and options.extra is empty)
    // the body is written straight to text by openai_chat_body_text, without a JSON tree. Must agree with
    // adapt_chat_body: tests/unit/openai_body_text_test.cpp checks both paths send the same bytes.
    virtual bool adapts_chat_body(const ChatRequest& request, bool stream) const;
    virtual void adapt_embed_body(json& body, const EmbedRequest& request) const;
    // Whether stream_options.include_usage may be sent.
    virtual bool accepts_stream_usage_option(const ChatRequest& request) const;
    // The encoding_format sent when the caller chose none ("" = omit the field).
    virtual std::string default_encoding_format() const { return {}; }
    virtual std::string request_id(const Headers& headers) const;
    // The OpenAI Responses API (openai_responses.hpp) for this model instead of chat completions: false here;
    // OpenAI and Azure say yes for their `-responses` providers and for the models that exist only there.
    virtual bool uses_responses_api(const std::string& model) const;
    // Where the Responses API is: {base}/responses here.
    virtual std::string responses_url(const std::string& base) const;
    // GET {base}/models, the OpenAI-format model list; false where the provider has no such endpoint.
    virtual std::string models_url(const std::string& base) const { return base + "/models"; }
    virtual bool supports_model_listing() const { return true; }
    // False where the stream ends with the body instead of `data: [DONE]` (Perplexity): a finish_reason
    // then marks the complete reply.
    virtual bool stream_ends_with_done() const { return true; }

    // --- the shared implementation ---
    HttpRequest build_chat(const ChatRequest& request, bool stream) const override;
    CompletionResponse parse_chat(const ChatRequest& request, HttpResponse& response) const override;
    std::unique_ptr<StreamDecoder> make_stream_decoder(const ChatRequest& request) const override;
    HttpRequest build_embed(const EmbedRequest& request) const override;
    EmbeddingResponse parse_embed(const EmbedRequest& request, HttpResponse& response) const override;
    [[noreturn]] void raise_http_error(const std::string& model, const HttpResponse& response) const override;
    std::optional<HttpRequest> build_list_models(const ListModelsOptions& options,
                                                 const std::string& page_token) const override;
    std::string parse_list_models(const HttpResponse& response, std::vector<ModelInfo>& out) const override;

    // The per-call key, else the first set variable; AuthError naming the variables when none is.
    std::string require_key(const std::string& override_key, std::initializer_list<const char*> variables) const;
    std::string require_key(const std::string& override_key, std::span<const char* const> variables) const;
    // "Authorization: Bearer <key>", the scheme most providers use.
    static void add_bearer(Headers& headers, const std::string& key);
    // True for OpenAI's reasoning model families, which take max_completion_tokens.
    static bool is_reasoning_model(const std::string& model);
    // o-series and gpt-5 models reject max_tokens; they count hidden reasoning in max_completion_tokens.
    // Whether this request's body needs the rename (for adapts_chat_body), and the rename itself.
    static bool sends_max_completion_tokens(const ChatRequest& request);
    static void rename_max_tokens(json& body, const ChatRequest& request);
    // OpenAI's prompt_cache_key / prompt_cache_retention / prompt_cache_options and the explicit breakpoints of
    // gpt-5.6 and later (PromptCacheOptions, CacheMarker), for the providers whose API takes them: whether this
    // request has any, and adding them.
    static bool sends_prompt_cache_fields(const ChatRequest& request);
    void add_prompt_cache_fields(json& body, const ChatRequest& request) const;
};

// Pure translation helpers, exposed for unit tests and fuzzing.
// The chat body; with request.structured set it carries OpenAI's response_format (see below).
json openai_chat_body(const ChatRequest& request, bool stream, bool include_usage);
// The reasoning_effort an OpenAI-format body carries: Options::reasoning_effort as spelled ("none" and
// "minimal" included: the gpt-5 families take them), else the effort nearest reasoning_budget_tokens
// (chat completions has no budget field; toolkit/reasoning.hpp budget_effort); "" when neither is set.
std::string openai_reasoning_effort(const Options& options);
// One tool and the tool_choice value, as the chat body carries them.
json openai_tool_json(const Tool& tool);
json openai_tool_choice_json(const std::string& choice);

// OpenAI's `response_format` for request.structured (null for StructuredMode::none or no
// options.response_format): native_schema => {type:json_schema, json_schema:{name, schema, strict,
// description?}}, json_mode => {type:json_object}. With `strict_allowed` and ResponseFormat::strict the
// schema is rewritten by openai_strict_schema and strict:true is sent; otherwise strict:false and the
// schema as given.
json openai_response_format(const ChatRequest& request, bool strict_allowed);

// A JSON schema rewritten to OpenAI's strict-mode rules, recursively (properties, items, prefixItems,
// anyOf/oneOf/allOf, $defs/definitions, additionalProperties schemas): every object lists all its
// properties in `required` and gets additionalProperties:false unless it sets it; a property that was
// optional becomes required but also accepts null (type gains "null", enum gains null, anything else is
// wrapped in anyOf [..., {type:null}]). A reply may therefore carry null for a field the caller's schema
// leaves optional; treat such a null as "absent". Nesting deeper than 64 levels is left as given.
json openai_strict_schema(const json& schema);
// The reply mapper: the fast path (openai_fast_reply.hpp) when it accepts the reply, else the full one.
// The body becomes the reply's `raw` (pass it with std::move to keep it without a copy).
CompletionResponse openai_parse_chat(const std::string& provider, std::string body);
// The full mapper on an nlohmann::json tree: every shape, and the errors for malformed replies.
CompletionResponse openai_parse_chat_full(const std::string& provider, std::string body);
Usage openai_parse_usage(const json& usage);
// `fast_path` false maps every event on the full path only: for the differential fuzz target and tests.
// `done_marker` false: a body that ends after a finish_reason is complete without `data: [DONE]`.
std::unique_ptr<StreamDecoder> make_openai_stream_decoder(std::string provider, std::string model,
                                                          bool fast_path = true, bool done_marker = true);
EmbeddingResponse openai_parse_embeddings(const std::string& provider, std::string body);
// A GET /models reply: {"object":"list","data":[{id, owned_by, created, ...}]}, or the bare array Together
// sends. Names, context sizes and owners under the compatible providers' own keys are read too (name /
// display_name, context_window / context_length / max_context_length / max_model_len, organization).
std::vector<ModelInfo> openai_parse_model_list(const std::string& provider, const std::string& body);

}  // namespace llmgate::inline v1::detail

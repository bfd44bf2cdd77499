// Strategy choice, request shaping, step-down and reply validation for structured output.
#include "structured/strategy.hpp"

#include "llmgate/errors.hpp"
#include "structured/json_extraction.hpp"
#include "structured/json_schema_validator.hpp"
#include "structured/schema_prompt.hpp"

namespace llmgate::inline v1::detail {

const char* strategy_name(Strategy s) {
    switch (s) {
        case Strategy::native:
            return "native";
        case Strategy::json_mode:
            return "json_mode";
        case Strategy::prompt:
            return "prompt";
    }
    return "prompt";
}

std::vector<Strategy> structured_plan(const ResponseFormat& format, const Capabilities& caps,
                                      const std::string& provider, const std::string& model) {
    const auto invalid = [&](std::string message) {
        return InvalidRequestError(ErrorInfo{.provider = provider, .model = model, .message = std::move(message)});
    };
    if (!format.schema.is_object() && !format.schema.is_boolean())
        throw invalid("response_format.schema must be a JSON Schema (an object, or true / false), got " +
                      std::string(format.schema.type_name()));
    // A schema the validator cannot check would make every reply fail (or, worse, pass unchecked):
    // refuse it now, with the reason, rather than after a paid request.
    if (const auto problems = schema_problems(format.schema); !problems.empty()) {
        std::string message = "response_format.schema cannot be used: " + problems.front();
        if (problems.size() > 1) message += " (and " + std::to_string(problems.size() - 1) + " more)";
        throw invalid(std::move(message));
    }
    switch (format.strategy) {
        case StructuredStrategy::native:
            if (!caps.native_schema)
                throw invalid(provider + " has no native schema-constrained output for this model");
            return {Strategy::native};
        case StructuredStrategy::json_mode:
            if (!caps.json_mode) throw invalid(provider + " has no JSON output mode for this model");
            return {Strategy::json_mode};
        case StructuredStrategy::prompt:
            return {Strategy::prompt};
        case StructuredStrategy::automatic:
            break;
    }
    std::vector<Strategy> plan;
    if (caps.native_schema) plan.push_back(Strategy::native);
    if (caps.json_mode) plan.push_back(Strategy::json_mode);
    plan.push_back(Strategy::prompt);
    return plan;
}

ChatRequest structured_request(const ChatRequest& base, Strategy s) {
    ChatRequest r = base;
    switch (s) {
        case Strategy::native:
            r.structured = StructuredMode::native_schema;
            break;
        case Strategy::json_mode:
            r.structured = StructuredMode::json_mode;
            r.messages = with_schema_instructions(std::move(r.messages), *base.options.response_format);
            break;
        case Strategy::prompt:
            r.structured = StructuredMode::none;
            r.messages = with_schema_instructions(std::move(r.messages), *base.options.response_format);
            break;
    }
    return r;
}

bool should_step_down(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const StructuredOutputError&) {
        return false;
    } catch (const InvalidRequestError& e) {
        return e.status() == 400 || e.status() == 422;
    } catch (const ProviderAPIError& e) {
        return e.status() == 400 || e.status() == 422;
    } catch (...) {
        return false;
    }
}

namespace {

// A refusal instead of content: adapters keep it as message.provider_data["refusal"]; OpenAI-format
// raw replies also carry it as choices[0].message.refusal.
std::string refusal_of(const CompletionResponse& resp) {
    if (!resp.choices.empty()) {
        const json& data = resp.choices.front().message.provider_data;
        if (data.is_object())
            if (const auto r = data.find("refusal");
                r != data.end() && r->is_string() && !r->get_ref<const std::string&>().empty())
                return r->get<std::string>();
    }
    const json& raw = resp.raw.get();
    if (!raw.is_object()) return {};
    const auto choices = raw.find("choices");
    if (choices == raw.end() || !choices->is_array() || choices->empty()) return {};
    const json& first = choices->front();
    if (!first.is_object()) return {};
    const auto message = first.find("message");
    if (message == first.end() || !message->is_object()) return {};
    const auto refusal = message->find("refusal");
    return refusal != message->end() && refusal->is_string() ? refusal->get<std::string>() : std::string();
}

[[noreturn]] void fail(const CompletionResponse& resp, const std::string& model, const std::string& text,
                       std::vector<std::string> problems) {
    std::string message = "the reply does not fit the response_format schema: " + problems.front();
    if (problems.size() > 1) message += " (and " + std::to_string(problems.size() - 1) + " more)";
    throw StructuredOutputError(
        ErrorInfo{.provider = resp.provider, .model = model, .request_id = {}, .message = std::move(message)}, text,
        std::move(problems));
}

}  // namespace

void apply_structured_reply(CompletionResponse& resp, const ResponseFormat& format, Strategy s,
                            const std::string& model, const Capabilities& caps) {
    // A model that calls tools has not answered yet: the caller runs them and asks again, so the reply
    // is handed back as it is (no parsed_json; parsed<T>() says the model called tools).
    if (!resp.tool_calls().empty()) return;
    const std::string text = resp.text();
    const std::string cut_off = resp.finish_reason == "length" ? " (the reply was cut off: finish_reason length)" : "";
    if (const std::string refusal = refusal_of(resp); !refusal.empty())
        fail(resp, model, text, {"$: the model refused: " + refusal});
    if (resp.finish_reason == "content_filter" || resp.finish_reason == "refusal")
        fail(resp, model, text, {"$: the model refused (finish_reason " + resp.finish_reason + ")"});
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        fail(resp, model, text, {"$: the reply is empty" + cut_off});

    std::optional<json> value = s == Strategy::native ? parse_whole_json(text) : std::nullopt;
    if (!value) value = extract_json(text);
    if (!value) fail(resp, model, text, {"$: the reply contains no JSON value" + cut_off});

    const bool strict_rewrite = s == Strategy::native && format.strict && caps.optional_sent_as_null;
    auto problems = validate_json(*value, format.schema,
                                  SchemaOptions{.optional_null_is_absent = strict_rewrite, .assert_format = format.assert_format});
    if (!problems.empty()) {
        if (!cut_off.empty()) problems.push_back("$: the reply was cut off (finish_reason length)");
        fail(resp, model, text, std::move(problems));
    }
    resp.parsed_json = std::move(*value);
    resp.structured_strategy = strategy_name(s);
}

}  // namespace llmgate::detail

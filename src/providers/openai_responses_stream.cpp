// The Responses API's typed SSE events → StreamChunks (openai-python types/responses/response_stream_event.py).
// The stream has no [DONE]: it ends with response.completed, response.incomplete or response.failed.
#include <map>
#include <utility>

#include "llmgate/errors.hpp"
#include "providers/openai_responses.hpp"
#include "providers/openai_responses_items.hpp"
#include "providers/toolkit/json_fields.hpp"
#include "providers/toolkit/sse_stream_decoder.hpp"

namespace llmgate::inline v1::detail {
namespace {

constexpr OutputBudget kBudget{.name = "max_tokens (max_output_tokens)",
                               .reason = "incomplete_details.reason \"max_output_tokens\"",
                               .hidden_tokens = "reasoning"};

class ResponsesStreamDecoder final : public SseStreamDecoder {
public:
    ResponsesStreamDecoder(std::string provider, std::string model)
        : SseStreamDecoder(std::move(provider), std::move(model),
                           {.missing_end = "before response.completed", .end = "response.completed", .budget = kBudget}) {}

private:
    bool ended() const override { return ended_; }

    void on_event(SseEvent& ev, std::deque<StreamChunk>& out) override {
        if (ended_) return;  // nothing after the terminal event belongs to this response
        json j = event_object(ev);
        const std::string type = required_string(j, "type");
        if (type == "response.output_text.delta") {
            StreamChunk c = chunk(id_, model_name_);
            read_required_text(j, "delta", c.delta, TextFrom::stream_event);
            note_text(c.delta);
            c.raw = std::move(j);
            out.push_back(std::move(c));
        } else if (type == "response.function_call_arguments.delta") {
            const int index = call_index(j);
            ToolCallDelta d{.index = index};
            d.arguments = required_string(j, "delta");
            calls_with_arguments_[index] = true;
            emit_call(std::move(d), std::move(j), out);
        } else if (type == "response.reasoning_summary_text.delta" || type == "response.reasoning_text.delta") {
            StreamChunk c = chunk(id_, model_name_);
            // A new summary part or reasoning text starts after a blank line, as the buffered reply joins them.
            const std::string part = required_string(j, "item_id") + "/" +
                                     std::to_string(json_index(j, type.find("summary") != std::string::npos
                                                                      ? "summary_index"
                                                                      : "content_index",
                                                              0)) +
                                     type;
            if (!reasoning_part_.empty() && part != reasoning_part_) c.reasoning = "\n\n";
            reasoning_part_ = part;
            c.reasoning += required_string(j, "delta");
            c.raw = std::move(j);
            out.push_back(std::move(c));
        } else if (type == "response.refusal.delta") {
            refusal_ += required_string(j, "delta");
        } else if (type == "response.output_item.added") {
            on_item_added(j, out);
        } else if (type == "response.output_item.done") {
            on_item_done(j, out);
        } else if (type == "response.created" || type == "response.in_progress" || type == "response.queued") {
            if (const json* response = object_field(j, "response")) read_identity(*response);
        } else if (type == "response.completed" || type == "response.incomplete") {
            const json* response = object_field(j, "response");
            if (response == nullptr) throw json::type_error::create(302, "'response' is missing", nullptr);
            finish(*response, std::move(j), out);
        } else if (type == "response.failed") {
            const json* response = object_field(j, "response");
            throw_response_failure(provider_, model_, response != nullptr ? *response : j, ev.data);
        } else if (type == "error") {
            throw_error_event(provider_, model_, j, ev.data);
        }
        // Every other event (content_part.*, output_text.done, annotations, built-in tools' progress, and
        // event types added later) carries nothing the unified chunk has: ignored, as the SDK's accumulator
        // ignores what it does not know.
    }

    void read_identity(const json& response) {
        if (std::string id = string_field(response, "id"); !id.empty()) id_ = std::move(id);
        if (std::string model = string_field(response, "model"); !model.empty()) model_name_ = std::move(model);
    }

    // The tool-call index of the function_call item at this event's output_index (calls numbered in order).
    int call_index(const json& j) {
        const int output_index = json_index(j, "output_index", -1);
        auto it = call_index_.find(output_index);
        if (it == call_index_.end())
            throw json::type_error::create(302, "arguments for an output item that is not a function call", nullptr);
        return it->second;
    }

    void emit_call(ToolCallDelta d, json raw, std::deque<StreamChunk>& out) {
        StreamChunk c = chunk(id_, model_name_);
        note_tool_call(std::move(d), c);
        c.raw = std::move(raw);
        out.push_back(std::move(c));
    }

    void on_item_added(json& j, std::deque<StreamChunk>& out) {
        const json* item = object_field(j, "item");
        if (item == nullptr) throw json::type_error::create(302, "'item' is missing", nullptr);
        if (required_string(*item, "type") != "function_call") return;
        const int index = static_cast<int>(call_index_.size());
        call_index_[json_index(j, "output_index", -1)] = index;
        ToolCallDelta d{.index = index};
        d.id = required_string(*item, "call_id");
        d.function = required_string(*item, "name");
        d.arguments = string_field(*item, "arguments");  // "" as added; the deltas follow
        if (!d.arguments.empty()) calls_with_arguments_[index] = true;
        emit_call(std::move(d), std::move(j), out);
    }

    void on_item_done(json& j, std::deque<StreamChunk>& out) {
        const json* item = object_field(j, "item");
        if (item == nullptr) throw json::type_error::create(302, "'item' is missing", nullptr);
        const std::string type = required_string(*item, "type");
        if (type == "reasoning") {
            // The complete item: its encrypted_content may be partial in output_item.added.
            replay_["reasoning"].push_back(reasoning_for_replay(*item));
        } else if (type == "message") {
            if (const json* phase = typed_field(*item, "phase", json::value_t::string)) replay_["phase"] = *phase;
        } else if (type == "function_call") {
            // Arguments sent whole in the done item, with no deltas before it, still reach the call.
            const int index = call_index(j);
            if (!calls_with_arguments_[index]) {
                std::string arguments = string_field(*item, "arguments");
                calls_with_arguments_[index] = true;
                if (!arguments.empty()) {
                    ToolCallDelta d{.index = index};
                    d.arguments = std::move(arguments);
                    emit_call(std::move(d), std::move(j), out);
                }
            }
        }
    }

    void finish(const json& response, json event, std::deque<StreamChunk>& out) {
        read_identity(response);
        StreamChunk c = chunk(id_, model_name_);
        if (const json* u = object_field(response, "usage")) {
            c.usage = openai_responses_usage(*u);
            usage_ = *c.usage;
        }
        finish_with(c, responses_finish_reason(response, !assembler_.empty()));
        c.provider_data = responses_provider_data(std::move(replay_), refusal_);
        if (!refusal_.empty()) note_text(refusal_);  // a refusal is an answer, not an empty stream
        c.raw = std::move(event);
        ended_ = true;
        out.push_back(std::move(c));
    }

    std::string id_;
    std::string model_name_;
    std::map<int, int> call_index_;             // output_index → tool-call index
    std::map<int, bool> calls_with_arguments_;  // tool-call index → any arguments received
    std::string reasoning_part_;                // the reasoning part the last reasoning delta belonged to
    std::string refusal_;
    json replay_ = json::object();
    bool ended_ = false;
};

}  // namespace

std::unique_ptr<StreamDecoder> make_openai_responses_stream_decoder(std::string provider, std::string model) {
    return std::make_unique<ResponsesStreamDecoder>(std::move(provider), std::move(model));
}

}  // namespace llmgate::inline v1::detail

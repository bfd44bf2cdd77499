// stream_tools: the loop pulled event by event. Each step is a provider stream whose deltas become
// events; when it ends, its tool calls are announced, run (inside next(), on the caller's thread) and
// reported, and the next step's stream starts. The rules themselves live in ToolLoop.
#include <deque>

#include "agents/tool_loop.hpp"

namespace llmgate::inline v1 {

class ToolStream::State {
public:
    State(detail::ModelCaller caller, Models models, Messages messages, std::vector<FunctionTool> tools,
          ToolRunOptions options)
        : caller_(std::move(caller)),
          loop_(std::move(models), std::move(messages), std::move(tools), std::move(options)) {}

    std::optional<ToolStreamEvent> next() {
        try {
            return advance();
        } catch (...) {
            // A failed run is over: later calls end the stream instead of retrying a half-done step.
            phase_ = Phase::done;
            pending_.clear();
            stream_.reset();
            throw;
        }
    }

    std::optional<ToolStreamEvent> advance() {
        while (pending_.empty()) {
            switch (phase_) {
                case Phase::start_step:
                    loop_.throw_if_cancelled();
                    stream_.emplace(caller_.stream(loop_.models(), loop_.request_messages(), loop_.call_options()));
                    phase_ = Phase::streaming;
                    break;
                case Phase::streaming:
                    pull_chunk();
                    break;
                case Phase::run_calls:
                    run_calls();
                    break;
                case Phase::finish_step:
                    finish_step();
                    break;
                case Phase::done:
                    return std::nullopt;
            }
        }
        ToolStreamEvent e = std::move(pending_.front());
        pending_.pop_front();
        return e;
    }

    const ToolRunResult& result() const {
        if (phase_ != Phase::done || !pending_.empty())
            throw InvalidRequestError(ErrorInfo{.message = "ToolStream::result(): the run has not finished yet"});
        return loop_.result();
    }

private:
    enum class Phase { start_step, streaming, run_calls, finish_step, done };

    ToolStreamEvent event(ToolStreamEvent::Type type) const {
        ToolStreamEvent e;
        e.type = type;
        e.step_index = loop_.step_index();
        return e;
    }

    void pull_chunk() {
        std::optional<StreamChunk> chunk = stream_->next();
        if (chunk) {
            if (!chunk->restarted && chunk->delta.empty() && chunk->reasoning.empty()) return;
            if (chunk->restarted) {
                // A fallback model starts the reply over: what was shown of this step is void.
                ToolStreamEvent e = event(ToolStreamEvent::Type::text_delta);
                e.restarted = true;
                pending_.push_back(std::move(e));
            }
            if (!chunk->reasoning.empty()) {
                ToolStreamEvent e = event(ToolStreamEvent::Type::reasoning_delta);
                e.text = std::move(chunk->reasoning);
                pending_.push_back(std::move(e));
            }
            if (!chunk->delta.empty()) {
                ToolStreamEvent e = event(ToolStreamEvent::Type::text_delta);
                e.text = std::move(chunk->delta);
                pending_.push_back(std::move(e));
            }
            return;
        }
        CompletionResponse reply = stream_->response();
        stream_.reset();
        const std::vector<ToolCall>& calls = loop_.accept_reply(std::move(reply));
        for (const ToolCall& call : calls) {
            ToolStreamEvent e = event(ToolStreamEvent::Type::tool_call_started);
            e.tool_call = call;
            pending_.push_back(std::move(e));
        }
        phase_ = calls.empty() ? Phase::finish_step : Phase::run_calls;
    }

    void run_calls() {
        const std::vector<ToolResult>& results = loop_.run_calls();
        const std::vector<ToolCall>& calls = loop_.current_calls();
        for (std::size_t i = 0; i < results.size(); ++i) {
            ToolStreamEvent e = event(ToolStreamEvent::Type::tool_call_finished);
            e.tool_call = calls[i];
            e.tool_result = results[i];
            pending_.push_back(std::move(e));
        }
        phase_ = Phase::finish_step;
    }

    void finish_step() {
        const detail::ToolLoop::Next next = loop_.finish_step();  // may throw MaxStepsExceededError
        ToolStreamEvent e = event(ToolStreamEvent::Type::step_finished);
        e.step_index = loop_.last_step().index;
        e.step = loop_.last_step();
        pending_.push_back(std::move(e));
        if (next == detail::ToolLoop::Next::call_model) {
            phase_ = Phase::start_step;
            return;
        }
        ToolStreamEvent last = event(ToolStreamEvent::Type::final_response);
        last.step_index = loop_.last_step().index;
        last.response = loop_.result().response;
        pending_.push_back(std::move(last));
        phase_ = Phase::done;
    }

    detail::ModelCaller caller_;
    detail::ToolLoop loop_;
    std::optional<Stream> stream_{};
    std::deque<ToolStreamEvent> pending_{};
    Phase phase_ = Phase::start_step;
};

ToolStream::ToolStream(std::unique_ptr<State> state) : state_(std::move(state)) {}
ToolStream::ToolStream(ToolStream&&) noexcept = default;
ToolStream& ToolStream::operator=(ToolStream&&) noexcept = default;
ToolStream::~ToolStream() = default;

std::optional<ToolStreamEvent> ToolStream::next() {
    if (!state_) return std::nullopt;
    return state_->next();
}

const ToolRunResult& ToolStream::result() const {
    if (!state_) throw InvalidRequestError(ErrorInfo{.message = "ToolStream::result(): the stream was moved from"});
    return state_->result();
}

ToolStream stream_tools(Models models, Messages messages, std::vector<FunctionTool> tools, ToolRunOptions options) {
    return ToolStream(std::make_unique<ToolStream::State>(detail::ModelCaller::direct(), std::move(models),
                                                          std::move(messages), std::move(tools), std::move(options)));
}

ToolStream stream_tools(const LLMGate& gate, Models models, Messages messages, std::vector<FunctionTool> tools,
                        ToolRunOptions options) {
    return ToolStream(std::make_unique<ToolStream::State>(detail::ModelCaller::through(gate), std::move(models),
                                                          std::move(messages), std::move(tools), std::move(options)));
}

}  // namespace llmgate::inline v1

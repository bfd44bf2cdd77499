// The baseline the benchmarks compare llmgate against: the same HTTP work done by hand with libcurl and
// nlohmann::json, the way a careful program would (one reused easy handle, request JSON built per call,
// every reply and every SSE event parsed, the text extracted). Streams also have a second, faster
// baseline that parses each event with simdjson On-Demand. Wire shapes as in openai-python
// (src/openai/types/chat/chat_completion.py, chat_completion_chunk.py).
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <curl/curl.h>
#include <simdjson.h>

#include <nlohmann/json.hpp>

#include "llmgate/version.hpp"

namespace llmgate::bench::raw {

using json = nlohmann::json;

struct EasyDeleter {
    void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// The body llmgate sends for the same call (see openai_chat_body in src/providers/openai_compatible.cpp).
inline std::string request_body(const std::string& model, bool stream) {
    json body{{"model", model}, {"messages", json::array({{{"role", "user"}, {"content", "Hello!"}}})}};
    if (stream) {
        body["stream"] = true;
        body["stream_options"] = {{"include_usage", true}};
    }
    return body.dump();
}

// The same request headers llmgate sends (the baseline makes the same requests, byte for byte apart
// from header order): a client identifies itself and accepts compressed replies.
inline Slist headers(const std::string& api_key) {
    curl_slist* l = nullptr;
    l = curl_slist_append(l, ("Authorization: Bearer " + api_key).c_str());
    l = curl_slist_append(l, "Content-Type: application/json");
    l = curl_slist_append(l, "Accept: application/json");
    l = curl_slist_append(l, "User-Agent: llmgate-cpp/" LLMGATE_VERSION_STRING);
    l = curl_slist_append(l, "Expect:");
    return Slist(l);
}

// The options every baseline handle gets, as llmgate sets them: no signals, and Accept-Encoding with
// every encoding libcurl can decode.
inline void common_options(CURL* h) {
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
}

inline std::size_t append_to_string(char* data, std::size_t size, std::size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

// choices[0].message.content of a chat.completion.
inline std::string extract_text(const std::string& body) {
    json j = json::parse(body);
    return j.at("choices").at(0).at("message").at("content").get<std::string>();
}

// Sequential non-streaming calls on one reused easy handle (so one kept-alive connection).
class Client {
public:
    Client(const std::string& base_url, const std::string& api_key)
        : easy_(curl_easy_init()), headers_(headers(api_key)), url_(base_url + "/v1/chat/completions") {
        if (!easy_) throw std::runtime_error("curl_easy_init failed");
    }

    // Configures the handle for one POST; the body string must outlive the transfer.
    void prepare(const std::string& body, curl_write_callback write, void* user) {
        CURL* h = easy_.get();
        curl_easy_setopt(h, CURLOPT_URL, url_.c_str());
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers_.get());
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, user);
        common_options(h);
    }

    void perform_checked() {
        CURLcode rc = curl_easy_perform(easy_.get());
        if (rc != CURLE_OK) throw std::runtime_error(std::string("curl: ") + curl_easy_strerror(rc));
        long status = 0;
        curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) throw std::runtime_error("HTTP status " + std::to_string(status));
    }

    std::string complete(const std::string& model) {
        body_ = request_body(model, false);
        reply_.clear();
        prepare(body_, append_to_string, &reply_);
        perform_checked();
        return extract_text(reply_);
    }

    CURL* handle() { return easy_.get(); }

private:
    Easy easy_;
    Slist headers_;
    std::string url_;
    std::string body_{}, reply_{};
};

// Splits an SSE body into events as bytes arrive (LF framing, as OpenAI sends) and hands each
// event's data to `on_data`; "[DONE]" sets done.
class SseSplitter {
public:
    explicit SseSplitter(std::function<void(std::string_view)> on_data) : on_data_(std::move(on_data)) {}

    void feed(const char* data, std::size_t n) {
        buf_.append(data, n);
        std::size_t start = 0, end;
        while ((end = buf_.find("\n\n", start)) != std::string::npos) {
            std::string_view event(buf_.data() + start, end - start);
            start = end + 2;
            std::size_t line_start = 0;
            while (line_start < event.size()) {
                std::size_t nl = event.find('\n', line_start);
                std::string_view line =
                    event.substr(line_start, nl == std::string_view::npos ? std::string_view::npos : nl - line_start);
                line_start = nl == std::string_view::npos ? event.size() : nl + 1;
                if (line.substr(0, 5) != "data:") continue;
                line.remove_prefix(line.size() > 5 && line[5] == ' ' ? 6 : 5);
                if (line == "[DONE]")
                    done = true;
                else
                    on_data_(line);
            }
        }
        buf_.erase(0, start);
    }

    bool done = false;

private:
    std::function<void(std::string_view)> on_data_;
    std::string buf_{};
};

// choices[0].delta.content of a chat.completion.chunk, "" when absent (role, finish and usage events).
inline std::string extract_delta(std::string_view data) {
    json j = json::parse(data);
    const auto& choices = j.at("choices");
    if (choices.empty()) return {};
    const auto& delta = choices.at(0).at("delta");
    auto it = delta.find("content");
    return it != delta.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline std::size_t feed_splitter(char* data, std::size_t size, std::size_t n, void* user) {
    static_cast<SseSplitter*>(user)->feed(data, size * n);
    return size * n;
}

// One streamed call on the client's handle; on_delta sees each event's content as it is parsed.
inline void stream(Client& client, const std::string& model, const std::function<void(const std::string&)>& on_delta) {
    const std::string body = request_body(model, true);
    SseSplitter splitter([&](std::string_view data) { on_delta(extract_delta(data)); });
    client.prepare(body, feed_splitter, &splitter);
    client.perform_checked();
    if (!splitter.done) throw std::runtime_error("raw stream ended without [DONE]");
}

// choices[0].delta.content with simdjson On-Demand, the API simdjson recommends, as a hand-written client
// after speed would read it: one parser reused for every event, and a reused buffer giving the event the
// padding simdjson reads past its end. The returned view lives until the next event.
class SimdjsonDeltas {
public:
    std::string_view extract(std::string_view data) {
        padded_.assign(data);
        padded_.resize(data.size() + simdjson::SIMDJSON_PADDING);
        simdjson::ondemand::document doc;
        simdjson::ondemand::array choices;
        if (parser_.iterate(padded_.data(), data.size(), padded_.size()).get(doc) ||
            doc["choices"].get_array().get(choices))
            throw std::runtime_error("raw: malformed stream event");
        for (auto choice : choices) {  // the first choice only
            simdjson::ondemand::object delta;
            if (choice["delta"].get_object().get(delta)) throw std::runtime_error("raw: event without delta");
            simdjson::ondemand::value field;
            if (const auto error = delta["content"].get(field); error == simdjson::NO_SUCH_FIELD)
                return {};
            else if (error)
                throw std::runtime_error("raw: malformed delta");
            bool null = false;
            std::string_view content;
            if (field.is_null().get(null) || (!null && field.get_string().get(content)))
                throw std::runtime_error("raw: content is not a string");
            return content;
        }
        return {};  // the usage event has no choices
    }

private:
    simdjson::ondemand::parser parser_{};
    std::string padded_{};
};

// The same streamed call as `stream`, each event parsed by `deltas`; on_delta sees each event's content
// and the answer's text is kept and returned, as a client assembling the reply does.
inline std::string stream_simdjson(Client& client, const std::string& model, SimdjsonDeltas& deltas,
                                   const std::function<void(std::string_view)>& on_delta) {
    const std::string body = request_body(model, true);
    std::string text;
    SseSplitter splitter([&](std::string_view data) {
        const std::string_view delta = deltas.extract(data);
        text.append(delta);
        on_delta(delta);
    });
    client.prepare(body, feed_splitter, &splitter);
    client.perform_checked();
    if (!splitter.done) throw std::runtime_error("raw stream ended without [DONE]");
    return text;
}

}  // namespace llmgate::bench::raw

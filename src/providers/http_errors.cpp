// Maps non-2xx provider replies to the typed error hierarchy.
#include "providers/http_errors.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>

#include "providers/toolkit/json_fields.hpp"

namespace llmgate::inline v1::detail {
namespace {

// A finite, non-negative number of at most a day (in the header's unit); anything else is ignored.
std::optional<double> parse_delay(const std::string& s, double max) {
    if (s.empty()) return std::nullopt;
    try {
        std::size_t used = 0;
        const double v = std::stod(s, &used);
        if (used != s.size() || !std::isfinite(v) || v < 0) return std::nullopt;
        return std::min(v, max);
    } catch (...) {
        return std::nullopt;
    }
}

std::optional<std::chrono::milliseconds> parse_http_date(const std::string& s) {
    std::tm tm{};
    // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT"
    if (strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) == nullptr) return std::nullopt;
    const std::time_t when = timegm(&tm);
    const std::time_t now = std::time(nullptr);
    const std::time_t wait = when > now ? std::min<std::time_t>(when - now, 86400) : 0;  // at most a day
    return std::chrono::milliseconds(static_cast<long long>(wait) * 1000);
}

std::string truncate(const std::string& s, std::size_t n) { return s.size() <= n ? s : s.substr(0, n) + "..."; }

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(const Headers& headers) {
    constexpr double kDaySeconds = 86400;
    if (auto ms = parse_delay(find_header(headers, "retry-after-ms"), kDaySeconds * 1000))
        return std::chrono::milliseconds(static_cast<long long>(*ms));
    const std::string ra = find_header(headers, "retry-after");
    if (auto secs = parse_delay(ra, kDaySeconds))
        return std::chrono::milliseconds(static_cast<long long>(*secs * 1000));
    if (!ra.empty()) return parse_http_date(ra);
    return std::nullopt;
}

std::string error_message_from_body(const std::string& body) {
    const json j = json::parse(body, nullptr, false);
    if (j.is_object()) {
        if (auto e = j.find("error"); e != j.end()) {
            if (e->is_string()) return e->get<std::string>();
            if (e->is_object()) {
                if (auto m = e->find("message"); m != e->end() && m->is_string()) return m->get<std::string>();
            }
        }
        if (auto m = j.find("message"); m != j.end() && m->is_string()) return m->get<std::string>();
        if (auto d = j.find("detail"); d != j.end()) return d->is_string() ? d->get<std::string>() : d->dump();
    }
    if (j.is_array() && !j.empty() && j.front().is_object()) return error_message_from_body(j.front().dump());
    return truncate(body, 500);
}

std::string error_type_from_body(const std::string& body) {
    const json j = json::parse(body, nullptr, false);
    if (!j.is_object()) return {};
    const json* src = &j;
    if (auto e = j.find("error"); e != j.end() && e->is_object()) src = &*e;
    for (const char* key : {"code", "type"}) {
        if (auto it = src->find(key); it != src->end()) {
            if (it->is_string()) return it->get<std::string>();
            if (it->is_number()) return it->dump();
        }
    }
    return {};
}

std::string first_header(const Headers& headers, std::initializer_list<const char*> names) {
    for (const char* n : names) {
        std::string v = find_header(headers, n);
        if (!v.empty()) return v;
    }
    return {};
}

void throw_for_status(ErrorInfo info, const Headers& headers, std::initializer_list<int> overload_statuses) {
    bool overloaded = info.status == 429;
    for (int s : overload_statuses) overloaded = overloaded || info.status == s;
    if (!overloaded && info.status != 401 && info.status != 403 && info.status != 404)
        throw_provider_error(std::move(info));  // reads the whole body first, then cuts it
    if (info.body.size() > 2000) info.body = info.body.substr(0, 2000);
    if (overloaded) throw RateLimitError(std::move(info), parse_retry_after(headers));
    if (info.status == 404) throw ModelNotFoundError(std::move(info));
    throw AuthError(std::move(info));
}

bool context_window_exceeded(const ErrorInfo& info) {
    if (info.error_type == "context_length_exceeded") return true;
    const std::string m = lower(info.message);
    for (const char* phrase :
         {"prompt is too long", "exceeds the maximum number of tokens", "input is too long", "maximum context length",
          "too many tokens", "exceeds the context length", "context_length_exceeded"})
        if (m.find(phrase) != std::string::npos) return true;
    return false;
}

std::optional<std::vector<std::string>> content_filter_categories(const ErrorInfo& info) {
    if (info.error_type != "content_filter" && info.error_type != "content_policy_violation") return std::nullopt;
    std::vector<std::string> categories;
    // Azure: {"error":{"code":"content_filter","innererror":{"code":"ResponsibleAIPolicyViolation",
    // "content_filter_result":{"hate":{"filtered":false,...},"violence":{"filtered":true,...}}}}}.
    const json j = json::parse(info.body, nullptr, false);
    const json* e = j.is_object() ? object_at(j, "error") : nullptr;
    const json* inner = e != nullptr ? object_at(*e, "innererror") : nullptr;
    if (const json* result = inner != nullptr ? object_at(*inner, "content_filter_result") : nullptr)
        for (const auto& [category, verdict] : result->items())
            if (verdict.is_object() && verdict.value("filtered", false) == true) categories.push_back(category);
    return categories;
}

void throw_provider_error(ErrorInfo info) {
    auto categories = content_filter_categories(info);
    const bool too_long = !categories && context_window_exceeded(info);
    if (info.body.size() > 2000) info.body = info.body.substr(0, 2000);
    if (categories) throw ContentFilterError(std::move(info), std::move(*categories));
    if (too_long) throw ContextLengthExceededError(std::move(info));
    throw ProviderAPIError(std::move(info));
}

}  // namespace llmgate::inline v1::detail

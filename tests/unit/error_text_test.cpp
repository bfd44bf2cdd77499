// Error texts stay valid UTF-8 whatever bytes a provider sent, so an error can always be logged and
// serialised (nlohmann::json::dump throws on invalid UTF-8).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "llmgate/errors.hpp"

using namespace llmgate;

namespace {

// True when `s` dumps as JSON (nlohmann validates UTF-8 there).
bool dumps(const std::string& s) {
    try {
        (void)nlohmann::json(s).dump();
        return true;
    } catch (const nlohmann::json::exception&) {
        return false;
    }
}

const std::string kReplacement = "\xEF\xBF\xBD";

}  // namespace

TEST(ErrorText, ValidUtf8IsKeptAsIs) {
    const std::string text = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 plain";
    ProviderAPIError e(ErrorInfo{.provider = "openai", .message = text, .body = text});
    EXPECT_EQ(e.provider_message(), text);
    EXPECT_EQ(e.body(), text);
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos);
}

TEST(ErrorText, InvalidBytesBecomeReplacementCharacters) {
    // A stray continuation byte, bytes no UTF-8 has, an overlong "/", a surrogate, and a character cut off
    // at the end (a body truncated mid-character).
    const std::string bad = std::string("a\x80") + "b\xFF\xFE" + "c\xC0\xAF" + "d\xED\xA0\x80" + "e\xE2\x82";
    ResponseParseError e(ErrorInfo{.provider = "openai", .message = bad, .error_type = bad, .body = bad});
    EXPECT_FALSE(dumps(bad));
    for (const std::string& field : {e.provider_message(), e.body(), e.error_type(), std::string(e.what())}) {
        EXPECT_TRUE(dumps(field)) << field;
        EXPECT_NE(field.find("a" + kReplacement + "b"), std::string::npos) << field;
        EXPECT_NE(field.find("b" + kReplacement + kReplacement + "c"), std::string::npos) << field;
        EXPECT_NE(field.find("e" + kReplacement + kReplacement), std::string::npos) << field;
    }
}

TEST(ErrorText, EveryFieldIsChecked) {
    const std::string bad = "x\xFFy";
    AuthError e(ErrorInfo{.provider = bad,
                          .model = bad,
                          .status = 401,
                          .request_id = bad,
                          .message = bad,
                          .error_type = bad,
                          .body = bad});
    for (const std::string& field : {e.provider(), e.model(), e.request_id(), e.provider_message(), e.error_type(),
                                     e.body(), std::string(e.what())})
        EXPECT_TRUE(dumps(field)) << field;
    EXPECT_EQ(e.status(), 401);
    EXPECT_STREQ(e.type_name(), "AuthError");
}

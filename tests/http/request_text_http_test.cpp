// The caller's text on the wire: every byte arrives as sent (control characters, quotes, any Unicode),
// and text that is not UTF-8, which JSON cannot carry, is refused as InvalidRequestError naming the
// field, before anything is sent.
#include <gtest/gtest.h>

#include <string>

#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;

namespace {

class RequestTextHttp : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        point_at("OPENAI_API_KEY", "sk-test", "OPENAI_BASE_URL");
        point_at("ANTHROPIC_API_KEY", "anthropic-test", "ANTHROPIC_BASE_URL");
    }

    // The InvalidRequestError message of `call`, or a failure when it throws anything else or nothing.
    template <class F>
    std::string refusal(F&& call) {
        const auto e = expect_error<InvalidRequestError>(std::forward<F>(call));
        return e ? e->what() : std::string();
    }
};

const std::string kInvalid = "caf\xc3";  // a two-byte sequence cut short

}  // namespace

TEST_F(RequestTextHttp, EveryByteOfTheCallersTextArrivesAsSent) {
    std::string text = "quote \" backslash \\ é 日本 🙂 del \x7f";
    for (int c = 1; c < 0x20; ++c) text.push_back(static_cast<char>(c));
    Message named = Message::user(text);
    named.name = "tab\tname";
    server.enqueue(fake::chat_text("ok"));
    (void)completion("gpt-4o-mini", {Message::system("sys \"quoted\""), named}, {.stop = {"\n\n"}, .user = "ü"});
    const json body = server.last_request().json();
    EXPECT_EQ(body["messages"][0]["content"], "sys \"quoted\"");
    EXPECT_EQ(body["messages"][1]["content"], text);
    EXPECT_EQ(body["messages"][1]["name"], "tab\tname");
    EXPECT_EQ(body["stop"], json::array({"\n\n"}));
    EXPECT_EQ(body["user"], "ü");
}

TEST_F(RequestTextHttp, InvalidUtf8InAMessageIsRefusedNamingTheFieldAndNothingIsSent) {
    EXPECT_NE(refusal([&] {
                  (void)completion("gpt-4o-mini", {Message::user("ok"), Message::user(kInvalid)});
              }).find("messages[1].content is not valid UTF-8"),
              std::string::npos);
    EXPECT_NE(
        refusal([&] { (void)acompletion("gpt-4o-mini", {Message::user(kInvalid)}).get(); }).find("messages[0].content"),
        std::string::npos);
    EXPECT_NE(refusal([&] {
                  (void)stream("anthropic/claude-3-5-haiku-latest", {Message::user(kInvalid)});
              }).find("messages[0].content"),
              std::string::npos);
    Message named = Message::user("ok");
    named.name = kInvalid;
    EXPECT_NE(refusal([&] { (void)completion("gpt-4o-mini", {named}); }).find("messages[0].name"), std::string::npos);
    EXPECT_NE(refusal([&] {
                  (void)completion("gpt-4o-mini", hello(), {.stop = {"ok", kInvalid}});
              }).find("options.stop[1]"),
              std::string::npos);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(RequestTextHttp, InvalidUtf8InAnImagePartIsRefused) {
    const std::vector<ContentPart> parts{ContentPart::text_part("what is this?"),
                                         ContentPart::image_from_bytes(kInvalid, "image/png")};
    EXPECT_NE(refusal([&] { (void)completion("gpt-4o-mini", {Message::user(parts)}); }).find("messages[0].content"),
              std::string::npos);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(RequestTextHttp, InvalidUtf8InsideAJsonValueIsRefusedWhenTheBodyIsEncoded) {
    // Tool parameters and options.extra are JSON values the caller built; the check happens as the body
    // is written, for the text path and the tree path alike.
    Tool tool{.name = "lookup", .parameters = json{{"type", "object"}, {"description", kInvalid}}};
    EXPECT_NE(refusal([&] { (void)completion("gpt-4o-mini", hello(), {.tools = {tool}}); }).find("not valid UTF-8"),
              std::string::npos);
    EXPECT_NE(refusal([&] {
                  (void)completion("anthropic/claude-3-5-haiku-latest", hello(), {.tools = {tool}});
              }).find("not valid UTF-8"),
              std::string::npos);
    EXPECT_NE(refusal([&] {
                  (void)completion("gpt-4o-mini", hello(), {.extra = json{{"metadata", kInvalid}}});
              }).find("not valid UTF-8"),
              std::string::npos);
    EXPECT_NE(refusal([&] {
                  (void)acompletion("gpt-4o-mini", hello(), {.extra = json{{"metadata", kInvalid}}}).get();
              }).find("not valid UTF-8"),
              std::string::npos);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(RequestTextHttp, InvalidUtf8InAnEmbeddingInputIsRefusedNamingIt) {
    EXPECT_NE(refusal([&] {
                  (void)embed("text-embedding-3-small", std::vector<std::string>{"ok", "ok", kInvalid});
              }).find("inputs[2] is not valid UTF-8"),
              std::string::npos);
    EXPECT_NE(refusal([&] { (void)aembed("text-embedding-3-small", kInvalid).get(); }).find("inputs[0]"),
              std::string::npos);
    // More inputs than one request takes (OpenAI: 2048) are sent in parts; the index is still the caller's.
    std::vector<std::string> many(2500, "ok");
    many[2400] = kInvalid;
    EXPECT_NE(refusal([&] { (void)embed("text-embedding-3-small", many); }).find("inputs[2400] is not valid UTF-8"),
              std::string::npos);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(RequestTextHttp, ValidTextAfterARefusalStillWorks) {
    EXPECT_THROW((void)completion("gpt-4o-mini", {Message::user(kInvalid)}), InvalidRequestError);
    server.enqueue(fake::chat_text("fine"));
    EXPECT_EQ(completion("gpt-4o-mini", hello()).text(), "fine");
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(RequestTextHttp, ExtraThatIsNotAnObjectIsRefusedAndNothingIsSent) {
    server.enqueue(fake::chat_text("never"));
    EXPECT_NE(refusal([&] {
                  (void)completion("gpt-4o-mini", {Message::user("hi")}, {.extra = json::array({1, 2})});
              }).find("options.extra must be a JSON object"),
              std::string::npos);
    EXPECT_NE(refusal([&] {
                  (void)embed("text-embedding-3-small", {"a"}, {.extra = "dimensions=3"});
              }).find("options.extra must be a JSON object"),
              std::string::npos);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(RequestTextHttp, ExtraLeftNullAddsNothingAndAnObjectIsMergedIntoTheBody) {
    server.enqueue(fake::chat_text("ok"));
    server.enqueue(fake::chat_text("ok"));
    (void)completion("gpt-4o-mini", {Message::user("hi")});
    EXPECT_EQ(server.last_request().json(),
              (json{{"model", "gpt-4o-mini"}, {"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}}));
    (void)completion("gpt-4o-mini", {Message::user("hi")}, {.extra = {{"logprobs", true}}});
    EXPECT_EQ(server.last_request().json()["logprobs"], true);
}

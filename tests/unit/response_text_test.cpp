// text() on a reply or message about to be dropped moves the answer out instead of copying it, so a large
// answer read as `completion(...).text()` is held once; on an lvalue it copies, as before.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "llmgate/types.hpp"

namespace llmgate {
namespace {

CompletionResponse reply_with(std::string text) {
    CompletionResponse r;
    Choice c;
    c.message = Message::assistant(std::move(text));
    r.choices.push_back(std::move(c));
    return r;
}

TEST(ResponseText, AnRvalueReplyGivesItsAnswerWithoutACopy) {
    CompletionResponse r = reply_with(std::string(1 << 20, 'a'));
    const char* buffer = std::get<std::string>(r.choices[0].message.content).data();
    const std::string text = std::move(r).text();
    EXPECT_EQ(text, std::string(1 << 20, 'a'));
    EXPECT_EQ(text.data(), buffer) << "the answer was copied, not moved";
}

TEST(ResponseText, AnLvalueReplyKeepsItsAnswer) {
    const CompletionResponse r = reply_with("kept");
    EXPECT_EQ(r.text(), "kept");
    EXPECT_EQ(r.text(), "kept");
}

TEST(ResponseText, BothFormsAgreeOnPartsAndOnNoChoice) {
    Message m = Message::user({ContentPart::text_part("a"), ContentPart::image_from_url("https://x/y.png"),
                               ContentPart::text_part("b")});
    EXPECT_EQ(m.text(), "ab");
    EXPECT_EQ(std::move(m).text(), "ab");
    EXPECT_EQ(CompletionResponse{}.text(), "");
    const CompletionResponse none;
    EXPECT_EQ(none.text(), "");
}

}  // namespace
}  // namespace llmgate

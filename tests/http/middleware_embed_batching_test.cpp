// Embedding batching over real HTTP: long input lists split to the provider's limit, sent in parallel,
// reassembled in input order, with middleware applied to each part.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <set>

#include "llmgate/gate.hpp"
#include "llmgate/middleware/retry.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;

namespace {

class EmbedBatchingHttp : public OpenAIServerTest {
protected:
    EmbedBatchingHttp() : OpenAIServerTest("sk-embed") {}
    void SetUp() override {
        OpenAIServerTest::SetUp();
        // Each input "t<n>" embeds as [n, 1]; usage counts one token per input.
        server.set_handler([this](const RecordedRequest& req) {
            auto body = req.json();
            std::vector<std::vector<float>> vectors;
            for (const auto& in : body["input"]) vectors.push_back({std::stof(in.get<std::string>().substr(1)), 1.0f});
            {
                std::lock_guard lock(mutex);
                sizes.push_back(vectors.size());
                if (fail_first_of_each && !failed_once.count(body["input"][0].get<std::string>())) {
                    failed_once.insert(body["input"][0].get<std::string>());
                    return fake::error(503, "busy", "server_error");
                }
            }
            Reply r = fake::embeddings(vectors);
            auto j = json::parse(r.body);
            j["usage"] = {{"prompt_tokens", vectors.size()}, {"total_tokens", vectors.size()}};
            r.body = j.dump();
            return r;
        });
    }
    static std::vector<std::string> inputs(std::size_t n) {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < n; ++i) out.push_back("t" + std::to_string(i));
        return out;
    }
    static void expect_in_order(const EmbeddingResponse& r, std::size_t n) {
        ASSERT_EQ(r.embeddings.size(), n);
        for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(r.embeddings[i][0], static_cast<double>(i)) << i;
        EXPECT_EQ(r.usage.total_tokens, static_cast<std::int64_t>(n));
    }
    // The handler uses these; ServerTest::TearDown joins its threads before they go away (a part still in
    // flight when a failed part ends the call reaches the handler late).
    std::mutex mutex;
    std::vector<std::size_t> sizes;
    bool fail_first_of_each = false;
    std::set<std::string> failed_once;
};

}  // namespace

TEST_F(EmbedBatchingHttp, InputsOverTheLimitAreSplitAndReassembledInOrder) {
    constexpr std::size_t n = 2048 * 2 + 5;  // OpenAI takes at most 2048 inputs per request
    expect_in_order(embed("text-embedding-3-small", inputs(n)), n);
    std::sort(sizes.begin(), sizes.end());
    EXPECT_EQ(sizes, (std::vector<std::size_t>{5, 2048, 2048}));
}

TEST_F(EmbedBatchingHttp, AsyncSplitsTheSameWay) {
    constexpr std::size_t n = 2048 + 1;
    expect_in_order(aembed("text-embedding-3-small", inputs(n)).get(), n);
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(EmbedBatchingHttp, InputsWithinTheLimitGoAsOneRequest) {
    expect_in_order(embed("text-embedding-3-small", inputs(2048)), 2048);
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(EmbedBatchingHttp, MiddlewareAppliesToEachPart) {
    fail_first_of_each = true;  // every part fails once, then succeeds
    LLMGate gate(MiddlewareList{
        std::make_shared<RetryMiddleware>(RetryMiddleware::Settings{.max_retries = 1, .backoff_factor = 0})});
    constexpr std::size_t n = 2048 * 3;
    expect_in_order(gate.embed("text-embedding-3-small", inputs(n)), n);
    EXPECT_EQ(server.request_count(), 6u);  // three parts, each retried once — not the whole list
}

TEST_F(EmbedBatchingHttp, AFailedPartFailsTheCall) {
    fail_first_of_each = true;
    EXPECT_THROW(embed("text-embedding-3-small", inputs(2048 + 10)), ProviderAPIError);
}

TEST_F(EmbedBatchingHttp, RawIsTheArrayOfThePartsRepliesInPartOrder) {
    constexpr std::size_t n = 2048 + 3;
    const auto r = embed("text-embedding-3-small", inputs(n));
    ASSERT_TRUE(r.raw.is_array());
    ASSERT_EQ(r.raw.get().size(), 2u);
    EXPECT_EQ(r.raw[0]["data"].size(), 2048u);
    EXPECT_EQ(r.raw[0]["usage"]["total_tokens"], 2048);
    EXPECT_EQ(r.raw[1]["data"].size(), 3u);
    EXPECT_EQ(r.raw[1]["data"][0]["embedding"][0], 2048.0);  // the second part starts at input 2048
    EXPECT_EQ(r.raw[1]["usage"]["total_tokens"], 3);
}

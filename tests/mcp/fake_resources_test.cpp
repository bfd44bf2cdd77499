// MCP resources and prompts against tests/mcp/fake_server.js over stdio: pagination, subscription updates,
// list_changed callbacks, content blocks a prompt turns into, and malformed replies as typed errors.
#include <atomic>
#include <condition_variable>
#include <mutex>

#include "llmgate/llmgate.hpp"
#include "mcp_test_support.hpp"

namespace mcp = llmgate::mcp;
using llmgate::json;
using namespace std::chrono_literals;

namespace {
std::vector<std::string> fake() { return {mcp_test::node(), mcp_test::fake_script(), "stdio", "normal"}; }

mcp::ClientOptions quick() {
    mcp::ClientOptions o;
    o.timeout = 5s;
    o.connect_timeout = 5s;
    o.kill_grace = 300ms;
    return o;
}
}  // namespace

TEST(McpFakeResources, ListsEveryPageOfResources) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio(fake(), quick());
    const auto resources = client.list_resources();
    ASSERT_EQ(resources.size(), 2u);
    EXPECT_EQ(resources[0].uri, "fake://notes");
    EXPECT_EQ(resources[0].size, 9);
    EXPECT_EQ(resources[1].uri, "fake://logo");
    EXPECT_FALSE(resources[1].size.has_value());
    EXPECT_EQ(resources[1].annotations["audience"][0], "user");
}

TEST(McpFakeResources, ASubscribedResourceReportsItsUpdates) {
    ASSERT_TRUE(mcp_test::servers_installed());
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::string> updated;
    auto options = quick();
    options.on_resource_updated = [&](const std::string& uri) {
        std::lock_guard lock(mu);
        updated.push_back(uri);
        cv.notify_all();
    };
    auto client = mcp::Client::stdio(fake(), options);
    client.subscribe_resource("fake://notes");
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return !updated.empty(); }));
    EXPECT_EQ(updated, std::vector<std::string>{"fake://notes"});
}

TEST(McpFakeResources, ListChangedNotificationsReachTheirCallbacks) {
    ASSERT_TRUE(mcp_test::servers_installed());
    std::atomic<int> resources{0}, prompts{0}, other{0};
    auto options = quick();
    options.on_resources_changed = [&] { ++resources; };
    options.on_prompts_changed = [&] { ++prompts; };
    options.on_notification = [&](const std::string&, const json&) { ++other; };
    auto client = mcp::Client::stdio(fake(), options);
    EXPECT_EQ(client.call_tool("changed_lists").text(), "changed");  // its notifications come before its reply
    EXPECT_EQ(resources.load(), 1);
    EXPECT_EQ(prompts.load(), 1);
    EXPECT_EQ(other.load(), 0);
}

TEST(McpFakeResources, APromptsImageAudioAndTextBecomeMessages) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio(fake(), quick());
    const auto prompt = client.get_prompt("look", {{"detail", "high"}});
    EXPECT_EQ(prompt.description, "a picture and a question");
    const auto messages = prompt.to_messages();
    ASSERT_EQ(messages.size(), 3u);
    const auto* parts = std::get_if<std::vector<llmgate::ContentPart>>(&messages[0].content);
    ASSERT_NE(parts, nullptr);
    ASSERT_EQ(parts->size(), 1u);
    EXPECT_EQ((*parts)[0].type, "image_bytes");
    EXPECT_EQ((*parts)[0].image_bytes->mime_type, "image/png");
    EXPECT_EQ((*parts)[0].image_bytes->data, "iVBORw0KGgo=");
    EXPECT_EQ(messages[1].role, "assistant");
    EXPECT_EQ(messages[1].text(), "[audio: audio/wav, 8 bytes base64]");  // described, as in a tool result
    EXPECT_EQ(messages[2].text(), R"(what is it? {"detail":"high"})");    // the arguments reached the server
}

TEST(McpFakeResources, MalformedRepliesAreResponseParseErrors) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio(fake(), quick());
    EXPECT_THROW(client.read_resource("fake://bad"), llmgate::ResponseParseError);      // contents not an array
    EXPECT_THROW(client.read_resource("fake://neither"), llmgate::ResponseParseError);  // neither text nor blob
    EXPECT_THROW(client.list_prompts(), llmgate::ResponseParseError);                   // a prompt without a name
    EXPECT_THROW(client.get_prompt("system_role"), llmgate::ResponseParseError);        // role outside user|assistant
    const auto blob = client.read_resource("fake://notbase64");
    ASSERT_EQ(blob.size(), 1u);
    EXPECT_THROW(blob[0].bytes(), llmgate::InvalidRequestError);
    EXPECT_EQ(client.read_resource("fake://notes").at(0).bytes(), "the notes");  // the session goes on
}

TEST(McpFakeResources, SetRootsNeedsTheRootsCapability) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio(fake(), quick());
    EXPECT_THROW(client.set_roots({{"file:///x", "x"}}), llmgate::InvalidRequestError);
}

// MCP resources, prompts and roots against the pinned reference server (@modelcontextprotocol/server-everything
// 2026.1.26 over stdio), spawned once for the suite with roots declared: its static documents, its dynamic
// text and blob resource templates, its four prompts, and its get-roots-list tool (registered only for clients
// that declare roots), which asks the client for roots/list.
#include <memory>
#include <thread>

#include "llmgate/llmgate.hpp"
#include "mcp_test_support.hpp"

namespace mcp = llmgate::mcp;
using llmgate::json;
using namespace std::chrono_literals;

namespace {

class EverythingResources : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!mcp_test::servers_installed()) return;
        mcp::ClientOptions options;
        options.timeout = 10s;
        options.roots = std::vector<mcp::Root>{{"file:///work/project", "project"}, {"file:///tmp/scratch", ""}};
        client_ = std::make_unique<mcp::Client>(
            mcp::Client::stdio({mcp_test::node(), mcp_test::everything_script(), "stdio"}, options));
    }
    static void TearDownTestSuite() { client_.reset(); }
    void SetUp() override {
        ASSERT_TRUE(mcp_test::servers_installed());
        ASSERT_TRUE(client_);
    }

    static std::unique_ptr<mcp::Client> client_;
};
std::unique_ptr<mcp::Client> EverythingResources::client_;

// The text get-roots-list gives once it contains `expected`, or its last text after 5 s (the server learns of
// new roots asynchronously: our notification, its roots/list request, our answer).
std::string roots_text_once_it_has(mcp::Client& client, const std::string& expected) {
    std::string text;
    const auto until = std::chrono::steady_clock::now() + 5s;
    do {
        text = client.call_tool("get-roots-list").text();
        if (text.find(expected) != std::string::npos) break;
        std::this_thread::sleep_for(50ms);
    } while (std::chrono::steady_clock::now() < until);
    return text;
}

}  // namespace

TEST_F(EverythingResources, ListsTheStaticDocumentsAndReadsOne) {
    const auto resources = client_->list_resources();
    const mcp::ResourceInfo* features = nullptr;
    for (const auto& r : resources)
        if (r.name == "features.md") features = &r;
    ASSERT_NE(features, nullptr) << "resources: " << resources.size();
    EXPECT_EQ(features->uri, "demo://resource/static/document/features.md");
    EXPECT_EQ(features->mime_type, "text/markdown");
    EXPECT_FALSE(features->description.empty());

    const auto contents = client_->read_resource(features->uri);
    ASSERT_EQ(contents.size(), 1u);
    EXPECT_EQ(contents[0].uri, features->uri);
    ASSERT_TRUE(contents[0].text.has_value());
    EXPECT_FALSE(contents[0].text->empty());
    EXPECT_EQ(contents[0].bytes(), *contents[0].text);
}

TEST_F(EverythingResources, ListsTemplatesAndReadsTextAndBlobResourcesMadeFromThem) {
    const auto templates = client_->list_resource_templates();
    std::vector<std::string> uris;
    for (const auto& t : templates) uris.push_back(t.uri_template);
    EXPECT_NE(std::find(uris.begin(), uris.end(), "demo://resource/dynamic/text/{resourceId}"), uris.end());
    EXPECT_NE(std::find(uris.begin(), uris.end(), "demo://resource/dynamic/blob/{resourceId}"), uris.end());

    const auto text = client_->read_resource("demo://resource/dynamic/text/7");
    ASSERT_EQ(text.size(), 1u);
    ASSERT_TRUE(text[0].text.has_value());
    EXPECT_EQ(text[0].text->rfind("Resource 7: This is a plaintext resource", 0), 0u) << *text[0].text;

    const auto blob = client_->read_resource("demo://resource/dynamic/blob/8");
    ASSERT_EQ(blob.size(), 1u);
    EXPECT_FALSE(blob[0].text.has_value());
    EXPECT_FALSE(blob[0].blob.empty());
    EXPECT_EQ(blob[0].bytes().rfind("Resource 8: This is a base64 blob", 0), 0u) << blob[0].bytes();
}

TEST_F(EverythingResources, AnUnknownResourceIsAnMCPError) {
    EXPECT_THROW(client_->read_resource("demo://resource/dynamic/text/not-a-number"), mcp::MCPError);
}

TEST_F(EverythingResources, ListsPromptsWithTheirArguments) {
    const auto prompts = client_->list_prompts();
    const mcp::PromptInfo* args = nullptr;
    for (const auto& p : prompts)
        if (p.name == "args-prompt") args = &p;
    ASSERT_NE(args, nullptr);
    EXPECT_EQ(args->title, "Arguments Prompt");
    ASSERT_EQ(args->arguments.size(), 2u);
    EXPECT_EQ(args->arguments[0].name, "city");
    EXPECT_TRUE(args->arguments[0].required);
    EXPECT_EQ(args->arguments[1].name, "state");
    EXPECT_FALSE(args->arguments[1].required);
}

TEST_F(EverythingResources, AFilledInPromptBecomesMessagesForACompletion) {
    const auto prompt = client_->get_prompt("args-prompt", {{"city", "Lyon"}, {"state", "Rhone"}});
    ASSERT_EQ(prompt.messages.size(), 1u);
    const auto messages = prompt.to_messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].role, "user");
    EXPECT_EQ(messages[0].text(), "What's weather in Lyon, Rhone?");
    // The mock provider echoes the last user message: the prompt goes through completion() as it is.
    const auto reply = llmgate::completion("mock/echo", messages);
    EXPECT_NE(reply.text().find("What's weather in Lyon, Rhone?"), std::string::npos) << reply.text();
}

TEST_F(EverythingResources, APromptEmbeddingAResourceCarriesItsText) {
    const auto prompt = client_->get_prompt("resource-prompt", {{"resourceType", "Text"}, {"resourceId", "3"}});
    const auto messages = prompt.to_messages();
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_NE(messages[1].text().find("[resource: demo://resource/dynamic/text/3]\nResource 3:"), std::string::npos)
        << messages[1].text();
}

TEST_F(EverythingResources, AMissingRequiredArgumentIsAnMCPError) {
    EXPECT_THROW(client_->get_prompt("args-prompt"), mcp::MCPError);
}

TEST_F(EverythingResources, TheServerReadsOurRootsAndLearnsWhenTheyChange) {
    const std::string first = roots_text_once_it_has(*client_, "file:///work/project");
    EXPECT_NE(first.find("Current MCP Roots (2 total)"), std::string::npos) << first;
    EXPECT_NE(first.find("project\n   URI: file:///work/project"), std::string::npos) << first;
    EXPECT_NE(first.find("Unnamed Root\n   URI: file:///tmp/scratch"), std::string::npos) << first;

    client_->set_roots({{"file:///srv/data", "data"}});
    const std::string second = roots_text_once_it_has(*client_, "file:///srv/data");
    EXPECT_NE(second.find("Current MCP Roots (1 total)"), std::string::npos) << second;
    EXPECT_EQ(second.find("file:///work/project"), std::string::npos) << second;
}

TEST_F(EverythingResources, SubscribingIsAcceptedAndUnsubscribingToo) {
    EXPECT_NO_THROW(client_->subscribe_resource("demo://resource/static/document/features.md"));
    EXPECT_NO_THROW(client_->unsubscribe_resource("demo://resource/static/document/features.md"));
}

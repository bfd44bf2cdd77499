// JSON-RPC framing and message checks of the MCP client, without a server.
#include "llmgate/llmgate.hpp"
#include "mcp/jsonrpc.hpp"

using llmgate::json;
namespace d = llmgate::mcp::detail;

TEST(McpJsonRpc, LinesAreSplitAcrossFeedsAndCrlfIsAccepted) {
    d::LineFramer f;
    std::vector<std::string> lines;
    f.feed("{\"a\":", lines);
    EXPECT_TRUE(lines.empty());
    f.feed("1}\r\n\n{\"b\":2}\n{\"c\"", lines);
    EXPECT_EQ(lines, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"}));
}

TEST(McpJsonRpc, AnEndlessLineIsRefused) {
    d::LineFramer f(16);
    std::vector<std::string> lines;
    EXPECT_THROW(f.feed(std::string(64, 'x'), lines), llmgate::ResponseParseError);
}

TEST(McpJsonRpc, MessagesAreClassified) {
    EXPECT_EQ(d::kind_of(d::parse_message(R"({"jsonrpc":"2.0","id":1,"method":"ping"})")), d::MessageKind::request);
    EXPECT_EQ(d::kind_of(d::parse_message(R"({"jsonrpc":"2.0","method":"notifications/progress","params":{}})")),
              d::MessageKind::notification);
    EXPECT_EQ(d::kind_of(d::parse_message(R"({"jsonrpc":"2.0","id":"x","result":{}})")), d::MessageKind::response);
    EXPECT_EQ(d::kind_of(d::parse_message(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse"}})")),
              d::MessageKind::error_response);
}

TEST(McpJsonRpc, WhatIsNotJsonRpcIsAResponseParseError) {
    for (const char* bad : {"not json", "[1,2]", R"({"id":1,"result":{}})", R"({"jsonrpc":"1.0","id":1,"result":{}})",
                            R"({"jsonrpc":"2.0","id":1})", R"({"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1}})",
                            R"({"jsonrpc":"2.0","id":{"x":1},"result":{}})", R"({"jsonrpc":"2.0","method":5})",
                            R"({"jsonrpc":"2.0","id":1,"error":{"message":"no code"}})"})
        EXPECT_THROW(d::parse_message(bad), llmgate::ResponseParseError) << bad;
}

TEST(McpJsonRpc, BuildersMakeJsonRpc20) {
    EXPECT_EQ(d::make_request(7, "tools/list", json::object()),
              (json{{"jsonrpc", "2.0"}, {"id", 7}, {"method", "tools/list"}, {"params", json::object()}}));
    EXPECT_EQ(d::make_notification("notifications/initialized", json()),
              (json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}));
    EXPECT_EQ(d::make_error("s1", -32601, "nope")["error"]["code"], -32601);
}

TEST(McpResultMapping, StructuredContentWithoutTextBecomesTheText) {
    llmgate::mcp::CallToolResult r;
    r.structured_content = {{"temp", 21}};
    auto out = r.to_output();
    EXPECT_EQ(out.content, R"({"temp":21})");
    EXPECT_EQ(out.value, r.structured_content);
}

TEST(McpResultMapping, AudioAndBlobResourcesAreDescribed) {
    llmgate::mcp::CallToolResult r;
    r.content = json::array({{{"type", "audio"}, {"mimeType", "audio/wav"}, {"data", "AAAA"}},
                             {{"type", "resource"}, {"resource", {{"uri", "mem://b"}, {"mimeType", "application/zip"}, {"blob", "QUJD"}}}}});
    r.is_error = true;
    auto out = r.to_output();
    EXPECT_EQ(out.content, "[audio: audio/wav, 4 bytes base64]\n[resource: mem://b, application/zip, 4 bytes base64]");
    EXPECT_TRUE(out.is_error);
    EXPECT_EQ(out.value["content"], r.content);
}

// MCP authorization against tests/mcp/fake_oauth_server.js (one server for the suite): the authorization URL the
// user is sent to, the token request, refresh after the token runs out, saved tokens, and each way the flow
// can fail as an AuthError that names the step and never a secret. The conformance suite's auth scenarios
// (mcp.conformance.auth/*) cover discovery layouts, scopes and client authentication.
#include <atomic>
#include <map>
#include <memory>

#include "llmgate/llmgate.hpp"
#include "mcp_test_support.hpp"

namespace mcp = llmgate::mcp;
using llmgate::json;
using namespace std::chrono_literals;

namespace {

// The query parameters of a URL, percent-decoded.
std::map<std::string, std::string> query(const std::string& url) {
    std::map<std::string, std::string> out;
    const auto q = url.find('?');
    if (q == std::string::npos) return out;
    std::string rest = url.substr(q + 1);
    std::size_t start = 0;
    while (start < rest.size()) {
        const auto end = std::min(rest.find('&', start), rest.size());
        const std::string pair = rest.substr(start, end - start);
        const auto eq = pair.find('=');
        std::string value;
        const std::string raw = eq == std::string::npos ? "" : pair.substr(eq + 1);
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '%' && i + 2 < raw.size()) {
                value += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else {
                value += raw[i] == '+' ? ' ' : raw[i];
            }
        }
        out[pair.substr(0, eq)] = value;
        start = end + 1;
    }
    return out;
}

class McpOAuth : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!mcp_test::servers_installed()) return;
        server_ = std::make_unique<mcp_test::ServerProcess>(std::vector<std::string>{mcp_test::node(), mcp_test::fake_oauth_script()});
        if (!server_->wait_for_output("PORT ")) return;
        const std::string out = server_->output();
        port_ = std::stoi(out.substr(out.find("PORT ") + 5));
    }
    static void TearDownTestSuite() { server_.reset(); }
    void SetUp() override {
        ASSERT_TRUE(mcp_test::servers_installed());
        ASSERT_GT(port_, 0) << (server_ ? server_->output() : "");
    }
    static std::string url() { return "http://127.0.0.1:" + std::to_string(port_) + "/mcp"; }

    // A client whose "user" approves at once: the redirect carries `code` and the request's state, and the
    // authorization URL it was sent to is kept in `seen`.
    static mcp::ClientOptions approving(std::string code, std::vector<std::string>& seen) {
        mcp::ClientOptions o;
        o.timeout = 5s;
        o.connect_timeout = 5s;
        o.oauth = mcp::OAuthOptions{};
        o.oauth->authorize = [code, &seen](const std::string& authorization_url) {
            seen.push_back(authorization_url);
            const auto q = query(authorization_url);
            return q.at("redirect_uri") + "?code=" + code + "&state=" + q.at("state");
        };
        return o;
    }

    static int port_;
    static std::unique_ptr<mcp_test::ServerProcess> server_;
};
int McpOAuth::port_ = 0;
std::unique_ptr<mcp_test::ServerProcess> McpOAuth::server_;

}  // namespace

TEST_F(McpOAuth, TheUserIsSentToTheAuthorizationEndpointWithPkceAndTheResource) {
    std::vector<std::string> seen;
    std::vector<mcp::OAuthTokens> saved;
    auto options = approving("good", seen);
    options.oauth->on_tokens = [&](const mcp::OAuthTokens& t) { saved.push_back(t); };
    auto client = mcp::Client::http(url(), options);
    EXPECT_EQ(client.call_tool("whoami").text().rfind("token access-", 0), 0u);

    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].rfind("http://127.0.0.1:" + std::to_string(port_) + "/auth/authorize?", 0), 0u) << seen[0];
    const auto q = query(seen[0]);
    EXPECT_EQ(q.at("response_type"), "code");
    EXPECT_EQ(q.at("client_id"), "registered-client");  // from dynamic registration
    EXPECT_EQ(q.at("code_challenge_method"), "S256");
    EXPECT_EQ(q.at("code_challenge").size(), 43u);  // base64url of a SHA-256
    EXPECT_EQ(q.at("resource"), url());
    EXPECT_EQ(q.at("scope"), "tools");  // from the 401's challenge
    EXPECT_GE(q.at("state").size(), 16u);

    ASSERT_EQ(saved.size(), 1u);
    EXPECT_EQ(saved[0].refresh_token, "refresh-1");
    EXPECT_EQ(saved[0].scope, "tools");
    ASSERT_TRUE(saved[0].expires_at.has_value());
    EXPECT_GT(*saved[0].expires_at, std::chrono::system_clock::now() + 3000s);
    EXPECT_NE(server_->output().find("TOKEN authorization_code client=registered-client secret=none resource=" + url()),
              std::string::npos)
        << server_->output();
}

TEST_F(McpOAuth, ATokenThatRunsOutIsRefreshedWithoutAskingTheUserAgain) {
    std::vector<std::string> seen;
    std::vector<mcp::OAuthTokens> saved;
    auto options = approving("good", seen);
    options.oauth->on_tokens = [&](const mcp::OAuthTokens& t) { saved.push_back(t); };
    auto client = mcp::Client::http(url(), options);
    EXPECT_EQ(client.call_tool("expire").text(), "expired");
    EXPECT_EQ(client.call_tool("whoami").text().rfind("token refreshed-", 0), 0u);
    EXPECT_EQ(seen.size(), 1u);  // one authorization: the second token came from the refresh token
    ASSERT_EQ(saved.size(), 2u);
    EXPECT_EQ(saved[1].refresh_token, "refresh-1");  // kept when the server does not rotate it
}

TEST_F(McpOAuth, SavedTokensAreUsedWithoutAuthorizing) {
    std::vector<std::string> seen;
    auto options = approving("good", seen);
    options.oauth->tokens = mcp::OAuthTokens{.access_token = "saved-token"};
    auto client = mcp::Client::http(url(), options);
    EXPECT_EQ(client.call_tool("whoami").text(), "token saved-token");
    EXPECT_TRUE(seen.empty());
}

TEST_F(McpOAuth, ARedirectWithAnotherStateIsRefused) {
    std::vector<std::string> seen;
    auto options = approving("good", seen);
    options.oauth->authorize = [](const std::string& authorization_url) {
        return query(authorization_url).at("redirect_uri") + "?code=good&state=forged";
    };
    try {
        mcp::Client::http(url(), options);
        FAIL() << "no error";
    } catch (const llmgate::AuthError& e) {
        EXPECT_NE(std::string(e.what()).find("state does not match"), std::string::npos) << e.what();
    }
}

TEST_F(McpOAuth, ADeniedAuthorizationIsAnAuthErrorSayingSo) {
    std::vector<std::string> seen;
    auto options = approving("good", seen);
    options.oauth->authorize = [](const std::string& authorization_url) {
        const auto q = query(authorization_url);
        return q.at("redirect_uri") + "?error=access_denied&error_description=the+user+said+no&state=" + q.at("state");
    };
    try {
        mcp::Client::http(url(), options);
        FAIL() << "no error";
    } catch (const llmgate::AuthError& e) {
        EXPECT_NE(std::string(e.what()).find("access_denied: the user said no"), std::string::npos) << e.what();
    }
}

TEST_F(McpOAuth, WithoutAnAuthorizeCallbackTheErrorSaysWhatIsMissing) {
    mcp::ClientOptions options;
    options.connect_timeout = 5s;
    options.oauth = mcp::OAuthOptions{};
    try {
        mcp::Client::http(url(), options);
        FAIL() << "no error";
    } catch (const llmgate::AuthError& e) {
        EXPECT_NE(std::string(e.what()).find("OAuthOptions::authorize is not set"), std::string::npos) << e.what();
    }
}

TEST_F(McpOAuth, ARefusedCodeIsAnAuthErrorThatNeverShowsTheClientSecret) {
    std::vector<std::string> seen;
    auto options = approving("bad", seen);
    options.oauth->client_id = "pre-registered";
    options.oauth->client_secret = "s3cr3t-value-never-shown";
    try {
        mcp::Client::http(url(), options);
        FAIL() << "no error";
    } catch (const llmgate::AuthError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("token request failed (HTTP 400, invalid_grant)"), std::string::npos) << what;
        EXPECT_EQ(what.find("s3cr3t"), std::string::npos) << what;
    }
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(query(seen[0]).at("client_id"), "pre-registered");  // no registration for a pre-registered client
    // The server takes client_secret_post but not Basic: the secret went in the form.
    EXPECT_NE(server_->output().find("TOKEN authorization_code client=pre-registered secret=sent"), std::string::npos)
        << server_->output();
}

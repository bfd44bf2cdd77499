// Client-side image fetching over real HTTP: an image URL given to a bytes-only provider (Ollama here) is
// downloaded from a second fake server through the shared transport, bounded, without credentials, and
// every failure is an ImageFetchError raised before the provider is called.
#include <gtest/gtest.h>

#include <chrono>

#include "core/image_inlining.hpp"
#include "image_host.hpp"
#include "ollama_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::ollama;
namespace host = llmgate::testing::image_host;

namespace {

constexpr const char* kOllamaKey = "ollama-SECRET-key-0123";

class ImageFetchHttp : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        env.set("OLLAMA_HOST", provider.base_url().c_str());
        env.set("OLLAMA_API_KEY", kOllamaKey);  // must reach the provider only
    }

    std::vector<Message> look_at(const std::string& url) {
        return {Message::user({ContentPart::text_part("What is this?"), ContentPart::image_from_url(url)})};
    }

    // Runs a completion whose image fetch must fail, and checks the provider was never called.
    ImageFetchError expect_fetch_error(const std::string& url) {
        auto e = *expect_error<ImageFetchError>([&] { (void)completion("ollama/llava", look_at(url)); }, url);
        EXPECT_EQ(provider.request_count(), 0u) << "the provider was called despite the failed fetch";
        EXPECT_EQ(e.provider(), "ollama");
        return e;
    }

    FakeServer& provider = server;  // Ollama
    FakeServer images;              // the third-party image host
};

}  // namespace

TEST_F(ImageFetchHttp, UrlImageIsDownloadedAnonymouslyAndSentAsBase64) {
    images.route("GET", "/cat.png", host::image());
    provider.enqueue(fake::chat_text("a cat"));
    auto r = completion("ollama/llava", look_at(images.base_url() + "/cat.png"),
                        {.extra_headers = {{"X-Secret", "caller-header-for-the-provider"}}});
    EXPECT_EQ(r.text(), "a cat");

    ASSERT_EQ(images.request_count(), 1u);
    host::expect_anonymous_get(images.last_request());

    const auto sent = provider.last_request();
    EXPECT_EQ(sent.header("authorization"), std::string("Bearer ") + kOllamaKey);
    EXPECT_EQ(sent.header("x-secret"), "caller-header-for-the-provider");
    EXPECT_EQ(sent.json()["messages"][0], json::parse(R"({"role":"user","content":"What is this?","images":[")" +
                                                      std::string(host::kPngBase64) + R"("]})"));
}

TEST_F(ImageFetchHttp, AsyncCompletionFetchesEveryImageBeforeCallingTheProvider) {
    images.route("GET", "/a.png", host::image());
    images.route("GET", "/b.jpg", host::redirect("/real/b.jpg"));  // redirects work on the event loop too
    images.route("GET", "/real/b.jpg", host::image("JPEGDATA", "image/jpeg"));
    provider.enqueue(fake::chat_text("two images"));
    std::vector<Message> msgs{
        Message::user({ContentPart::image_from_url(images.base_url() + "/a.png"), ContentPart::text_part("compare"),
                       ContentPart::image_from_url(images.base_url() + "/b.jpg")})};
    auto r = acompletion("ollama/llava", msgs).get();
    EXPECT_EQ(r.text(), "two images");
    EXPECT_EQ(images.request_count(), 3u);
    for (const auto& req : images.requests()) host::expect_anonymous_get(req);
    EXPECT_EQ(provider.last_request().json()["messages"][0]["images"],
              json::array({host::kPngBase64, "SlBFR0RBVEE="}));  // order of the parts kept
}

TEST_F(ImageFetchHttp, AsyncFailureIsAnImageFetchErrorAndTheProviderIsNotCalled) {
    images.route("GET", "/gone.png", host::status(404));
    auto future = acompletion("ollama/llava", look_at(images.base_url() + "/gone.png"));
    try {
        (void)future.get();
        ADD_FAILURE() << "no error";
    } catch (const ImageFetchError& e) {
        EXPECT_EQ(e.status(), 404);
    }
    EXPECT_EQ(provider.request_count(), 0u);
}

TEST_F(ImageFetchHttp, StreamedCompletionGetsTheImageInlineToo) {
    images.route("GET", "/cat.png", host::image());
    provider.enqueue(fake::stream_text({"a ", "cat"}, "llava"));
    std::string text;
    for (const auto& c : stream("ollama/llava", look_at(images.base_url() + "/cat.png"))) text += c.delta;
    EXPECT_EQ(text, "a cat");
    ASSERT_EQ(images.request_count(), 1u);
    host::expect_anonymous_get(images.last_request());
    EXPECT_EQ(provider.last_request().json()["messages"][0]["images"][0], host::kPngBase64);
}

TEST_F(ImageFetchHttp, DataUriIsNotFetched) {
    provider.enqueue(fake::chat_text("ok"));
    (void)completion("ollama/llava", look_at(std::string("data:image/png;base64,") + host::kPngBase64));
    EXPECT_EQ(images.request_count(), 0u);
    EXPECT_EQ(provider.last_request().json()["messages"][0]["images"][0], host::kPngBase64);
}

TEST_F(ImageFetchHttp, ContentTypeParametersAreDroppedFromTheMimeType) {
    images.route("GET", "/x", host::image(host::kPngBytes, "Image/PNG; charset=binary"));
    const ImageBytes b = detail::fetch_image(images.base_url() + "/x", "gemini", "m");
    EXPECT_EQ(b.mime_type, "image/png");
    EXPECT_EQ(b.data, host::kPngBase64);
}

TEST_F(ImageFetchHttp, NotFoundIsAnImageFetchErrorWithTheStatus) {
    images.route("GET", "/missing.png", host::status(404));
    auto e = expect_fetch_error(images.base_url() + "/missing.png");
    EXPECT_EQ(e.status(), 404);
    EXPECT_NE(std::string(e.what()).find("404"), std::string::npos);
}

TEST_F(ImageFetchHttp, HtmlPageIsNotAnImage) {
    images.route("GET", "/page", host::status(200, "<html>login</html>", "text/html"));
    auto e = expect_fetch_error(images.base_url() + "/page");
    EXPECT_NE(std::string(e.what()).find("text/html"), std::string::npos);
}

TEST_F(ImageFetchHttp, BodyOverTheTwentyMebibyteCapIsRefused) {
    images.route("GET", "/huge.png", host::image(std::string((20u << 20) + 1, 'x')));
    auto e = expect_fetch_error(images.base_url() + "/huge.png");
    EXPECT_NE(std::string(e.what()).find(std::to_string(20u << 20)), std::string::npos) << e.what();
}

TEST_F(ImageFetchHttp, BodyExactlyAtTheCapIsAccepted) {
    images.route("GET", "/small.png", host::image(std::string(1000, 'x')));
    const ImageBytes b = detail::fetch_image(images.base_url() + "/small.png", "ollama", "m", {.max_bytes = 1000});
    EXPECT_EQ(b.data.size(), 1336u);  // 1000 bytes → 1336 base64 characters
    images.route("GET", "/big.png", host::image(std::string(1001, 'x')));
    EXPECT_THROW(detail::fetch_image(images.base_url() + "/big.png", "ollama", "m", {.max_bytes = 1000}),
                 ImageFetchError);
}

TEST_F(ImageFetchHttp, RedirectLoopStopsAfterTheRedirectLimit) {
    images.route("GET", "/loop", host::redirect("/loop"));
    auto e = expect_fetch_error(images.base_url() + "/loop");
    EXPECT_NE(std::string(e.what()).find("redirects"), std::string::npos) << e.what();
    EXPECT_EQ(images.request_count(), 4u);  // the first request and 3 redirects, then it gives up
}

TEST_F(ImageFetchHttp, RedirectsWithinTheLimitAreFollowedToTheImage) {
    images.route("GET", "/short/cat", host::redirect("/middle", 301));
    images.route("GET", "/middle", host::redirect(images.base_url() + "/cat.png", 307));
    images.route("GET", "/cat.png", host::image());
    provider.enqueue(fake::chat_text("a cat"));
    (void)completion("ollama/llava", look_at(images.base_url() + "/short/cat"));
    EXPECT_EQ(images.request_count(), 3u);
    for (const auto& req : images.requests()) host::expect_anonymous_get(req);
    EXPECT_EQ(provider.last_request().json()["messages"][0]["images"][0], host::kPngBase64);
}

TEST_F(ImageFetchHttp, RedirectToAnotherSchemeIsRefused) {
    images.route("GET", "/to-file", host::redirect("file:///etc/passwd"));
    auto e = expect_fetch_error(images.base_url() + "/to-file");
    EXPECT_NE(std::string(e.what()).find("file"), std::string::npos) << e.what();
}

TEST_F(ImageFetchHttp, FtpUrlIsRefusedWithoutAnyDownload) {
    auto e = expect_fetch_error("ftp://example.com/cat.png");
    EXPECT_NE(std::string(e.what()).find("http"), std::string::npos);
    EXPECT_EQ(images.request_count(), 0u);
}

TEST_F(ImageFetchHttp, SignedUrlQueryNeverAppearsInTheError) {
    images.route("GET", "/private.png", host::status(403, "AccessDenied"));
    auto e = expect_fetch_error(images.base_url() + "/private.png?X-Amz-Signature=SIGSECRET&token=TOKSECRET");
    const std::string what = e.what();
    EXPECT_EQ(e.status(), 403);
    EXPECT_NE(what.find("/private.png"), std::string::npos) << what;
    EXPECT_EQ(what.find("SIGSECRET"), std::string::npos) << what;
    EXPECT_EQ(what.find("TOKSECRET"), std::string::npos) << what;
    EXPECT_EQ(e.body().find("SECRET"), std::string::npos);
}

TEST_F(ImageFetchHttp, SlowImageHostTimesOut) {
    Reply slow = host::image();
    slow.delay_before_reply = std::chrono::milliseconds(3000);
    images.route("GET", "/slow.png", slow);
    const auto start = std::chrono::steady_clock::now();
    try {
        (void)detail::fetch_image(images.base_url() + "/slow.png", "ollama", "m",
                                  {.timeout = std::chrono::milliseconds(300)});
        ADD_FAILURE() << "no error";
    } catch (const ImageFetchError& e) {
        EXPECT_NE(std::string(e.what()).find("TimeoutError"), std::string::npos) << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500));
}

TEST_F(ImageFetchHttp, UnreachableHostIsAnImageFetchError) {
    std::string url;
    {
        FakeServer gone;
        url = gone.base_url() + "/cat.png";
    }  // nothing listens on that port any more
    auto e = expect_fetch_error(url);
    EXPECT_NE(std::string(e.what()).find("ConnectionError"), std::string::npos) << e.what();
}

TEST(ImageInlining, RedactedUrlKeepsSchemeHostAndPathOnly) {
    EXPECT_EQ(detail::redacted_url("https://user:pw@bucket.s3.amazonaws.com/a/b.png?X-Amz-Signature=abc#frag"),
              "https://bucket.s3.amazonaws.com/a/b.png");
    EXPECT_EQ(detail::redacted_url("http://example.com"), "http://example.com");
    EXPECT_EQ(detail::redacted_url("ftp:secret-stuff"), "ftp:...");
}

TEST(ImageInlining, OnlyNonDataImageUrlsNeedFetching) {
    EXPECT_FALSE(detail::has_remote_images({Message::user("hi")}));
    EXPECT_FALSE(
        detail::has_remote_images({Message::user({ContentPart::image_from_url("data:image/png;base64,AAAA")})}));
    EXPECT_FALSE(detail::has_remote_images({Message::user({ContentPart::image_from_bytes("AAAA", "image/png")})}));
    EXPECT_TRUE(detail::has_remote_images({Message::user({ContentPart::image_from_url("https://x/y.png")})}));
    EXPECT_TRUE(detail::has_remote_images({Message::user({ContentPart::image_from_url("ftp://x/y.png")})}));
}

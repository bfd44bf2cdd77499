// Checks an installed llmgate works from a consumer: headers found, library linked, offline calls succeed.
#include <cmath>
#include <iostream>
#include <string>

#include <llmgate/llmgate.hpp>

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
    if (!ok) {
        std::cerr << "consumer: FAILED: " << what << '\n';
        ++failures;
    }
}

}  // namespace

int main() {
    try {
        const auto resp = llmgate::completion("mock/consumer", {llmgate::Message::user("ping")});
        check(resp.text() == "Mock reply to: ping", "completion text, got '" + resp.text() + "'");
        check(resp.provider == "mock", "completion provider, got '" + resp.provider + "'");

        const auto emb = llmgate::embed("mock/e", "x");
        check(emb.embeddings.size() == 1, "one embedding for one input");
        if (!emb.embeddings.empty()) {
            double norm = 0;
            for (double v : emb.embeddings[0]) norm += v * v;
            check(!emb.embeddings[0].empty() && std::abs(norm - 1.0) < 1e-9, "embedding is a unit vector");
        }
    } catch (const llmgate::Error& e) {
        std::cerr << "consumer: FAILED: " << e.type_name() << ": " << e.what() << '\n';
        return 1;
    }
    if (failures == 0) std::cout << "consumer: llmgate " << llmgate::version << " installed and working\n";
    return failures == 0 ? 0 : 1;
}

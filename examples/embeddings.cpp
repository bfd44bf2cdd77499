// Embeddings: one text, a batch, and shorter vectors via dimensions; compares two texts by cosine.
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include <llmgate/llmgate.hpp>

namespace {

// Embedding models differ from chat models, so this example has its own default.
std::string embedding_model() {
    if (auto model = llmgate::getenv("LLMGATE_EMBED_MODEL"); model && !model->empty()) return *model;
    if (auto key = llmgate::getenv("OPENAI_API_KEY"); key && !key->empty()) return "text-embedding-3-small";
    if (auto key = llmgate::getenv("MISTRAL_API_KEY"); key && !key->empty()) return "mistral/mistral-embed";
    return "mock/embed";
}

double cosine(const std::vector<double>& a, const std::vector<double>& b) {
    double dot = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        dot += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / std::sqrt(na * nb);
}

}  // namespace

int main() {
    const std::string model = embedding_model();
    try {
        const auto one = llmgate::embed(model, "The cat sat on the mat.");
        std::cout << model << ": 1 text -> " << one.embeddings.at(0).size() << " dimensions\n";

        // A batch is one request; vectors come back in input order.
        const std::vector<std::string> texts{"I love pizza.", "Pizza is my favourite food.", "Tax forms are due."};
        const auto batch = llmgate::embed(model, texts);
        std::cout << "batch of " << batch.embeddings.size() << ", " << batch.usage.prompt_tokens << " tokens\n";
        for (std::size_t i = 1; i < texts.size(); ++i)
            std::cout << "  cosine(\"" << texts[0] << "\", \"" << texts[i]
                      << "\") = " << cosine(batch.embeddings[0], batch.embeddings[i]) << '\n';
        // Mock vectors are derived from a hash of the text: deterministic, but not semantic.
        if (model.rfind("mock/", 0) == 0) std::cout << "  (mock vectors: similarities are not meaningful)\n";

        // Smaller vectors save storage, where the model supports it.
        const auto small = llmgate::embed(model, texts[0], {.dimensions = 8});
        std::cout << "with dimensions = 8: " << small.embeddings.at(0).size() << " dimensions\n";
    } catch (const llmgate::Error& e) {
        std::cerr << e.type_name() << ": " << e.what() << '\n';
        return 1;
    }
}

// Structured output: describe a C++ struct once, get the model's reply as a validated, typed value.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <llmgate/llmgate.hpp>

#include "default_model.hpp"

namespace films {

enum class Genre { scifi, drama, comedy, horror };
LLMGATE_ENUM(Genre, scifi, drama, comedy, horror)

struct Person {
    std::string name;
    std::optional<int> born;  // optional: may be missing or null
};
LLMGATE_STRUCT(Person, name, born)

struct Movie {
    std::string title;
    int year = 0;
    Genre genre = Genre::drama;
    std::vector<Person> cast;
    double rating = 0;
};
LLMGATE_STRUCT(Movie, title, year, genre, cast, rating)
LLMGATE_DESCRIBE(Movie, {"", "A film"}, {"year", "Year of first release"}, {"rating", "IMDb-style rating, 0 to 10"})

}  // namespace films

int main() {
    using llmgate::Message;
    const std::string model = default_model();
    const std::vector<Message> messages{Message::user("Tell me about the film Alien (1979).")};

    try {
        // The schema the provider receives, generated from the struct.
        std::cout << "schema: " << llmgate::json_schema<films::Movie>().dump() << "\n\n";

        // One call, one typed value. The mock answers with a value synthesised from the schema.
        const films::Movie movie = llmgate::parse<films::Movie>(model, messages);
        std::cout << movie.title << " (" << movie.year << "), " << llmgate::json(movie.genre).get<std::string>() << ", "
                  << movie.cast.size() << " cast member(s)\n";

        // The same through completion(): the response also says how the JSON was obtained.
        auto resp = llmgate::completion(model, messages, {.response_format = llmgate::response_format<films::Movie>()});
        std::cout << "strategy: " << resp.structured_strategy << ", JSON: " << resp.parsed_json.dump() << '\n';

        // A reply that does not fit the schema is a StructuredOutputError listing every mismatch.
        if (is_mock(model)) {
            llmgate::Options bad{.extra = {{"mock_response", R"({"title": "Alien", "year": "1979"})"}},
                                 .response_format = llmgate::response_format<films::Movie>()};
            try {
                llmgate::completion(model, messages, bad);
            } catch (const llmgate::StructuredOutputError& e) {
                std::cout << "\nrejected reply " << e.raw_text() << ":\n";
                for (const auto& problem : e.problems()) std::cout << "  " << problem << '\n';
            }
        }
    } catch (const llmgate::Error& e) {
        std::cerr << e.type_name() << ": " << e.what() << '\n';
        return 1;
    }
}

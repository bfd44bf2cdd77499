// Exact local tokenisers: OpenAI's o200k_base and cl100k_base, giving the same token ids as tiktoken.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace llmgate::inline v1 {

namespace detail {
struct EncodingTables;  // the rank tables and pattern of one encoding (src/tokens/encoding_tables.hpp)
}

// One BPE encoding. Obtained from encoding() or encoding_for_model(), never built by the caller; it lives
// until the program ends and every member is safe to call from many threads at once.
//
// Text must be valid UTF-8: encode, encode_with_special and count raise InvalidRequestError otherwise (as a
// request carrying such text is refused), never guess a repair.
class Encoding {
public:
    Encoding(const Encoding&) = delete;
    Encoding& operator=(const Encoding&) = delete;
    ~Encoding();

    // "o200k_base" or "cl100k_base".
    std::string_view name() const noexcept;

    // Token ids of `text`, with special-token text such as "<|endoftext|>" encoded as the plain text it is
    // (tiktoken's encode_ordinary): what to use for anything a user or a document wrote.
    std::vector<std::uint32_t> encode(std::string_view text) const;

    // As encode(), but this encoding's special-token texts become their special ids (tiktoken's
    // encode(text, allowed_special="all")).
    std::vector<std::uint32_t> encode_with_special(std::string_view text) const;

    // encode(text).size(), without keeping the ids.
    std::size_t count(std::string_view text) const;

    // The bytes of the tokens, concatenated. A token can end inside a UTF-8 character, so the bytes of a cut
    // sequence of ids need not be valid UTF-8; decode(encode(text)) == text always. An id that is not a
    // token of this encoding raises InvalidRequestError.
    std::string decode(const std::vector<std::uint32_t>& ids) const;

    // The bytes of one token (a special token's text for a special id); InvalidRequestError if unknown.
    std::string_view token_bytes(std::uint32_t id) const;

    // One past the largest token id (tiktoken's n_vocab): 200019 for o200k_base, 100277 for cl100k_base.
    std::uint32_t n_vocab() const noexcept;

    explicit Encoding(std::unique_ptr<const detail::EncodingTables> tables);  // for the library only

private:
    std::unique_ptr<const detail::EncodingTables> tables_;
};

// The encoding called `name` ("o200k_base", "cl100k_base"). Its tables are built on first use (tens of
// milliseconds; checked against their SHA-256) and kept. InvalidRequestError for any other name.
const Encoding& encoding(std::string_view name);

// The encoding OpenAI's tokenizer uses for a model, by family, as tiktoken's encoding_for_model:
// gpt-5, gpt-4.5, gpt-4.1, gpt-4o, chatgpt-4o, o1, o3, o4, gpt-oss -> o200k_base; gpt-4, gpt-3.5,
// text-embedding-3-*, text-embedding-ada-002, davinci-002, babbage-002 -> cl100k_base. A provider prefix
// ("openai/gpt-4o", "azure/gpt-4o") is ignored. ModelNotFoundError for a model of no known family.
const Encoding& encoding_for_model(std::string_view model);

// The name of that encoding, without building its tables.
std::string_view encoding_name_for_model(std::string_view model);

}  // namespace llmgate::inline v1

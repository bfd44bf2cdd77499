// The Encoding API: loading the embedded tables once, pre-tokenising, BPE per piece, special tokens, decoding.
#include <openssl/evp.h>

#include <cstdio>
#include <string>

#include "llmgate/errors.hpp"
#include "llmgate/tokens.hpp"
#include "tokens/encoding_tables.hpp"
#include "tokens/rank_data.hpp"
#include "util/base64.hpp"
#include "util/utf8.hpp"

namespace llmgate::inline v1 {
namespace {

struct EncodingSpec {
    std::string_view name;
    detail::SplitPattern pattern;
    std::string_view (*file)() noexcept;
    std::string_view sha256;  // what tiktoken pins for the file (data/tiktoken/SHA256SUMS)
    std::uint32_t ranks;      // lines in the file
    std::vector<detail::SpecialToken> specials;
    std::uint32_t n_vocab;
};

// A damaged or mismatched build, not a caller's mistake: the plain Error, with a message saying so.
[[noreturn]] void bad_table(std::string_view name, const std::string& why) {
    throw Error(ErrorInfo{.message = "the embedded " + std::string(name) + " rank table " + why +
                                     " (the library build is damaged)"});
}

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
    std::string hex;
    for (unsigned int i = 0; i < len; ++i) {
        char two[3];
        std::snprintf(two, sizeof two, "%02x", digest[i]);
        hex += two;
    }
    return hex;
}

// Parses "base64 rank" lines, whose ranks must be 0, 1, 2, ... in order, into token bytes by rank.
std::unique_ptr<const detail::EncodingTables> load(const EncodingSpec& spec) {
    const std::string_view file = spec.file();
    if (sha256_hex(file) != spec.sha256) bad_table(spec.name, "fails its SHA-256 check");
    std::string bytes;
    bytes.reserve(file.size() / 2);
    std::vector<std::uint32_t> offsets;
    offsets.reserve(spec.ranks + 1);
    offsets.push_back(0);
    std::size_t pos = 0;
    while (pos < file.size()) {
        std::size_t eol = file.find('\n', pos);
        if (eol == std::string_view::npos) eol = file.size();
        const std::string_view line = file.substr(pos, eol - pos);
        pos = eol + 1;
        if (line.empty()) continue;
        const std::size_t space = line.find(' ');
        const auto token = detail::base64_decode(line.substr(0, space));
        if (space == std::string_view::npos || !token || token->empty() ||
            line.substr(space + 1) != std::to_string(offsets.size() - 1))
            bad_table(spec.name, "has a malformed line");
        bytes += *token;
        offsets.push_back(static_cast<std::uint32_t>(bytes.size()));
    }
    if (offsets.size() - 1 != spec.ranks) bad_table(spec.name, "has the wrong number of ranks");
    // Built in place (new, not make_unique of a temporary): a RankTable cannot be moved (bpe.hpp).
    return std::unique_ptr<const detail::EncodingTables>(new detail::EncodingTables{
        .name = spec.name,
        .pattern = spec.pattern,
        .ranks = detail::RankTable(std::move(bytes), std::move(offsets)),
        .specials = spec.specials,
        .n_vocab = spec.n_vocab,
    });
}

const EncodingSpec kO200k{
    .name = "o200k_base",
    .pattern = detail::SplitPattern::O200k,
    .file = &detail::embedded_o200k_base,
    .sha256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    .ranks = 199998,
    .specials = {{"<|endoftext|>", 199999}, {"<|endofprompt|>", 200018}},
    .n_vocab = 200019,
};

const EncodingSpec kCl100k{
    .name = "cl100k_base",
    .pattern = detail::SplitPattern::Cl100k,
    .file = &detail::embedded_cl100k_base,
    .sha256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    .ranks = 100256,
    .specials = {{"<|endoftext|>", 100257},
                 {"<|fim_prefix|>", 100258},
                 {"<|fim_middle|>", 100259},
                 {"<|fim_suffix|>", 100260},
                 {"<|endofprompt|>", 100276}},
    .n_vocab = 100277,
};

// The Rust core tiktoken wraps takes &str: text that is not UTF-8 has no tokens to match against.
void require_utf8(std::string_view text) {
    if (detail::is_valid_utf8(text)) return;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t n = detail::utf8_sequence(text, i);
        if (n == 0) break;
        i += n;
    }
    throw InvalidRequestError(ErrorInfo{.message = "text to tokenise is not valid UTF-8 (at byte " +
                                                   std::to_string(i) + ")"});
}

void encode_ordinary(const detail::EncodingTables& t, std::string_view text, std::vector<std::uint32_t>& out) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t end = detail::next_piece_end(t.pattern, text, pos);
        detail::bpe_encode(t.ranks, text.substr(pos, end - pos), out);
        pos = end;
    }
}

}  // namespace

Encoding::Encoding(std::unique_ptr<const detail::EncodingTables> tables) : tables_(std::move(tables)) {}
Encoding::~Encoding() = default;

std::string_view Encoding::name() const noexcept { return tables_->name; }
std::uint32_t Encoding::n_vocab() const noexcept { return tables_->n_vocab; }

std::vector<std::uint32_t> Encoding::encode(std::string_view text) const {
    require_utf8(text);
    std::vector<std::uint32_t> out;
    out.reserve(text.size() / 3 + 1);  // English prose is ~4 bytes a token
    encode_ordinary(*tables_, text, out);
    return out;
}

std::vector<std::uint32_t> Encoding::encode_with_special(std::string_view text) const {
    require_utf8(text);
    std::vector<std::uint32_t> out;
    out.reserve(text.size() / 3 + 1);
    const auto& specials = tables_->specials;
    // Where each special token's text next occurs at or after `pos` (npos: nowhere), found once per use.
    std::vector<std::size_t> next;
    for (const auto& special : specials) next.push_back(text.find(special.text));
    std::size_t pos = 0;
    for (;;) {
        std::size_t at = std::string_view::npos;
        const detail::SpecialToken* found = nullptr;
        for (std::size_t k = 0; k < specials.size(); ++k) {
            if (next[k] != std::string_view::npos && next[k] < pos) next[k] = text.find(specials[k].text, pos);
            if (next[k] < at) at = next[k], found = &specials[k];  // no special text is a prefix of another
        }
        encode_ordinary(*tables_, text.substr(pos, at == std::string_view::npos ? text.npos : at - pos), out);
        if (found == nullptr) return out;
        out.push_back(found->id);
        pos = at + found->text.size();
    }
}

std::size_t Encoding::count(std::string_view text) const { return encode(text).size(); }

std::string_view Encoding::token_bytes(std::uint32_t id) const {
    if (id < tables_->ranks.size()) return tables_->ranks.token(id);
    for (const auto& special : tables_->specials)
        if (special.id == id) return special.text;
    throw InvalidRequestError(ErrorInfo{.message = "token id " + std::to_string(id) + " is not a token of " +
                                                   std::string(tables_->name)});
}

std::string Encoding::decode(const std::vector<std::uint32_t>& ids) const {
    std::string out;
    for (const std::uint32_t id : ids) out += token_bytes(id);
    return out;
}

const Encoding& encoding(std::string_view name) {
    // Function-local statics: built on first use, once, and safely when many threads ask at once.
    if (name == kO200k.name) {
        static const Encoding o200k(load(kO200k));
        return o200k;
    }
    if (name == kCl100k.name) {
        static const Encoding cl100k(load(kCl100k));
        return cl100k;
    }
    throw InvalidRequestError(ErrorInfo{.message = "unknown encoding '" + std::string(name) +
                                                   "' (known: o200k_base, cl100k_base)"});
}

}  // namespace llmgate::inline v1

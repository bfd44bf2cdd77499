// The two .tiktoken rank files, linked into the library unchanged (rank_data.cpp).
#pragma once

#include <string_view>

namespace llmgate::inline v1::detail {

std::string_view embedded_o200k_base() noexcept;
std::string_view embedded_cl100k_base() noexcept;

}  // namespace llmgate::inline v1::detail

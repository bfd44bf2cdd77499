// Which model the examples use (llmgate::default_model), and whether it is the offline mock.
#pragma once

#include <string>

#include <llmgate/config.hpp>

// llmgate::default_model() falls back to mock/, so every example runs with no key and no network; set
// LLMGATE_MODEL (or a provider key, in the environment or .env) to run them against a real model.
using llmgate::default_model;

// The mock provider is steered through Options::extra; real providers must not receive those fields.
inline bool is_mock(const std::string& model) { return model.rfind("mock/", 0) == 0; }

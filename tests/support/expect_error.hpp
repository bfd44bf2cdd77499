// expect_error: the one check that a call throws a given typed llmgate error, for unit and HTTP tests alike.
#pragma once

#include <cxxabi.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include <gtest/gtest.h>

#include "llmgate/errors.hpp"

namespace llmgate::testing {

// "llmgate::v1::AuthError" for typeid(AuthError): what a failure message names.
inline std::string type_name_of(const std::type_info& type) {
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
    return status == 0 && name ? std::string(name.get()) : std::string(type.name());
}

// The error expect_error caught, or nothing when the call failed the expectation (already reported as a
// test failure). Reading an empty one throws, which ends the test: checks never run on a made-up error.
template <class E>
class CaughtError {
public:
    CaughtError() = default;
    explicit CaughtError(const E& e) : error_(e) {}

    explicit operator bool() const noexcept { return error_.has_value(); }
    const E& get() const {
        if (!error_) throw std::logic_error("expect_error: nothing to check, the expected error was not thrown");
        return *error_;
    }
    const E& operator*() const { return get(); }
    const E* operator->() const { return &get(); }

private:
    std::optional<E> error_;
};

// Runs `call`, which must throw the typed error E: exactly E, not a subclass of it (expect_error<Error>
// accepts any llmgate::Error). Anything else (another llmgate error, a foreign exception, nothing at all)
// is a test failure naming `context` ("completion", "astream", a provider...). Returns what was caught.
//
//     expect_error<TimeoutError>([&] { completion(m, hello(), opts); }, "completion");
//     auto e = expect_error<AuthError>([] { completion(kModel, hello()); });
//     EXPECT_EQ(e->status(), 401);
template <class E = Error, class F>
CaughtError<E> expect_error(F&& call, std::string_view context = {}) {
    static_assert(std::is_base_of_v<Error, E>, "expect_error checks llmgate errors");
    const std::string where = context.empty() ? std::string() : std::string(context) + ": ";
    const std::string expected = type_name_of(typeid(E));
    try {
        std::forward<F>(call)();
    } catch (const Error& e) {
        const E* typed = dynamic_cast<const E*>(&e);
        if (typed != nullptr && (std::is_same_v<E, Error> || typeid(e) == typeid(E))) return CaughtError<E>(*typed);
        ADD_FAILURE() << where << "expected " << expected << ", got " << type_name_of(typeid(e)) << " ("
                      << e.type_name() << "): " << e.what();
        return {};
    } catch (const std::exception& e) {
        ADD_FAILURE() << where << "expected " << expected << ", a non-llmgate exception escaped ("
                      << type_name_of(typeid(e)) << "): " << e.what();
        return {};
    } catch (...) {
        ADD_FAILURE() << where << "expected " << expected << ", something that is not a std::exception escaped";
        return {};
    }
    ADD_FAILURE() << where << "expected " << expected << ", nothing was thrown";
    return {};
}

}  // namespace llmgate::testing

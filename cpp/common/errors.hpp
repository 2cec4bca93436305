// Error policy: bad arguments are exceptions (InvalidArgument -> ValueError),
// numerical outcomes are statuses returned to the caller, a Ctrl-C seen by
// the interrupt poller is Interrupted (-> KeyboardInterrupt).
#pragma once
#include <stdexcept>
#include <string>

namespace sss {

struct InvalidArgument : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

struct NumericalError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Interrupted : std::runtime_error {
    Interrupted() : std::runtime_error("interrupted") {}
};

// Native-side argument check; the Python layer validates first, so a failure
// here means the Python layer let something through.
inline void require(bool ok, const std::string& what) {
    if (!ok) throw InvalidArgument(what);
}

}  // namespace sss

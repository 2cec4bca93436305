#include "bindings/convert.hpp"

namespace sss::bind {

void bind_affinity(py::module_& m) { (void)m; }

}  // namespace sss::bind

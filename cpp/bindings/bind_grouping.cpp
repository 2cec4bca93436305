#include "bindings/convert.hpp"

namespace sss::bind {

void bind_grouping(py::module_& m) { (void)m; }

}  // namespace sss::bind

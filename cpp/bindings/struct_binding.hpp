// Binds a C++ options or result struct as a Python class, once per struct:
//   * Options(**fields): every field a keyword, unset ones keep the C++
//     default (the one place defaults are written); an unknown keyword is a
//     TypeError;
//   * fields readable and (for options) writable attributes;
//   * _fields: the tuple of field names, in declaration order;
//   * __repr__: Name(field=value, ...).
// Arrays of a result are NumPy views (no copy) that keep the result alive.
// The classes (and enums) are module-local: the baseline and AVX-512 builds of
// the module each have their own, so both can be imported in one process.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "bindings/convert.hpp"

namespace sss::bind {

template <class T>
class StructBinding {
public:
    StructBinding(py::module_& m, const char* name, const char* doc)
        : cls_(m, name, doc, py::module_local()), name_(name), names_(std::make_shared<std::vector<std::string>>()) {}

    // A read-write field (options).
    template <class M>
    StructBinding& field(const char* name, M T::*member, const char* doc) {
        cls_.def_readwrite(name, member, doc);
        names_->push_back(name);
        return *this;
    }
    // A read-only field (results).
    template <class M>
    StructBinding& readonly(const char* name, M T::*member, const char* doc) {
        cls_.def_readonly(name, member, doc);
        names_->push_back(name);
        return *this;
    }
    // A read-only computed attribute; f(self_object, const T&) -> value.
    template <class F>
    StructBinding& property(const char* name, F&& f, const char* doc) {
        cls_.def_property_readonly(
            name, [f](py::object self) { return f(self, self.cast<const T&>()); }, doc);
        names_->push_back(name);
        return *this;
    }

    // Options: default-constructible, and constructed from keywords.
    py::class_<T>& options() {
        auto names = names_;
        const std::string cls = name_;
        cls_.def(py::init([names, cls](const py::kwargs& kw) {
                     T value;
                     py::object ref = py::cast(&value, py::return_value_policy::reference);
                     for (const auto& item : kw) {
                         const auto key = py::cast<std::string>(item.first);
                         bool known = false;
                         for (const auto& n : *names) known = known || n == key;
                         if (!known)
                             throw py::type_error(cls + "() got an unexpected keyword '" + key + "'");
                         ref.attr(key.c_str()) = item.second;
                     }
                     return value;
                 }),
                 "Keywords set fields by name; the others keep their defaults.");
        return finish();
    }
    // Results: made by the native functions only.
    py::class_<T>& result() { return finish(); }

private:
    py::class_<T>& finish() {
        auto names = names_;
        const std::string cls = name_;
        cls_.attr("_fields") = py::tuple(py::cast(*names));
        cls_.def("__repr__", [names, cls](py::object self) {
            std::string s = cls + "(";
            for (std::size_t i = 0; i < names->size(); ++i) {
                if (i) s += ", ";
                const auto& n = (*names)[i];
                py::object v = self.attr(n.c_str());
                s += n + "=" +
                     (py::isinstance<py::array>(v)
                          ? "array(shape=" + py::str(v.attr("shape")).cast<std::string>() + ")"
                          : py::repr(v).cast<std::string>());
            }
            return s + ")";
        });
        return cls_;
    }

    py::class_<T> cls_;
    std::string name_;
    std::shared_ptr<std::vector<std::string>> names_;
};

// A NumPy view of a result's buffer (no copy); the result object owns it.
template <class T>
py::array_t<T> view(const py::object& owner, const std::vector<T>& v,
                     std::vector<py::ssize_t> shape) {
    return py::array_t<T>(shape, v.data(), owner);
}
template <class T>
py::array_t<T> view(const py::object& owner, const std::vector<T>& v) {
    return view(owner, v, {static_cast<py::ssize_t>(v.size())});
}

}  // namespace sss::bind

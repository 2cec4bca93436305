// What every native module of sss_fast sets up: the translation of native
// exceptions and the Ctrl-C poll of long native loops.
#pragma once
#include <pybind11/pybind11.h>

#include "common/errors.hpp"
#include "common/parallel.hpp"

namespace sss::bind {

inline bool python_interrupt_requested() {
    pybind11::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {
        PyErr_Clear();  // re-raised as KeyboardInterrupt by the translator
        return true;
    }
    return false;
}

inline void setup_module() {
    pybind11::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const sss::Interrupted&) {
            PyErr_SetNone(PyExc_KeyboardInterrupt);
        } catch (const sss::InvalidArgument& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const sss::NumericalError& e) {
            PyErr_SetString(PyExc_ArithmeticError, e.what());
        }
    });
    sss::set_interrupt_checker(&python_interrupt_requested);
}

}  // namespace sss::bind

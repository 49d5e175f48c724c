"""OpInfos for ember/ops/elementwise.py."""
from __future__ import annotations

import numpy as np

import ember
from ember.testing.opinfo import ALL_DTYPES, FLOAT_DTYPES, INT_DTYPES, ErrorInput, OpInfo, SampleInput

from ._samples import binary_samples, make_array, unary_samples

NUMERIC = INT_DTYPES + FLOAT_DTYPES


def _errors_binary(op_name):
    def gen():
        yield ErrorInput(SampleInput(np.zeros((2, 3), np.float32), np.zeros((4,), np.float32)), RuntimeError,
                         r"size of tensor a \(3\) must match the size of tensor b \(4\)")
    return gen


def _cmp_dtype(dtype, sample):
    return "bool"


OP_DB = [
    OpInfo("add", ember.add, np.add, binary_samples, dtypes=NUMERIC + ("bool",), gradgrad=True,
           error_inputs=_errors_binary("add"), ref_in_input_dtype=True),
    OpInfo("sub", ember.sub, np.subtract, binary_samples, dtypes=NUMERIC, error_inputs=_errors_binary("sub"),
           ref_in_input_dtype=True),
    OpInfo("mul", ember.mul, np.multiply, binary_samples, dtypes=NUMERIC + ("bool",), gradgrad=True,
           ref_in_input_dtype=True),
    OpInfo("div", ember.div, np.true_divide,
           lambda dt, rng: binary_samples(dt, rng, exclude_zero_rhs=True, scalars=(2.5, -2)),
           dtypes=FLOAT_DTYPES, gradgrad=True),
    OpInfo("neg", ember.neg, np.negative, unary_samples, dtypes=("int8", "int16", "int32", "int64") + FLOAT_DTYPES,
           ref_in_input_dtype=True),
    OpInfo("exp", ember.exp, np.exp, unary_samples, gradgrad=True),
    OpInfo("log", ember.log, np.log, lambda dt, rng: unary_samples(dt, rng, low=0.1, high=5.0)),
    OpInfo("pow", ember.pow, np.power,
           lambda dt, rng: binary_samples(dt, rng, low=0.5, high=2.0, scalars=(2, 0.5, 3)), gradgrad=True),
] + [
    OpInfo(name, getattr(ember, name), ref, binary_samples, dtypes=NUMERIC, supports_grad=False,
           result_dtype=_cmp_dtype, ref_in_input_dtype=True)
    for name, ref in (("eq", np.equal), ("ne", np.not_equal), ("lt", np.less), ("le", np.less_equal),
                      ("gt", np.greater), ("ge", np.greater_equal))
]

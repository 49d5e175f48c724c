"""``ember.testing``: the shared conformance suite and testing helpers.

This is the one place in ``ember`` allowed to import NumPy: references are
computed with NumPy in float64.

Run the suite against any installed backend::

    pytest --pyargs ember.testing --ember-backend NAME [-k FAMILY] [--ember-dtypes float32,float64]

Compare a whole model across backends against a float64 NumPy reference (also ``ember compare``)::

    report = ember.testing.compare_backends(model, inputs, ["c_ext"], steps=2)
    print(report)
"""
from .opinfo import OpInfo, SampleInput, ErrorInput, op_db, ops_by_family
from .comparison import assert_close
from .compare import BackendResult, CompareReport, Entry, compare_backends

__all__ = ["OpInfo", "SampleInput", "ErrorInput", "op_db", "ops_by_family", "assert_close", "compare_backends",
           "CompareReport", "BackendResult", "Entry"]

"""ember dtype <-> NumPy dtype mapping (bfloat16 from ml_dtypes)."""
from __future__ import annotations

import ml_dtypes
import numpy as np

import ember

TO_NP = {
    ember.bool: np.dtype(np.bool_), ember.uint8: np.dtype(np.uint8), ember.int8: np.dtype(np.int8),
    ember.int16: np.dtype(np.int16), ember.int32: np.dtype(np.int32), ember.int64: np.dtype(np.int64),
    ember.float16: np.dtype(np.float16), ember.bfloat16: np.dtype(ml_dtypes.bfloat16),
    ember.float32: np.dtype(np.float32), ember.float64: np.dtype(np.float64),
}
FROM_NP = {v: k for k, v in TO_NP.items()}
HALF = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))


def np_dtype(d):
    return TO_NP[d]


def ember_dtype(npd):
    return FROM_NP.get(np.dtype(npd))

"""ember.set_num_threads limits the NumPy backend's BLAS thread pool (like torch.set_num_threads)."""
import pytest
from threadpoolctl import threadpool_info

import ember


def _blas_threads():
    return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}


def test_set_num_threads_limits_blas():
    ember.ones(2) @ ember.ones(2)  # make sure the numpy backend (and its BLAS) is loaded
    before = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        assert ember.get_num_threads() == 1
        assert _blas_threads() == {1}
        x = ember.randn(64, 64)
        assert (x @ x).shape == (64, 64)
    finally:
        ember.set_num_threads(before)
    assert _blas_threads() == {before}


@pytest.mark.parametrize("bad", [0, -1, 1.5])
def test_set_num_threads_rejects_bad_values(bad):
    with pytest.raises(ValueError):
        ember.set_num_threads(bad)

"""Result dtypes under ``autocast("cpu")`` follow PyTorch's policy (lower precision / fp32 / promote)."""
import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as F

CASES = {
    "matmul": lambda m, f, a, b: m.matmul(a, a.t()),
    "mm": lambda m, f, a, b: m.mm(a, a.t()),
    "bmm": lambda m, f, a, b: m.bmm(a[None], a.t()[None]),
    "addmm": lambda m, f, a, b: m.addmm(m.zeros(2, 2), a, a.t()),
    "linear": lambda m, f, a, b: f.linear(a, m.ones(4, 3), m.ones(4)),
    "sdpa": lambda m, f, a, b: f.scaled_dot_product_attention(a[None], a[None], a[None]),
    "prelu": lambda m, f, a, b: f.prelu(a, m.ones(1)),
    "cat": lambda m, f, a, b: m.cat([a, b]),
    "stack": lambda m, f, a, b: m.stack([b, a]),
    "addcmul": lambda m, f, a, b: m.addcmul(a, b, b),
    "atan2": lambda m, f, a, b: m.atan2(b, a),
    "dot_same_dtype": lambda m, f, a, b: m.dot(b[0], b[0]),
    "mse_loss": lambda m, f, a, b: f.mse_loss(b, b),
    "cross_entropy": lambda m, f, a, b: f.cross_entropy(b, m.tensor([0, 1])),
    "prod": lambda m, f, a, b: m.prod(b),
    "plain_add": lambda m, f, a, b: a + b,
    "softmax": lambda m, f, a, b: f.softmax(b, dim=1),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_autocast_cpu_result_dtypes_match_torch(name):
    fn = CASES[name]
    ea, eb = ember.ones(2, 3), ember.ones(2, 3, dtype=ember.bfloat16)
    ta, tb = torch.ones(2, 3), torch.ones(2, 3, dtype=torch.bfloat16)
    with ember.autocast("cpu"):
        got = fn(ember, F, ea, eb).dtype
    with torch.autocast("cpu"):
        want = fn(torch, TF, ta, tb).dtype
    assert got.name == str(want).replace("torch.", "")
    assert fn(ember, F, ea, ea).dtype is ember.float32  # outside autocast nothing is cast
    assert not ember.is_autocast_enabled("cpu")

"""Helpers shared by the optim tests: the same parameters and gradients in ember and torch."""
import ember
import numpy as np
import torch


def pair(arrays):
    """(ember params, torch params) with the values of NumPy ``arrays``, both requiring grad."""
    e = [ember.tensor(a).requires_grad_(True) for a in arrays]
    t = [torch.tensor(a).requires_grad_(True) for a in arrays]
    return e, t


def to_np(x):
    """A NumPy copy of an ember or torch tensor."""
    return np.array(x.detach().numpy())


def set_grads(e_params, t_params, grads):
    for ep, tp, g in zip(e_params, t_params, grads):
        ep.grad = ember.tensor(g)
        tp.grad = torch.tensor(g)


def random_arrays(rng, shapes, dtype=np.float32, scale=1.0):
    return [np.asarray(rng.standard_normal(s) * scale).astype(dtype) for s in shapes]


def convert(obj, to):
    """Deep-convert the tensors in ``obj`` (a state dict) to ``to`` ("ember" or "torch")."""
    if isinstance(obj, (torch.Tensor, ember.Tensor)):
        arr = np.array(obj.detach().numpy())
        return ember.tensor(arr) if to == "ember" else torch.tensor(arr)
    if isinstance(obj, dict):
        return {k: convert(v, to) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(convert(v, to) for v in obj)
    return obj


def assert_params_close(e_params, t_params, rtol, atol):
    for i, (a, b) in enumerate(zip(e_params, t_params)):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=rtol, atol=atol, err_msg=f"parameter {i}")

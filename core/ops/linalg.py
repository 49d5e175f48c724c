"""Matrix products and linear algebra."""
from __future__ import annotations

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from ._util import reg

F = "linalg"


def _matmul_bwd(ctx, g):
    x, y = ctx.saved
    n = ctx.needs_input_grad
    xs, ys = ctx.shapes
    if len(xs) == 1 and len(ys) == 1:
        return (g * y if n[0] else None, g * x if n[1] else None)
    x1 = x.unsqueeze(0) if len(xs) == 1 else x
    y1 = y.unsqueeze(-1) if len(ys) == 1 else y
    g1 = g
    if len(xs) == 1:
        g1 = g1.unsqueeze(-2)
    if len(ys) == 1:
        g1 = g1.unsqueeze(-1)
    gx = gy = None
    if n[0]:
        gx = matmul(g1, y1.transpose(-1, -2)).sum_to_size(x1.shape).reshape(xs)
    if n[1]:
        gy = matmul(x1.transpose(-1, -2), g1).sum_to_size(y1.shape).reshape(ys)
    return gx, gy


MATMUL = defop("matmul", F, "matmul(x, y) -> out", backward=_matmul_bwd, save="inputs",
               doc="NumPy/PyTorch matmul semantics: 1-D operands, batch broadcasting")


@reg("matmul")
def matmul(input, other, *, out=None):
    """Matrix product with broadcasting, as ``torch.matmul``."""
    from ._util import check_tensor
    check_tensor(input, "matmul")
    check_tensor(other, "matmul", "other")
    if input.ndim == 0 or other.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {input.ndim}D and "
                           f"{other.ndim}D")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {input.dtype} != {other.dtype}")
    k1 = input.shape[-1]
    k2 = other.shape[-2] if other.ndim > 1 else other.shape[0]
    if k1 != k2:
        if input.ndim == 1 and other.ndim == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{k1}] and src [{k2}] to have the same "
                               f"number of elements, but got {k1} and {k2} elements respectively")
        a = f"{input.shape[-2] if input.ndim > 1 else 1}x{k1}"
        b = f"{k2}x{other.shape[-1] if other.ndim > 1 else 1}"
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a} and {b})")
    if input.ndim > 2 or other.ndim > 2:
        from ._util import broadcast_shapes
        broadcast_shapes(tuple(input.shape[:-2]), tuple(other.shape[:-2]) if other.ndim > 1 else (), op="matmul")
    res = apply(MATMUL, (input, other))
    if out is not None:
        from .inplace import write_out
        return write_out(out, res)
    return res

"""Matrix products and the linear-algebra ops behind ``ember.linalg``.

Products (mm, bmm, addmm, tensordot, kron, ...) are composites over ``matmul``
and elementwise ops.  ``einsum``, ``cross``, ``trace``, ``vector_norm`` and the
factorisations are primitives whose backward formulas are written in ember ops
(the standard results collected in PyTorch's ``FunctionsManual.cpp``), so higher
order gradients work on every backend.  Factorisations that can fail return a
LAPACK-style ``info`` output; ``ember.linalg`` turns it into ``LinAlgError``.
The public ``torch.linalg`` namespace lives in ``ember/linalg.py``.
"""
from __future__ import annotations

import math as _math

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from .._tensor import Tensor
from ..amp.autocast_mode import ACTIVE as _AUTOCAST, cast_for as _cast_for
from ._util import broadcast_shapes, check_tensor, reg, wrap_dim
from .inplace import torch_type_name as _tname, write_out

F = "linalg"

INPLACE = ("addmm", "addmv", "addbmm", "baddbmm", "addr")

_CPP = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
        "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
        "bool": "bool"}


def _out(res, out):
    return res if out is None else write_out(out, res)


# --- small matrix helpers used by backward formulas (ember ops only) ---------------

def _mT(x):
    return x.transpose(-2, -1)


def _eye(n, like, m=None):
    from .creation import eye
    return eye(n, m, dtype=like.dtype, device=like.device)


def _tri(x, k, lower):
    from .joining import tril, triu
    return tril(x, k) if lower else triu(x, k)


def _narrow(x, dim, length):
    from .movement import narrow
    return x if x.shape[dim] == length else narrow(x, dim, 0, length)


# --- matmul -----------------------------------------------------------------------

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
        if len(xs) > 2 and len(ys) == 2:
            # weight-like right operand: fold the batch into the GEMM's inner dimension (one matmul, no sum)
            rows = 1
            for s in xs[:-1]:
                rows *= s
            gy = matmul(x.reshape(rows, xs[-1]).transpose(0, 1), g.reshape(rows, ys[-1]))
        else:
            gy = matmul(x1.transpose(-1, -2), g1).sum_to_size(y1.shape).reshape(ys)
    return gx, gy


MATMUL = defop("matmul", F, "matmul(x, y) -> out", backward=_matmul_bwd, save="inputs",
               doc="NumPy/PyTorch matmul semantics: 1-D operands, batch broadcasting")


def _no_bool(t, kernel="addmm_impl_cpu_"):
    if t.dtype is D.bool:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


@reg("matmul")
def matmul(input, other, *, out=None):
    """Matrix product with broadcasting, as ``torch.matmul``."""
    if _AUTOCAST[0]:
        input, other = _cast_for("matmul", input, other)
    check_tensor(input, "matmul")
    check_tensor(other, "matmul", "other")
    if input.ndim == 0 or other.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {input.ndim}D and "
                           f"{other.ndim}D")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_CPP[input.dtype.name]} != "
                           f"{_CPP[other.dtype.name]}")
    k1 = input.shape[-1]
    k2 = other.shape[-2] if other.ndim > 1 else other.shape[0]
    if k1 != k2:
        if input.ndim == 1 and other.ndim == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{k1}] and src [{k2}] to have the same "
                               f"number of elements, but got {k1} and {k2} elements respectively")
        a = f"{input.shape[-2] if input.ndim > 1 else 1}x{k1}"
        b = f"{k2}x{other.shape[-1] if other.ndim > 1 else 1}"
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a} and {b})")
    _no_bool(input, "dot" if input.ndim == 1 and other.ndim == 1 else "addmm_impl_cpu_")
    if input.ndim > 2 or other.ndim > 2:
        broadcast_shapes(tuple(input.shape[:-2]), tuple(other.shape[:-2]) if other.ndim > 1 else (), op="matmul")
    return _out(apply(MATMUL, (input, other)), out)


@reg("mm")
def mm(input, mat2, *, out=None):
    """2-D matrix product; both operands must have the same dtype."""
    if _AUTOCAST[0]:
        input, mat2 = _cast_for("mm", input, mat2)
    check_tensor(input, "mm")
    check_tensor(mat2, "mm", "mat2")
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x{input.shape[1]} and "
                           f"{mat2.shape[0]}x{mat2.shape[1]})")
    return matmul(input, mat2, out=out)


def _check_bmm(b1, b2, names=("batch1", "batch2")):
    if b1.ndim != 3:
        raise RuntimeError(f"{names[0]} must be a 3D tensor")
    if b2.ndim != 3:
        raise RuntimeError(f"{names[1]} must be a 3D tensor")
    want = [b1.shape[0], b1.shape[2]]
    if list(b2.shape[:2]) != want:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: {want} but got: "
                           f"{list(b2.shape[:2])}.")


@reg("bmm")
def bmm(input, mat2, *, out=None):
    """Batched matrix product of two 3-D tensors with the same batch size."""
    if _AUTOCAST[0]:
        input, mat2 = _cast_for("bmm", input, mat2)
    check_tensor(input, "bmm")
    check_tensor(mat2, "bmm", "mat2")
    _check_bmm(input, mat2)
    if input.dtype is not mat2.dtype:
        raise RuntimeError(f"expected scalar type {_tname(input.dtype)} but found {_tname(mat2.dtype)}")
    return matmul(input, mat2, out=out)


@reg("mv")
def mv(input, vec, *, out=None):
    """Matrix-vector product."""
    check_tensor(input, "mv")
    check_tensor(vec, "mv", "vec")
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat ({input.shape[0]}x{input.shape[1]}), "
                           f"vec ({vec.shape[0]})")
    if input.dtype is not vec.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {_tname(vec.dtype)}, "
                           f"{_tname(input.dtype)}, and {_tname(vec.dtype)}")
    return matmul(input, vec, out=out)


@reg("dot")
def dot(input, tensor, *, out=None):
    """Inner product of two 1-D tensors of the same dtype and length."""
    if _AUTOCAST[0]:
        input, tensor = _cast_for("dot", input, tensor)
    check_tensor(input, "dot")
    check_tensor(tensor, "dot", "tensor")
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors")
    if input.dtype is not tensor.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_tname(input.dtype)} and "
                           f"{_tname(tensor.dtype)}")
    return matmul(input, tensor, out=out)


@reg("vdot")
def vdot(input, other, *, out=None):
    """``dot`` with the first argument conjugated (the same for real tensors)."""
    return dot(input, other, out=out)


@reg("inner")
def inner(input, other, *, out=None):
    """Sum-product over the last dimension of both tensors."""
    check_tensor(input, "inner")
    check_tensor(other, "inner", "other")
    if input.ndim == 0 or other.ndim == 0:
        return _out(input * other, out)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    return _out(tensordot(input, other, ([-1], [-1])), out)


@reg("outer")
def outer(input, vec2, *, out=None):
    """Outer product of two 1-D tensors (with type promotion)."""
    check_tensor(input, "outer")
    check_tensor(vec2, "outer", "vec2")
    if input.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {input.ndim}-D")
    if vec2.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument vec2, but got {vec2.ndim}-D")
    return _out(input.unsqueeze(-1) * vec2, out)


ger = outer
reg("ger")(outer)


def _scalars(beta, alpha, ref, strict):
    """PyTorch truncates float beta/alpha for integer tensors (addr refuses them instead)."""
    if ref.dtype.category < 2:
        for v, name in ((beta, "beta"), (alpha, "alpha")):
            if isinstance(v, float) and strict:
                raise RuntimeError(f"For integral input tensors, argument {name} must not be a floating point number.")
        return int(beta), int(alpha)
    return beta, alpha


def _scaled_add(input, prod, beta, alpha, shape, strict=False):
    """``beta * input + alpha * prod``; ``input`` is ignored when beta == 0 (NaNs included)."""
    from .movement import expand
    beta, alpha = _scalars(beta, alpha, prod, strict)
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:
        return prod
    base = expand(input, shape)
    if beta != 1:
        base = base * beta
    return (base + prod).to(prod.dtype)


def _same3(op, input, a, b, names):
    if not (input.dtype is a.dtype is b.dtype):
        if op == "baddbmm":
            raise RuntimeError(f"Input dtypes must be the same, got: input {_CPP[input.dtype.name]}, "
                               f"{names[0]}: {_CPP[a.dtype.name]}, {names[1]}: {_CPP[b.dtype.name]}")
        raise RuntimeError(f"{op} input tensors must have the same dtype, but got {_tname(input.dtype)}, "
                           f"{_tname(a.dtype)}, and {_tname(b.dtype)}")


@reg("addmm")
def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat1 @ mat2)``."""
    if _AUTOCAST[0]:
        input, mat1, mat2 = _cast_for("addmm", input, mat1, mat2)
    check_tensor(input, "addmm")
    if mat1.ndim != 2:
        raise RuntimeError(f"mat1 must be a matrix, got {mat1.ndim}-D tensor")
    if mat2.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {mat2.ndim}-D tensor")
    if input.dtype is not mat2.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_tname(input.dtype)} and "
                           f"{_tname(mat2.dtype)}")
    prod = mm(mat1, mat2)
    return _out(_scaled_add(input, prod, beta, alpha, tuple(prod.shape)), out)


@reg("addmv")
def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat @ vec)``."""
    check_tensor(input, "addmv")
    if mat.ndim != 2 or vec.ndim != 1 or input.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}")
    if mat.shape[1] != vec.shape[0] or input.numel() not in (1, mat.shape[0]):
        raise RuntimeError(f"size mismatch, got input ({input.shape[0] if input.ndim else 1}), mat "
                           f"({mat.shape[0]}x{mat.shape[1]}), vec ({vec.shape[0]})")
    _same3("addmv", input, mat, vec, ("mat", "vec"))
    prod = mv(mat, vec)
    return _out(_scaled_add(input, prod, beta, alpha, tuple(prod.shape)), out)


@reg("addr")
def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * outer(vec1, vec2)`` (bool tensors: logical and/or)."""
    check_tensor(input, "addr")
    if vec1.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec1 and vec2, but got {vec1.ndim}-D and {vec2.ndim}-D")
    prod = outer(vec1, vec2)
    dt = D.promote_types(input.dtype, prod.dtype)
    if dt is D.bool:  # logical: (beta and input) or (alpha and outer)
        from .movement import expand
        res = prod if alpha else prod.new_zeros(prod.shape)
        return _out(res + expand(input, tuple(prod.shape)) if beta else res, out)
    return _out(_scaled_add(input.to(dt), prod.to(dt), beta, alpha, tuple(prod.shape), strict=True), out)


@reg("baddbmm")
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * bmm(batch1, batch2)``."""
    if _AUTOCAST[0]:
        input, batch1, batch2 = _cast_for("baddbmm", input, batch1, batch2)
    check_tensor(input, "baddbmm")
    _check_bmm(batch1, batch2)
    _same3("baddbmm", input, batch1, batch2, ("batch1", "batch2"))
    prod = bmm(batch1, batch2)
    return _out(_scaled_add(input, prod, beta, alpha, tuple(prod.shape)), out)


@reg("addbmm")
def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])``."""
    if _AUTOCAST[0]:
        input, batch1, batch2 = _cast_for("addbmm", input, batch1, batch2)
    check_tensor(input, "addbmm")
    _check_bmm(batch1, batch2)
    _same3("addbmm", input, batch1, batch2, ("batch1", "batch2"))
    prod = bmm(batch1, batch2).sum(0, dtype=batch1.dtype)
    return _out(_scaled_add(input, prod, beta, alpha, tuple(prod.shape)), out)


def chain_matmul(*matrices, out=None):
    """Product of 2-D matrices (deprecated in PyTorch in favour of ``linalg.multi_dot``)."""
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for i, m in enumerate(matrices):
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        return _out(matrices[0].clone(), out)
    from ..linalg import multi_dot
    return multi_dot(matrices, out=out)


# --- tensordot, kron, einsum -------------------------------------------------------

def tensordot(a, b, dims=2, out=None):
    """Contract ``dims`` (an int, or a pair of dim lists) of ``a`` with those of ``b``."""
    if _AUTOCAST[0]:
        a, b = _cast_for("tensordot", a, b)
    check_tensor(a, "tensordot", "a")
    check_tensor(b, "tensordot", "b")
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.ndim or dims > b.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(-dims, 0)), list(range(dims))
    else:
        da, db = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    for x, y in zip(da, db):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[x]} in dim {x} "
                               f"and second has size {b.shape[y]} in dim {y}")
    da = [wrap_dim(d, a.ndim, "tensordot") for d in da]
    db = [wrap_dim(d, b.ndim, "tensordot") for d in db]
    fa = [d for d in range(a.ndim) if d not in da]
    fb = [d for d in range(b.ndim) if d not in db]
    k = 1
    for d in da:
        k *= a.shape[d]
    sa, sb = [a.shape[d] for d in fa], [b.shape[d] for d in fb]
    am = a.permute(fa + da).reshape(_prod(sa), k)
    bm = b.permute(db + fb).reshape(k, _prod(sb))
    return _out(matmul(am, bm).reshape(tuple(sa + sb)), out)


def _prod(xs):
    p = 1
    for x in xs:
        p *= x
    return p


@reg("kron")
def kron(input, other, *, out=None):
    """Kronecker product (with type promotion)."""
    check_tensor(input, "kron")
    check_tensor(other, "kron", "other")
    nd = max(input.ndim, other.ndim)
    sa = (1,) * (nd - input.ndim) + tuple(input.shape)
    sb = (1,) * (nd - other.ndim) + tuple(other.shape)
    ai = input.reshape(tuple(x for s in sa for x in (s, 1)))
    bi = other.reshape(tuple(x for s in sb for x in (1, s)))
    return _out((ai * bi).reshape(tuple(x * y for x, y in zip(sa, sb))), out)


def _einsum_bwd(ctx, g):
    """d(einsum)/d(operand i) is another einsum: the output gradient times the other operands,
    with identity factors for repeated subscripts and ones for subscripts summed only in operand i."""
    from .creation import ones
    eq = ctx.params[0]
    xs = ctx.saved
    lhs, res = eq.split("->")
    terms = lhs.split(",")
    grads = []
    for i, (term, x) in enumerate(zip(terms, xs)):
        if not ctx.needs_input_grad[i]:
            grads.append(None)
            continue
        free = (c for c in _LETTERS if c not in eq)
        ops, subs = [g], [res]
        ops += [y for j, y in enumerate(xs) if j != i]
        subs += [t for j, t in enumerate(terms) if j != i]
        have = set("".join(subs))
        target = []
        for pos, c in enumerate(term):
            size = x.shape[pos]
            if c in term[:pos]:
                f = next(free)
                ops.append(_eye(size, g))
                subs.append(c + f)
                target.append(f)
                continue
            if c not in have:
                ops.append(ones(size, dtype=g.dtype, device=g.device))
                subs.append(c)
                have.add(c)
            target.append(c)
        grads.append(apply(EINSUM, tuple(ops), (",".join(subs) + "->" + "".join(target),), g.dtype))
    return tuple(grads)


EINSUM = defop("einsum", F, "einsum(*xs, equation) -> out", backward=_einsum_bwd, save="inputs",
               doc="explicit-output equation over letters only (no '...'); operand sizes already agree")

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _einsum_args(args):
    """(equation, operands) from ``einsum(eq, *ops)``, ``einsum(eq, [ops])`` or the sublist format."""
    if not args:
        raise RuntimeError("einsum(): must specify the equation string and at least one operand, or at least one "
                           "operand and its subscripts list")
    if isinstance(args[0], str):
        ops = args[1:]
        if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
            ops = tuple(ops[0])
        return args[0], ops

    def sub(lst):
        out = []
        for s in lst:
            if s is Ellipsis:
                out.append("...")
            elif not 0 <= s < 52:
                raise ValueError(f"einsum(): subscript in subscript list is not within the valid range [0, 52): {s}")
            else:
                out.append(_LETTERS[s])
        return "".join(out)
    # einsum(op1, sublist1, op2, sublist2, ..., [sublist_out])
    out = "->" + sub(args[-1]) if len(args) % 2 else ""
    pairs = args[:len(args) - len(args) % 2]
    return ",".join(sub(t) for t in pairs[1::2]) + out, pairs[0::2]


def _parse_term(term, i):
    labels, k = [], 0
    while k < len(term):
        c = term[k]
        if c == ".":
            if term[k:k + 3] != "...":
                raise RuntimeError(f"einsum(): found '.' for operand {i} that is not part of any ellipsis")
            if None in labels:
                raise RuntimeError(f"einsum(): found '.' for operand {i} for which an ellipsis was already found")
            labels.append(None)
            k += 3
            continue
        if c not in _LETTERS:
            raise RuntimeError(f"einsum(): invalid subscript given at index {k} in the equation string, subscripts "
                               f"must be in [a-zA-Z]")
        labels.append(c)
        k += 1
    return labels


def _einsum_plan(eq, shapes):
    """(canonical equation over letters only, operand shapes after broadcasting size-1 dims)."""
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    parsed = [_parse_term(t, i) for i, t in enumerate(terms)]
    ell_rank = 0
    for i, (labels, shape) in enumerate(zip(parsed, shapes)):
        n = len(labels) - (None in labels)
        if None in labels and n > len(shape):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) is more than the number "
                               f"of dimensions ({len(shape)}) for operand {i}")
        if None not in labels and n != len(shape):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) does not match the number "
                               f"of dimensions ({len(shape)}) for operand {i} and no ellipsis was given")
        ell_rank = max(ell_rank, len(shape) - n)
    ell = [c for c in reversed(_LETTERS) if c not in eq][:ell_rank][::-1]  # letters standing for '...'
    full, sizes, counts = [], {}, {}
    for i, (labels, shape) in enumerate(zip(parsed, shapes)):
        letters = []
        for lab in labels:
            if lab is None:
                letters += ell[ell_rank - (len(shape) - len(labels) + 1):]
            else:
                letters.append(lab)
                counts[lab] = counts.get(lab, 0) + 1
        seen = {}
        for c, s in zip(letters, shape):
            if seen.setdefault(c, s) != s:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {i} but the sizes don't match, "
                                   f"{s} != {seen[c]}")
            prev = sizes.get(c, 1)
            if s != prev and 1 not in (s, prev):
                what = "dimension covered by ellipsis" if c in ell else f"subscript {c}"
                raise RuntimeError(f"einsum(): {what} has size {s} for operand {i} which does not broadcast with "
                                   f"previously seen size {prev}")
            sizes[c] = s if prev == 1 else prev
        full.append(letters)
    if not arrow:  # implicit output: '...' then the subscripts used once, in alphabetical order
        out = ell + sorted(c for c, k in counts.items() if k == 1)
    else:
        out = []
        for lab in _parse_term(rhs, "output"):
            if lab is not None and lab not in counts:
                raise RuntimeError(f"einsum(): output subscript {lab} does not appear in the equation for any input "
                                   f"operand")
            if lab in out:
                raise RuntimeError(f"einsum(): output subscript {lab} appears more than once in the output")
            out += ell if lab is None else [lab]
    canon = ",".join("".join(t) for t in full) + "->" + "".join(out)
    return canon, [tuple(sizes[c] for c in letters) for letters in full]


def einsum(*args):
    """Einstein summation, e.g. ``ember.einsum('bij,bjk->bik', x, y)``; supports ``...``, broadcasting of
    size-1 dimensions, implicit output and the sublist format."""
    eq, ops = _einsum_args(args)
    for i, op in enumerate(ops):
        check_tensor(op, "einsum", f"operands[{i}]")
        if op.dtype is not ops[0].dtype:
            raise RuntimeError(f"expected scalar type {_tname(ops[0].dtype)} but found {_tname(op.dtype)}")
    canon, shapes = _einsum_plan(eq.replace(" ", ""), [tuple(op.shape) for op in ops])
    xs = tuple(op if tuple(op.shape) == want else op.expand(want) for op, want in zip(ops, shapes))
    return apply(EINSUM, xs, (canon,), ops[0].dtype)


# --- cross, trace, cdist -----------------------------------------------------------

def _cross_bwd(ctx, g):
    x, y = ctx.saved
    dim = ctx.params[0]
    n = ctx.needs_input_grad
    return (apply(CROSS, (y, g), (dim,)) if n[0] else None, apply(CROSS, (g, x), (dim,)) if n[1] else None)


CROSS = defop("cross", F, "cross(x, y, dim) -> out", backward=_cross_bwd, save="inputs",
              doc="3-vector cross product along `dim` of same-shape operands")


def _linalg_cross(input, other, dim=-1, op="linalg.cross"):
    """Cross product of 3-vectors along ``dim`` with broadcasting (shared by torch.cross / linalg.cross)."""
    check_tensor(input, op)
    check_tensor(other, op, "other")
    if input.ndim != other.ndim:
        raise RuntimeError(f"{op}: inputs must have the same number of dimensions.")
    d = wrap_dim(dim, input.ndim, op)
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"{op}: inputs dimension {dim} must have length 3. Got {input.shape[d]} and "
                           f"{other.shape[d]}")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"expected scalar type {_tname(input.dtype)} but found {_tname(other.dtype)}")
    _no_bool(input, "cross")
    shape = broadcast_shapes(tuple(input.shape), tuple(other.shape), op=op)
    return apply(CROSS, (input.expand(shape), other.expand(shape)), (d,))


@reg("cross")
def cross(input, other, dim=None, *, out=None):
    """Cross product along ``dim`` (default: the first dimension of size 3)."""
    if _AUTOCAST[0]:
        input, other = _cast_for("cross", input, other)
    if dim is None:
        dim = next((i for i, s in enumerate(broadcast_shapes(tuple(input.shape), tuple(other.shape), op="cross"))
                    if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return _out(_linalg_cross(input, other, dim, op="linalg.cross"), out)


def _trace_bwd(ctx, g):
    n, m = ctx.shapes[0]
    return (g * _eye(n, g, m),)


TRACE = defop("trace", F, "trace(x, dtype) -> out", backward=_trace_bwd, doc="sum of the main diagonal of a matrix")


@reg("trace")
def trace(input):
    """Sum of the diagonal of a 2-D tensor (integer inputs sum to int64)."""
    if _AUTOCAST[0]:
        input, = _cast_for("trace", input)
    check_tensor(input, "trace")
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    _no_bool(input, "trace")
    dt = D.int64 if input.dtype.category < 2 else input.dtype
    return apply(TRACE, (input,), (dt,), dt)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """p-norm distances between each pair of rows of ``x1`` (..., P, M) and ``x2`` (..., R, M)."""
    if _AUTOCAST[0]:
        x1, x2 = _cast_for("cdist", x1, x2)
    check_tensor(x1, "cdist", "x1")
    check_tensor(x2, "cdist", "x2")
    for name, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x.ndim}D")
        if not x.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {_tname(x.dtype)}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if x1.dtype is not x2.dtype:
        raise RuntimeError(f"expected scalar type {_tname(x1.dtype)} but found {_tname(x2.dtype)}")
    if x1.dtype in (D.float16, D.bfloat16):
        raise NotImplementedError(f"\"cdist\" not implemented for '{_tname(x1.dtype)}'")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if compute_mode not in ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                            "donot_use_mm_for_euclid_dist"):
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    batch = broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]), op="cdist")
    a = x1.expand(batch + tuple(x1.shape[-2:])).unsqueeze(-2)
    b = x2.expand(batch + tuple(x2.shape[-2:])).unsqueeze(-3)
    diff = a - b
    return _vector_norm(diff, float(p), (diff.ndim - 1,), False, x1.dtype)


# --- vector norm --------------------------------------------------------------------

def _vector_norm_bwd(ctx, g):
    from .creation import zeros
    from .elementwise import abs, sign, where
    from .reduce import expand_reduced
    x, = ctx.saved
    ord, dims, keepdim, _ = ctx.params
    shape = ctx.shapes[0]
    nrm = expand_reduced(ctx.output, shape, dims, keepdim)
    g = expand_reduced(g, shape, dims, keepdim)
    x = x.to(nrm.dtype)
    if ord == 0:
        return (zeros(shape, dtype=x.dtype, device=x.device),)
    if ord == 1:
        return (g * sign(x),)
    if ord == 2:
        return (g * x / where(nrm == 0, 1.0, nrm),)
    if _math.isinf(ord):
        mask = (abs(x) == nrm).to(x.dtype)
        return (g * sign(x) * mask / mask.sum(dims, keepdim=True),)
    ax = abs(x)
    scaled = where(ax == 0, 0.0, sign(x) * where(ax == 0, 1.0, ax) ** (ord - 1))
    return (g * scaled / where(nrm == 0, 1.0, nrm) ** (ord - 1),)


VECTOR_NORM = defop("vector_norm", F, "vector_norm(x, ord, dims, keepdim, dtype) -> out",
                    backward=_vector_norm_bwd, save="both",
                    doc="ord-norm over the sorted `dims` tuple, computed in and returning `dtype` (half: float32 "
                        "accumulation)")


def _vector_norm(x, ord, dims, keepdim, dtype):
    return apply(VECTOR_NORM, (x,), (ord, dims, keepdim, dtype), dtype)


# --- torch.* spellings of linalg functions (ember.linalg holds the implementations) ----

def _la():
    from .. import linalg
    return linalg


@reg("det")
def det(input):
    """Determinant of square matrices (batched)."""
    return _la().det(input)


@reg("logdet")
def logdet(input):
    """log(det(A)); nan for negative determinants, -inf for singular matrices."""
    la = _la()
    la._check_linalg(input, "logdet", square=True)
    sign, logabs = la.slogdet(input)
    from .elementwise import where
    return where(sign < 0, float("nan"), logabs)


@reg("slogdet")
def slogdet(input):
    """(sign, log|det|) of square matrices, as ``torch.slogdet``."""
    from .reduce import return_type
    return return_type("slogdet", ("sign", "logabsdet"))(*_la().slogdet(input))


@reg("inverse")
def inverse(input, *, out=None):
    """Inverse of square matrices; raises ``ember.linalg.LinAlgError`` when singular."""
    return _la().inv(input, out=out)


@reg("matrix_power")
def matrix_power(input, n):
    """A to the integer power ``n`` (negative powers invert)."""
    return _la().matrix_power(input, n)


@reg("pinverse")
def pinverse(input, rcond=1e-15):
    """Pseudo-inverse with relative cutoff ``rcond``."""
    return _la().pinv(input, rtol=rcond)


@reg("cholesky")
def cholesky(input, upper=False, *, out=None):
    """Cholesky factor (deprecated PyTorch spelling of ``linalg.cholesky``)."""
    return _la().cholesky(input, upper=upper, out=out)


def _legacy_svd(input, some=True, compute_uv=True):
    la = _la()
    u, s, vh = la.svd(input, full_matrices=not (some and compute_uv))
    if not compute_uv:  # zero-filled (m, m) and (n, n) matrices, as in PyTorch
        from .creation import zeros_like
        u, vh = zeros_like(u), zeros_like(vh)
    from .reduce import return_type
    return return_type("svd", ("U", "S", "V"))(u, s, _mT(vh))


@reg("svd")
def svd(input, some=True, compute_uv=True, *, out=None):
    """(U, S, V) with ``input = U diag(S) V^T`` (note V, not Vh; see ``linalg.svd``)."""
    res = _legacy_svd(input, some, compute_uv)
    return res if out is None else type(res)(*(_out(r, o) for r, o in zip(res, out)))


@reg("qr")
def qr(input, some=True, *, out=None):
    """(Q, R); ``some=False`` gives the complete factorisation."""
    from .reduce import return_type
    res = return_type("qr", ("Q", "R"))(*_la().qr(input, mode="reduced" if some else "complete"))
    return _out(res, out) if out is None else type(res)(*(_out(r, o) for r, o in zip(res, out)))


"""The Tensor class: storage handle, dtype, backend and autograd metadata.

Operations are not defined here: they are declared in ``ember.ops`` and bound
as methods in ``ember._tensor_methods``.
"""
from __future__ import annotations

import weakref



_autograd_backward = None  # ember.autograd.backward, bound by ember.autograd._late_bind


class Size(tuple):
    """A tensor's shape, as ``torch.Size``."""

    __slots__ = ()

    def __repr__(self):
        return f"ember.Size([{', '.join(str(int(s)) for s in self)}])"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))


class Tensor:
    """A multi-dimensional array on one backend, with autograd support.

    >>> import ember
    >>> ember.tensor([1.0, 2.0], requires_grad=True)
    tensor([1., 2.], requires_grad=True)
    """

    __slots__ = ("_data", "_backend", "dtype", "_requires_grad", "_grad", "grad_fn", "_output_nr",
                 "_vc", "_base", "_hooks", "_post_acc_hooks", "_view_info", "__weakref__", "__dict__")

    __array_priority__ = 1000  # make numpy defer to our reflected operators

    def __new__(cls, *args, **kwargs):
        """``ember.Tensor(data)`` / ``ember.Tensor(*sizes)`` like ``torch.Tensor``: float tensors."""
        from .ops.creation import _legacy_tensor_new
        return _legacy_tensor_new(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        pass

    # --- shape ---------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        shape = self._data.shape
        return shape[_wrap_dim(dim, len(shape), "size")]

    @property
    def ndim(self) -> int:
        return len(self._data.shape)

    def dim(self) -> int:
        return len(self._data.shape)

    ndimension = dim

    def numel(self) -> int:
        n = 1
        for s in self._data.shape:
            n *= s
        return n

    nelement = numel

    def __len__(self):
        shape = self._data.shape
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    @property
    def device(self):
        from ._device import device
        return device._of_backend(self._backend)

    @property
    def is_cuda(self) -> bool:
        return self._backend.spec.device_type == "gpu"

    @property
    def is_cpu(self) -> bool:
        return self._backend.spec.device_type == "cpu"

    # ember tensors are dense, strided, unquantized and real: PyTorch's predicates for the other kinds are False
    is_sparse = is_sparse_csr = is_quantized = is_meta = is_mkldnn = is_nested = is_mps = is_xpu = \
        property(lambda self: False)

    @property
    def layout(self):
        from ._legacy import strided
        return strided

    def is_conj(self) -> bool:
        return False

    def is_neg(self) -> bool:
        return False

    def resolve_conj(self):
        return self

    def resolve_neg(self):
        return self

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        return False

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.numel() * self.dtype.itemsize

    # --- autograd metadata ---------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad=True):
        requires_grad = bool(requires_grad)
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                    "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
            return self
        if requires_grad and self.dtype.category != 2:
            raise RuntimeError(
                f"only Tensors of floating point and complex dtype can require gradients, got {self.dtype}")
        self._requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self):
        g = self._grad
        if g is None and self.grad_fn is not None and not self.retains_grad:
            import warnings
            warnings.warn("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
                          "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
                          "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
                          "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
                          "instead.", UserWarning, stacklevel=2)
        return g

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value._backend is not self._backend:
                raise RuntimeError(f"assigned grad has data located on {value.device}, but the tensor is on "
                                   f"{self.device}")
            if value.shape != self.shape:
                raise RuntimeError(f"assigned grad has data of a different size: got {list(value.shape)}, "
                                   f"expected {list(self.shape)}")
            if value.dtype is not self.dtype:
                raise RuntimeError(f"assigned grad has data of a different type: got {value.dtype}, "
                                   f"expected {self.dtype}")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def _version(self) -> int:
        return self._vc[0] if self._vc is not None else 0

    def _bump_version(self):
        vc = self._vc
        if vc is None:
            self._vc = [1]
        else:
            vc[0] += 1

    @property
    def _is_view(self):
        return self._base is not None

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        node = self.grad_fn
        if node.retains is None:
            node.retains = []
        for nr, ref in node.retains:
            if nr == self._output_nr and ref() is self:
                return
        node.retains.append((self._output_nr, weakref.ref(self)))

    @property
    def retains_grad(self) -> bool:
        node = self.grad_fn
        return bool(node and node.retains and any(r() is self for _, r in node.retains))

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a replacement."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        from .autograd._node import _RemovableHandle
        if self.grad_fn is not None:
            node = self.grad_fn
            if node.pre_hooks is None:
                node.pre_hooks = []
            entry = (self._output_nr, hook)
            node.pre_hooks.append(entry)
            return _RemovableHandle(node.pre_hooks, entry)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _RemovableHandle(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        from .autograd._node import _RemovableHandle
        if self._post_acc_hooks is None:
            self._post_acc_hooks = []
        self._post_acc_hooks.append(hook)
        return _RemovableHandle(self._post_acc_hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate the gradient of this tensor into the ``.grad`` of graph leaves."""
        _autograd_backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        """A new tensor sharing storage with this one, cut from the graph."""
        from ._dispatch import wrap
        t = wrap(self._data, self.dtype, self._backend)
        vc = self._vc
        if vc is None:
            vc = self._vc = [0]
        t._vc = vc
        t._base = self._base if self._base is not None else self
        return t

    def detach_(self):
        if self._base is not None and self.grad_fn is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        self._output_nr = 0
        return self

    @property
    def data(self):
        return self.detach()

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(value).__name__}")
        self._data = value._data
        self.dtype = value.dtype
        self._backend = value._backend
        self._base = None  # like torch: no longer a view of (nor keeps alive) the old storage

    # --- Python protocol -----------------------------------------------------
    def __repr__(self, *, tensor_contents=None):
        from ._print import tensor_repr
        return tensor_repr(self)

    def __str__(self):
        return self.__repr__()

    def __format__(self, spec):
        if self.ndim == 0:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def __bool__(self):
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __float__(self):
        if self.numel() != 1:
            raise TypeError("only one element tensors can be converted to Python scalars")
        return float(self.item())

    def __int__(self):
        if self.numel() != 1:
            raise TypeError("only one element tensors can be converted to Python scalars")
        return int(self.item())

    def __index__(self):
        if self.dtype.category != 1 or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __complex__(self):
        return complex(self.item())

    def __hash__(self):
        return id(self)

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __reversed__(self):
        return iter(self.flip(0).unbind(0)) if self.ndim else iter((self,))

    def __contains__(self, element):
        if isinstance(element, (Tensor, int, float, bool)):
            return bool((self == element).any())
        raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                           f"{type(element).__name__}.")

    def __array__(self, dtype=None, copy=None):
        arr = self.numpy()
        if dtype is not None:
            arr = arr.astype(dtype)
        return arr

    def __reduce_ex__(self, proto):
        from .ops.creation import _rebuild_tensor
        shared = self._shared_reduce()
        if shared is not None:
            return shared
        return (_rebuild_tensor, (self.detach().cpu().numpy(), self.dtype.name, self._requires_grad))

    def _shared_reduce(self):
        """After ``share_memory_()``, pickling (e.g. to a spawned process) sends a handle to the shared memory,
        as PyTorch's multiprocessing does, instead of a copy of the values."""
        if not self.is_shared():
            return None
        k = self._backend.table.get("shared_handle")
        handle = k(self._data) if k is not None else None
        if handle is None:
            return None
        from .ops.creation import _rebuild_shared
        return (_rebuild_shared, (self._backend.name, handle, self.dtype.name, self._requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.")
        with _no_grad():
            new = self.clone()
        new = type(self)._from_tensor(new) if type(self) is not Tensor else new
        new._requires_grad = self._requires_grad
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        if self.__dict__:
            import copy
            new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        memo[id(self)] = new
        return new

    @classmethod
    def _from_tensor(cls, t):
        new = object.__new__(cls)
        for s in Tensor.__slots__:
            if s in ("__weakref__", "__dict__"):
                continue
            try:
                setattr(new, s, getattr(t, s))
            except AttributeError:  # optional slots (e.g. _view_info) may be unset
                pass
        return new


def _no_grad():
    from .autograd.grad_mode import no_grad
    return no_grad()


def _wrap_dim(dim, ndim, op="dim"):
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim



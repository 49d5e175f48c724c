"""``ember.utils._pytree`` (``torch.utils._pytree``): flatten nested containers to a leaf list and back.

Nodes are ``list``, ``tuple``, namedtuples, ``dict``, ``OrderedDict``, ``defaultdict``, ``deque`` and any
type given to :func:`register_pytree_node`; everything else (tensors, numbers, ``None``) is a leaf, as in
PyTorch 2.x.

    >>> leaves, spec = tree_flatten({"a": [1, 2], "b": (3, None)})
    >>> leaves
    [1, 2, 3, None]
    >>> tree_unflatten([x if x is None else 10 * x for x in leaves], spec)
    {'a': [10, 20], 'b': (30, None)}
"""
from __future__ import annotations

from collections import OrderedDict, defaultdict, deque, namedtuple
from collections.abc import Callable
from typing import Any, NamedTuple

__all__ = ["LeafSpec", "TreeSpec", "is_namedtuple", "register_pytree_node", "tree_all", "tree_any", "tree_flatten",
           "tree_is_leaf", "tree_iter", "tree_leaves", "tree_map", "tree_map_", "tree_map_only", "tree_structure",
           "tree_unflatten"]


class _Node(NamedTuple):
    flatten_fn: Callable    # node -> (children, context)
    unflatten_fn: Callable  # (children, context) -> node


SUPPORTED_NODES: dict = {
    tuple: _Node(lambda t: (list(t), None), lambda c, _: tuple(c)),
    list: _Node(lambda t: (list(t), None), lambda c, _: list(c)),
    dict: _Node(lambda d: (list(d.values()), list(d)), lambda c, k: dict(zip(k, c))),
    OrderedDict: _Node(lambda d: (list(d.values()), list(d)), lambda c, k: OrderedDict(zip(k, c))),
    defaultdict: _Node(lambda d: (list(d.values()), [d.default_factory, list(d)]),
                       lambda c, ctx: defaultdict(ctx[0], zip(ctx[1], c))),
    deque: _Node(lambda d: (list(d), d.maxlen), lambda c, maxlen: deque(c, maxlen=maxlen)),
    namedtuple: _Node(lambda t: (list(t), type(t)), lambda c, cls: cls(*c)),
}


def register_pytree_node(cls: type, flatten_fn: Callable, unflatten_fn: Callable, *, serialized_type_name=None,
                         to_dumpable_context=None, from_dumpable_context=None, flatten_with_keys_fn=None) -> None:
    """Make instances of ``cls`` pytree nodes: ``flatten_fn(node) -> (children, context)`` and
    ``unflatten_fn(children, context) -> node``."""
    if cls in SUPPORTED_NODES:
        raise ValueError(f"{cls} is already registered as pytree node.")
    SUPPORTED_NODES[cls] = _Node(flatten_fn, unflatten_fn)


def is_namedtuple(obj) -> bool:
    """Whether ``obj`` is a namedtuple class or instance."""
    cls = obj if isinstance(obj, type) else type(obj)
    return issubclass(cls, tuple) and isinstance(getattr(cls, "_fields", None), tuple)


def _node_type(tree):
    t = type(tree)
    if t not in SUPPORTED_NODES and is_namedtuple(t):
        return namedtuple
    return t


def tree_is_leaf(tree, is_leaf: Callable | None = None) -> bool:
    """Whether ``tree`` is a leaf: ``is_leaf(tree)`` is true or its type is not a registered node."""
    if is_leaf is not None and is_leaf(tree):
        return True
    return _node_type(tree) not in SUPPORTED_NODES


class TreeSpec:
    """The structure of a pytree: node ``type``, its ``context`` (dict keys, namedtuple class...) and the
    specs of its children."""

    def __init__(self, type, context, children_specs) -> None:  # noqa: A002  (PyTorch's name)
        self.type = type
        self._context = context
        self._children = list(children_specs)
        self.num_children = len(self._children)
        self.num_leaves = 1 if type is None else sum(c.num_leaves for c in self._children)
        self.num_nodes = 1 + sum(c.num_nodes for c in self._children)

    @property
    def context(self):
        return self._context

    @property
    def children_specs(self) -> list:
        return self._children

    def is_leaf(self) -> bool:
        return self.type is None

    def __repr__(self, indent: int = 0) -> str:
        if self.is_leaf():
            return "*"
        parts = ""
        if self._children:
            indent += 2
            parts = self._children[0].__repr__(indent) + ("," if len(self._children) > 1 else "")
            parts += ",".join("\n" + " " * indent + c.__repr__(indent) for c in self._children[1:])
        return f"TreeSpec({self.type.__name__}, {self._context}, [{parts}])"

    def __eq__(self, other) -> bool:
        if not isinstance(other, TreeSpec):
            return NotImplemented
        return (self.type is other.type and self._context == other._context
                and self._children == other._children)

    def __hash__(self):
        return hash((self.type, repr(self)))

    def unflatten(self, leaves) -> Any:
        """The pytree of this structure holding ``leaves`` (in flattening order)."""
        leaves = list(leaves)
        if len(leaves) != self.num_leaves:
            raise ValueError(f"treespec.unflatten(leaves): `leaves` has length {len(leaves)} but the spec refers "
                             f"to a pytree that holds {self.num_leaves} items ({self}).")
        if self.is_leaf():
            return leaves[0]
        children, start = [], 0
        for c in self._children:
            children.append(c.unflatten(leaves[start:start + c.num_leaves]))
            start += c.num_leaves
        return SUPPORTED_NODES[self.type].unflatten_fn(children, self._context)

    def flatten_up_to(self, tree) -> list:
        """The subtrees of ``tree`` at this spec's leaves; ``tree`` must have this spec as a prefix."""
        if self.is_leaf():
            return [tree]
        node_type = _node_type(tree)
        if node_type is not self.type or (node_type is namedtuple and type(tree) is not self._context):
            expected = self._context if self.type is namedtuple else self.type
            raise ValueError(f"Node type mismatch; expected {expected}, but got {type(tree)}.")
        children, context = SUPPORTED_NODES[node_type].flatten_fn(tree)
        if len(children) != self.num_children:
            raise ValueError(f"Node arity mismatch; expected {self.num_children}, but got {len(children)}.")
        if node_type in (dict, OrderedDict, defaultdict):
            keys = context[1] if node_type is defaultdict else context
            want = self._context[1] if node_type is defaultdict else self._context
            if set(keys) != set(want):
                raise ValueError(f"Node keys mismatch; missing key(s): {set(want) - set(keys)}; extra key(s): "
                                 f"{set(keys) - set(want)}.")
            children = [tree[k] for k in want]
        out = []
        for c, sub in zip(self._children, children):
            out.extend(c.flatten_up_to(sub))
        return out


class LeafSpec(TreeSpec):
    """The spec of a single leaf (printed ``*``)."""

    def __init__(self) -> None:
        super().__init__(None, None, [])


def tree_flatten(tree, is_leaf: Callable | None = None) -> tuple:
    """``(leaves, spec)``: the leaves of ``tree`` in order and the :class:`TreeSpec` to rebuild it."""
    leaves: list = []

    def walk(node):
        if tree_is_leaf(node, is_leaf):
            leaves.append(node)
            return LeafSpec()
        t = _node_type(node)
        children, context = SUPPORTED_NODES[t].flatten_fn(node)
        return TreeSpec(t, context, [walk(c) for c in children])

    spec = walk(tree)
    return leaves, spec


def tree_unflatten(leaves, treespec: TreeSpec) -> Any:
    """Rebuild the pytree that ``treespec`` describes from ``leaves``."""
    if not isinstance(treespec, TreeSpec):
        raise TypeError(f"tree_unflatten(leaves, treespec): Expected `treespec` to be instance of TreeSpec but got "
                        f"item of type {type(treespec)}.")
    return treespec.unflatten(leaves)


def tree_leaves(tree, is_leaf: Callable | None = None) -> list:
    return tree_flatten(tree, is_leaf)[0]


def tree_iter(tree, is_leaf: Callable | None = None):
    return iter(tree_leaves(tree, is_leaf))


def tree_structure(tree, is_leaf: Callable | None = None) -> TreeSpec:
    return tree_flatten(tree, is_leaf)[1]


def tree_map(func: Callable, tree, *rests, is_leaf: Callable | None = None) -> Any:
    """A pytree shaped like ``tree`` whose leaves are ``func(leaf, *matching leaves of rests)``.

    >>> tree_map(lambda x: x + 1, {"x": 7, "y": (42, 64)})
    {'x': 8, 'y': (43, 65)}
    """
    leaves, spec = tree_flatten(tree, is_leaf)
    flat = [leaves] + [spec.flatten_up_to(r) for r in rests]
    return spec.unflatten(map(func, *flat))


def tree_map_(func: Callable, tree, *rests, is_leaf: Callable | None = None) -> Any:
    """Call ``func`` on every leaf (for its side effects) and return ``tree`` itself."""
    leaves, spec = tree_flatten(tree, is_leaf)
    for args in zip(leaves, *(spec.flatten_up_to(r) for r in rests)):
        func(*args)
    return tree


def _predicate(type_or_types_or_pred):
    if isinstance(type_or_types_or_pred, type) or (isinstance(type_or_types_or_pred, tuple)
                                                     and all(isinstance(t, type) for t in type_or_types_or_pred)):
        return lambda x: isinstance(x, type_or_types_or_pred)
    if type(type_or_types_or_pred).__name__ == "UnionType":
        return lambda x: isinstance(x, type_or_types_or_pred)
    if callable(type_or_types_or_pred):
        return type_or_types_or_pred
    raise TypeError(f"Argument must be a type, a tuple of types, or a callable, got {type_or_types_or_pred!r}")


def tree_map_only(type_or_types_or_pred, /, func: Callable, tree, is_leaf: Callable | None = None) -> Any:
    """:func:`tree_map` applying ``func`` only to leaves of the given type(s) (or passing the predicate);
    other leaves are kept."""
    pred = _predicate(type_or_types_or_pred)
    return tree_map(lambda x: func(x) if pred(x) else x, tree, is_leaf=is_leaf)


def tree_all(pred: Callable, tree, is_leaf: Callable | None = None) -> bool:
    return all(map(pred, tree_leaves(tree, is_leaf)))


def tree_any(pred: Callable, tree, is_leaf: Callable | None = None) -> bool:
    return any(map(pred, tree_leaves(tree, is_leaf)))

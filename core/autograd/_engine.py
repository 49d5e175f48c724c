"""The backward engine: dependency counting over the recorded graph, one loop.

Gradients are computed with ember ops, so with ``create_graph=True`` the
backward pass is itself recorded and can be differentiated again.
"""
from __future__ import annotations

from .grad_mode import STATE
from ._node import Node, forward_name, version_error

_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after "
          "they have already been freed). Saved intermediate values of the graph are freed when you call "
          ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
          "graph a second time or if you need to access saved tensors after calling backward.")


def _target(t):
    """The graph position of tensor ``t``: (node, output_nr) or (leaf, 0); None if it has none."""
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    if t._requires_grad:
        return (t, 0)
    return None


def _check_versions(node):
    saved = node.saved
    for i, t in enumerate(saved):
        if t is None:
            continue
        v = t._vc[0] if t._vc is not None else 0
        if v != node.versions[i]:
            what = f"output {t._output_nr} of {forward_name(t.grad_fn)}" if t.grad_fn is not None else None
            raise RuntimeError(version_error(t.dtype, t.shape, what, v, node.versions[i]))


def _collect(root_nodes):
    """Dependency counts (number of incoming edges) for every node/leaf reachable from the roots."""
    deps = {}
    seen = set()
    stack = list(root_nodes)
    for n in root_nodes:
        seen.add(id(n))
    while stack:
        node = stack.pop()
        if not isinstance(node, Node):
            continue
        for e in node.edges:
            if e is None:
                continue
            tgt = e[0]
            k = id(tgt)
            deps[k] = deps.get(k, 0) + 1
            if k not in seen:
                seen.add(k)
                stack.append(tgt)
    return deps


def _needed(root_nodes, capture_ids):
    """ids of the nodes that must run: those with a capture target strictly below them."""
    memo = {}
    for r in root_nodes:
        if id(r) in memo:
            continue
        stack = [(r, False)]
        while stack:
            node, done = stack.pop()
            k = id(node)
            if done:
                res = False
                for e in node.edges:
                    if e is not None and (id(e[0]) in capture_ids or memo.get(id(e[0]))):
                        res = True
                        break
                memo[k] = res
                continue
            if k in memo or not isinstance(node, Node):
                continue
            stack.append((node, True))
            for e in node.edges:
                if e is not None and id(e[0]) not in memo:
                    stack.append((e[0], False))
    return {k for k, v in memo.items() if v}


_F = [None]
_wrap = None  # ember._dispatch.wrap, bound by ember.autograd._late_bind


def _load_functional():
    from .. import _functional
    _F[0] = _functional
    return _functional


def run_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=None, accumulate=True,
                 allow_unused=True):
    """Shared core of ``Tensor.backward``, ``autograd.backward`` and ``autograd.grad``.

    ``accumulate``: add into ``.grad`` (backward) rather than return the gradients of
    ``inputs`` (grad).  With ``inputs`` given, only the part of the graph leading to
    them runs, and backward accumulates only into them.  Returns the gradients of
    ``inputs`` (None where unreached) when ``inputs`` is given, else None.
    """
    F = _F[0] or _load_functional()

    roots = []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        tgt = _target(t)
        if tgt is None:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        roots.append((tgt, g))

    capture = None
    if inputs is not None:
        capture = {}
        for i, t in enumerate(inputs):
            tgt = _target(t)
            if tgt is None:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            capture.setdefault((id(tgt[0]), tgt[1]), []).append(i)
    captured = [None] * (len(inputs) if inputs is not None else 0)

    root_objs = []
    for (obj, _), _g in roots:
        if all(obj is not r for r in root_objs):
            root_objs.append(obj)
    deps = _collect(root_objs)
    needed = None
    if capture is not None:
        needed = _needed(root_objs, {k[0] for k in capture})

    buffers = {}
    objs = {}
    for (obj, nr), g in roots:
        k = id(obj)
        objs[k] = obj
        buf = buffers.get(k)
        if buf is None:
            n = obj.op.nout if isinstance(obj, Node) else 1
            buf = buffers[k] = [None] * n
        buf[nr] = g if buf[nr] is None else buf[nr] + g

    ready = [objs[k] for k in buffers if deps.get(k, 0) == 0]
    prev_enabled = STATE.enabled
    STATE.enabled = bool(create_graph)
    try:
        while ready:
            obj = ready.pop()
            k = id(obj)
            grads = buffers.pop(k)
            if not isinstance(obj, Node):
                if grads is not None:
                    _leaf(obj, grads[0], capture, captured, accumulate, create_graph)
                continue
            node = obj
            if grads is None:  # reached, but no gradient flowed in: only release its dependents
                _release_dependents(node, deps, buffers, ready)
                continue
            if node.pre_hooks:
                grads = _run_pre_hooks(node, grads)
            if node.retains:
                _retain(node, grads)
            if capture is not None:
                for nr, g in enumerate(grads):
                    idx = capture.get((k, nr))
                    if idx:
                        for i in idx:
                            captured[i] = g
                            if accumulate and g is not None:
                                _accumulate(inputs[i], g, create_graph)
            if needed is not None and k not in needed:
                results = ()
            else:
                results = _run_node(node, grads, retain_graph)
            edges = node.edges
            shapes = node.shapes
            for i, e in enumerate(edges):
                if e is None:
                    continue
                tgt, nr = e
                tk = id(tgt)
                g = results[i] if i < len(results) else None
                if g is not None:
                    if g._data.shape != shapes[i]:
                        g = F.sum_to_size(g, shapes[i])
                    if g.dtype is not node.dtypes[i]:
                        g = g.to(node.dtypes[i])
                    buf = buffers.get(tk)
                    if buf is None:
                        n = tgt.op.nout if isinstance(tgt, Node) else 1
                        buf = buffers[tk] = [None] * n
                        objs[tk] = tgt
                    buf[nr] = g if buf[nr] is None else buf[nr] + g
                d = deps[tk] - 1
                deps[tk] = d
                if d == 0:
                    if tk not in buffers:
                        buffers[tk] = None
                    ready.append(tgt)
    finally:
        STATE.enabled = prev_enabled

    if inputs is not None:
        if not allow_unused:
            for i, g in enumerate(captured):
                if g is None:
                    raise RuntimeError(
                        f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                        "Set allow_unused=True if this is the desired behavior.")
        return captured
    return None


def _release_dependents(node, deps, buffers, ready):
    """A node that received no gradient still counts as done for the nodes below it."""
    for e in node.edges:
        if e is None:
            continue
        tk = id(e[0])
        d = deps[tk] - 1
        deps[tk] = d
        if d == 0:
            if tk not in buffers:
                buffers[tk] = None
            ready.append(e[0])


def _run_node(node, grads, retain_graph):
    """Run one node's backward formula; returns the tuple of input gradients."""
    if node.released:
        raise RuntimeError(_FREED)
    if node.saved is not None:
        _check_versions(node)
    if STATE.anomaly:
        return _run_node_anomaly(node, grads, retain_graph)
    results = node.op.backward(node, *grads)
    if type(results) is not tuple:
        results = tuple(results) if type(results) is list else (results,)
    if node.post_hooks:
        results = _run_post_hooks(node, results, grads)
    if not retain_graph:
        node.release()
    return results


def _run_post_hooks(node, results, grads):
    for hook in node.post_hooks:
        new = hook(results, tuple(grads))
        if new is not None:
            results = tuple(new)
    return results


def _run_node_anomaly(node, grads, retain_graph):
    """``_run_node`` under detect_anomaly: any failure (or a NaN gradient) reports the forward trace."""
    try:
        results = node.op.backward(node, *grads)
        if type(results) is not tuple:
            results = tuple(results) if type(results) is list else (results,)
        if node.post_hooks:
            results = _run_post_hooks(node, results, grads)
        if STATE.anomaly_check_nan:
            for i, g in enumerate(results):
                if g is not None and g.dtype.is_floating_point and _has_nan(g):
                    raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")
    except Exception:
        _warn_forward_trace(node)
        raise
    if not retain_graph:
        node.release()
    return results


def _run_pre_hooks(node, grads):
    grads = list(grads)
    for hook in node.pre_hooks:
        if type(hook) is tuple:  # tensor hook: (output_nr, fn)
            nr, fn = hook
            if grads[nr] is not None:
                new = fn(grads[nr])
                if new is not None:
                    grads[nr] = new
        else:
            new = hook(tuple(grads))
            if new is not None:
                grads = list(new)
    return grads


def _retain(node, grads):
    for nr, ref in node.retains:
        t = ref()
        g = grads[nr]
        if t is None or g is None:
            continue
        g = g.detach() if not STATE.enabled else g
        t._grad = g.clone() if t._grad is None else t._grad + g


def _accumulate(t, g, create_graph):
    """``t.grad += g`` as PyTorch does: a fresh (detached unless create_graph) tensor the first time,
    in place afterwards unless either side is part of a graph."""
    gr = t._grad
    if create_graph:
        t._grad = g.clone() if gr is None else gr + g
        return
    if gr is not None and gr.grad_fn is not None:
        t._grad = gr + g
        return
    # the common training-step path: straight to the backend's kernels, no graph bookkeeping
    b = g._backend
    table = b.table
    if gr is None:
        t._grad = _wrap(table["clone"](g._data), g.dtype, b)
    elif gr._backend is b and gr.dtype is g.dtype and gr._data.shape == g._data.shape and gr._base is None:
        table["copy_"](gr._data, table["add"](gr._data, g._data))  # in place: p.grad keeps its storage
        gr._bump_version()
    else:
        gr.add_(g.detach())


def _leaf(t, g, capture, captured, accumulate, create_graph):
    if g is None:
        return
    if t._hooks:
        for fn in t._hooks:
            new = fn(g)
            if new is not None:
                g = new
    if capture is not None:
        idx = capture.get((id(t), 0))
        if idx:
            for i in idx:
                captured[i] = g
        if not accumulate or not idx:
            return  # backward(inputs=...) accumulates only into the listed tensors
    elif not accumulate:
        return
    _accumulate(t, g, create_graph)
    if t._post_acc_hooks:
        for fn in t._post_acc_hooks:
            fn(t)


def _has_nan(g):
    return bool((g != g).sum().item())  # noqa: PLR0124  (NaN is the only value unequal to itself)


def _warn_forward_trace(node):
    import warnings
    if node.trace:
        warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n"
                      f"{node.trace}", UserWarning, stacklevel=4)
    else:
        warnings.warn(f"Error detected in {node.name()}. No forward pass information available. Enable detect "
                      "anomaly during forward pass for more information.", UserWarning, stacklevel=4)

"""Whole-model cross-backend comparison: :func:`compare_backends` and its :class:`CompareReport`.

A copy of the model (or a plain function) runs on every chosen backend, in the dtype under test; a further
copy runs on the reference backend (NumPy) in float64.  The report holds, per backend, the largest error of
every output, of the loss, of every gradient and of every parameter after the optimizer steps, and, through
forward hooks on every submodule, the first module whose inputs or output leave the tolerance.

Tolerance: a tensor agrees when ``max|actual - reference| <= atol + rtol * max|reference|``.  The allowed
error scales with the tensor's largest magnitude rather than element by element, because rounding errors of
matrix products, convolutions and reductions scale with the magnitude of the whole computation; an element
that happens to be near zero (a typical gradient entry) would otherwise demand an impossible relative
accuracy.  ``max rel`` in the report is ``max|actual - reference| / max|reference|``.  Integer and boolean
tensors must match exactly.  The defaults depend on the dtype under test (see :data:`DEFAULT_TOLERANCES`).

Randomness: models run in eval mode by default, so dropout is off and batch norm uses its running
statistics.  With ``train=True`` every run is seeded with ``seed`` before each forward; dropout masks then
agree only between backends that draw from the same random stream (e.g. a backend inheriting NumPy's random
kernels) in the same dtype.  The caller's RNG state is left as it was.
"""
from __future__ import annotations

import copy
import functools
import json
import math
from dataclasses import dataclass, field

import ember
import numpy as np

from .comparison import to_numpy

__all__ = ["DEFAULT_TOLERANCES", "BackendResult", "CompareReport", "Entry", "compare_backends"]

# dtype under test -> (rtol, atol); the reference always runs in float64
DEFAULT_TOLERANCES = {
    "float64": (1e-7, 1e-10),
    "float32": (1e-4, 1e-5),
    "float16": (1e-2, 1e-3),
    "bfloat16": (5e-2, 1e-2),
}


@dataclass
class Entry:
    """One compared tensor.  ``kind`` is output, loss, grad, param (after the optimizer steps), module input
    or module output; ``allowed`` is ``atol + rtol * max|reference|``; ``note`` says why a tensor could not be
    compared (missing gradient, shape mismatch)."""

    kind: str
    name: str
    shape: tuple
    max_abs: float
    max_rel: float
    allowed: float
    ok: bool
    note: str = ""

    def to_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "shape": list(self.shape), "max_abs": _json_float(self.max_abs),
                "max_rel": _json_float(self.max_rel), "allowed": _json_float(self.allowed), "ok": self.ok,
                "note": self.note}

    @classmethod
    def from_dict(cls, d: dict) -> Entry:
        return cls(d["kind"], d["name"], tuple(d["shape"]), float(d["max_abs"]), float(d["max_rel"]),
                   float(d["allowed"]), bool(d["ok"]), d.get("note", ""))


@dataclass
class BackendResult:
    """What one backend computed, compared with the reference.

    ``entries``: outputs, loss(es), gradients and parameters after the steps; ``activations``: every module
    input and output in execution order (models only); ``first_divergence``: the first activation beyond
    tolerance as a dict (module, type, at = "input" | "output", max_abs, allowed, after = the last module
    whose output matched), or None; ``error``: the exception the run raised, if it failed.
    """

    backend: str
    entries: list = field(default_factory=list)
    activations: list = field(default_factory=list)
    first_divergence: dict | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and all(e.ok for e in self.entries) and self.first_divergence is None

    def to_dict(self) -> dict:
        fd = None if self.first_divergence is None else {
            k: (_json_float(v) if isinstance(v, float) else v) for k, v in self.first_divergence.items()}
        return {"backend": self.backend, "ok": self.ok, "error": self.error,
                "entries": [e.to_dict() for e in self.entries],
                "activations": [e.to_dict() for e in self.activations], "first_divergence": fd}

    @classmethod
    def from_dict(cls, d: dict) -> BackendResult:
        fd = d["first_divergence"]
        if fd is not None:
            fd = {k: (float(v) if k in ("max_abs", "allowed") else v) for k, v in fd.items()}
        return cls(d["backend"], [Entry.from_dict(e) for e in d["entries"]],
                   [Entry.from_dict(e) for e in d["activations"]], fd, d["error"])


@dataclass
class CompareReport:
    """The result of :func:`compare_backends`: ``str(report)`` is a table, ``to_dict()``/``to_json()`` the data.

    ``results`` maps each compared backend to its :class:`BackendResult`; ``skipped`` maps backends left out
    to the reason (a dtype they do not support); ``ok`` is True when every compared backend agrees.
    """

    model: str
    reference: str
    dtype: str
    rtol: float
    atol: float
    backward: bool
    steps: int
    results: dict = field(default_factory=dict)
    skipped: dict = field(default_factory=dict)
    reference_dtype: str = "float64"

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results.values())

    @property
    def diverged(self) -> list:
        """Names of the backends that disagree with the reference (or failed to run)."""
        return [name for name, r in self.results.items() if not r.ok]

    def to_dict(self) -> dict:
        """Plain JSON-compatible data (non-finite errors as the strings "inf"/"nan")."""
        return {"model": self.model, "reference": self.reference, "reference_dtype": self.reference_dtype,
                "dtype": self.dtype, "rtol": self.rtol, "atol": self.atol, "backward": self.backward,
                "steps": self.steps, "ok": self.ok,
                "results": {name: r.to_dict() for name, r in self.results.items()}, "skipped": dict(self.skipped)}

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, d: dict) -> CompareReport:
        return cls(d["model"], d["reference"], d["dtype"], d["rtol"], d["atol"], d["backward"], d["steps"],
                   {name: BackendResult.from_dict(r) for name, r in d["results"].items()}, dict(d["skipped"]),
                   d["reference_dtype"])

    @classmethod
    def from_json(cls, text: str) -> CompareReport:
        return cls.from_dict(json.loads(text))

    def __str__(self) -> str:
        return _render(self)


def compare_backends(model_or_fn, inputs, backends=None, *, backward: bool = True, steps: int = 0,
                     rtol: float | None = None, atol: float | None = None, reference: str = "numpy",
                     dtype=None, optimizer=None, loss_fn=None, train: bool = False, seed: int = 0) -> CompareReport:
    """Run a model (or function) on several backends and compare everything with a float64 reference.

    model_or_fn: an ``nn.Module`` (deep-copied per backend: the original is not touched) or a function
        ``fn(*inputs)`` without parameters.
    inputs:      a tensor or a sequence of tensors (other values are passed unchanged); floating-point ones are
        cast to the dtype under test, and to float64 for the reference.
    backends:    backend names (default: every available one, the reference included; those that do not
        support the dtype are listed in ``report.skipped``).
    backward:    also compare the gradients of the loss w.r.t. the parameters and floating-point inputs.
    steps:       optimizer steps to run after the first backward; the parameters after the last step and
        the loss before each step and after the last are compared.
    rtol, atol:  tolerance (both or neither; default from :data:`DEFAULT_TOLERANCES` by dtype under test).
    reference:   the backend that runs the float64 reference.
    dtype:       the dtype under test (default: the model's floating-point parameters', else the first
        floating-point input's, else the default dtype).
    optimizer:   ``optimizer(params) -> Optimizer`` (default ``SGD(params, lr=0.01)``).  Adaptive optimizers
        (Adam) turn the rounding noise of a gradient that is zero in exact arithmetic into a full step, so
        such parameters can differ after a step even between correct backends.
    loss_fn:     ``loss_fn(output) -> scalar tensor`` (default: the sum of every floating-point output).
    train:       run in training mode (see the module docstring on randomness); seed: the seed for it.

    >>> import ember
    >>> model = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.ReLU())
    >>> report = compare_backends(model, ember.randn(2, 4), backends=["numpy"])
    >>> report.ok
    True
    """
    inputs = _check_args(model_or_fn, inputs, backward, steps, optimizer, loss_fn)
    under_test = _dtype_under_test(model_or_fn, inputs, dtype)
    rtol, atol = _tolerances(under_test, rtol, atol)
    names, skipped = _select_backends(backends, under_test, reference)
    is_module = isinstance(model_or_fn, ember.nn.Module)
    report = CompareReport(_describe(model_or_fn), reference, _dtype_name(under_test), rtol, atol, backward, steps,
                           skipped=skipped)
    options = {"backward": backward, "steps": steps, "optimizer": optimizer or _default_optimizer,
               "loss_fn": loss_fn or _default_loss, "train": train, "seed": seed}
    with ember.random.fork_rng():
        events = []
        try:
            expected = _run(model_or_fn, inputs, reference, ember.float64,
                            record=lambda *event: events.append(event), **options)
        except Exception as e:  # the model cannot run these inputs at all: the caller's error, with context
            shapes = ", ".join(str(tuple(x.shape)) for x in inputs if isinstance(x, ember.Tensor)) or "none"
            raise _with_context(e, f"compare_backends: the reference run ({reference}, float64) of "
                                   f"{report.model} failed on inputs of shapes {shapes}: ") from e
        reference_events = {(key, at): (module_type, arrays) for key, at, module_type, arrays in events}
        for name in names:
            result = BackendResult(name)
            on_event = functools.partial(_compare_event, reference_events, result.activations, rtol, atol)
            try:
                actual = _run(model_or_fn, inputs, name, under_test, record=on_event if is_module else None,
                              **options)
            except Exception as e:  # noqa: BLE001 - a backend that cannot run the model is a finding
                result.error = f"{type(e).__name__}: {e}"
            else:
                result.entries = _compare_runs(actual, expected, rtol, atol)
            result.first_divergence = _first_divergence(result.activations)
            report.results[name] = result
    return report


# ------------------------------------------------------------------------------------------- arguments

def _check_args(model_or_fn, inputs, backward, steps, optimizer, loss_fn) -> tuple:
    if not callable(model_or_fn):
        raise TypeError(f"compare_backends(): model_or_fn must be an nn.Module or a callable, received "
                        f"{type(model_or_fn).__name__}")
    if isinstance(inputs, ember.Tensor):
        inputs = (inputs,)
    elif isinstance(inputs, (tuple, list)):
        inputs = tuple(inputs)
    else:
        raise TypeError(f"compare_backends(): inputs must be a tensor or a tuple/list of them, received "
                        f"{type(inputs).__name__}")
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 0:
        raise ValueError(f"compare_backends(): steps must be a non-negative int, received {steps!r}")
    if steps and not backward:
        raise ValueError(f"compare_backends(): steps={steps} needs gradients; received backward=False")
    if steps and not (isinstance(model_or_fn, ember.nn.Module) and any(True for _ in model_or_fn.parameters())):
        raise ValueError(f"compare_backends(): steps={steps} needs a model with parameters; received "
                         f"{_describe(model_or_fn)}")
    for arg, value in (("optimizer", optimizer), ("loss_fn", loss_fn)):
        if value is not None and not callable(value):
            raise TypeError(f"compare_backends(): {arg} must be callable, received {type(value).__name__}")
    return inputs


def _dtype_under_test(model_or_fn, inputs, dtype):
    if dtype is not None:
        resolved = getattr(ember, dtype, None) if isinstance(dtype, str) else dtype  # "float32" -> ember.float32
        if not isinstance(resolved, ember.dtype) or not resolved.is_floating_point:
            raise TypeError(f"compare_backends(): dtype must be a floating-point ember.dtype, received {dtype!r}")
        return resolved
    tensors = []
    if isinstance(model_or_fn, ember.nn.Module):
        tensors = list(model_or_fn.parameters()) + list(model_or_fn.buffers())
    tensors += [x for x in inputs if isinstance(x, ember.Tensor)]
    return next((t.dtype for t in tensors if t.is_floating_point()), ember.get_default_dtype())


def _tolerances(dtype, rtol, atol) -> tuple:
    if (rtol is None) != (atol is None):
        raise ValueError(f"compare_backends(): pass both rtol and atol or neither; received rtol={rtol}, atol={atol}")
    if rtol is None:
        return DEFAULT_TOLERANCES.get(_dtype_name(dtype), DEFAULT_TOLERANCES["float32"])
    if not (rtol >= 0 and atol >= 0):
        raise ValueError(f"compare_backends(): rtol and atol must be non-negative, received rtol={rtol}, atol={atol}")
    return float(rtol), float(atol)


def _select_backends(backends, dtype, reference) -> tuple:
    """(names to compare, {skipped name: reason}); unknown or unavailable names raise from get_backend."""
    dtype_name = _dtype_name(dtype)
    if isinstance(backends, str):
        backends = [backends]
    explicit = backends is not None
    names = list(backends) if explicit else ember.backends.available_backends()
    if explicit and not names:
        raise ValueError("compare_backends(): backends is empty; name at least one backend or pass None for all")
    for name in [reference, *names]:
        if not isinstance(name, str):
            raise TypeError(f"compare_backends(): backend names must be strings, received {name!r}")
        ember.backends.get_backend(name)
    if "float64" not in ember.backends.get_backend(reference).spec.dtypes:
        raise ValueError(f"compare_backends(): the reference backend {reference!r} does not support float64")
    selected, skipped = [], {}
    for name in dict.fromkeys(names):
        if dtype_name in ember.backends.get_backend(name).spec.dtypes:
            selected.append(name)
        elif explicit:
            raise ValueError(f"compare_backends(): backend {name!r} does not support the dtype under test, "
                             f"{dtype_name}")
        else:
            skipped[name] = f"does not support {dtype_name}"
    return selected, skipped


def _dtype_name(dtype) -> str:
    return str(dtype).replace("ember.", "")


def _describe(model_or_fn) -> str:
    return type(model_or_fn).__name__ if isinstance(model_or_fn, ember.nn.Module) else \
        getattr(model_or_fn, "__qualname__", type(model_or_fn).__name__)


def _with_context(error: Exception, prefix: str) -> Exception:
    """``error``'s type with ``prefix`` before its message (the original if that type cannot be rebuilt)."""
    try:
        return type(error)(prefix + str(error))
    except Exception:  # noqa: BLE001 - an exception type with a custom constructor
        return error


def _default_optimizer(params):
    return ember.optim.SGD(params, lr=0.01)


def _default_loss(output):
    floats = [t for _, t in _flatten(output) if t.is_floating_point()]
    if not floats:
        raise ValueError("compare_backends(): the output has no floating-point tensor to differentiate; pass "
                         "backward=False or a loss_fn")
    return functools.reduce(lambda a, b: a + b, (t.sum() for t in floats))


# ------------------------------------------------------------------------------------------------- runs

def _run(model_or_fn, inputs, device, dtype, *, record, backward, steps, optimizer, loss_fn, train, seed) -> dict:
    """Run one copy on ``device`` in ``dtype``; returns its outputs, losses, gradients and final parameters
    as float64 NumPy arrays.  ``record(key, at, module type, arrays)`` sees every module input/output of the
    first forward."""
    module = None
    fn = model_or_fn
    if isinstance(model_or_fn, ember.nn.Module):
        module = copy.deepcopy(model_or_fn)
        for p in module.parameters():
            p.grad = None
        module.to(device, dtype).train(train)
        fn = module
    args = [_move(x, device, dtype, backward) for x in inputs]

    def forward():
        ember.manual_seed(seed)
        return fn(*args)

    hooks = _install_hooks(module, record) if module is not None and record is not None else []
    try:
        output = forward()
    finally:
        for h in hooks:
            h.remove()
    out = {"output": [(name, _array(t)) for name, t in _flatten(output)], "loss": [], "grad": [], "param": []}
    if not backward:
        return out
    loss = loss_fn(output)
    loss.backward()
    out["loss"].append(("loss", _array(loss)))
    params = list(module.named_parameters()) if module is not None else []
    out["grad"] = [(name, None if p.grad is None else _array(p.grad)) for name, p in params]
    out["grad"] += [(f"input[{i}]", _array(x.grad)) for i, x in enumerate(args)
                    if isinstance(x, ember.Tensor) and x.requires_grad and x.grad is not None]
    if steps:
        opt = optimizer([p for _, p in params])
        for step in range(1, steps + 1):
            opt.step()
            opt.zero_grad()
            if step < steps:
                loss = loss_fn(forward())
                loss.backward()
            else:
                with ember.no_grad():
                    loss = loss_fn(forward())
            out["loss"].append((f"after step {step}", _array(loss)))
        out["param"] = [(f"{name} after step {steps}", _array(p)) for name, p in params]
    return out


def _move(x, device, dtype, requires_grad):
    if not isinstance(x, ember.Tensor):
        return x
    if not x.is_floating_point():
        return x.detach().to(device).clone()
    # a copy even when nothing changes: an in-place op in the model must not reach the caller's tensor
    return x.detach().to(device, dtype).clone().requires_grad_(requires_grad)


def _flatten(value, prefix=""):
    """[(path, tensor)] of the tensors in a (nested) tuple/list/dict output, e.g. ``[0]``, ``[1][0]``."""
    if isinstance(value, ember.Tensor):
        return [(prefix or "output", value)]
    if isinstance(value, (tuple, list)):
        return [item for i, v in enumerate(value) for item in _flatten(v, f"{prefix or 'output'}[{i}]")]
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in _flatten(v, f"{prefix or 'output'}[{k!r}]")]
    return []


def _array(t) -> np.ndarray:
    a = to_numpy(t)
    return a if a.dtype.kind in "biu" else a.astype(np.float64)


def _install_hooks(module, record) -> list:
    """Forward pre-hooks and hooks on every submodule, calling ``record(key, at, type, arrays)``; the key
    is the module's name (``(model)`` for the root), with ``#n`` for its n-th call after the first."""
    calls, stack, handles = {}, [], []

    def pre(name, mod, args):
        calls[name] = calls.get(name, 0) + 1
        key = (name or "(model)") + (f"#{calls[name]}" if calls[name] > 1 else "")
        stack.append(key)
        record(key, "input", type(mod).__name__, [_array(t) for _, t in _flatten(args)])

    def post(name, mod, args, output):
        record(stack.pop(), "output", type(mod).__name__, [_array(t) for _, t in _flatten(output)])

    for name, mod in module.named_modules():
        handles.append(mod.register_forward_pre_hook(functools.partial(pre, name)))
        handles.append(mod.register_forward_hook(functools.partial(post, name)))
    return handles


# ---------------------------------------------------------------------------------------------- compare

def _compare(kind, name, actual, expected, rtol, atol) -> Entry:
    if expected is None and actual is None:
        return Entry(kind, name, (), 0.0, 0.0, 0.0, True, "no gradient in either run")
    if actual is None or expected is None:
        which = "this backend" if actual is None else "the reference"
        shape = tuple((expected if actual is None else actual).shape)
        return Entry(kind, name, shape, math.inf, math.inf, 0.0, False, f"no gradient on {which}")
    if actual.shape != expected.shape:
        return Entry(kind, name, tuple(expected.shape), math.inf, math.inf, 0.0, False,
                     f"shape {tuple(actual.shape)}, reference {tuple(expected.shape)}")
    exact = expected.dtype.kind in "biu" or actual.dtype.kind in "biu"
    a, e = actual.astype(np.float64), expected.astype(np.float64)
    if a.size == 0:
        return Entry(kind, name, tuple(e.shape), 0.0, 0.0, 0.0, True)
    same = (a == e) | (np.isnan(a) & np.isnan(e))  # equal infinities and NaN against NaN agree
    diff = np.where(same, 0.0, np.abs(a - e))
    diff = np.where(np.isnan(diff), np.inf, diff)
    finite = np.abs(e[np.isfinite(e)])
    scale = float(finite.max()) if finite.size else 0.0
    max_abs = float(diff.max())
    max_rel = max_abs / scale if scale > 0 else (0.0 if max_abs == 0 else math.inf)
    allowed = 0.0 if exact else atol + rtol * scale
    return Entry(kind, name, tuple(e.shape), max_abs, max_rel, allowed, max_abs <= allowed)


def _compare_runs(actual: dict, expected: dict, rtol, atol) -> list:
    entries = []
    for kind in ("output", "loss", "grad", "param"):
        got = dict(actual[kind])
        for name, ref in expected[kind]:
            if name in got:
                entries.append(_compare(kind, name, got.pop(name), ref, rtol, atol))
            else:
                entries.append(Entry(kind, name, tuple(ref.shape), math.inf, math.inf, 0.0, False,
                                     "missing on this backend"))
        for name, arr in got.items():
            entries.append(Entry(kind, name, tuple(arr.shape), math.inf, math.inf, 0.0, False,
                                 "missing on the reference"))
    return entries


def _compare_event(reference_events, entries, rtol, atol, key, at, module_type, arrays):
    label = f"{key} ({module_type})"
    ref = reference_events.get((key, at))
    if ref is None:
        entries.append(Entry(f"module {at}", label, (), math.inf, math.inf, 0.0, False, "not called on the reference"))
        return
    ref_arrays = ref[1]
    if len(arrays) != len(ref_arrays):
        entries.append(Entry(f"module {at}", label, (), math.inf, math.inf, 0.0, False,
                             f"{len(arrays)} tensors, reference {len(ref_arrays)}"))
        return
    parts = [_compare(f"module {at}", label, a, e, rtol, atol) for a, e in zip(arrays, ref_arrays)]
    if not parts:
        entries.append(Entry(f"module {at}", label, (), 0.0, 0.0, 0.0, True, "no tensors"))
        return
    worst = max(parts, key=lambda p: (not p.ok, p.max_abs - p.allowed))
    entries.append(worst if len(parts) == 1 else Entry(
        worst.kind, label, worst.shape, worst.max_abs, worst.max_rel, worst.allowed, all(p.ok for p in parts),
        f"worst of {len(parts)} tensors"))


def _first_divergence(activations: list) -> dict | None:
    last_matched = None
    for e in activations:
        if not e.ok:
            key, _, module_type = e.name.rpartition(" (")
            return {"module": key, "type": module_type.rstrip(")"), "at": e.kind.split()[1],
                    "max_abs": e.max_abs, "allowed": e.allowed, "after": last_matched, "note": e.note}
        if e.kind == "module output":
            last_matched = e.name.rpartition(" (")[0]
    return None


# ---------------------------------------------------------------------------------------------- render

def _json_float(x: float):
    return x if math.isfinite(x) else str(x)


def _fmt(x: float) -> str:
    return f"{x:.2e}" if math.isfinite(x) else str(x)


def _divergence_line(fd: dict) -> str:
    where = f"{fd['at']} of module {fd['module']!r} ({fd['type']})"
    how = fd["note"] or f"max abs {_fmt(fd['max_abs'])} > allowed {_fmt(fd['allowed'])}"
    if fd["at"] == "output":
        return (f"first divergence: {where}, {how}; its inputs (and any submodule outputs) match, so the "
                f"difference arises in its forward")
    after = f"after {fd['after']!r} " if fd["after"] else ""
    return (f"first divergence: {where}, {how}; every module before it matched, so the difference arises in "
            f"code {after}outside any submodule (e.g. a functional call in the parent's forward)")


def _render(report: CompareReport) -> str:
    lines = [(f"compare_backends: {report.model}; reference {report.reference} {report.reference_dtype}, under test "
             f"{report.dtype} (agree when max abs error <= atol {report.atol:g} + rtol {report.rtol:g} * "
             f"max|reference|)")]
    rows = [("backend", "quantity", "shape", "max abs", "max rel", "allowed", "status")]
    notes = []
    for name, r in report.results.items():
        if r.error is not None:
            notes.append(f"{name}: failed to run: {r.error}")
            continue
        for e in r.entries:
            status = ("ok" if e.ok else "DIVERGES") + (f" ({e.note})" if e.note else "")
            quantity = e.name if e.name.startswith(e.kind) else f"{e.kind} {e.name}"
            rows.append((name, quantity, str(e.shape), _fmt(e.max_abs), _fmt(e.max_rel), _fmt(e.allowed), status))
        if r.first_divergence is not None:
            notes.append(f"{name}: {_divergence_line(r.first_divergence)}")
        elif r.activations:
            notes.append(f"{name}: all {len(r.activations)} module inputs/outputs agree" +
                         ("" if r.ok else "; the difference arises in the backward pass or the optimizer step"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines += notes
    lines += [f"{name}: skipped: {why}" for name, why in report.skipped.items()]
    agree = [n for n, r in report.results.items() if r.ok]
    lines.append(f"summary: {len(agree)} of {len(report.results)} backends agree with the reference"
                 + (f"; diverging: {', '.join(report.diverged)}" if report.diverged else ""))
    return "\n".join(lines)

"""The torch.* module paths scripts import exist under ember.* with torch's names and meaning.

torch is imported lazily (the ``torch`` fixture) so that processes spawned by the multiprocessing tests,
which import this module to find their target, start quickly.
"""
from __future__ import annotations

import collections
import hashlib
import json
import os
import textwrap
import typing
import warnings

import ember
import ember.nn as nn
import pytest

PATHS = ["onnx", "jit", "hub", "multiprocessing", "profiler", "utils.checkpoint", "special", "cuda.amp",
         "backends.mkldnn", "backends.openmp", "backends.mkl", "version", "utils.hooks", "nn.attention",
         "autograd.profiler", "utils._pytree", "types"]


@pytest.fixture(scope="module")
def torch():
    import torch
    return torch


def test_torch_spellings_import_through_compat(run_python, tmp_path):
    script = tmp_path / "prog.py"
    script.write_text("\n".join(f"import torch.{p}" for p in PATHS) + textwrap.dedent("""
        import sys
        from torch.utils.checkpoint import checkpoint
        from torch.profiler import profile, record_function, ProfilerActivity
        from torch.nn.attention import SDPBackend, sdpa_kernel
        print(torch.jit.is_scripting(), torch.onnx.is_in_onnx_export(), torch.version.cuda,
              all(m.__name__.startswith("ember") for n, m in sys.modules.items() if n.startswith("torch")))
    """))
    r = run_python(None, args=["-m", "ember.compat", str(script)])
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "False", "None", "True"]


def test_tensorboard_needs_the_tensorboard_package(run_python):
    # Without tensorboard the import fails as in torch; with it, SummaryWriter writes readable scalars.
    code = textwrap.dedent("""
        import importlib.util, os, sys, tempfile
        if importlib.util.find_spec("tensorboard") is None:
            try:
                import ember.utils.tensorboard
            except ModuleNotFoundError as e:
                print("missing", e)
        else:
            import ember
            from ember.utils.tensorboard import SummaryWriter
            from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
            d = tempfile.mkdtemp()
            with SummaryWriter(d) as w:
                for i in range(3):
                    w.add_scalar("loss", ember.tensor(1.0 / (i + 1)), i)
            acc = EventAccumulator(d)
            acc.Reload()
            print("written", [round(s.value, 3) for s in acc.Scalars("loss")])
    """)
    r = run_python(code)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() in ("missing No module named 'tensorboard'", "written [1.0, 0.5, 0.333]")


def test_version_and_types(torch):
    import ember.types as et
    import ember.version as ev
    assert ev.__version__ == ember.__version__ and ev.debug is False
    assert ev.cuda is None and ev.hip is None and isinstance(ev.git_version, str)
    assert set(torch.types.__all__) <= set(dir(et))
    assert isinstance(2.5, et._Number) and typing.get_args(et.Number) == (int, float, bool)
    assert ember.device in typing.get_args(et.Device)


# --- jit / onnx ----------------------------------------------------------------------------------------

def test_jit_runs_eagerly():
    import ember.jit as jit

    def f(x):
        return x * 2 if x.sum() > 0 else -x  # data-dependent control flow keeps working (no trace)

    m = nn.Linear(2, 2)
    assert jit.script(f) is f and jit.trace(f, (ember.ones(2),)) is f and jit.script(m) is m
    assert jit.trace_module(m, {"forward": ember.ones(1, 2)}) is m
    assert jit.is_scripting() is False and jit.is_tracing() is False
    assert jit.ignore(f) is f and jit.ignore(drop=True)(f) is f and jit.unused(f) is f and jit.export(f) is f
    assert jit.annotate(list[int], [1]) == [1] and jit.Attribute(3, int) == 3 and jit.Final is typing.Final
    assert jit.wait(jit.fork(f, ember.tensor([-1.0]))).tolist() == [1.0]
    assert issubclass(jit.ScriptModule, nn.Module)
    with pytest.raises(RuntimeError, match="eval mode"):
        jit.freeze(m)
    assert jit.freeze(m.eval()) is m


def test_jit_isinstance_matches_torch(torch):
    import ember.jit as jit
    cases = [([1, 2], list[int]), ([1, "a"], list[int]), ({"a": 1}, dict[str, int]),
             ({"a": "b"}, dict[str, int]), (None, typing.Optional[int]), ((1, "a"), tuple[int, str]),
             ((1, 2), tuple[int, str]), (3, int), (["a"], typing.List[str])]  # noqa: UP006
    for obj, target in cases:
        assert jit.isinstance(obj, target) == torch.jit.isinstance(obj, target), (obj, target)


def test_jit_serialization_names_the_alternative(tmp_path):
    import ember.jit as jit
    with pytest.raises(NotImplementedError, match=r"ember\.save\(model\.state_dict\(\), f\)"):
        jit.save(nn.Linear(1, 1), tmp_path / "m.pt")
    with pytest.raises(NotImplementedError, match=r"ember\.load\(f\)"):
        jit.load(tmp_path / "m.pt")


def test_onnx_export_fails_clearly():
    import ember.onnx as onnx
    assert onnx.is_in_onnx_export() is False
    with pytest.raises(onnx.OnnxExporterError, match="ONNX export is not supported by ember .*Linear"):
        onnx.export(nn.Linear(2, 2), (ember.ones(1, 2),), "m.onnx")
    assert issubclass(onnx.OnnxExporterError, RuntimeError)


# --- hub -------------------------------------------------------------------------------------------------

def _checkpoint_file(tmp_path):
    src = tmp_path / "src.pth"
    ember.save({"w": ember.arange(4.0)}, src)
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    dst = tmp_path / f"model-{digest[:8]}.pth"
    src.rename(dst)
    return dst, digest


def test_hub_load_state_dict_from_url(tmp_path, capsys):
    import ember.hub as hub
    path, digest = _checkpoint_file(tmp_path)
    state = hub.load_state_dict_from_url(path.as_uri(), model_dir=str(tmp_path / "ckpt"), check_hash=True,
                                         progress=False)
    assert list(state) == ["w"] and state["w"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert (tmp_path / "ckpt" / path.name).is_file()
    bad = tmp_path / "model-deadbeef.pth"
    path.rename(bad)
    with pytest.raises(RuntimeError, match=f'invalid hash value \\(expected "deadbeef", got "{digest}"\\)'):
        hub.load_state_dict_from_url(bad.as_uri(), model_dir=str(tmp_path / "ckpt"), check_hash=True)
    assert sorted(os.listdir(tmp_path / "ckpt")) == [path.name]  # no partial file left behind


def test_hub_dir_and_local_hubconf(tmp_path, monkeypatch):
    import ember.hub as hub
    monkeypatch.setattr(hub, "_hub_dir", [None])
    monkeypatch.delenv("EMBER_HOME", raising=False)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    assert hub.get_dir() == str(tmp_path / "th" / "hub")
    hub.set_dir(tmp_path / "h")
    assert hub.get_dir() == str(tmp_path / "h")
    (tmp_path / "hubconf.py").write_text("dependencies = ['torch']\nimport ember\n\n"
                                         "def lin(n=2):\n    return ember.nn.Linear(n, n)\n")
    m = hub.load(str(tmp_path), "lin", 3, source="local")
    assert isinstance(m, nn.Linear) and m.in_features == 3
    with pytest.raises(RuntimeError, match="Cannot find callable nope in hubconf"):
        hub.load(str(tmp_path), "nope", source="local")
    with pytest.raises(RuntimeError, match="clone the repository .*source='local'"):
        hub.load("pytorch/vision", "resnet18")
    with pytest.raises(ValueError, match='Unknown source: "svn"'):
        hub.load(str(tmp_path), "lin", source="svn")


# --- multiprocessing --------------------------------------------------------------------------------------

def _write_rank(i, d, value):
    with open(os.path.join(d, f"rank{i}"), "w") as f:
        f.write(str(ember.tensor([value]).mul(i + 1).item()))


def _fail_on_rank_one(i):
    if i == 1:
        raise ValueError(f"rank {i} failed on purpose")


def test_spawn_runs_fn_in_each_process(tmp_path):
    import ember.multiprocessing as mp
    mp.spawn(_write_rank, args=(str(tmp_path), 1.5), nprocs=2)
    assert sorted(p.read_text() for p in tmp_path.iterdir()) == ["1.5", "3.0"]


def test_spawn_reraises_a_child_exception():
    import ember.multiprocessing as mp
    with pytest.raises(mp.ProcessRaisedException, match="(?s)Process 1 terminated.*ValueError: rank 1 failed"):
        mp.spawn(_fail_on_rank_one, nprocs=2)


def test_multiprocessing_reexports_and_sharing_strategies(torch):
    import ember.multiprocessing as mp
    assert mp.Process is __import__("multiprocessing").Process and mp.Queue is not None
    assert set(torch.multiprocessing.__all__) <= set(dir(mp))
    assert mp.get_all_sharing_strategies() == torch.multiprocessing.get_all_sharing_strategies()
    assert mp.get_sharing_strategy() == torch.multiprocessing.get_sharing_strategy()
    mp.set_sharing_strategy("file_system")
    try:
        assert mp.get_sharing_strategy() == "file_system"
    finally:
        mp.set_sharing_strategy("file_descriptor")
    with pytest.raises(AssertionError, match="unknown strategy 'bogus'"):
        mp.set_sharing_strategy("bogus")


# --- profiler ---------------------------------------------------------------------------------------------

def test_profiler_times_ops_and_ranges():
    from ember.backends import default_backend
    from ember.profiler import ProfilerActivity, profile, record_function
    x = ember.randn(16, 16)
    table_before = dict(default_backend().table)
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        with record_function("model_inference"):
            for _ in range(3):
                (x @ x).relu().sum()
    assert default_backend().table == table_before  # the timers are removed when recording stops
    avg = {e.key: e for e in prof.key_averages()}
    assert avg["model_inference"].count == 1 and avg["relu"].count == 3 and avg["sum"].count == 3
    inner = sum(e.cpu_time_total for k, e in avg.items() if k != "model_inference")
    assert avg["model_inference"].self_cpu_time_total == pytest.approx(avg["model_inference"].cpu_time_total - inner)
    assert prof.self_cpu_time_total == pytest.approx(avg["model_inference"].cpu_time_total)
    table = prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=2)
    lines = table.splitlines()
    assert lines[1].split() == ["Name", "Self", "CPU", "%", "Self", "CPU", "CPU", "total", "%", "CPU", "total",
                                "CPU", "time", "avg", "#", "of", "Calls"]
    assert len(lines) == 3 + 2 + 2 and lines[-1].startswith("Self CPU time total:")
    shaped = prof.key_averages(group_by_input_shape=True)
    assert [16, 16] in next(e for e in shaped if e.key == "relu").input_shapes
    with pytest.raises(AttributeError, match="no attribute 'bogus'"):
        prof.key_averages().table(sort_by="bogus")
    with record_function("outside"):  # no profiler: a no-op
        pass


def test_profiler_schedule_matches_torch(torch, tmp_path):
    from ember.profiler import profile, schedule, tensorboard_trace_handler
    kw = dict(wait=1, warmup=1, active=2, repeat=2, skip_first=1)
    ours, theirs = schedule(**kw), torch.profiler.schedule(**kw)
    assert [ours(i).name for i in range(12)] == [theirs(i).name for i in range(12)]
    saved = []
    with profile(schedule=schedule(wait=1, warmup=1, active=2, repeat=1),
                 on_trace_ready=lambda p: saved.append((p.step_num, [e.key for e in p.events()]))) as p:
        for _ in range(6):
            ember.ones(2).exp()
            p.step()
    assert saved == [(4, ["full", "exp", "full", "exp"])]
    with profile(on_trace_ready=tensorboard_trace_handler(str(tmp_path), worker_name="w")):
        ember.ones(2).neg()
    (trace,) = tmp_path.iterdir()
    assert trace.name.startswith("w.") and trace.name.endswith(".pt.trace.json")
    assert {e["name"] for e in json.loads(trace.read_text())["traceEvents"]} == {"full", "neg"}


def test_autograd_profiler_and_nesting():
    import ember.autograd.profiler as ap
    with ap.profile() as prof:
        ember.ones(3).exp()
        with pytest.raises(RuntimeError, match="already enabled"):
            ap.profile().__enter__()
    assert [e.key for e in prof.function_events] == ["full", "exp"]
    with ap.profile(enabled=False) as off:
        ember.ones(3)
    assert len(off.events()) == 0
    with ap.emit_nvtx():
        pass


# --- checkpoint -------------------------------------------------------------------------------------------

def _model():
    ember.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Dropout(0.5), nn.Linear(8, 3))


def test_checkpoint_gradients_and_dropout_rng():
    from ember.utils.checkpoint import checkpoint
    m, x = _model(), ember.randn(5, 4)
    ember.manual_seed(1)
    y0 = m(x)
    y0.square().sum().backward()
    expected = [p.grad.clone() for p in m.parameters()]
    m.zero_grad()
    ember.manual_seed(1)
    y1 = checkpoint(m, x, use_reentrant=False)
    ember.randn(7)  # the RNG moves on before backward: the recomputation must replay the forward's state
    y1.square().sum().backward()
    assert ember.equal(y0, y1)
    assert all(ember.allclose(a, p.grad) for a, p in zip(expected, m.parameters()))
    m.zero_grad()
    ember.manual_seed(1)
    y2 = checkpoint(m, x, use_reentrant=False, preserve_rng_state=False)
    y2.square().sum().backward()  # another dropout mask in the recomputation: different gradients
    assert not all(ember.allclose(a, p.grad) for a, p in zip(expected, m.parameters()))


def test_checkpoint_autograd_grad_input_and_kwargs():
    from ember.utils.checkpoint import checkpoint
    m = _model().eval()
    x = ember.randn(5, 4, requires_grad=True)

    def f(a, scale=1.0):
        return m(a) * scale, a.sum()

    wrt = [x, *m.parameters()]
    expected = ember.autograd.grad(f(x, scale=2.0)[0].sum(), wrt)
    out, s = checkpoint(f, x, use_reentrant=False, scale=2.0)
    assert ember.allclose(s, x.sum())
    got = ember.autograd.grad(out.sum(), wrt)
    assert all(ember.allclose(a, b) for a, b in zip(expected, got))
    assert all(p.grad is None for p in m.parameters())  # autograd.grad does not accumulate into .grad


def test_checkpoint_sequential_and_argument_checks():
    from ember.utils.checkpoint import checkpoint, checkpoint_sequential
    m, x = _model().eval(), ember.randn(3, 4)
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
        y = checkpoint_sequential(m, 2, x)
    assert ember.allclose(y, m(x))
    with pytest.raises(ValueError, match="Unexpected keyword arguments: scale"):
        checkpoint(m, x, use_reentrant=True, scale=2)
    with pytest.raises(ValueError, match="only supported when use_reentrant=False"):
        checkpoint(m, x, use_reentrant=True, debug=True)
    with ember.no_grad():
        assert checkpoint(m, x, use_reentrant=False).grad_fn is None


# --- special ----------------------------------------------------------------------------------------------

SPECIAL_UNARY = ["digamma", "erf", "erfc", "erfinv", "exp2", "expit", "expm1", "gammaln", "i0", "i1", "log1p",
                 "logit", "modified_bessel_i0", "modified_bessel_i1", "ndtr", "psi", "round", "sinc",
                 "spherical_bessel_j0", "entr"]


@pytest.mark.parametrize("name", SPECIAL_UNARY)
def test_special_unary_matches_torch(torch, name):
    import ember.special as es
    vals = [-40.0, -5.0, -1.5, -0.25, 0.0, 1e-8, 0.3, 0.75, 2.0, 7.5, 30.0]
    if name in ("erfinv", "logit"):
        vals = [-0.999, -0.5, 0.0, 0.25, 0.9, 0.999999]
    for dt in ("float32", "float64"):
        got = getattr(es, name)(ember.tensor(vals, dtype=getattr(ember, dt)))
        want = getattr(torch.special, name)(torch.tensor(vals, dtype=getattr(torch, dt)))
        assert got.dtype.is_floating_point and str(got.dtype) == str(want.dtype).replace("torch", "ember")
        tol = dict(rtol=1e-5, atol=1e-6) if dt == "float32" else dict(rtol=1e-10, atol=1e-12)
        assert torch.allclose(torch.tensor(got.tolist(), dtype=want.dtype), want, equal_nan=True, **tol), name
    if name != "round":  # torch.special.round rejects int64 ("round_vml_cpu" not implemented for 'Long')
        ints = getattr(es, name)(ember.tensor([1, 2])).dtype
        assert ints is ember.float32 and getattr(torch.special, name)(torch.tensor([1, 2])).dtype is torch.float32


def test_special_composites_grads_and_errors_match_torch(torch):
    import ember.special as es
    xs = [-1.0, 0.0, 0.5, 2.0, float("nan")]
    a, t = ember.tensor(xs, dtype=ember.float64, requires_grad=True), torch.tensor(xs, dtype=torch.float64,
                                                                                  requires_grad=True)
    es.entr(a).sum().backward()
    torch.special.entr(t).sum().backward()
    assert torch.allclose(torch.tensor(a.grad.tolist(), dtype=torch.float64), t.grad, equal_nan=True)
    x0, y0 = [0.0, 0.0, 1.0, 2.0, float("nan")], [float("nan"), -1.0, 1e-10, 0.5, 1.0]
    ex, ey = (ember.tensor(v, dtype=ember.float64, requires_grad=True) for v in (x0, y0))
    tx, ty = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (x0, y0))
    got, want = es.xlog1py(ex, ey), torch.special.xlog1py(tx, ty)
    assert torch.allclose(torch.tensor(got.tolist(), dtype=torch.float64), want, equal_nan=True)
    got.sum().backward()
    want.sum().backward()
    for e, w in ((ex, tx), (ey, ty)):
        assert torch.allclose(torch.tensor(e.grad.tolist(), dtype=torch.float64), w.grad, equal_nan=True)
    assert es.xlog1py(2, ember.tensor([1.0])).tolist() == pytest.approx(torch.special.xlog1py(2, torch.tensor(
        [1.0])).tolist())
    assert es.multigammaln(ember.tensor([2.5, 3.0]), 3).tolist() == pytest.approx(
        torch.special.multigammaln(torch.tensor([2.5, 3.0]), 3).tolist(), rel=1e-6)
    with pytest.raises(RuntimeError, match="p has to be greater than or equal to 1"):
        es.multigammaln(ember.tensor([2.0]), 0)
    with pytest.raises(TypeError, match=r"special_entr\(\): argument 'input' \(position 1\) must be Tensor"):
        es.entr(1.0)
    with pytest.raises(TypeError, match=r"special_xlog1py\(\) received an invalid combination"):
        es.xlog1py(1, 2)
    s = ember.tensor([[1.0, 2.0, 3.0]])
    assert ember.allclose(es.softmax(s, 1), ember.softmax(s, 1)) and ember.allclose(es.logsumexp(s, 1),
                                                                                     ember.logsumexp(s, 1))


# --- cuda.amp, backends, hooks, attention -----------------------------------------------------------------

def test_cuda_amp_deprecated_aliases_warn_like_torch(torch):
    import ember.cuda.amp as ca

    def future_warnings(fn):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            fn()
        return [str(x.message) for x in w if x.category is FutureWarning]

    for name, call in [("autocast", lambda m: m.autocast()), ("GradScaler", lambda m: m.GradScaler()),
                       ("custom_fwd", lambda m: m.custom_fwd(lambda ctx, x: x)),
                       ("custom_bwd", lambda m: m.custom_bwd(lambda ctx, g: g))]:
        assert future_warnings(lambda c=call: c(ca)) == future_warnings(lambda c=call: c(torch.cuda.amp)), name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert isinstance(ca.autocast(), ember.amp.autocast) and isinstance(ca.GradScaler(), ember.amp.GradScaler)
    assert ca.amp_definitely_not_available() is (not ember.cuda.is_available())


def test_backend_switches():
    import ember.backends.mkl as mkl
    import ember.backends.mkldnn as mkldnn
    import ember.backends.openmp as openmp
    from ember.backends import all_backends
    assert mkldnn.is_available() is False and mkl.is_available() is False
    assert openmp.is_available() is any(b.available and b.spec.extra.get("openmp") is True
                                        for b in all_backends().values())
    assert mkldnn.enabled is True
    with mkldnn.flags(enabled=False, deterministic=True):
        assert mkldnn.enabled is False and mkldnn.deterministic is True
    assert mkldnn.enabled is True and mkldnn.deterministic is False
    with mkldnn.verbose(mkldnn.VERBOSE_ON), mkl.verbose(mkl.VERBOSE_ON):
        pass


def test_utils_hooks():
    from ember.nn.modules._hooks import RemovableHandle
    from ember.utils import hooks
    assert hooks.RemovableHandle is RemovableHandle
    m = nn.Linear(1, 1)
    handle = m.register_forward_hook(lambda *a: None)
    assert isinstance(handle, hooks.RemovableHandle)
    t = ember.ones(2, requires_grad=True)
    t.register_hook(lambda g: g)
    with pytest.warns(UserWarning, match="will not be serialized"):
        hooks.warn_if_has_hooks(t)
    u = ember.ones(2, requires_grad=True)
    u.register_hook(hooks.unserializable_hook(lambda g: g))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hooks.warn_if_has_hooks(u)


def test_sdpa_kernel(torch):
    from ember.nn.attention import SDPBackend, sdpa_kernel
    assert {k: v.value for k, v in SDPBackend.__members__.items()} == {
        k: v.value for k, v in torch.nn.attention.SDPBackend.__members__.items()}
    q = ember.randn(1, 2, 3, 4)
    expected = nn.functional.scaled_dot_product_attention(q, q, q)
    with sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.MATH]):
        assert ember.allclose(nn.functional.scaled_dot_product_attention(q, q, q), expected)
    with pytest.raises(AssertionError, match="got str"):
        with sdpa_kernel("flash"):
            pass


# --- _pytree ----------------------------------------------------------------------------------------------

NT = collections.namedtuple("NT", "a b")


def test_pytree_matches_torch(torch):
    import ember.utils._pytree as ep
    import torch.utils._pytree as tp
    tree = {"x": [1, (2, 3)], "y": None, "z": NT(4, {"k": 5}), "w": collections.OrderedDict(q=6),
            "v": collections.deque([7], maxlen=3), "u": collections.defaultdict(list, {"r": 8})}
    for t in (tree, 1, None, [], (1,), {"b": 1, "a": 2}):
        (el, es), (tl, ts) = ep.tree_flatten(t), tp.tree_flatten(t)
        assert el == tl and repr(es) == repr(ts) and (es.num_leaves, es.num_nodes) == (ts.num_leaves, ts.num_nodes)
        assert ep.tree_unflatten(el, es) == t
    assert ep.tree_map(lambda a, b: a + b, [1, (2, 3)], [10, (20, 30)]) == [11, (22, 33)]
    assert ep.tree_map(lambda x, y: [x] + y, [5, 6], [[7, 9], [1, 2]]) == [[5, 7, 9], [6, 1, 2]]
    assert ep.tree_map_only(int, lambda x: -x, [1, "a", (2.0, 3)]) == [-1, "a", (2.0, -3)]
    assert ep.tree_leaves(tree, is_leaf=lambda n: isinstance(n, list)) == tp.tree_leaves(
        tree, is_leaf=lambda n: isinstance(n, list))
    for bad in (lambda m: m.tree_map(lambda a, b: a, [1, 2], [1]), lambda m: m.tree_map(lambda a, b: a, [1], (1,)),
                lambda m: m.tree_map(lambda a, b: a, {"a": 1}, {"b": 1}),
                lambda m: m.tree_unflatten([1], m.tree_structure([1, 2]))):
        with pytest.raises(ValueError) as te:
            bad(tp)
        with pytest.raises(ValueError, match=None) as ee:
            bad(ep)
        assert str(ee.value) == str(te.value)


def test_module_paths_exist_as_attributes(run_python):
    """After a plain ``import ember``, ``ember.jit``, ``ember.utils.checkpoint``... are attributes, as in torch."""
    r = run_python(f"import ember, sys\nmissing = []\nfor p in {PATHS!r}:\n    o = ember\n"
                   "    for a in p.split('.'):\n        o = getattr(o, a, None)\n    if o is None:\n"
                   "        missing.append(p)\nprint(missing, 'ember.utils.tensorboard' in sys.modules)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[0] == "[] False"  # tensorboard is imported only on demand, as in torch


def _add_in_child(t, k):
    t.add_(k)


def test_share_memory_lets_forked_processes_update_the_parent(tmp_path):
    """Hogwild training (pytorch/examples mnist_hogwild): model.share_memory(), then mp.Process workers."""
    mp = ember.multiprocessing.get_context("fork")
    t = ember.zeros(4)
    assert not t.is_shared()
    assert t.share_memory_() is t and t.is_shared()
    procs = [mp.Process(target=_add_in_child, args=(t, i + 1)) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0, 0]
    assert t.tolist() == [3.0] * 4
    m = ember.nn.Linear(3, 2)
    m.share_memory()
    assert all(p.is_shared() for p in m.parameters())
    child = mp.Process(target=_add_in_child, args=(m.weight.data, 1.0))
    before = m.weight.detach().clone()
    child.start()
    child.join(timeout=60)
    assert ember.equal(m.weight.detach(), before + 1)
    with pytest.raises(RuntimeError, match="view of part of another tensor"):
        ember.zeros(4, 3)[1].share_memory_()


def test_pickled_shared_tensor_maps_the_same_memory():
    import pickle
    t = ember.arange(6, dtype=ember.float32).reshape(2, 3).share_memory_()
    for view in (t, t[1], t.t()):
        copy = pickle.loads(pickle.dumps(view))
        assert copy.is_shared() and copy.tolist() == view.tolist() and copy.stride() == view.stride()
    c = pickle.loads(pickle.dumps(t))
    c[0, 0] = 42.0
    assert t[0, 0].item() == 42.0
    p = ember.nn.Parameter(ember.zeros(2)).share_memory_()
    q = pickle.loads(pickle.dumps(p))
    assert isinstance(q, ember.nn.Parameter) and q.requires_grad and q.is_shared()
    with ember.no_grad():
        q.add_(1.0)
    assert p.tolist() == [1.0, 1.0]
    plain = pickle.loads(pickle.dumps(ember.ones(2)))
    assert not plain.is_shared()


def test_testing_loads_on_first_attribute_access(run_python):
    r = run_python("import sys, ember\nassert 'ember.testing' not in sys.modules\n"
                   "ember.testing.assert_close(ember.ones(2), ember.ones(2))\n"
                   "try:\n    ember.testing.assert_close(ember.ones(2), ember.zeros(2))\nexcept AssertionError:\n"
                   "    print('mismatch raised')\n")
    assert r.returncode == 0 and r.stdout.strip() == "mismatch raised", r.stderr[-2000:]

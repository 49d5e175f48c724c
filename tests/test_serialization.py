"""Checkpoints: ember.serialization.save/load against real torch.save/torch.load (weights_only=True),
plus the safetensors format written and read by ember."""
from __future__ import annotations

import collections
import io
import json
import os
import pathlib
import pickle
import struct
import zipfile

import ember
import ember.nn as enn
import numpy as np
import pytest
import torch
from ember import serialization_safetensors as st
from ember.serialization import load, safe_globals, save

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"]


def _torch_values(dtype, shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    td = getattr(torch, dtype)
    if dtype == "bool":
        return torch.rand(shape, generator=g) < 0.5
    if td.is_floating_point:
        return (torch.randn(shape, generator=g, dtype=torch.float64) * 100).to(td)
    lo, hi = (0, 255) if dtype == "uint8" else (-100, 100)
    return torch.randint(lo, hi, shape, generator=g, dtype=td)


def _to_ember(t):
    """A torch tensor's values as an ember tensor of the same dtype (through float64 / int64 host data)."""
    name = str(t.dtype).split(".")[1]
    host = t.detach().to(torch.float64 if t.dtype.is_floating_point else t.dtype).contiguous().numpy()
    return ember.tensor(host).to(getattr(ember, name))


def _same(e, t):
    """ember tensor ``e`` equals torch tensor ``t``: dtype, shape and every value (NaN-free data)."""
    assert str(e.dtype).split(".")[1] == str(t.dtype).split(".")[1]
    assert tuple(e.shape) == tuple(t.shape)
    assert e.tolist() == t.tolist()


SHAPES = [(), (0,), (5,), (3, 4), (2, 0, 3)]


# --- tensors of every dtype, both directions ----------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_ember_to_torch_every_dtype(tmp_path, dtype):
    ref = {f"t{i}": _torch_values(dtype, s, i) for i, s in enumerate(SHAPES)}
    obj = {k: _to_ember(v) for k, v in ref.items()}
    obj["strided"] = _to_ember(_torch_values(dtype, (4, 6), 9)).t()[1:, ::2]
    ref["strided"] = _torch_values(dtype, (4, 6), 9).t()[1:, ::2]
    save(obj, tmp_path / "x.pt")
    got = torch.load(tmp_path / "x.pt", weights_only=True)
    assert set(got) == set(ref)
    for k, want in ref.items():
        assert got[k].dtype == want.dtype and torch.equal(got[k], want), k


@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_to_ember_every_dtype(tmp_path, dtype):
    ref = {f"t{i}": _torch_values(dtype, s, i) for i, s in enumerate(SHAPES)}
    ref["strided"] = _torch_values(dtype, (4, 6), 9).t()[1:, ::2]
    torch.save(ref, tmp_path / "x.pt")
    got = load(tmp_path / "x.pt")
    for k, v in ref.items():
        _same(got[k], v)
    assert got["strided"].stride() == ref["strided"].stride()


def test_special_float_values_bit_exact(tmp_path):
    vals = [float("inf"), -float("inf"), -0.0, 1e-45, 6.1e-5, 65504.0, 3.0e38]
    for name in ("float16", "bfloat16", "float32", "float64"):
        t = torch.tensor(vals, dtype=torch.float64).to(getattr(torch, name))
        torch.save(t, tmp_path / "t.pt")
        e = load(tmp_path / "t.pt")
        save(e, tmp_path / "e.pt")
        back = torch.load(tmp_path / "e.pt", weights_only=True)
        assert torch.equal(back.view(torch.uint8), t.view(torch.uint8)), name
    nan = torch.tensor([float("nan")], dtype=torch.float32)
    torch.save(nan, tmp_path / "n.pt")
    assert np.isnan(load(tmp_path / "n.pt").numpy()).all()


# --- Parameters, containers ---------------------------------------------------------------------

def test_parameters_both_ways(tmp_path):
    p = enn.Parameter(ember.tensor([[1.0, 2.0], [3.0, 4.0]]))
    frozen = enn.Parameter(ember.tensor([5.0]), requires_grad=False)
    save({"p": p, "f": frozen}, tmp_path / "e.pt")
    got = torch.load(tmp_path / "e.pt", weights_only=True)
    assert isinstance(got["p"], torch.nn.Parameter) and got["p"].requires_grad
    assert isinstance(got["f"], torch.nn.Parameter) and not got["f"].requires_grad
    assert got["p"].tolist() == [[1.0, 2.0], [3.0, 4.0]]
    torch.save(got, tmp_path / "t.pt")
    back = load(tmp_path / "t.pt")
    assert isinstance(back["p"], enn.Parameter) and back["p"].requires_grad and back["p"].is_leaf
    assert isinstance(back["f"], enn.Parameter) and not back["f"].requires_grad
    assert back["p"].tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_requires_grad_tensor_round_trip(tmp_path):
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2  # a non-leaf: saved as a leaf requiring grad, like torch
    save([x, y], tmp_path / "e.pt")
    tx, ty = torch.load(tmp_path / "e.pt", weights_only=True)
    assert tx.requires_grad and ty.requires_grad and ty.is_leaf and ty.tolist() == [2.0, 4.0]
    ex, ey = load(tmp_path / "e.pt")
    assert ex.requires_grad and ey.requires_grad and ey.grad_fn is None


def test_nested_containers_both_ways(tmp_path):
    obj = {"a": [1, 2.5, "s", None, True, (3, (4, [5]))], 7: {"x": b"bytes", "y": {1, 2}},
           "size": ember.Size([2, 3]), "dtype": ember.bfloat16, "dev": ember.device("cpu"),
           "t": (ember.ones(2), [ember.zeros(1, dtype=ember.int64)]), "big": 2 ** 70, "neg": -1.5e-300}
    save(obj, tmp_path / "e.pt")
    got = torch.load(tmp_path / "e.pt", weights_only=True)
    assert got["a"] == [1, 2.5, "s", None, True, (3, (4, [5]))]
    assert got[7] == {"x": b"bytes", "y": {1, 2}}
    assert got["size"] == torch.Size([2, 3]) and type(got["size"]) is torch.Size
    assert got["dtype"] is torch.bfloat16 and got["dev"] == torch.device("cpu")
    assert got["t"][0].tolist() == [1.0, 1.0] and got["t"][1][0].dtype == torch.int64
    assert got["big"] == 2 ** 70 and got["neg"] == -1.5e-300
    torch.save(got, tmp_path / "t.pt")
    back = load(tmp_path / "t.pt")
    assert back["a"] == obj["a"] and back[7] == obj[7] and back["big"] == 2 ** 70
    assert type(back["size"]) is ember.Size and back["size"] == (2, 3)
    assert back["dtype"] is ember.bfloat16 and back["dev"] == ember.device("cpu")
    assert back["t"][1][0].dtype is ember.int64


@pytest.mark.parametrize("dtype,name", [(torch.complex64, "complex64"), (torch.uint16, "uint16")])
def test_dtypes_ember_lacks(tmp_path, dtype, name):
    torch.save({"x": torch.ones(2, dtype=dtype)}, tmp_path / "t.pt")
    with pytest.raises(RuntimeError, match=f"ember has no {name} dtype"):
        load(tmp_path / "t.pt")


def test_torch_device_objects_load_without_gpu(tmp_path):
    torch.save({"d": torch.device("cuda", 1)}, tmp_path / "t.pt")
    d = load(tmp_path / "t.pt")["d"]
    assert d.type == "cuda" and d.index == 1


# --- models and optimizers ----------------------------------------------------------------------

def _models():
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                             torch.nn.Flatten(), torch.nn.Linear(4 * 6 * 6, 5))
    em = enn.Sequential(enn.Conv2d(3, 4, 3), enn.BatchNorm2d(4), enn.ReLU(), enn.Flatten(), enn.Linear(4 * 6 * 6, 5))
    with torch.no_grad():  # non-trivial running statistics
        tm[1].running_mean.uniform_(-1, 1)
        tm[1].running_var.uniform_(0.5, 2)
        tm[1].num_batches_tracked.fill_(7)
    return tm.eval(), em.eval()


def test_torch_state_dict_into_ember_model(tmp_path):
    tm, em = _models()
    torch.save(tm.state_dict(), tmp_path / "m.pt")
    sd = load(tmp_path / "m.pt")
    assert isinstance(sd, collections.OrderedDict) and list(sd) == list(tm.state_dict())
    em.load_state_dict(sd)
    x = np.random.default_rng(0).standard_normal((2, 3, 8, 8)).astype(np.float32)
    np.testing.assert_allclose(em(ember.tensor(x)).detach().numpy(), tm(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-4, atol=1e-5)
    assert int(em[1].num_batches_tracked) == 7


def test_ember_state_dict_into_torch_model(tmp_path):
    tm, em = _models()
    save(em.state_dict(), tmp_path / "m.pt")
    sd = torch.load(tmp_path / "m.pt", weights_only=True)
    assert list(sd) == list(tm.state_dict())
    assert sd["1.num_batches_tracked"].dtype == torch.int64 and sd["1.num_batches_tracked"].dim() == 0
    tm.load_state_dict(sd)
    x = np.random.default_rng(1).standard_normal((2, 3, 8, 8)).astype(np.float32)
    np.testing.assert_allclose(tm(torch.from_numpy(x)).detach().numpy(), em(ember.tensor(x)).detach().numpy(),
                               rtol=1e-4, atol=1e-5)


def _train_step(model, opt, x):
    opt.zero_grad()
    model(x).square().sum().backward()
    opt.step()


def test_optimizer_state_dict_both_ways(tmp_path):
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    em = enn.Sequential(enn.Linear(4, 8), enn.Tanh(), enn.Linear(8, 3))
    em.load_state_dict({k: _to_ember(v) for k, v in tm.state_dict().items()})
    x = np.random.default_rng(2).standard_normal((5, 4)).astype(np.float32)
    topt = torch.optim.Adam(tm.parameters(), lr=1e-2, betas=(0.8, 0.95))
    eopt = ember.optim.Adam(em.parameters(), lr=1e-2, betas=(0.8, 0.95))
    _train_step(em, eopt, ember.tensor(x))
    save(eopt.state_dict(), tmp_path / "opt.pt")
    osd = torch.load(tmp_path / "opt.pt", weights_only=True)
    assert sorted(osd["state"]) == [0, 1, 2, 3] and osd["param_groups"][0]["betas"] == (0.8, 0.95)
    assert osd["param_groups"][0]["params"] == [0, 1, 2, 3]
    assert osd["state"][0]["exp_avg"].shape == tm[0].weight.shape
    # torch continues from ember's optimizer state (and ember's weights): one more step agrees
    save(em.state_dict(), tmp_path / "m.pt")
    tm.load_state_dict(torch.load(tmp_path / "m.pt", weights_only=True))
    topt.load_state_dict(osd)
    _train_step(tm, topt, torch.from_numpy(x))
    _train_step(em, eopt, ember.tensor(x))
    for (name, tp), ep in zip(tm.named_parameters(), em.parameters()):
        np.testing.assert_allclose(ep.detach().numpy(), tp.detach().numpy(), rtol=1e-4, atol=1e-6, err_msg=name)
    # and back: torch's optimizer state loads into ember's optimizer
    torch.save(topt.state_dict(), tmp_path / "topt.pt")
    back = load(tmp_path / "topt.pt")
    assert isinstance(back["state"][3]["step"], ember.Tensor)
    eopt.load_state_dict(back)
    np.testing.assert_allclose(eopt.state_dict()["state"][0]["exp_avg_sq"].numpy(),
                               topt.state_dict()["state"][0]["exp_avg_sq"].numpy(), rtol=1e-6)


# --- storage sharing ----------------------------------------------------------------------------

def _records(path):
    return sorted(n.split("/", 1)[1] for n in zipfile.ZipFile(path).namelist() if "/data/" in n)


def test_views_share_one_storage_record(tmp_path):
    base = ember.arange(24.0).reshape(4, 6)
    views = {"base": base, "row": base[1], "col": base[:, 2], "t": base.t(), "block": base[1:3, 2:5],
             "expanded": base[0, :1].expand(3, 4), "flat": base.reshape(-1)[5:]}
    save(views, tmp_path / "v.pt")
    assert _records(tmp_path / "v.pt") == ["data/0"]
    got = torch.load(tmp_path / "v.pt", weights_only=True)
    ptr = got["base"].untyped_storage().data_ptr()
    for k, v in views.items():
        assert got[k].untyped_storage().data_ptr() == ptr, k
        assert got[k].tolist() == v.tolist(), k
        assert got[k].stride() == v.stride() and got[k].storage_offset() == v.storage_offset(), k
    mine = load(tmp_path / "v.pt")  # ember reads the sharing back: a write through one view shows in the base
    mine["col"].mul_(0)
    assert mine["base"][:, 2].tolist() == [0.0] * 4 and mine["t"][2].tolist() == [0.0] * 4


def test_torch_views_load_as_shared_memory(tmp_path):
    base = torch.arange(12.0)
    torch.save({"a": base[2:8].view(2, 3), "b": base.view(3, 4).t(), "c": base}, tmp_path / "t.pt")
    got = load(tmp_path / "t.pt")
    assert got["a"].tolist() == [[2.0, 3.0, 4.0], [5.0, 6.0, 7.0]]
    assert got["b"].tolist() == base.view(3, 4).t().tolist()
    got["c"][3] = -1.0
    assert got["a"][0, 1].item() == -1.0 and got["b"][3, 0].item() == -1.0


def test_unrelated_tensors_and_parameters_of_one_base(tmp_path):
    w = ember.ones(4, 3)
    p = enn.Parameter(w)  # shares w's memory
    save({"w": w, "p": p, "other": ember.zeros(2)}, tmp_path / "x.pt")
    assert _records(tmp_path / "x.pt") == ["data/0", "data/1"]
    got = torch.load(tmp_path / "x.pt", weights_only=True)
    assert got["w"].untyped_storage().data_ptr() == got["p"].untyped_storage().data_ptr()


def test_same_tensor_twice_is_one_object(tmp_path):
    t = ember.ones(3)
    save([t, t], tmp_path / "x.pt")
    a, b = torch.load(tmp_path / "x.pt", weights_only=True)
    assert a is b
    c, d = load(tmp_path / "x.pt")
    assert c is d


# --- map_location -------------------------------------------------------------------------------

@pytest.mark.parametrize("ml", [None, "cpu", ember.device("cpu"), {"cpu": "cpu"}, {"cuda:0": "cpu"},
                                lambda s, loc: s, lambda s, loc: None, lambda s, loc: s.cpu()])
def test_map_location_to_cpu(tmp_path, ml):
    torch.save({"w": torch.arange(4.0)}, tmp_path / "t.pt")
    w = load(tmp_path / "t.pt", map_location=ml)["w"]
    assert w.device == ember.device("cpu") and w.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_map_location_callable_sees_storage_and_location(tmp_path):
    torch.save({"w": torch.arange(4, dtype=torch.int16)}, tmp_path / "t.pt")
    seen = []

    def where(storage, location):
        seen.append((location, storage.dtype, storage.size(), str(storage.device)))
        return storage
    load(tmp_path / "t.pt", map_location=where)
    assert seen == [("cpu", ember.int16, 4, "cpu")]


def test_map_location_to_cuda(tmp_path):
    torch.save({"w": torch.arange(4.0)}, tmp_path / "t.pt")
    if ember.cuda.is_available():
        assert load(tmp_path / "t.pt", map_location="cuda")["w"].device.type == "cuda"
    else:
        with pytest.raises(RuntimeError, match="CUDA device but ember.cuda.is_available"):
            load(tmp_path / "t.pt", map_location={"cpu": "cuda:0"})
        with pytest.raises(RuntimeError, match="CUDA device"):
            load(tmp_path / "t.pt", map_location=lambda s, loc: s.cuda())


def test_map_location_errors(tmp_path):
    torch.save(torch.ones(1), tmp_path / "t.pt")
    with pytest.raises(TypeError, match="map_location"):
        load(tmp_path / "t.pt", map_location=3)
    with pytest.raises(TypeError, match="must return a storage or None"):
        load(tmp_path / "t.pt", map_location=lambda s, loc: "cpu")


# --- safety -------------------------------------------------------------------------------------

def _zip_with_pickle(path, pkl, extra=()):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("archive/data.pkl", pkl)
        zf.writestr("archive/byteorder", b"little")
        for name, data in extra:
            zf.writestr(f"archive/{name}", data)
        zf.writestr("archive/version", b"3\n")


def test_malicious_pickle_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    payload = (b"\x80\x02cos\nsystem\nq\x00X" + struct.pack("<I", len(f"touch {marker}")) +
               f"touch {marker}".encode() + b"\x85R.")
    _zip_with_pickle(tmp_path / "evil.pt", payload)
    with pytest.raises(pickle.UnpicklingError, match=r"(?s)Weights only load failed.*Unsupported global: GLOBAL os.system"):
        load(tmp_path / "evil.pt")
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL os.system"):
        load(tmp_path / "evil.pt", weights_only=True)
    assert not marker.exists()


def test_malicious_reduce_object_saved_by_torch(tmp_path):
    marker = tmp_path / "pwned2"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))
    torch.save({"w": torch.ones(1), "evil": Evil()}, tmp_path / "evil.pt")
    with pytest.raises(pickle.UnpicklingError, match=r"Unsupported global: GLOBAL (posix|os|nt)\.system"):
        load(tmp_path / "evil.pt")
    assert not marker.exists()


def test_out_of_bounds_view_is_refused(tmp_path):
    # a forged checkpoint whose tensor would read past its 2-element storage
    pkl = (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\n"
           b"X\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x02tQK\x00K\x64\x85K\x01\x85\x89c"
           b"collections\nOrderedDict\n)RtR.")
    _zip_with_pickle(tmp_path / "oob.pt", pkl, [("data/0", b"\x00" * 8)])
    with pytest.raises(RuntimeError, match="out of bounds for storage of size 8"):
        load(tmp_path / "oob.pt")


def test_weights_only_false_and_safe_globals(tmp_path):
    import datetime
    torch.save({"when": datetime.date(2020, 1, 2), "w": torch.ones(2)}, tmp_path / "d.pt")
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL datetime.date"):
        load(tmp_path / "d.pt")
    assert load(tmp_path / "d.pt", weights_only=False)["when"] == datetime.date(2020, 1, 2)
    with safe_globals([datetime.date]):
        assert load(tmp_path / "d.pt")["when"] == datetime.date(2020, 1, 2)
    with pytest.raises(pickle.UnpicklingError):
        load(tmp_path / "d.pt")  # the allowance ended with the block
    assert load(tmp_path / "d.pt", pickle_module=pickle)["w"].tolist() == [1.0, 1.0]  # explicit module: permissive
    with pytest.raises(RuntimeError, match="explicit pickle_module"):
        load(tmp_path / "d.pt", pickle_module=pickle, weights_only=True)


def test_full_module_pickle_needs_weights_only_false(tmp_path):
    m = enn.Linear(3, 2)
    save(m, tmp_path / "m.pt")
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global"):
        load(tmp_path / "m.pt")
    back = load(tmp_path / "m.pt", weights_only=False)
    assert isinstance(back, enn.Linear) and back.weight.tolist() == m.weight.tolist()


# --- files, streams, corruption -----------------------------------------------------------------

def test_path_kinds_and_archive_name(tmp_path):
    t = ember.arange(3)
    save(t, str(tmp_path / "model.ckpt.pt"))
    assert zipfile.ZipFile(tmp_path / "model.ckpt.pt").namelist()[0] == "model.ckpt/data.pkl"
    assert load(str(tmp_path / "model.ckpt.pt")).tolist() == [0, 1, 2]
    save(t, pathlib.Path(tmp_path / "p.pt"))
    assert load(pathlib.Path(tmp_path / "p.pt")).tolist() == [0, 1, 2]
    buf = io.BytesIO()
    save(t, buf)
    assert zipfile.ZipFile(io.BytesIO(buf.getvalue())).namelist()[0] == "archive/data.pkl"
    assert torch.load(io.BytesIO(buf.getvalue()), weights_only=True).tolist() == [0, 1, 2]
    buf.seek(0)
    assert load(buf).tolist() == [0, 1, 2]


def test_non_seekable_streams(tmp_path):
    class Pipe(io.RawIOBase):  # write-only / read-only, no seek
        def __init__(self, data=b""):
            self.data, self.pos = bytearray(data), 0

        def writable(self):
            return True

        def readable(self):
            return True

        def write(self, b):
            self.data += bytes(b)
            return len(b)

        def readinto(self, b):
            n = min(len(b), len(self.data) - self.pos)
            b[:n] = self.data[self.pos:self.pos + n]
            self.pos += n
            return n
    out = Pipe()
    save({"x": ember.tensor([1.5, 2.5])}, out)
    assert torch.load(io.BytesIO(bytes(out.data)), weights_only=True)["x"].tolist() == [1.5, 2.5]
    assert load(Pipe(bytes(out.data)))["x"].tolist() == [1.5, 2.5]


def test_records_are_64_byte_aligned(tmp_path):
    save({"a": ember.ones(3), "b": ember.ones(5, dtype=ember.int8), "c": ember.zeros(0)}, tmp_path / "x.pt")
    data = (tmp_path / "x.pt").read_bytes()
    zf = zipfile.ZipFile(tmp_path / "x.pt")
    names = [i.filename.split("/", 1)[1] for i in zf.infolist()]
    assert names[:4] == ["data.pkl", ".format_version", ".storage_alignment", "byteorder"]
    assert names[-2:] == ["version", ".data/serialization_id"]
    for info in zf.infolist():
        n, e = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
        assert (info.header_offset + 30 + n + e) % 64 == 0, info.filename


def test_mmap_load(tmp_path):
    torch.save({"w": torch.arange(6.0).view(2, 3)}, tmp_path / "t.pt")
    w = load(tmp_path / "t.pt", mmap=True)["w"]
    assert w.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    w.add_(1)  # copy-on-write: the file is unchanged
    assert torch.load(tmp_path / "t.pt")["w"].sum().item() == 15.0
    with pytest.raises(ValueError, match="file path in order to use the mmap"):
        load(io.BytesIO((tmp_path / "t.pt").read_bytes()), mmap=True)


def test_big_endian_checkpoint(tmp_path):
    save({"w": ember.tensor([1.0, -2.0, 3.5]), "i": ember.tensor([1, 256], dtype=ember.int16)}, tmp_path / "x.pt")
    src = zipfile.ZipFile(tmp_path / "x.pt")
    with zipfile.ZipFile(tmp_path / "be.pt", "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("byteorder"):
                data = b"big"
            elif info.filename.endswith("data/0"):
                data = np.frombuffer(data, "<f4").astype(">f4").tobytes()
            elif info.filename.endswith("data/1"):
                data = np.frombuffer(data, "<i2").astype(">i2").tobytes()
            out.writestr(info.filename, data)
    got = load(tmp_path / "be.pt")
    assert got["w"].tolist() == [1.0, -2.0, 3.5] and got["i"].tolist() == [1, 256]


def test_corrupt_and_truncated_files(tmp_path):
    save({"w": ember.arange(100.0)}, tmp_path / "ok.pt")
    data = (tmp_path / "ok.pt").read_bytes()
    (tmp_path / "trunc.pt").write_bytes(data[:len(data) // 2])
    with pytest.raises(RuntimeError, match="truncated or corrupted"):
        load(tmp_path / "trunc.pt")
    (tmp_path / "garbage.pt").write_bytes(b"definitely not a checkpoint")
    with pytest.raises(RuntimeError, match="not a PyTorch checkpoint"):
        load(tmp_path / "garbage.pt")
    (tmp_path / "empty.pt").write_bytes(b"")
    with pytest.raises(RuntimeError, match="empty"):
        load(tmp_path / "empty.pt")
    zf = zipfile.ZipFile(tmp_path / "ok.pt")
    info = zf.getinfo("ok/data/0")
    n, e = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    flipped = bytearray(data)
    flipped[info.header_offset + 30 + n + e + 17] ^= 0xFF
    (tmp_path / "flip.pt").write_bytes(bytes(flipped))
    with pytest.raises(RuntimeError, match="CRC-32 mismatch"):
        load(tmp_path / "flip.pt")
    _zip_with_pickle(tmp_path / "short.pt", pickle.dumps([1, 2, 3], protocol=2)[:-3])
    with pytest.raises(pickle.UnpicklingError, match="truncated"):  # a well-formed zip, a cut pickle
        load(tmp_path / "short.pt")
    _zip_with_pickle(tmp_path / "empty_pkl.pt", b"")
    with pytest.raises(RuntimeError, match="data.pkl record .* is corrupted"):
        load(tmp_path / "empty_pkl.pt")
    with zipfile.ZipFile(tmp_path / "nodata.pt", "w") as z:
        z.writestr("archive/version", b"3\n")
    with pytest.raises(RuntimeError, match="no record 'data.pkl'"):
        load(tmp_path / "nodata.pt")


def test_legacy_format(tmp_path):
    torch.save(torch.ones(2), tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="legacy"):
        load(tmp_path / "legacy.pt")
    with pytest.raises(NotImplementedError, match="legacy"):
        save(ember.ones(2), tmp_path / "x.pt", _use_new_zipfile_serialization=False)


def test_save_argument_errors(tmp_path):
    with pytest.raises(RuntimeError, match="Parent directory .* does not exist"):
        save(ember.ones(1), tmp_path / "missing" / "x.pt")
    with pytest.raises(TypeError, match="path .* or a writable binary file"):
        save(ember.ones(1), 3)
    with pytest.raises(TypeError, match="readable binary file"):
        load(3)


def test_pickle_protocol_4(tmp_path):
    save({"w": ember.ones(2)}, tmp_path / "p4.pt", pickle_protocol=4)  # torch's weights_only reader lacks FRAME
    assert torch.load(tmp_path / "p4.pt", weights_only=False)["w"].tolist() == [1.0, 1.0]
    assert load(tmp_path / "p4.pt")["w"].tolist() == [1.0, 1.0]


# --- safetensors --------------------------------------------------------------------------------

def test_safetensors_layout_order():
    # the reference implementation's order: I64, F64, F32, I32, BF16, F16, I16, I8, U8, BOOL, then by name
    names = {"b": "bool", "u": "uint8", "i8": "int8", "h": "int16", "f16": "float16", "bf": "bfloat16",
             "i": "int32", "f": "float32", "d": "float64", "l": "int64", "a_f": "float32"}
    raw = st.save({k: ember.ones(3, dtype=getattr(ember, v)) for k, v in names.items()})
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    by_offset = sorted(header, key=lambda k: header[k]["data_offsets"][0])
    assert by_offset == ["l", "d", "a_f", "f", "i", "bf", "f16", "h", "i8", "u", "b"]


def test_safetensors_byte_layout():
    raw = st.save({"b": ember.tensor([1, 2], dtype=ember.int8), "a": ember.tensor([[1.5, -2.0]])},
                  metadata={"format": "pt"})
    header = (b'{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},'
              b'"b":{"dtype":"I8","shape":[2],"data_offsets":[8,10]}}')
    header += b" " * (-len(header) % 8)
    expected = struct.pack("<Q", len(header)) + header + struct.pack("<2f", 1.5, -2.0) + b"\x01\x02"
    assert raw == expected


@pytest.mark.parametrize("dtype", DTYPES)
def test_safetensors_round_trip(tmp_path, dtype):
    tensors = {f"t{i}": _to_ember(_torch_values(dtype, s, i)) for i, s in enumerate(SHAPES)}
    tensors["strided"] = _to_ember(_torch_values(dtype, (4, 6), 9)).t()
    st.save_file(tensors, tmp_path / "x.safetensors", metadata={"k": "v"})
    got = st.load_file(tmp_path / "x.safetensors")
    assert set(got) == set(tensors)
    for k, v in tensors.items():
        assert got[k].dtype is v.dtype and got[k].shape == v.shape and got[k].tolist() == v.tolist()
    raw = (tmp_path / "x.safetensors").read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    assert n % 8 == 0 and json.loads(raw[8:8 + n])["__metadata__"] == {"k": "v"}
    assert st.load(raw)["strided"].tolist() == tensors["strided"].tolist()


def test_safetensors_aliases_and_errors(tmp_path):
    st.safetensors_save({"w": ember.ones(2)}, tmp_path / "a.safetensors")
    assert st.safetensors_load(tmp_path / "a.safetensors", device="cpu")["w"].tolist() == [1.0, 1.0]
    with pytest.raises(TypeError, match="must be a Tensor"):
        st.save({"w": [1.0]})
    with pytest.raises(TypeError, match="metadata must be a dict of str to str"):
        st.save({"w": ember.ones(1)}, metadata={"n": 1})
    good = st.save({"w": ember.ones(2)})
    with pytest.raises(RuntimeError, match="too short"):
        st.load(good[:5])
    with pytest.raises(RuntimeError, match="runs past the end"):
        st.load(struct.pack("<Q", 10 ** 6) + good[8:])
    with pytest.raises(RuntimeError, match="covers? .* bytes|cover"):
        st.load(good + b"\x00" * 4)
    bad = json.dumps({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}).encode()
    with pytest.raises(RuntimeError, match="needs 12 bytes"):
        st.load(struct.pack("<Q", len(bad)) + bad + b"\x00" * 8)
    bad = json.dumps({"w": {"dtype": "C64", "shape": [1], "data_offsets": [0, 8]}}).encode()
    with pytest.raises(RuntimeError, match="malformed entry"):
        st.load(struct.pack("<Q", len(bad)) + bad + b"\x00" * 8)

"""ember.safetensors against the reference ``safetensors`` package and PyTorch tensors, both directions."""
import safetensors.torch
import torch

import ember

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"]


def _torch_state():
    g = torch.Generator().manual_seed(0)
    out = {}
    for i, name in enumerate(DTYPES):
        t = (torch.randn(3, 4, generator=g) * 10).to(getattr(torch, name))
        out[f"t.{name}"] = t
    out["scalar"] = torch.tensor(2.5)
    out["empty"] = torch.zeros(0, 5)
    return out


def test_ember_reads_files_written_by_safetensors_torch(tmp_path):
    path = tmp_path / "ref.safetensors"
    state = _torch_state()
    safetensors.torch.save_file(state, str(path), metadata={"format": "pt"})
    loaded = ember.safetensors.load_file(str(path))
    assert sorted(loaded) == sorted(state)
    for k, t in state.items():
        e = loaded[k]
        assert e.dtype.name == str(t.dtype).replace("torch.", "")
        assert tuple(e.shape) == tuple(t.shape)
        assert e.to(ember.float64).tolist() == t.to(torch.float64).tolist()


def test_safetensors_torch_reads_files_written_by_ember(tmp_path):
    path = tmp_path / "ember.safetensors"
    state = {k: ember.tensor(v.to(torch.float64).numpy()).to(getattr(ember, str(v.dtype).replace("torch.", "")))
             for k, v in _torch_state().items()}
    ember.safetensors.save_file(state, str(path), metadata={"format": "pt"})
    loaded = safetensors.torch.load_file(str(path))
    assert sorted(loaded) == sorted(state)
    for k, e in state.items():
        t = loaded[k]
        assert str(t.dtype).replace("torch.", "") == e.dtype.name
        assert t.to(torch.float64).tolist() == e.to(ember.float64).tolist()


def test_model_state_dict_round_trip_through_safetensors(tmp_path):
    tm = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    path = tmp_path / "model.safetensors"
    safetensors.torch.save_file(tm.state_dict(), str(path))
    em = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.ReLU(), ember.nn.Linear(3, 2))
    em.load_state_dict(ember.safetensors.load_file(str(path)))
    x = torch.randn(5, 4)
    assert torch.allclose(torch.tensor(em(ember.tensor(x.numpy())).detach().numpy()), tm(x).detach(), atol=1e-6)

"""Device semantics of a GPU backend, checked on simgpu (CuPy's kernel table on CPU) and on cupy with a GPU."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember


def test_transfers_between_host_and_device(gpu):
    x = ember.arange(6, dtype=ember.float32).reshape(2, 3)
    for moved in (x.to("cuda"), x.cuda(), x.to(ember.device(gpu.name)), x.to(f"{gpu.name}:0")):
        assert moved.device.type == "cuda" and moved.device.index == 0 and moved._backend is gpu
        assert moved.cpu().device.type == "cpu"
        assert moved.cpu().tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    y = x.cuda()
    y.add_(1)
    assert x.tolist()[0][0] == 0.0, "a transfer must copy"
    m = ember.nn.Linear(3, 2)
    w = m.weight
    m.to("cuda")
    assert m.weight is w and m.weight.device.type == "cuda" and m(y).device.type == "cuda"
    m.cpu()
    assert m.weight.device.type == "cpu"


def test_gradient_flows_back_through_a_transfer(gpu):
    x = ember.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (x.cuda().relu() * 2).sum().backward()
    assert x.grad.device.type == "cpu" and x.grad.tolist() == [2.0, 0.0, 2.0]


def test_mixing_devices_raises_pytorch_error(gpu):
    a, b = ember.ones(2, 3, device="cuda"), ember.ones(2, 3)
    with pytest.raises(RuntimeError, match=r"^Expected all tensors to be on the same device, but found at least "
                                           r"two devices, cuda:0 and cpu!"):
        a + b
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        ember.matmul(b, a.T)


def test_no_implicit_device_to_host(gpu):
    x = ember.tensor([[1.5, 2.0]], device="cuda")
    with pytest.raises(TypeError, match=r"^can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu\(\) "
                                        r"to copy the tensor to host memory first.$"):
        x.numpy()
    assert x.cpu().numpy().tolist() == [[1.5, 2.0]]
    assert x.sum().item() == 3.5 and x.tolist() == [[1.5, 2.0]]
    with pytest.raises(TypeError, match="does not support dtype ember.bfloat16"):
        ember.zeros(2, dtype=ember.bfloat16, device="cuda")


def test_cuda_namespace(gpu):
    assert ember.cuda.is_available() and ember.cuda.device_count() >= 1
    assert ember.cuda.current_device() == 0
    ember.cuda.set_device(0)
    ember.cuda.synchronize()
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        ember.cuda.set_device(ember.cuda.device_count())
    ember.cuda.empty_cache()
    before = ember.cuda.memory_allocated()
    keep = ember.ones(1 << 20, device="cuda")
    if gpu.name == "cupy":  # simgpu has no device memory to count
        assert ember.cuda.memory_allocated() >= before + 4 * (1 << 20)
        assert ember.cuda.max_memory_allocated() >= ember.cuda.memory_allocated()
    else:
        assert ember.cuda.memory_allocated() == 0 and ember.cuda.max_memory_allocated() == 0
    del keep


def test_seeding_is_reproducible_and_state_round_trips(gpu):
    ember.cuda.manual_seed(123)
    a = ember.randn(4, 5, device="cuda").cpu().tolist()
    ember.cuda.manual_seed(123)
    assert ember.randn(4, 5, device="cuda").cpu().tolist() == a
    ember.manual_seed(7)
    b = ember.rand(1000, device="cuda")
    assert b.device.type == "cuda" and 0.0 <= b.min().item() and b.max().item() < 1.0
    ember.manual_seed(7)
    assert ember.rand(1000, device="cuda").cpu().tolist() == b.cpu().tolist()
    g = ember.Generator(device="cuda").manual_seed(5)
    ember.randint(0, 10, (3,), device="cuda", generator=g)
    state = g.get_state()
    first = ember.randperm(20, device="cuda", generator=g).cpu().tolist()
    g.set_state(state)
    assert ember.randperm(20, device="cuda", generator=g).cpu().tolist() == first
    assert sorted(first) == list(range(20))
    d = ember.nn.functional.dropout(ember.ones(10000, device="cuda"), 0.5)
    assert 0.4 < (d == 0).float().mean().item() < 0.6


def test_dataloader_pin_memory(gpu):
    ds = ember.utils.data.TensorDataset(ember.arange(10.0), ember.arange(10))
    batches = list(ember.utils.data.DataLoader(ds, batch_size=4, pin_memory=True))
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    x = batches[0][0].to("cuda", non_blocking=True)
    assert x.device.type == "cuda" and x.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_dlpack_round_trips_on_host():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = ember.from_dlpack(a)
    a[0, 0] = 9.0
    assert t.tolist()[0][0] == 9.0, "from_dlpack must not copy"
    assert t.__dlpack_device__() == (1, 0)
    back = np.from_dlpack(t)
    back[1, 2] = -1.0
    assert t.tolist()[1][2] == -1.0
    tt = torch.from_dlpack(t)
    tt[0, 1] = 7.0
    assert t.tolist()[0][1] == 7.0
    e = ember.from_dlpack(torch.arange(4, dtype=torch.int64))
    assert e.dtype is ember.int64 and e.tolist() == [0, 1, 2, 3]
    with pytest.raises(RuntimeError, match="Can't export tensors that require gradient, use tensor.detach()"):
        torch.from_dlpack(ember.ones(2, requires_grad=True))
    with pytest.raises(TypeError, match=r"from_dlpack\(\): expected an object implementing __dlpack__"):
        ember.from_dlpack([1, 2])


def test_dlpack_with_the_gpu_backend(gpu):
    if gpu.name == "simgpu":
        x = ember.ones(3, device="cuda")  # simgpu stores host arrays: DLPack reports host memory
        assert ember.from_dlpack(x).device.type == "cpu"
        return
    import cupy
    c = cupy.arange(5, dtype=cupy.float32)
    e = ember.from_dlpack(c)
    assert e.device.type == "cuda"
    c[0] = 42
    assert e[0].item() == 42.0
    assert cupy.from_dlpack(e)[0].item() == 42.0
    if torch.cuda.is_available():
        tt = torch.from_dlpack(e)
        assert tt.is_cuda and tt[0].item() == 42.0
        assert ember.from_dlpack(torch.ones(3, device="cuda")).device.type == "cuda"

"""ember.compat: unmodified PyTorch programs import ember when run through it."""
from __future__ import annotations

import textwrap


def test_script_imports_resolve_to_ember(run_python, tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent("""
        import sys
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        from torch.optim.lr_scheduler import StepLR
        import torch.backends.cudnn
        torch.backends.cudnn.benchmark = True
        x = torch.ones(2, 3, requires_grad=True)
        F.relu(nn.Linear(3, 1)(x)).sum().backward()
        print(torch.__name__, nn.__name__, F.__name__, StepLR.__module__.split(".")[0],
              torch.cuda.is_available(), tuple(x.grad.shape), sys.argv[1:])
        print("real torch loaded:", any(getattr(m, "__file__", "") and "site-packages/torch/" in m.__file__
                                        for m in list(sys.modules.values())))
    """))
    r = run_python(None, args=["-m", "ember.compat", str(script), "--flag", "1"])
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "ember ember.nn ember.nn.functional ember False (2, 3) ['--flag', '1']"
    assert lines[1] == "real torch loaded: False"


def test_missing_module_names_the_ember_path(run_python, tmp_path):
    script = tmp_path / "prog.py"
    script.write_text("import torch._no_such_module\n")
    r = run_python(None, args=["-m", "ember.compat", str(script)])
    assert r.returncode != 0
    assert "ModuleNotFoundError" in r.stderr and "'ember._no_such_module'" in r.stderr


def test_install_refuses_when_real_torch_is_loaded(run_python):
    r = run_python("import torch, ember.compat\ntry:\n    ember.compat.install()\nexcept RuntimeError as e:\n"
                   "    print('refused:', e)\n")
    assert r.returncode == 0, r.stderr
    assert "refused:" in r.stdout and "already imported" in r.stdout


def test_install_and_uninstall_in_process(run_python):
    r = run_python("import ember.compat as c, sys\nc.install()\nimport torch\nprint(torch.__name__)\n"
                   "c.uninstall()\nprint('torch' in sys.modules)\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["ember", "False"]


def test_spawned_processes_keep_the_aliases_and_share_memory(run_python, tmp_path):
    """pytorch/examples mnist_hogwild: mp.set_start_method('spawn'), model.share_memory(), mp.Process workers.
    The spawned interpreter re-imports the script, so its `import torch` must be ember's too, and the shared
    parameters it receives must be the parent's memory."""
    script = tmp_path / "hogwild.py"
    script.write_text(
        "import torch, torch.nn as nn, torch.multiprocessing as mp\n"
        "def work(model, k):\n"
        "    assert torch.__name__ == 'ember', torch.__name__\n"
        "    with torch.no_grad():\n"
        "        model.weight.add_(k)\n"
        "if __name__ == '__main__':\n"
        "    mp.set_start_method('spawn', force=True)\n"
        "    model = nn.Linear(2, 1, bias=False)\n"
        "    with torch.no_grad():\n"
        "        model.weight.zero_()\n"
        "    model.share_memory()\n"
        "    ps = [mp.Process(target=work, args=(model, k)) for k in (1.0, 2.0)]\n"
        "    [p.start() for p in ps]\n"
        "    [p.join(60) for p in ps]\n"
        "    print([p.exitcode for p in ps], model.weight.tolist())\n")
    r = run_python(None, args=["-m", "ember.compat", str(script)], timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip().splitlines()[-1] == "[0, 0] [[3.0, 3.0]]", r.stdout + r.stderr[-2000:]

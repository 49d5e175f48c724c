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

"""Record every model builder's state_dict layout (key -> shape, dtype) into
``fixtures/models_state_dict.json`` (checked by ``test_models.py`` against ember.vision.models, also where
torchvision is not installed).

The layouts come from torchvision (built on the meta device: no memory, no initialisation), except for
``lenet``, which torchvision does not have: its entry is ember's own, kept so that a change to LeNet's
layout (which would break saved checkpoints) is a deliberate one.

Run from the repository root after adding a builder:

    python -m tests.vision.record_models_fixtures
"""
from __future__ import annotations

import json
import os

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "models_state_dict.json")
EMBER_ONLY = ("lenet",)


def layout(state_dict) -> list:
    """``[[key, shape, dtype], ...]`` in state_dict order; dtype names without the module prefix."""
    return [[k, list(v.shape), str(v.dtype).rsplit(".", 1)[-1]] for k, v in state_dict.items()]


def record() -> dict:
    import torch
    from ember.vision import models as ember_models

    from ._transforms_common import import_torchvision

    torchvision = import_torchvision()
    import torchvision.models as tv_models

    entries = {}
    for name in ember_models.list_models():
        if name in EMBER_ONLY:
            entries[name] = layout(ember_models.get_model(name).state_dict())
            continue
        with torch.device("meta"):
            entries[name] = layout(tv_models.get_model(name).state_dict())
    return {"torchvision": torchvision.__version__, "ember_only": list(EMBER_ONLY), "models": entries}


def main() -> None:
    data = record()
    with open(FIXTURE, "w") as f:
        # one line per model keeps the file reviewable and its diffs small
        f.write('{"torchvision": %s, "ember_only": %s, "models": {\n' % (json.dumps(data["torchvision"]),
                                                                         json.dumps(data["ember_only"])))
        items = sorted(data["models"].items())
        for i, (name, entry) in enumerate(items):
            f.write(f"{json.dumps(name)}: {json.dumps(entry, separators=(',', ':'))}"
                    f"{',' if i + 1 < len(items) else ''}\n")
        f.write("}}\n")
    print(f"wrote {len(data['models'])} model layouts to {FIXTURE}")


if __name__ == "__main__":
    main()

"""Record torchvision's outputs for the PIL cases in ``_transforms_common.CASES`` into
``fixtures/transforms_pil.json`` (checked by ``test_transforms_fixtures.py`` against ember.vision).

Run from the repository root after changing CASES or the test images:

    python -m tests.vision.record_transforms_fixtures
"""
from __future__ import annotations

import json
import os

import PIL

from ._transforms_common import CASES, image_digest, import_torchvision, make_image

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "transforms_pil.json")


def record() -> dict:
    torchvision = import_torchvision()
    import torchvision.transforms as T
    import torchvision.transforms.functional as F

    cases = {}
    for name, mode, size, fn in CASES:
        cases[name] = {"mode": mode, "size": list(size), "output": image_digest(fn(F, T, make_image(mode, size)))}
    return {"torchvision": torchvision.__version__, "pillow": PIL.__version__, "cases": cases}


if __name__ == "__main__":
    data = record()
    os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
    lines = [f"  {json.dumps(name)}: {json.dumps(case, sort_keys=True)}" for name, case in data["cases"].items()]
    with open(FIXTURE, "w") as f:
        f.write(f'{{"torchvision": {json.dumps(data["torchvision"])}, "pillow": {json.dumps(data["pillow"])},\n')
        f.write(' "cases": {\n' + ",\n".join(lines) + "\n}}\n")
    print(f"wrote {len(data['cases'])} cases to {FIXTURE}")

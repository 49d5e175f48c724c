"""ember.vision.transforms on deterministic PIL images against outputs recorded with torchvision.

The fixture (``fixtures/transforms_pil.json``) holds a SHA-256 of each output's bytes plus its mode/size or
dtype/shape; ``record_transforms_fixtures.py`` regenerates it. This test needs no torchvision.
"""
from __future__ import annotations

import json
import os

import PIL
import pytest

import ember.vision.transforms as T
import ember.vision.transforms.functional as F

from ._transforms_common import CASES, image_digest, make_image

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "transforms_pil.json")

with open(FIXTURE) as _f:
    RECORDED = json.load(_f)


def test_fixture_covers_every_case():
    assert sorted(RECORDED["cases"]) == sorted(name for name, *_ in CASES)
    assert len(CASES) >= 30


def test_test_image_is_deterministic():
    a, b = make_image("RGB", (23, 17)), make_image("RGB", (23, 17))
    assert a.tobytes() == b.tobytes()
    assert len(set(a.tobytes())) > 100  # a varied picture, not a flat one
    assert make_image("P", (13, 9)).mode == "P" and make_image("RGBA").mode == "RGBA"


@pytest.mark.parametrize("name,mode,size,fn", CASES, ids=[c[0] for c in CASES])
def test_matches_recorded_torchvision_output(name, mode, size, fn):
    case = RECORDED["cases"][name]
    assert case["mode"] == mode and tuple(case["size"]) == tuple(size)
    got = image_digest(fn(F, T, make_image(mode, size)))
    assert got == case["output"], (
        f"{name}: ember gives {got}, torchvision {RECORDED['torchvision']} with Pillow {RECORDED['pillow']} "
        f"gave {case['output']} (Pillow here: {PIL.__version__})")

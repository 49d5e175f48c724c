"""ember.vision.utils against torchvision.utils on the same inputs (exact: both tile with tensor ops and
draw with Pillow), and ember.vision.io's decoders/encoders against Pillow's reading of the same bytes
(what torchvision's libpng/libjpeg decoders return; torchvision's compiled image extension is not
assumed to load next to a CPU torch)."""
from __future__ import annotations

import io
import warnings

import ember
import numpy as np
import pytest
import torch
from ember.vision import io as eio
from ember.vision import utils as eutils
from PIL import Image

from ._transforms_common import import_torchvision

torchvision = import_torchvision()
import torchvision.utils as tutils
from torchvision.io import ImageReadMode as TVImageReadMode

RS = np.random.RandomState(0)
BATCH = (RS.rand(5, 3, 6, 7) * 3 - 1).astype(np.float32)
IMAGE = RS.randint(0, 256, (3, 40, 50)).astype(np.uint8)
BOXES = np.array([[2, 3, 20, 25], [10, 10, 45, 38], [0, 0, 49, 39]], dtype=np.float32)


def E(a):
    return ember.as_tensor(np.ascontiguousarray(a))


def T(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def N(t):
    return np.asarray(t.detach().numpy())


def assert_same(ours, theirs):
    a, b = N(ours), theirs.detach().numpy()
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a, b)


# ---- make_grid / save_image -------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{}, {"nrow": 2, "padding": 1}, {"normalize": True},
                                    {"normalize": True, "scale_each": True},
                                    {"normalize": True, "value_range": (0.0, 1.0)},
                                    {"pad_value": 0.3, "padding": 0}, {"nrow": 10}])
def test_make_grid_equals_torchvision(kwargs):
    before = BATCH.copy()
    assert_same(eutils.make_grid(E(BATCH), **kwargs), tutils.make_grid(T(BATCH), **kwargs))
    np.testing.assert_array_equal(BATCH, before)  # normalize works on a copy


@pytest.mark.parametrize("shape", [(3, 1, 4, 5), (1, 3, 4, 5), (1, 4, 5), (4, 5), (3, 4, 5)])
def test_make_grid_shapes_and_gray_equal_torchvision(shape):
    x = RS.rand(*shape).astype(np.float32)
    assert_same(eutils.make_grid(E(x), padding=1), tutils.make_grid(T(x), padding=1))


def test_make_grid_list_input_and_uint8():
    imgs = [RS.randint(0, 256, (3, 4, 4)).astype(np.uint8) for _ in range(3)]
    assert_same(eutils.make_grid([E(i) for i in imgs], nrow=2, pad_value=7),
                tutils.make_grid([T(i) for i in imgs], nrow=2, pad_value=7))


@pytest.mark.parametrize("bad,kwargs", [(np.zeros((2, 3, 4, 4)), {}), ([np.zeros(3)], {}),
                                        ("tensor", {"normalize": True, "value_range": [0, 1]})])
def test_make_grid_errors_like_torchvision(bad, kwargs):
    def inputs(convert):
        if isinstance(bad, str):
            return convert(BATCH)
        return [b for b in bad] if isinstance(bad, list) else bad

    with pytest.raises(TypeError) as theirs:
        tutils.make_grid(inputs(T), **kwargs)
    with pytest.raises(TypeError) as ours:
        eutils.make_grid(inputs(E), **kwargs)
    assert str(ours.value) == str(theirs.value)


def _grid_pixels(x, **kwargs):
    """The expected file contents: torchvision's grid, scaled and rounded as save_image documents."""
    grid = tutils.make_grid(T(x), **kwargs).numpy()
    return np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)


def test_save_image_writes_png_that_pillow_reads_back(tmp_path):
    x = RS.rand(4, 3, 6, 5).astype(np.float32)
    path = tmp_path / "grid.png"
    eutils.save_image(E(x), path, nrow=2, padding=1)
    with Image.open(path) as im:
        assert im.format == "PNG" and im.mode == "RGB"
        np.testing.assert_array_equal(np.array(im), _grid_pixels(x, nrow=2, padding=1))

    # a file object with an explicit format, a list input and a gray image: the same bytes as torchvision's
    ours, theirs = io.BytesIO(), io.BytesIO()
    gray = [RS.rand(1, 5, 5).astype(np.float32) for _ in range(2)]
    eutils.save_image([E(g) for g in gray], ours, format="png")
    tutils.save_image([T(g) for g in gray], theirs, format="png")
    assert ours.getvalue() == theirs.getvalue()
    rgba = RS.rand(2, 4, 5, 5).astype(np.float32)
    ours, theirs = io.BytesIO(), io.BytesIO()
    eutils.save_image(E(rgba), ours, format="png")
    tutils.save_image(T(rgba), theirs, format="png")
    assert ours.getvalue() == theirs.getvalue()
    assert Image.open(ours).mode == "RGBA"
    with pytest.raises(ValueError):  # Pillow cannot tell the format of a bare file object
        eutils.save_image(E(x), io.BytesIO())
    with pytest.raises(RuntimeError, match="save_image: The number of channels should be 3 or 4, got: 2"):
        eutils.save_image(E(x[:, :2]), path)


# ---- drawing -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {},
    {"labels": ["a", "bb", "c"], "width": 2},
    {"fill": True, "colors": "red"},
    {"colors": ["blue", (10, 200, 30), "green"], "labels": ["x", "y", "z"], "fill_labels": True},
    {"labels": ["p", "q", "r"], "label_colors": "white", "colors": (255, 0, 255)},
])
def test_draw_bounding_boxes_equals_torchvision(kwargs):
    assert_same(eutils.draw_bounding_boxes(E(IMAGE), E(BOXES), **kwargs),
                tutils.draw_bounding_boxes(T(IMAGE), T(BOXES), **kwargs))


def test_draw_bounding_boxes_gray_float_and_oriented_equal_torchvision():
    gray = RS.rand(1, 40, 50).astype(np.float32)
    assert_same(eutils.draw_bounding_boxes(E(gray), E(BOXES), labels=["1", "2", "3"]),
                tutils.draw_bounding_boxes(T(gray), T(BOXES), labels=["1", "2", "3"]))
    oriented = np.array([[5, 5, 30, 8, 28, 30, 3, 27], [40, 2, 48, 10, 40, 18, 32, 10]], dtype=np.float32)
    assert_same(eutils.draw_bounding_boxes(E(IMAGE), E(oriented), width=2, fill=True),
                tutils.draw_bounding_boxes(T(IMAGE), T(oriented), width=2, fill=True))


@pytest.mark.parametrize("image,boxes,kwargs,exc", [
    ("not a tensor", BOXES, {}, TypeError),
    (IMAGE.astype(np.int32), BOXES, {}, ValueError),
    (IMAGE[None], BOXES, {}, ValueError),
    (IMAGE[:2], BOXES, {}, ValueError),
    (IMAGE, BOXES[:, [2, 1, 0, 3]], {}, ValueError),
    (IMAGE, BOXES, {"labels": ["only one"]}, ValueError),
    (IMAGE, BOXES, {"colors": ["red"]}, ValueError),
    (IMAGE, BOXES, {"colors": (1, 2)}, ValueError),
    (IMAGE, BOXES, {"colors": 5}, ValueError),
])
def test_draw_bounding_boxes_errors_like_torchvision(image, boxes, kwargs, exc):
    def args(convert):
        return (image if isinstance(image, str) else convert(image)), convert(boxes)

    with pytest.raises(exc) as theirs:
        tutils.draw_bounding_boxes(*args(T), **kwargs)
    with pytest.raises(exc) as ours:
        eutils.draw_bounding_boxes(*args(E), **kwargs)
    assert str(ours.value).replace("ember.", "torch.") == str(theirs.value)


def test_draw_bounding_boxes_warnings():
    with pytest.warns(UserWarning, match="No box was drawn"):
        out = eutils.draw_bounding_boxes(E(IMAGE), E(np.zeros((0, 4), np.float32)))
    np.testing.assert_array_equal(N(out), IMAGE)
    with pytest.warns(UserWarning, match="'font_size' will be ignored"):
        eutils.draw_bounding_boxes(E(IMAGE), E(BOXES), font_size=20)


MASKS = RS.rand(3, 40, 50) > 0.6  # overlapping, so some pixels are blacked out


@pytest.mark.parametrize("kwargs", [{}, {"alpha": 0.3, "colors": "red"},
                                    {"colors": ["red", (0, 255, 0), "blue"], "alpha": 1.0}])
def test_draw_segmentation_masks_equals_torchvision(kwargs):
    assert_same(eutils.draw_segmentation_masks(E(IMAGE), E(MASKS), **kwargs),
                tutils.draw_segmentation_masks(T(IMAGE), T(MASKS), **kwargs))


def test_draw_segmentation_masks_float_and_2d_equal_torchvision():
    image = RS.rand(3, 40, 50).astype(np.float32)
    assert_same(eutils.draw_segmentation_masks(E(image), E(MASKS)),
                tutils.draw_segmentation_masks(T(image), T(MASKS)))
    assert_same(eutils.draw_segmentation_masks(E(IMAGE), E(MASKS[0]), colors="yellow"),
                tutils.draw_segmentation_masks(T(IMAGE), T(MASKS[0]), colors="yellow"))


@pytest.mark.parametrize("image,masks", [(IMAGE[:1], MASKS), (IMAGE, MASKS.astype(np.uint8)),
                                         (IMAGE, MASKS[:, :10]), (IMAGE, MASKS[None]),
                                         (IMAGE.astype(np.int64), MASKS)])
def test_draw_segmentation_masks_errors_like_torchvision(image, masks):
    with pytest.raises(ValueError) as theirs:
        tutils.draw_segmentation_masks(T(image), T(masks))
    with pytest.raises(ValueError) as ours:
        eutils.draw_segmentation_masks(E(image), E(masks))
    assert str(ours.value).replace("ember.", "torch.") == str(theirs.value)


def test_draw_keypoints_and_flow_to_image_equal_torchvision():
    kpts = RS.randint(0, 40, (2, 4, 2)).astype(np.float32)
    vis = np.array([[True, True, False, True], [True, True, True, True]])
    kwargs = {"connectivity": [(0, 1), (1, 2), (2, 3)], "colors": "red", "radius": 3, "width": 2}
    assert_same(eutils.draw_keypoints(E(IMAGE), E(kpts), visibility=E(vis), **kwargs),
                tutils.draw_keypoints(T(IMAGE), T(kpts), visibility=T(vis), **kwargs))
    flow = RS.randn(2, 2, 9, 11).astype(np.float32)
    assert_same(eutils.flow_to_image(E(flow)), tutils.flow_to_image(T(flow)))
    assert_same(eutils.flow_to_image(E(flow[0])), tutils.flow_to_image(T(flow[0])))
    with pytest.raises(ValueError, match="Flow should be of dtype torch.float"):
        eutils.flow_to_image(E(flow.astype(np.float64)))


# ---- io: decoding --------------------------------------------------------------------------------------------

PIXELS = RS.randint(0, 256, (10, 12, 3)).astype(np.uint8)


def encoded(img: Image.Image, fmt: str = "PNG", **kwargs) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def as_bytes_tensor(data: bytes):
    return ember.frombuffer(bytearray(data), dtype=ember.uint8)


def chw(img: Image.Image) -> np.ndarray:
    a = np.array(img)
    return (a[None] if a.ndim == 2 else a.transpose(2, 0, 1)).astype(np.uint8)


def test_image_read_mode_matches_torchvision():
    assert {m.name: m.value for m in eio.ImageReadMode} == {m.name: m.value for m in TVImageReadMode}
    assert eio.ImageReadMode.RGBA is eio.ImageReadMode.RGB_ALPHA


@pytest.mark.parametrize("stored", ["L", "LA", "RGB", "RGBA", "1", "P"])
def test_decode_png_unchanged_keeps_the_stored_channels(stored):
    img = Image.fromarray(PIXELS).convert(stored)
    out = eio.decode_png(as_bytes_tensor(encoded(img)))
    assert out.dtype == ember.uint8
    if stored == "P":  # libpng without palette expansion: the indices, as torchvision returns them
        expected = np.frombuffer(img.tobytes(), np.uint8).reshape(1, 10, 12)
    else:
        expected = chw(img.convert("L") if stored == "1" else img)
    np.testing.assert_array_equal(N(out), expected)


@pytest.mark.parametrize("stored", ["L", "LA", "RGB", "RGBA", "P"])
@pytest.mark.parametrize("mode,pil_mode", [("GRAY", "L"), ("GRAY_ALPHA", "LA"), ("RGB", "RGB"),
                                           ("RGB_ALPHA", "RGBA")])
def test_decode_png_modes(stored, mode, pil_mode):
    img = Image.fromarray(PIXELS).convert(stored)
    data = as_bytes_tensor(encoded(img))
    out = eio.decode_png(data, getattr(eio.ImageReadMode, mode))
    np.testing.assert_array_equal(N(out), chw(img.convert(pil_mode)))
    np.testing.assert_array_equal(N(eio.decode_image(data, mode.lower())), N(out))  # names work too


def test_decode_jpeg_and_gray_decoding():
    data = encoded(Image.fromarray(PIXELS), "JPEG", quality=90)
    out = eio.decode_jpeg(as_bytes_tensor(data))
    with Image.open(io.BytesIO(data)) as im:
        np.testing.assert_array_equal(N(out), chw(im))
        rgb = np.array(im).astype(np.float64)
    gray = N(eio.decode_image(as_bytes_tensor(data), eio.ImageReadMode.GRAY))
    assert gray.shape == (1, 10, 12)
    luma = rgb @ np.array([0.299, 0.587, 0.114])  # libjpeg's luma, from its YCbCr before colour conversion
    assert np.abs(gray[0] - luma).max() <= 4 and np.abs(gray[0] - luma).mean() < 1
    both = eio.decode_jpeg([as_bytes_tensor(data), as_bytes_tensor(data)], mode="RGB")
    assert len(both) == 2 and all(np.array_equal(N(t), N(out)) for t in both)


def test_decode_gif_frames():
    frames = [Image.fromarray(PIXELS).convert("P"), Image.fromarray(255 - PIXELS).convert("P")]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    out = eio.decode_image(as_bytes_tensor(buf.getvalue()))
    assert tuple(out.shape) == (2, 3, 10, 12)
    with Image.open(io.BytesIO(buf.getvalue())) as im:
        im.seek(1)
        np.testing.assert_array_equal(N(out[1]), chw(im.convert("RGB")))
    single = eio.decode_gif(as_bytes_tensor(encoded(frames[0], "GIF")))
    assert tuple(single.shape) == (3, 10, 12)


def test_decode_webp_lossless():
    data = as_bytes_tensor(encoded(Image.fromarray(PIXELS), "WEBP", lossless=True))
    np.testing.assert_array_equal(N(eio.decode_image(data)), PIXELS.transpose(2, 0, 1))
    assert tuple(eio.decode_webp(data, eio.ImageReadMode.RGB_ALPHA).shape) == (4, 10, 12)


def test_read_file_read_image_and_writable_result(tmp_path):
    path = tmp_path / "img.png"
    raw = encoded(Image.fromarray(PIXELS))
    path.write_bytes(raw)
    data = eio.read_file(str(path))
    assert data.dtype == ember.uint8 and tuple(data.shape) == (len(raw),) and N(data).tobytes() == raw
    img = eio.read_image(path, eio.ImageReadMode.RGB)
    np.testing.assert_array_equal(N(img), PIXELS.transpose(2, 0, 1))
    img[0, 0, 0] = 7  # a fresh tensor, not a view of Pillow's buffer
    assert int(img[0, 0, 0]) == 7
    np.testing.assert_array_equal(N(eio.decode_image(str(path))), PIXELS.transpose(2, 0, 1))


# ---- io: encoding and round trips ---------------------------------------------------------------------------

@pytest.mark.parametrize("channels", [1, 3])
def test_png_round_trip_is_exact(channels, tmp_path):
    img = E(PIXELS.transpose(2, 0, 1)[:channels])
    data = eio.encode_png(img)
    assert data.dtype == ember.uint8 and data.dim() == 1
    with Image.open(io.BytesIO(N(data).tobytes())) as im:
        assert im.format == "PNG" and im.mode == ("L" if channels == 1 else "RGB")
        np.testing.assert_array_equal(chw(im), N(img))
    np.testing.assert_array_equal(N(eio.decode_png(data)), N(img))
    path = tmp_path / "out.png"
    eio.write_png(img, str(path), compression_level=0)
    np.testing.assert_array_equal(N(eio.read_image(path)), N(img))
    flat = ember.zeros(channels, 32, 32, dtype=ember.uint8)
    assert eio.encode_png(flat, 0).numel() > eio.encode_png(flat).numel()  # level 0 stores, 6 compresses


def test_jpeg_round_trip_and_write_file(tmp_path):
    yy, xx = np.mgrid[0:32, 0:48]
    img = E(np.stack([xx * 5, yy * 7, (xx + yy) * 3]).astype(np.uint8))  # smooth: little JPEG loss
    low, high = eio.encode_jpeg(img, quality=20), eio.encode_jpeg(img, quality=95)
    assert low.numel() < high.numel()
    decoded = N(eio.decode_jpeg(high)).astype(int)
    assert np.abs(decoded - N(img).astype(int)).mean() < 2
    path = tmp_path / "a.jpg"
    eio.write_jpeg(img, path, quality=95)
    assert path.read_bytes() == N(high).tobytes()
    assert len(eio.encode_jpeg([img, img])) == 2
    eio.write_file(tmp_path / "raw.bin", high)
    assert (tmp_path / "raw.bin").read_bytes() == N(high).tobytes()


@pytest.mark.parametrize("call,exc,match", [
    (lambda: eio.decode_png(ember.zeros(3)), RuntimeError, "must have uint8 data type"),
    (lambda: eio.decode_png(ember.zeros(0, dtype=ember.uint8)), RuntimeError, "1-dimensional and non-empty"),
    (lambda: eio.decode_png(ember.zeros(2, 8, dtype=ember.uint8)), RuntimeError, "1-dimensional and non-empty"),
    (lambda: eio.decode_png(as_bytes_tensor(b"not a png file")), RuntimeError, "Content is not png"),
    (lambda: eio.decode_png(as_bytes_tensor(encoded(Image.fromarray(PIXELS))[:60])), RuntimeError,
     "could not decode"),
    (lambda: eio.decode_png(as_bytes_tensor(encoded(Image.new("I;16", (4, 4))))), RuntimeError, "uint16"),
    (lambda: eio.decode_image(as_bytes_tensor(b"0123456789abcdefgh")), RuntimeError, "Unsupported image file"),
    (lambda: eio.decode_image(ember.zeros(4)), RuntimeError, "Expected a torch.uint8 tensor"),
    (lambda: eio.decode_jpeg(as_bytes_tensor(encoded(Image.fromarray(PIXELS), "JPEG")), "RGB_ALPHA"),
     RuntimeError, "not supported for JPEG"),
    (lambda: eio.decode_jpeg([]), ValueError, "at least one element"),
    (lambda: eio.decode_png(as_bytes_tensor(b"x"), mode="CMYK"), ValueError, "Unknown image read mode"),
    (lambda: eio.read_file("/nonexistent/x.png"), RuntimeError, "No such file or directory"),
    (lambda: eio.encode_png(ember.zeros(3, 4, 4)), RuntimeError, "dtype should be uint8"),
    (lambda: eio.encode_png(ember.zeros(4, 4, dtype=ember.uint8)), RuntimeError, "3-dimensional"),
    (lambda: eio.encode_png(ember.zeros(2, 4, 4, dtype=ember.uint8)), RuntimeError, "should be 1 or 3, got: 2"),
    (lambda: eio.encode_png(ember.zeros(3, 4, 4, dtype=ember.uint8), 10), RuntimeError, "between 0 and 9"),
    (lambda: eio.encode_jpeg(ember.zeros(3, 4, 4, dtype=ember.uint8), quality=0), ValueError, "between 1 and 100"),
    (lambda: eio.write_file("/tmp/never", ember.zeros(2, 2, dtype=ember.uint8)), RuntimeError, "1-dimensional"),
])
def test_io_errors(call, exc, match):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc, match=match):
            call()

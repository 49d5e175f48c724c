"""The PNG report of ``ember train``: loss and accuracy curves, and held-out images labelled with predictions.

Drawn with matplotlib when it is installed (the ``ember[plot]`` extra), otherwise with Pillow alone;
both give the same content: two charts (loss, accuracy; train and held-out, per epoch) over a grid of
held-out images whose predicted class is written in green when right and in red (with the true class)
when wrong.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

GREEN, RED = (0, 140, 60), (210, 30, 30)
TRAIN_COLOR, VAL_COLOR = (31, 119, 180), (255, 127, 14)


@dataclass
class Sample:
    """One held-out image for the grid: the PIL image, the predicted and the true class names."""
    image: Image.Image
    pred: str
    true: str

    @property
    def correct(self) -> bool:
        return self.pred == self.true


def matplotlib_available() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


def write_report(path, history: list, samples: list, title: str, engine: str = "auto") -> str:
    """Write the report PNG to ``path``; ``engine`` is ``"auto"``, ``"matplotlib"`` or ``"pillow"``.

    Returns the engine used. ``history`` holds one dict per epoch with ``train_loss``, ``train_acc``,
    ``val_loss`` and ``val_acc``; ``samples`` is a list of :class:`Sample`.
    """
    if engine == "auto":
        engine = "matplotlib" if matplotlib_available() else "pillow"
    if engine == "matplotlib":
        if not matplotlib_available():
            raise ModuleNotFoundError("the matplotlib report needs matplotlib: pip install 'ember[plot]' "
                                      "(or use --plot pillow)", name="matplotlib")
        _matplotlib_report(path, history, samples, title)
    elif engine == "pillow":
        _pillow_report(path, history, samples, title)
    else:
        raise ValueError(f"write_report: engine must be 'auto', 'matplotlib' or 'pillow', received {engine!r}")
    return engine


def _curves(history: list) -> list:
    """(title, y-label, [(legend, values, colour)], as-percent) for the two charts."""
    epochs = [h["epoch"] for h in history]
    return [
        ("Loss", "cross-entropy", [("train", [h["train_loss"] for h in history], TRAIN_COLOR),
                                   ("held-out", [h["val_loss"] for h in history], VAL_COLOR)], False, epochs),
        ("Accuracy", "accuracy (%)", [("train", [100 * h["train_acc"] for h in history], TRAIN_COLOR),
                                      ("held-out", [100 * h["val_acc"] for h in history], VAL_COLOR)], True, epochs),
    ]


def _grid_shape(n: int, cols: int = 10) -> tuple:
    cols = max(1, min(cols, n))
    return (n + cols - 1) // cols, cols


# --------------------------------------------------------------------------------------------- matplotlib

def _matplotlib_report(path, history, samples, title):
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    rows, cols = _grid_shape(len(samples)) if samples else (0, 1)
    fig = Figure(figsize=(max(9.0, 0.95 * cols), 3.8 + 1.05 * rows), dpi=100, layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[3.4, max(0.01, 1.05 * rows)])
    for ax, (name, ylabel, series, percent, epochs) in zip(top.subplots(1, 2), _curves(history)):
        for label, values, colour in series:
            ax.plot(epochs, values, marker="o", label=label, color=[c / 255 for c in colour])
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend()
        if epochs:
            ax.set_xticks(epochs[::max(1, len(epochs) // 10)])
    axes = bottom.subplots(rows, cols, squeeze=False).ravel() if samples else []
    for ax, s in zip(axes, samples):
        gray = s.image.mode == "L"
        ax.imshow(s.image, cmap="gray" if gray else None, vmin=0, vmax=255, interpolation="nearest")
        label = s.pred if s.correct else f"{s.pred}\n(true: {s.true})"
        ax.set_title(label, fontsize=8, color=[c / 255 for c in (GREEN if s.correct else RED)])
    for ax in axes:
        ax.set_axis_off()
    fig.suptitle(title)
    fig.savefig(path, format="png")


# --------------------------------------------------------------------------------------------- Pillow

def _font(size: int):
    try:
        return ImageFont.load_default(size=size)  # scalable (Pillow >= 10.1 with FreeType)
    except TypeError:
        return ImageFont.load_default()


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list:
    """About ``count`` round tick values covering [lo, hi]."""
    span = hi - lo
    raw = span / max(1, count)
    magnitude = 10 ** _floor_log10(raw)
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = step * _ceil(lo / step)
    ticks, v = [], first
    while v <= hi + 1e-9 * span:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _floor_log10(x: float) -> int:
    n = 0
    while x >= 10:
        x, n = x / 10, n + 1
    while x < 1:
        x, n = x * 10, n - 1
    return n


def _ceil(x: float) -> int:
    i = int(x)
    return i + 1 if x > i else i


def _chart(draw: ImageDraw.ImageDraw, box: tuple, name: str, ylabel: str, series: list, percent: bool,
           epochs: list, fonts: dict) -> None:
    x0, y0, x1, y1 = box
    draw.text(((x0 + x1) / 2, y0), name, fill="black", font=fonts["title"], anchor="ma")
    left, top, right, bottom = x0 + 58, y0 + 26, x1 - 10, y1 - 40
    draw.rectangle((left, top, right, bottom), outline=(90, 90, 90))
    values = [v for _, vals, _ in series for v in vals]
    if not values:
        return
    lo, hi = min(values), max(values)
    if percent:
        lo, hi = max(0.0, lo - 5), min(100.0, hi + 5)
    pad = (hi - lo) * 0.08 or max(abs(hi) * 0.1, 0.5)
    lo, hi = lo - pad, hi + pad
    ex0, ex1 = epochs[0], epochs[-1]
    if ex1 == ex0:
        ex0, ex1 = ex0 - 1, ex1 + 1

    def px(e, v):
        return (left + (e - ex0) / (ex1 - ex0) * (right - left), bottom - (v - lo) / (hi - lo) * (bottom - top))

    small = fonts["small"]
    for t in _nice_ticks(lo, hi):
        _, y = px(ex0, t)
        draw.line((left, y, right, y), fill=(225, 225, 225))
        draw.line((left - 4, y, left, y), fill=(90, 90, 90))
        draw.text((left - 6, y), f"{t:g}", fill="black", font=small, anchor="rm")
    step = max(1, len(epochs) // 10)
    for e in epochs[::step]:
        x, _ = px(e, lo)
        draw.line((x, bottom, x, bottom + 4), fill=(90, 90, 90))
        draw.text((x, bottom + 6), str(e), fill="black", font=small, anchor="ma")
    draw.text(((left + right) / 2, bottom + 22), "epoch", fill="black", font=small, anchor="ma")
    draw.text((x0 + 2, top - 4), ylabel, fill="black", font=small, anchor="ld")
    for _, vals, colour in series:
        pts = [px(e, v) for e, v in zip(epochs, vals)]
        if len(pts) > 1:
            draw.line(pts, fill=colour, width=2, joint="curve")
        for x, y in pts:
            draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=colour)
    lx, ly = right - 90, top + 8  # legend
    for label, _, colour in series:
        draw.line((lx, ly + 6, lx + 18, ly + 6), fill=colour, width=3)
        draw.text((lx + 24, ly + 6), label, fill="black", font=small, anchor="lm")
        ly += 16


def _pillow_report(path, history, samples, title):
    fonts = {"title": _font(16), "small": _font(11)}
    cell, label_h, margin = 84, 30, 16
    rows, cols = _grid_shape(len(samples)) if samples else (0, 1)
    width = max(900, cols * (cell + 8) + 2 * margin)
    chart_h = 300
    height = 40 + chart_h + 20 + rows * (cell + label_h + 8) + margin
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    draw.text((width / 2, 10), title, fill="black", font=fonts["title"], anchor="ma")
    half = (width - 2 * margin) // 2
    for k, chart in enumerate(_curves(history)):
        x0 = margin + k * half
        _chart(draw, (x0, 40, x0 + half - 10, 40 + chart_h), *chart, fonts=fonts)
    gx0 = (width - cols * (cell + 8)) // 2
    gy0 = 40 + chart_h + 20
    for i, s in enumerate(samples):
        r, c = divmod(i, cols)
        x, y = gx0 + c * (cell + 8) + 4, gy0 + r * (cell + label_h + 8)
        img.paste(s.image.convert("RGB").resize((cell, cell), Image.NEAREST), (x, y))
        colour = GREEN if s.correct else RED
        draw.rectangle((x - 1, y - 1, x + cell, y + cell), outline=colour)
        draw.text((x + cell / 2, y + cell + 2), _fit(draw, s.pred, fonts["small"], cell + 6), fill=colour,
                  font=fonts["small"], anchor="ma")
        if not s.correct:
            draw.text((x + cell / 2, y + cell + 15), _fit(draw, f"(true: {s.true})", fonts["small"], cell + 6),
                      fill=(110, 110, 110), font=fonts["small"], anchor="ma")
    img.save(path, format="PNG")


def _fit(draw, text: str, font, width: int) -> str:
    """``text`` shortened (ending in "..") until it fits in ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "..", font=font) > width:
        text = text[:-1]
    return text + ".."

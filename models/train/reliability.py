"""Calibration, not-a-digit detection and the operating point written on the model cards.

The C# service applies what this module chooses: calibrated probabilities = softmax(logits / temperature);
an upload is not a digit when its score >= threshold (score "energy" = -logsumexp(raw logits), or
"maxProbability" = 1 - max calibrated probability); a digit answer is uncertain when its calibrated
confidence < uncertainBelow.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F
from scipy.stats import rankdata

BINS = 15
TEMPERATURE_RANGE = (0.05, 20.0)
# The operating point: at most this share of real digits flagged (declined or uncertain) ...
MAX_DIGITS_FLAGGED = 0.014
# ... and at least this accuracy of the answers left unflagged, then as many non-digits declined as possible ...
MIN_UNFLAGGED_ACCURACY = 0.995
# ... unless reaching that accuracy costs more than this share of the non-digits flagged: a model that only just
# reaches it would otherwise spend the whole budget on "not sure" and let more shoes through than one that misses it.
ACCURACY_SLACK = 0.02
# ... and, within this share of the most non-digits flagged, as many declined by score as possible.
DECLINE_SLACK = 0.01
UNCERTAIN_CANDIDATES = [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97]
SCORE = "energy"
RISK_COVERAGE_POINTS = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99]


def probabilities(logits, temperature=1.0):
    return F.softmax(torch.as_tensor(logits) / temperature, 1).numpy()


def energy(logits):
    return (-torch.logsumexp(torch.as_tensor(logits), 1)).numpy()


def ece(probs, labels, bins=BINS):
    """Expected calibration error: the confidence-weighted gap between confidence and accuracy, in equal-width bins."""
    conf = probs.max(1)
    correct = probs.argmax(1) == labels
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            total += inside.mean() * abs(conf[inside].mean() - correct[inside].mean())
    return float(total)


def fit_temperature(logits, labels):
    """The temperature that minimises the negative log-likelihood (Guo et al., 2017)."""
    logits, labels = torch.as_tensor(logits, dtype=torch.float64), torch.as_tensor(labels)
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)
    # Bounded: on a tiny or separable set the likelihood keeps improving as the temperature runs to 0 or infinity,
    # and a step that far made the loss (and the temperature) NaN; clamped, the loss stays finite and its gradient
    # outside the range is 0, so the search stops at the bound.
    low, high = (math.log(t) for t in TEMPERATURE_RANGE)

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(logits / log_t.clamp(low, high).exp(), labels)
        loss.backward()
        return loss

    opt.step(closure)
    return float(log_t.detach().clamp(low, high).exp())


def auroc(digit_scores, outlier_scores):
    """Probability that a non-digit scores higher than a digit (ties count half)."""
    if len(digit_scores) == 0 or len(outlier_scores) == 0:
        return float("nan")
    ranks = rankdata(np.concatenate([digit_scores, outlier_scores]))
    n_d, n_o = len(digit_scores), len(outlier_scores)
    return float((ranks[n_d:].sum() - n_o * (n_o + 1) / 2) / (n_d * n_o))


class View:
    """What the service computes for a set of uploads: calibrated probabilities and the energy."""

    def __init__(self, probs, energies):
        self.probs, self.energy = probs, energies

    @classmethod
    def of(cls, logits, temperature=1.0):
        """The View of one model's raw logits at its calibration temperature."""
        return cls(probabilities(logits, temperature), energy(logits))

    def score(self, kind):
        return self.energy if kind == "energy" else 1 - self.probs.max(1)

    def subset(self, mask):
        return View(self.probs[mask], self.energy[mask])

    def flagged(self, kind, threshold, uncertain_below):
        """What the service flags: declined (score at or over the threshold) or answered uncertain (below the line)."""
        return (self.score(kind) >= threshold) | (self.probs.max(1) < uncertain_below)


def choose_operating_point(digits, labels, outliers, score_kind):
    """(threshold, uncertainBelow) on fitting data: digits (View) with labels, trained-family outliers (View).

    Within the flag budget, the points whose unflagged answers are accurate enough come first, if one of them
    flags within ACCURACY_SLACK of the most non-digits any point flags; among them, the most non-digits flagged
    (declined or uncertain); and among those within DECLINE_SLACK of the most, the one that declines most of them
    as "not a digit" rather than as "not sure": a shoe should be told it is not a digit.
    """
    d_score, o_score = digits.score(score_kind), outliers.score(score_kind)
    d_conf, o_conf = digits.probs.max(1), outliers.probs.max(1)
    correct = digits.probs.argmax(1) == labels
    candidates = sorted(set(np.quantile(d_score, [0.98, 0.985, 0.99, 0.9925, 0.995, 0.9965, 0.998, 0.999]).tolist()))
    candidates.append(float(max(d_score.max(), o_score.max())) + 1.0)
    points = []
    for t in candidates:
        for u in UNCERTAIN_CANDIDATES:
            flagged = (d_score >= t) | (d_conf < u)
            share = flagged.mean()
            if share > MAX_DIGITS_FLAGGED:
                continue
            accurate = correct[~flagged].mean() >= MIN_UNFLAGGED_ACCURACY
            declined = ((o_score >= t) | (o_conf < u)).mean()
            points.append((accurate, declined, (o_score >= t).mean(), -share, t, u))
    if not points:  # nothing within the flag budget: decline nothing by score, flag only the least sure
        return candidates[-1], UNCERTAIN_CANDIDATES[0]
    most = max(p[1] for p in points)
    accurate = [p for p in points if p[0] and p[1] >= most - ACCURACY_SLACK]
    points = accurate or points
    most = max(p[1] for p in points)
    best = max((p for p in points if p[1] >= most - DECLINE_SLACK), key=lambda p: (p[2], p[1], p[3]))
    return best[4], best[5]


def risk_coverage(digits, labels, threshold, score_kind):
    """Share of digits flagged (declined or uncertain) and accuracy of the rest, for several uncertainBelow."""
    declined = digits.score(score_kind) >= threshold
    correct = digits.probs.argmax(1) == labels
    rows = []
    for u in RISK_COVERAGE_POINTS:
        flagged = declined | (digits.probs.max(1) < u)
        rows.append({"uncertainBelow": u, "flagged": round(float(flagged.mean()), 4),
                     "accuracyUnflagged": round(float(correct[~flagged].mean()), 4) if (~flagged).any() else None})
    return rows


def low_resolution_fields(fit_digits, report_digits, families, card_threshold, digit_decline_rate, uncertain_below, max_side, score_kind=SCORE):
    """The card's line for digits read from low-resolution scans (images of at most max_side pixels a side).

    So few pixels tell a digit from something else less surely, and real digits score higher: at the card's own line
    such scans are declined several times as often as other digits. This line declines the same share of them as the
    card's line declines of digits in general (digit_decline_rate): the score that share of the fitting digits (View)
    reach, never under the card's threshold. Reported on report_digits (View) and per family (name, heldOut, View):
    what it declines of each kind of non-digit cut out as such a scan, and what it declines or the card's uncertain
    line flags (most of the rest: at this size a letter is more often "not sure" than "not a digit")."""
    fit_scores, report_scores = fit_digits.score(score_kind), report_digits.score(score_kind)
    threshold = max(card_threshold, float(np.quantile(fit_scores, 1 - digit_decline_rate)))
    rows = [family_row(name, held_out, view, report_scores, threshold, uncertain_below, score_kind) for name, held_out, view in families]
    return {"maxSide": max_side, "threshold": round(threshold, 4),
            "digitDeclineRate": round(float((report_scores >= threshold).mean()), 4), "families": rows}


def family_row(name, held_out, view, digit_scores, threshold, uncertain_below, score_kind):
    """One kind of non-digit (View) against digits' scores at a card's lines: AUROC, share declined, share flagged."""
    s = view.score(score_kind)
    return {"name": name, "heldOut": held_out, "count": int(len(s)), "auroc": round(auroc(digit_scores, s), 4),
            "declineRate": round(float((s >= threshold).mean()), 4) if len(s) else None,
            "flaggedRate": round(float(view.flagged(score_kind, threshold, uncertain_below).mean()), 4) if len(s) else None}


def card_fields(fit, report, families, temperature, ece_before, validation):
    """The reliability fields of one model card.

    fit / report: dicts with "digits" (View), "labels" and, for fit, "outliers" (View of trained families);
    families: list of (name, heldOut, View) measured against report["digits"].
    """
    # Energy, not 1 - max probability: both separate digits from non-digits about equally well (AUROC within
    # a point on validation), but only energy tells "not a digit" (small logits everywhere) from "a 4 or a 9"
    # (large logits for two classes), which uncertainBelow is for.
    score_kind = SCORE
    threshold, uncertain_below = choose_operating_point(fit["digits"], fit["labels"], fit["outliers"], score_kind)
    digits = report["digits"]
    d_score = digits.score(score_kind)
    family_rows = [family_row(name, held_out, view, d_score, threshold, uncertain_below, score_kind) for name, held_out, view in families]
    digits_flagged = digits.flagged(score_kind, threshold, uncertain_below)
    correct = digits.probs.argmax(1) == report["labels"]
    return {
        "calibration": {"temperature": round(temperature, 4), "eceBefore": round(ece_before, 4),
                        "eceAfter": round(ece(digits.probs, report["labels"]), 4), "bins": BINS, "validation": validation},
        "notADigit": {"score": score_kind, "threshold": round(float(threshold), 4),
                      "digitDeclineRate": round(float((d_score >= threshold).mean()), 4), "families": family_rows},
        "uncertainBelow": uncertain_below,
        "operatingPoint": {"digitsUnflagged": round(float(1 - digits_flagged.mean()), 4),
                           "accuracyUnflagged": round(float(correct[~digits_flagged].mean()), 4) if (~digits_flagged).any() else None},
        "riskCoverage": risk_coverage(digits, report["labels"], threshold, score_kind),
    }

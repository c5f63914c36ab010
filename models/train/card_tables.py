"""The model cards' figures as the tables of docs/models.md, written from models/manifest.json.

    python3 models/train/card_tables.py            # rewrite the tables in docs/models.md
    python3 models/train/card_tables.py --check    # exit 1 if they differ from the manifest

Each table is found by its header row and replaced up to the first line that is not a table row; the prose around
the tables is left as it is.
"""
import argparse
import json
import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MANIFEST = os.path.join(ROOT, "models", "manifest.json")
DOC = os.path.join(ROOT, "docs", "models.md")
ALL = ["cnn", "lenet", "mlp", "logreg", "ensemble"]
SCORED = ["cnn", "lenet", "mlp", "ensemble"]  # the models with a low-resolution line and a client's operating point


def percent(share, digits=2):
    return f"{share * 100:.{digits}f}"


def row(cells):
    return "|" + "|".join(f" {c} " if c != "" else " " for c in cells) + "|"


def rule(aligns):
    return "|" + "|".join(aligns) + "|"


def header(first, names, before=()):
    """A table's header row and rule: the first column, numeric columns before the models', a numeric column per model."""
    return [row([first, *before, *(f"`{n}`" for n in names)]), rule(["---", *("---:" for _ in before), *("---:" for _ in names)])]


def tables(cards):
    by_kind = {n: {r["kind"]: r for r in cards[n]["accuracyByKind"]} for n in ALL}
    families = {n: {f["name"]: f for f in cards[n]["notADigit"]["families"]} for n in ALL}
    low = {n: cards[n]["notADigit"]["lowResolution"] for n in SCORED}
    low_families = {n: {f["name"]: f for f in low[n]["families"]} for n in SCORED}
    risk = {n: {r["uncertainBelow"]: r for r in cards[n]["riskCoverage"]} for n in ALL}

    accuracy = [row(["model", "published", "MNIST test", "MNIST validation", "synthetic uploads", "synthetic, ink found"]),
                rule(["---", "---:", "---:", "---:", "---:", "---:"])]
    for n in ALL:
        published = f"{cards[n]['publishedAccuracy']} %" if "publishedAccuracy" in cards[n] else "—"
        k = by_kind[n]
        accuracy.append(row([f"`{n}`", published, f"**{k['mnist-test']['accuracy']:.2f} %**", f"{k['mnist-validation']['accuracy']:.2f} %",
                             f"{k['all-synthetic']['accuracy']:.2f} %", f"{k['all-synthetic-ink-found']['accuracy']:.2f} %"]))

    kinds = header("kind", ALL, before=["count"])
    for r in cards["cnn"]["accuracyByKind"]:
        k = r["kind"]
        kinds.append(row([k, r["count"], *(f"{by_kind[n][k]['accuracy']:.2f}" if k in by_kind[n] else "—" for n in ALL)]))

    calibration = header("", ALL)
    calibration += [
        row(["temperature", *(f"{cards[n]['calibration']['temperature']:.3f}" for n in ALL)]),
        row(["ECE before → after", *(f"{percent(cards[n]['calibration']['eceBefore'])} → {percent(cards[n]['calibration']['eceAfter'])} %" for n in ALL)]),
        row(["not-a-digit: energy ≥", *(f"{cards[n]['notADigit']['threshold']:.4f}" for n in ALL)]),
        row(["digits declined as not a digit", *(f"{percent(cards[n]['notADigit']['digitDeclineRate'])} %" for n in ALL)]),
        row(["uncertainBelow", *(cards[n]["uncertainBelow"] for n in ALL)]),
    ]

    per_family = [row(["family", "held out", "count", *(f"`{n}`" for n in ALL)]), rule(["---", "---", "---:", *("---" for _ in ALL)])]
    for f in cards["cnn"]["notADigit"]["families"]:
        k = f["name"]
        per_family.append(row([k, "yes" if f["heldOut"] else "no", f["count"],
                               *(f"{families[n][k]['auroc']:.3f} / {percent(families[n][k]['declineRate'], 1)} %" for n in ALL)]))

    client = header("family", SCORED)
    for f in cards["cnn"]["notADigit"]["families"]:
        client.append(row([f["name"], *(f"{percent(families[n][f['name']]['flaggedRate'], 1)} %" for n in SCORED)]))
    client += [row(["digits answered without a flag", *(f"{percent(cards[n]['operatingPoint']['digitsUnflagged'])} %" for n in SCORED)]),
               row(["accuracy of those answers", *(f"{percent(cards[n]['operatingPoint']['accuracyUnflagged'])} %" for n in SCORED)])]

    low_resolution = header("", SCORED)
    low_resolution += [
        row(["energy ≥ (the card's own line)", *(f"{low[n]['threshold']:.4f} ({cards[n]['notADigit']['threshold']:.4f})" for n in SCORED)]),
        row(["low-resolution digits declined", *(f"{percent(low[n]['digitDeclineRate'])} %" for n in SCORED)]),
    ]
    for f in low["cnn"]["families"]:
        k = f["name"]
        low_resolution.append(row([k + (" (held out)" if f["heldOut"] else ""),
                                   *(f"{round(low_families[n][k]['declineRate'] * 100)} / {round(low_families[n][k]['flaggedRate'] * 100)} %" for n in SCORED)]))

    coverage = [row(["uncertainBelow", *(f"`{n}`" for n in ALL)]), rule(["---:", *("---" for _ in ALL)])]
    for u in (r["uncertainBelow"] for r in cards["cnn"]["riskCoverage"]):
        coverage.append(row([u, *(f"{percent(risk[n][u]['flagged'])} % / {percent(risk[n][u]['accuracyUnflagged'])} %" for n in ALL)]))

    return [accuracy, kinds, calibration, per_family, client, low_resolution, coverage]


def rewritten(doc_lines, new_tables):
    lines = list(doc_lines)
    for table in new_tables:
        if table[0] not in lines:
            sys.exit(f"docs/models.md has no table headed {table[0]!r}")
        start = end = lines.index(table[0])
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
        lines[start:end] = table
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/models.md's tables differ from the manifest")
    args = parser.parse_args()
    with open(MANIFEST, encoding="utf-8") as f:
        manifest = json.load(f)
    cards = {c["name"]: c for c in manifest["models"]}
    cards["ensemble"] = manifest["ensemble"]
    with open(DOC, encoding="utf-8") as f:
        doc = f.read()
    text = "\n".join(rewritten(doc.split("\n"), tables(cards)))
    if args.check:
        if text != doc:
            sys.exit("docs/models.md's card tables differ from models/manifest.json: run python3 models/train/card_tables.py")
        print("docs/models.md's card tables match models/manifest.json")
        return
    with open(DOC, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()

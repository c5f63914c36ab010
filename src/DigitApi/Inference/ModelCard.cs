using System.Text.Json;
using System.Text.Json.Serialization;

namespace DigitApi.Inference;

/// <summary>
/// What a card says about trusting its model's answers: how its confidences were calibrated, how it tells
/// what is not a digit, below which confidence an answer is flagged, and the measurements behind those lines.
/// Every member is optional: a card without them answers with raw softmax and never declines.
/// </summary>
public abstract record TrustedCard
{
    public CalibrationSpec? Calibration { get; init; }

    public NotADigitSpec? NotADigit { get; init; }

    /// <summary>Answers less confident than this are flagged <c>uncertain</c> (Predictions:UncertainBelow overrides it).</summary>
    public double? UncertainBelow { get; init; }

    /// <summary>What the card's lines do to realistic validation digits: how many are answered unflagged, and how many of those are right.</summary>
    public OperatingPoint? OperatingPoint { get; init; }

    public RiskCoveragePoint[]? RiskCoverage { get; init; }

    public KindAccuracy[]? AccuracyByKind { get; init; }
}

/// <summary>One model as described by models/manifest.json (written by models/train/train.py).</summary>
public sealed record ModelCard : TrustedCard
{
    public required string Name { get; init; }

    public string Version { get; init; } = "1";

    public required string File { get; init; }

    public required string Sha256 { get; init; }

    public long SizeBytes { get; init; }

    public required string Architecture { get; init; }

    public int Parameters { get; init; }

    public required TensorSpec Input { get; init; }

    public required TensorSpec Output { get; init; }

    public required NormalizationSpec Normalization { get; init; }

    public double TestAccuracy { get; init; }

    public double? PublishedAccuracy { get; init; }

    public double? ValidationAccuracy { get; init; }

    public JsonElement? PerClass { get; init; }

    public JsonElement? ConfusionMatrix { get; init; }

    public JsonElement? Training { get; init; }

    public JsonElement? Data { get; init; }
}

public sealed record TensorSpec(string Name, string Datatype, long[] Shape);

public sealed record NormalizationSpec(float Mean, float Std, string? Formula = null);

/// <summary>The soft-voting ensemble described in the manifest; its trust members apply to its own answers.</summary>
public sealed record EnsembleCard(string Name, string[] Members, string Combination, double TestAccuracy) : TrustedCard;

/// <summary>Temperature scaling: calibrated probabilities are softmax(logits / temperature).</summary>
/// <param name="Temperature">Divides the logits before the softmax; 1 leaves them as they are.</param>
/// <param name="EceBefore">Expected calibration error of the raw softmax on the validation uploads, 0-1.</param>
/// <param name="EceAfter">The same after scaling.</param>
/// <param name="Bins">Confidence bins the errors were measured with.</param>
/// <param name="Validation">The uploads the temperature was fitted and measured on.</param>
public sealed record CalibrationSpec(double Temperature, double? EceBefore = null, double? EceAfter = null, int? Bins = null, string? Validation = null);

/// <summary>How the model declines uploads that are not digits: a score per upload, and a threshold on it.</summary>
/// <param name="Score"><c>energy</c> (-logsumexp of the raw logits) or <c>maxProbability</c> (1 - the top calibrated probability).</param>
/// <param name="Threshold">An upload whose score is at or above this is not a digit.</param>
/// <param name="DigitDeclineRate">Share of real digits the threshold declines, 0-1.</param>
/// <param name="Families">Detection per kind of non-digit, held-out kinds included.</param>
/// <param name="LowResolution">The line for digits read from low-resolution scans, when the card sets one apart.</param>
public sealed record NotADigitSpec(string Score, double Threshold, double? DigitDeclineRate = null, OutlierFamily[]? Families = null,
    LowResolutionLine? LowResolution = null);

/// <summary>
/// The not-a-digit line for a digit read from an image no larger than <see cref="MaxSide"/> pixels (an 8x8 block-count
/// scan, a 16x16 postal scan; see <c>PreparedDigit.SourceSide</c>). So few pixels tell a digit from something else less
/// surely, and real digits score higher: at the card's own line such scans are declined several times as often as
/// other digits. This line declines them about as often as the card's line declines digits in general.
/// </summary>
/// <param name="MaxSide">Images with a longer side of at most this many pixels are judged by this line.</param>
/// <param name="Threshold">An upload whose score is at or above this is not a digit.</param>
/// <param name="DigitDeclineRate">Share of low-resolution validation digits the threshold declines, 0-1.</param>
/// <param name="Families">Detection per kind of non-digit, cut out as such scans.</param>
public sealed record LowResolutionLine(int MaxSide, double Threshold, double? DigitDeclineRate = null, OutlierFamily[]? Families = null);

/// <summary>One kind of non-digit upload and how well the score tells it from digits.</summary>
/// <param name="Name">The kind, e.g. fashion, letters, doodles.</param>
/// <param name="HeldOut">True when no upload of this kind was used in training or to choose the threshold.</param>
/// <param name="Count">Uploads of this kind measured.</param>
/// <param name="Auroc">Area under the ROC curve of the score, digits against this kind, 0-1 (null when not measured).</param>
/// <param name="DeclineRate">Share of this kind declined at the threshold, 0-1 (null when not measured).</param>
/// <param name="FlaggedRate">Share of this kind declined or answered uncertain at the card's lines, 0-1: what a client sees.</param>
public sealed record OutlierFamily(string Name, bool HeldOut, int Count, double? Auroc, double? DeclineRate, double? FlaggedRate = null);

/// <summary>The card's lines applied to realistic validation digits.</summary>
/// <param name="DigitsUnflagged">Share of digits answered neither not-a-digit nor uncertain, 0-1.</param>
/// <param name="AccuracyUnflagged">Accuracy of those answers, 0-1 (null when every answer is flagged).</param>
public sealed record OperatingPoint(double DigitsUnflagged, double? AccuracyUnflagged);

/// <summary>One row of the risk-coverage table, measured on realistic digits.</summary>
/// <param name="UncertainBelow">The confidence line.</param>
/// <param name="Flagged">Share of digits flagged at that line (declined as not a digit, or uncertain), 0-1.</param>
/// <param name="AccuracyUnflagged">Accuracy of the answers not flagged, 0-1 (null when every answer is flagged).</param>
public sealed record RiskCoveragePoint(double UncertainBelow, double Flagged, double? AccuracyUnflagged);

/// <summary>Accuracy on one kind of digits, e.g. mnist-test or photos.</summary>
/// <param name="Kind">The set of digits.</param>
/// <param name="Count">Digits in it.</param>
/// <param name="Accuracy">Percent right.</param>
public sealed record KindAccuracy(string Kind, int Count, double Accuracy);

public sealed record ModelManifest(
    [property: JsonPropertyName("models")] ModelCard[] Models,
    [property: JsonPropertyName("ensemble")] EnsembleCard? Ensemble);

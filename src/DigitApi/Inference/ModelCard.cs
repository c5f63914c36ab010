using System.Text.Json;
using System.Text.Json.Serialization;

namespace DigitApi.Inference;

/// <summary>One model as described by models/manifest.json (written by models/train/train.py).</summary>
public sealed record ModelCard
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

/// <summary>The soft-voting ensemble described in the manifest.</summary>
public sealed record EnsembleCard(string Name, string[] Members, string Combination, double TestAccuracy);

public sealed record ModelManifest(
    [property: JsonPropertyName("models")] ModelCard[] Models,
    [property: JsonPropertyName("ensemble")] EnsembleCard? Ensemble);

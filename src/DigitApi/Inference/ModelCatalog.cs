using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace DigitApi.Inference;

/// <summary>The models this service offers, read once from manifest.json.</summary>
public sealed class ModelCatalog
{
    public const string EnsembleName = "ensemble";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public ModelCatalog(IOptions<InferenceOptions> options, IHostEnvironment environment)
    {
        Directory = Path.GetFullPath(options.Value.ModelsPath, AppContext.BaseDirectory);
        if (!System.IO.Directory.Exists(Directory))
        {
            Directory = Path.GetFullPath(options.Value.ModelsPath, environment.ContentRootPath);
        }

        var manifestPath = Path.Combine(Directory, "manifest.json");
        if (!File.Exists(manifestPath))
        {
            throw new InvalidOperationException(
                $"No model manifest at '{manifestPath}'. Set Inference:ModelsPath to the folder holding manifest.json and the .onnx files.");
        }

        var manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllBytes(manifestPath), JsonOptions)
            ?? throw new InvalidOperationException($"The model manifest '{manifestPath}' is empty.");
        Cards = manifest.Models;
        Ensemble = manifest.Ensemble is { } e && e.Members.All(m => Cards.Any(c => c.Name == m)) ? e : null;
        DefaultModel = Cards.OrderByDescending(c => c.TestAccuracy).First().Name;
    }

    /// <summary>The absolute folder the models were loaded from.</summary>
    public string Directory { get; }

    public IReadOnlyList<ModelCard> Cards { get; }

    public EnsembleCard? Ensemble { get; }

    /// <summary>The most accurate single model on the MNIST test set.</summary>
    public string DefaultModel { get; }

    /// <summary>Every name a client may ask for: the single models, then the ensemble.</summary>
    public IEnumerable<string> Names => Cards.Select(c => c.Name).Concat(Ensemble is null ? [] : [EnsembleName]);

    /// <summary>Resolves a client's model name (case-insensitive, null = default).</summary>
    public string Resolve(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested))
        {
            return DefaultModel;
        }

        return Names.FirstOrDefault(n => string.Equals(n, requested.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new UnknownModelException(requested, Names);
    }

    public ModelCard? Find(string name) => Cards.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    public string PathOf(ModelCard card) => Path.Combine(Directory, card.File);

    /// <summary>True when the file on disk is the one the card describes.</summary>
    public bool HasIntactFile(ModelCard card)
    {
        var path = PathOf(card);
        if (!File.Exists(path))
        {
            return false;
        }

        using var stream = File.OpenRead(path);
        return string.Equals(Convert.ToHexStringLower(SHA256.HashData(stream)), card.Sha256, StringComparison.OrdinalIgnoreCase);
    }
}

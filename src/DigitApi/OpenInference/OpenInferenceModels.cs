using DigitApi.Inference;

namespace DigitApi.OpenInference;

/// <summary>A model as the protocol serves it.</summary>
/// <param name="Name">Its name in the catalog (or <c>ensemble</c>).</param>
/// <param name="Version">Its version: the model card's; the ensemble's is 1.</param>
/// <param name="Platform">onnx_onnxv1, or ensemble.</param>
/// <param name="Card">The card whose tensor names and shapes it shares (an ensemble member's for the ensemble).</param>
public sealed record ServedModel(string Name, string Version, string Platform, ModelCard Card);

/// <summary>
/// The catalog seen through the protocol: every single model and the ensemble, with version, platform
/// and tensors. Names and versions are case-sensitive, as all strings of the protocol are.
/// </summary>
public sealed class OpenInferenceModels(ModelCatalog catalog, ModelRegistry registry)
{
    public const string Datatype = "FP32";
    public const string ProbabilitiesOutput = "probabilities";
    public const string OnnxPlatform = "onnx_onnxv1";
    public const string EnsemblePlatform = "ensemble";
    public const string EnsembleVersion = "1";

    /// <summary>The model asked for in the path.</summary>
    /// <exception cref="OpenInferenceException">404: no such model, or not in that version.</exception>
    public ServedModel Find(string name, string? version)
    {
        var model = catalog.Cards.FirstOrDefault(c => c.Name == name) is { } card
            ? new ServedModel(card.Name, card.Version, OnnxPlatform, card)
            : name == ModelCatalog.EnsembleName && catalog.Ensemble is { } ensemble
                ? new ServedModel(ModelCatalog.EnsembleName, EnsembleVersion, EnsemblePlatform, catalog.Find(ensemble.Members[0])!)
                : throw OpenInferenceException.UnknownModel(
                    $"Unknown model '{name}'. Models: {string.Join(", ", catalog.Names)}.");
        if (version is not null && version != model.Version)
        {
            throw OpenInferenceException.UnknownModel(
                $"Model '{name}' has no version '{version}'. Versions: {model.Version}.");
        }

        return model;
    }

    /// <summary>Ready when loaded and warmed up; the ensemble when every member is.</summary>
    public bool IsReady(ServedModel model) => model.Platform == EnsemblePlatform
        ? catalog.Ensemble!.Members.All(registry.IsModelReady)
        : registry.IsModelReady(model.Name);

    public static ModelMetadataResponse Describe(ServedModel model) => new(
        model.Name,
        [model.Version],
        model.Platform,
        [new MetadataTensor(model.Card.Input.Name, Datatype, model.Card.Input.Shape)],
        [
            new MetadataTensor(model.Card.Output.Name, Datatype, model.Card.Output.Shape),
            new MetadataTensor(ProbabilitiesOutput, Datatype, model.Card.Output.Shape),
        ]);
}

using DigitApi.Hosting;
using DigitApi.Inference;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DigitApi.Endpoints;

/// <summary>A model card as served by /models, with how this replica runs it.</summary>
/// <param name="Card">The card from models/manifest.json.</param>
/// <param name="Runtime">Provider, workers and threads in use here.</param>
public sealed record ModelInfo(ModelCard Card, ModelRuntime Runtime);

/// <summary>How a model runs on this replica: the values in effect, defaults resolved for the provider it runs on.</summary>
public sealed record ModelRuntime(
    string Status, string? Provider, int Workers, int IntraOpThreads, bool Spinning, bool IoBinding,
    int MaxBatchSize, double MaxQueueDelayMs, int QueueCapacity, bool IsDefault);

/// <summary>The catalog: every model, the ensemble and the default.</summary>
public sealed record ModelList(string DefaultModel, ModelInfo[] Models, EnsembleCard? Ensemble, int ProcessorCount);

public static class ModelEndpoints
{
    public static RouteGroupBuilder MapModelEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/models")
            .WithTag("Models", "The model cards: architecture, parameters, normalisation, accuracy and metrics, and how each model runs here.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/", ListModels)
            .WithName("ListModels")
            .WithSummary("The model cards: architecture, parameters, normalisation, test accuracy, metrics, and how each runs here");
        group.MapGet("/{name}", GetModel)
            .WithName("GetModel")
            .WithSummary("One model card")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static Ok<ModelList> ListModels(ModelCatalog catalog, ModelRegistry registry, IOptions<InferenceOptions> options) =>
        TypedResults.Ok(new ModelList(
            catalog.DefaultModel,
            catalog.Cards.Select(c => Describe(c, catalog, registry, options.Value)).ToArray(),
            catalog.Ensemble,
            Environment.ProcessorCount));

    /// <summary>One model card.</summary>
    /// <param name="name">cnn, lenet, mlp, logreg or ensemble.</param>
    /// <param name="catalog">The catalog.</param>
    /// <param name="registry">The loaded models.</param>
    /// <param name="options">Inference settings.</param>
    /// <param name="context">The request.</param>
    public static Results<Ok<ModelInfo>, Ok<EnsembleCard>, ProblemHttpResult> GetModel(
        string name, ModelCatalog catalog, ModelRegistry registry, IOptions<InferenceOptions> options, HttpContext context)
    {
        string resolved;
        try
        {
            resolved = catalog.Resolve(name);
        }
        catch (UnknownModelException error)
        {
            return error.ToResult(context);
        }

        if (resolved == ModelCatalog.EnsembleName)
        {
            return TypedResults.Ok(catalog.Ensemble!);
        }

        return TypedResults.Ok(Describe(catalog.Find(resolved)!, catalog, registry, options.Value));
    }

    private static ModelInfo Describe(ModelCard card, ModelCatalog catalog, ModelRegistry registry, InferenceOptions options)
    {
        var runner = registry.Runners.FirstOrDefault(r => r.Card.Name == card.Name);
        var status = registry.Failures.TryGetValue(card.Name, out var failure) ? $"failed: {failure}" : runner is null ? "loading" : "ready";
        return new ModelInfo(card, new ModelRuntime(
            status, runner?.Provider.ToString(), runner?.Workers ?? 0, options.EffectiveIntraOpThreads, options.AllowSpinning,
            runner is not null && options.BindsIo(runner.Provider), options.MaxBatchSize, runner?.QueueDelay.TotalMilliseconds ?? 0,
            options.QueueCapacity, card.Name == catalog.DefaultModel));
    }
}

using System.Reflection;
using DigitApi.Hosting;
using DigitApi.Inference;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DigitApi.OpenInference;

/// <summary>
/// The KServe / Open Inference Protocol (v2) REST API: server and model metadata, health, and inference
/// on FP32 tensors, so that Triton and KServe clients can call DigitApi as they call those servers.
/// </summary>
public static class OpenInferenceEndpoints
{
    public const string Prefix = "/v2";
    private const string ServerName = "DigitApi";

    public static RouteGroupBuilder MapOpenInferenceEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Prefix)
            .WithTag("Open Inference Protocol (KServe v2)", "The KServe / Open Inference Protocol v2 REST API, for tensor clients such as "
                + "tritonclient: server and model metadata, health, and inference on normalised FP32 tensors. Errors are {\"error\": \"...\"}.")
            .DisableAntiforgery();

        group.MapGet("/", ServerMetadata).WithName("V2ServerMetadata").WithSummary("Server metadata: name, version, extensions")
            .ProducesError(StatusCodes.Status429TooManyRequests);

        var health = group.MapGroup("/health").AsInfrastructure();
        health.MapGet("/live", ServerLive).WithName("V2ServerLive").WithSummary("Server live: 200 while the process runs");
        health.MapGet("/ready", ServerReady).WithName("V2ServerReady")
            .WithSummary("Server ready: 200 when every model is ready for inferencing, else 503")
            .Produces<ServerReadyResponse>(StatusCodes.Status503ServiceUnavailable);

        var models = group.MapGroup("/models").RequireApiKey()
            .ProducesError(StatusCodes.Status401Unauthorized)
            .ProducesError(StatusCodes.Status429TooManyRequests);
        models.MapGet("/{name}", ModelMetadata).WithName("V2ModelMetadata")
            .WithSummary("Model metadata: versions, platform, input and output tensors").Produces<InferenceError>(StatusCodes.Status404NotFound);
        models.MapGet("/{name}/versions/{version}", ModelVersionMetadata).WithName("V2ModelVersionMetadata")
            .WithSummary("Model metadata of one version").Produces<InferenceError>(StatusCodes.Status404NotFound);
        models.MapGet("/{name}/ready", ModelReady).WithName("V2ModelReady")
            .WithSummary("Model ready: 200 when loaded and warmed up, else 503").WithModelReadyErrors();
        models.MapGet("/{name}/versions/{version}/ready", ModelVersionReady).WithName("V2ModelVersionReady")
            .WithSummary("Model ready, for one version").WithModelReadyErrors();

        var inference = models.MapGroup("/").AsInference();
        inference.MapPost("/{name}/infer", Infer).WithName("V2Infer")
            .WithSummary("Inference on FP32 tensors").WithInferDocumentation();
        inference.MapPost("/{name}/versions/{version}/infer", InferVersion).WithName("V2InferVersion")
            .WithSummary("Inference on FP32 tensors, with one version").WithInferDocumentation();
        return group;
    }

    public static Ok<ServerMetadataResponse> ServerMetadata() =>
        TypedResults.Ok(new ServerMetadataResponse(ServerName, ServerVersion, []));

    public static Ok<ServerLiveResponse> ServerLive() => TypedResults.Ok(new ServerLiveResponse(true));

    public static Results<Ok<ServerReadyResponse>, JsonHttpResult<ServerReadyResponse>> ServerReady(ModelRegistry registry) =>
        registry.IsReady
            ? TypedResults.Ok(new ServerReadyResponse(true))
            : TypedResults.Json(new ServerReadyResponse(false), statusCode: StatusCodes.Status503ServiceUnavailable);

    /// <summary>Model metadata.</summary>
    /// <param name="name">cnn, lenet, mlp, logreg or ensemble (case-sensitive).</param>
    /// <param name="models">The served models.</param>
    public static Ok<ModelMetadataResponse> ModelMetadata(string name, OpenInferenceModels models) =>
        TypedResults.Ok(OpenInferenceModels.Describe(models.Find(name, null)));

    /// <summary>Model metadata of one version.</summary>
    /// <param name="name">cnn, lenet, mlp, logreg or ensemble (case-sensitive).</param>
    /// <param name="version">The model card's version (GET /v2/models/{name} lists it).</param>
    /// <param name="models">The served models.</param>
    public static Ok<ModelMetadataResponse> ModelVersionMetadata(string name, string version, OpenInferenceModels models) =>
        TypedResults.Ok(OpenInferenceModels.Describe(models.Find(name, version)));

    /// <summary>Model readiness.</summary>
    /// <param name="name">cnn, lenet, mlp, logreg or ensemble (case-sensitive).</param>
    /// <param name="models">The served models.</param>
    public static Results<Ok<ModelReadyResponse>, JsonHttpResult<ModelReadyResponse>> ModelReady(string name, OpenInferenceModels models) =>
        Readiness(models, models.Find(name, null));

    /// <summary>Model readiness, for one version.</summary>
    /// <param name="name">cnn, lenet, mlp, logreg or ensemble (case-sensitive).</param>
    /// <param name="version">The model card's version.</param>
    /// <param name="models">The served models.</param>
    public static Results<Ok<ModelReadyResponse>, JsonHttpResult<ModelReadyResponse>> ModelVersionReady(string name, string version, OpenInferenceModels models) =>
        Readiness(models, models.Find(name, version));

    /// <summary>Inference.</summary>
    /// <param name="name">cnn, lenet, mlp, logreg or ensemble (case-sensitive).</param>
    /// <param name="request">The HTTP request; its body is the $inference_request.</param>
    /// <param name="services">Model lookup, request reader and inference.</param>
    /// <param name="cancellationToken">Aborted when the client disconnects.</param>
    public static Task<Ok<InferenceResponse>> Infer(string name, HttpRequest request, [AsParameters] OpenInferenceServices services, CancellationToken cancellationToken) =>
        InferAsync(services.Models.Find(name, null), request, services, cancellationToken);

    /// <summary>Inference with one version.</summary>
    /// <param name="name">cnn, lenet, mlp, logreg or ensemble (case-sensitive).</param>
    /// <param name="version">The model card's version.</param>
    /// <param name="request">The HTTP request; its body is the $inference_request.</param>
    /// <param name="services">Model lookup, request reader and inference.</param>
    /// <param name="cancellationToken">Aborted when the client disconnects.</param>
    public static Task<Ok<InferenceResponse>> InferVersion(string name, string version, HttpRequest request, [AsParameters] OpenInferenceServices services, CancellationToken cancellationToken) =>
        InferAsync(services.Models.Find(name, version), request, services, cancellationToken);

    private static async Task<Ok<InferenceResponse>> InferAsync(ServedModel model, HttpRequest request, OpenInferenceServices services, CancellationToken cancellationToken)
    {
        request.HttpContext.TagModel(model.Name);
        var tensor = await services.Reader.ReadAsync(request, model, cancellationToken);
        var (logits, probabilities) = await services.Classifier.ScoreAsync(model.Name, tensor.Tensor, tensor.Rows, cancellationToken);
        long[] shape = [tensor.Rows, ModelRunner.ClassesPerRow];
        var outputs = tensor.Outputs
            .Select(output => new ResponseOutput(output, OpenInferenceModels.Datatype, shape, output == OpenInferenceModels.ProbabilitiesOutput ? probabilities : logits))
            .ToArray();
        return TypedResults.Ok(new InferenceResponse(model.Name, model.Version, tensor.Id, outputs));
    }

    private static Results<Ok<ModelReadyResponse>, JsonHttpResult<ModelReadyResponse>> Readiness(OpenInferenceModels models, ServedModel model) =>
        models.IsReady(model)
            ? TypedResults.Ok(new ModelReadyResponse(model.Name, true))
            : TypedResults.Json(new ModelReadyResponse(model.Name, false), statusCode: StatusCodes.Status503ServiceUnavailable);

    private static string ServerVersion { get; } =
        typeof(OpenInferenceEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0.0";

    private static TBuilder ProducesError<TBuilder>(this TBuilder builder, int status)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(InferenceError), ["application/json"]));

    private static RouteHandlerBuilder WithModelReadyErrors(this RouteHandlerBuilder builder) => builder
        .Produces<ModelReadyResponse>(StatusCodes.Status503ServiceUnavailable)
        .Produces<InferenceError>(StatusCodes.Status404NotFound);

    private static RouteHandlerBuilder WithInferDocumentation(this RouteHandlerBuilder builder) => builder
        .WithDescription("Send an $inference_request: one FP32 input named 'input' of shape [N,1,28,28], already normalised as the model "
            + "card says ((x - 0.5) / 0.5 with ink bright on dark), data flat or nested. The answer holds 'logits' and 'probabilities', "
            + "FP32 [N,10], or only the outputs asked for; 'id' is echoed. Errors are {\"error\": \"...\"}: 400 for a malformed request, "
            + "404 for an unknown model or version, 413 for too many rows or bytes, 503 when overloaded.")
        .WithMetadata(new InferenceRequestBodyMetadata())
        .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
            """{"model_name":"cnn","model_version":"1","id":"42","outputs":[{"name":"logits","datatype":"FP32","shape":[1,10],"data":[-1.2,-0.9,-0.8,-1.1,-1.3,-1.2,-1.3,4.1,-1.0,-0.7]},{"name":"probabilities","datatype":"FP32","shape":[1,10],"data":[0.0041,0.0055,0.0061,0.0045,0.0037,0.0041,0.0037,0.9534,0.005,0.0067]}]}"""))
        .WithMetadata(new ResponseExample(StatusCodes.Status400BadRequest,
            """{"error":"Input 'input' has shape [1,784]; the model takes [N,1,28,28] with N at least 1."}"""))
        .Produces<InferenceError>(StatusCodes.Status400BadRequest)
        .Produces<InferenceError>(StatusCodes.Status404NotFound)
        .Produces<InferenceError>(StatusCodes.Status413PayloadTooLarge)
        .Produces<InferenceError>(StatusCodes.Status503ServiceUnavailable);
}

/// <summary>What the infer handlers need, bound with [AsParameters].</summary>
public sealed record OpenInferenceServices([FromServices] OpenInferenceModels Models, [FromServices] TensorRequestReader Reader, [FromServices] DigitClassifier Classifier);

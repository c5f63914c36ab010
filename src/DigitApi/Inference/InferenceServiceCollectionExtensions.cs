namespace DigitApi.Inference;

public static class InferenceServiceCollectionExtensions
{
    /// <summary>Model catalog, answer lines (Predictions), pooled ONNX Runtime sessions with dynamic batching, and readiness (models are loaded by Hosting's warm-up).</summary>
    public static IServiceCollection AddInference(this IServiceCollection services)
    {
        services.AddOptions<InferenceOptions>()
            .BindConfiguration(InferenceOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => Enum.TryParse<Microsoft.ML.OnnxRuntime.GraphOptimizationLevel>(o.GraphOptimizationLevel, true, out _),
                "Inference:GraphOptimizationLevel must be ORT_DISABLE_ALL, ORT_ENABLE_BASIC, ORT_ENABLE_EXTENDED or ORT_ENABLE_ALL.")
            .ValidateOnStart();
        services.AddOptions<PredictionOptions>()
            .BindConfiguration(PredictionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<SessionFactory>();
        services.AddSingleton<InferenceMetrics>();
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<DigitClassifier>();
        services.AddHealthChecks().AddCheck<ModelsHealthCheck>("models", tags: [ModelsHealthCheck.ReadyTag]);
        return services;
    }
}

using Swashbuckle.AspNetCore.SwaggerGen;

namespace DigitApi.OpenInference;

public static class OpenInferenceServiceCollectionExtensions
{
    /// <summary>The KServe / Open Inference Protocol v2 endpoints' services and their error shape.</summary>
    public static IServiceCollection AddOpenInference(this IServiceCollection services)
    {
        services.AddOptions<OpenInferenceOptions>()
            .BindConfiguration(OpenInferenceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<OpenInferenceModels>();
        services.AddSingleton<TensorRequestReader>();
        services.Configure<SwaggerGenOptions>(swagger => swagger.OperationFilter<InferenceRequestBodyFilter>());

        // First among the problem-details writers, so that it, not the default writer, answers under /v2.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, OpenInferenceErrorWriter>());
        return services;
    }
}

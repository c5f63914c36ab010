namespace DigitApi.Numbers;

public static class NumberServiceCollectionExtensions
{
    /// <summary>Multi-digit numbers: segmentation, per-digit normalisation and the reader, with validated limits.</summary>
    public static IServiceCollection AddNumbers(this IServiceCollection services)
    {
        services.AddOptions<NumberOptions>()
            .BindConfiguration(NumberOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<NumberPreprocessor>();
        services.AddSingleton<NumberReader>();
        return services;
    }
}

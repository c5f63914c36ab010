namespace DigitApi.Imaging;

public static class ImagingServiceCollectionExtensions
{
    /// <summary>The decoder (SkiaSharp) and the digit preprocessor, with validated limits.</summary>
    public static IServiceCollection AddImaging(this IServiceCollection services)
    {
        services.AddOptions<ImageOptions>()
            .BindConfiguration(ImageOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IImageDecoder, SkiaImageDecoder>();
        services.AddSingleton<DigitPreprocessor>();
        return services;
    }
}

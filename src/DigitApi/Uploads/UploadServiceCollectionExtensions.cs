namespace DigitApi.Uploads;

public static class UploadServiceCollectionExtensions
{
    /// <summary>The upload reader and its limits; Kestrel's body limit follows Uploads:MaxRequestBytes.</summary>
    public static IServiceCollection AddUploads(this IServiceCollection services, IWebHostBuilder webHost)
    {
        services.AddOptions<UploadOptions>()
            .BindConfiguration(UploadOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<UploadReader>();
        webHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = context.Configuration.GetSection(UploadOptions.SectionName).Get<UploadOptions>() ?? new UploadOptions();
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            kestrel.AddServerHeader = false;
        });
        return services;
    }
}

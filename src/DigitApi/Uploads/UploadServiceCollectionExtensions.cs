using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

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
        services.AddSingleton<RequestBodyReader>();
        services.AddSingleton<UploadReader>();

        // Kestrel's default first waits for data with a zero-byte read, then reads into a fresh buffer: two
        // system calls for every 4 KiB block of an upload. Reading straight away halves them, for a buffer held
        // per connection while it waits.
        services.Configure<SocketTransportOptions>(sockets => sockets.WaitForDataBeforeAllocatingBuffer = false);
        webHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = context.Configuration.GetSection(UploadOptions.SectionName).Get<UploadOptions>() ?? new UploadOptions();
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            kestrel.AddServerHeader = false;
        });
        return services;
    }
}

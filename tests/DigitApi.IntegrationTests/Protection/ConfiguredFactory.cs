using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace DigitApi.IntegrationTests.Protection;

/// <summary>
/// The service with extra settings. The in-memory server has no sockets, so a request may name its
/// peer address in the <see cref="PeerHeader"/> header, as a TCP connection would.
/// </summary>
public class ConfiguredFactory(IDictionary<string, string?> settings) : DigitApiFactory
{
    public const string PeerHeader = "X-Test-Peer";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new PeerAddressFilter()));
    }

    /// <summary>The service with extra settings on Kestrel (loopback, a free port), for tests that need real sockets.</summary>
    public class OnKestrel(IDictionary<string, string?> settings) : ConfiguredFactory(settings), IAsyncLifetime
    {
        public ValueTask InitializeAsync()
        {
            UseKestrel(0);
            StartServer();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class PeerAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[PeerHeader].ToString(), out var peer))
                {
                    context.Connection.RemoteIpAddress = peer;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

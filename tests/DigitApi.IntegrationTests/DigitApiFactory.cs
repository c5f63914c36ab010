using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DigitApi.IntegrationTests;

/// <summary>
/// The real service in memory with the committed models on CPU. Loading models costs time, so test
/// classes share one instance through IClassFixture.
/// </summary>
public class DigitApiFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Inference:Provider", "Cpu");
        builder.UseSetting("Inference:WorkersPerModel", "2");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
    }
}

using DigitApi.Tests;
using Microsoft.AspNetCore.Hosting;

namespace DigitApi.IntegrationTests.Trust;

/// <summary>The service on <see cref="TrustLinesModels"/>: a copy of the committed models that every upload crosses the lines of.</summary>
public sealed class TrustLinesFactory : DigitApiFactory
{
    private readonly TrustLinesModels _models = new(Path.Combine(AppContext.BaseDirectory, "models"));
    private readonly Dictionary<string, string?> _settings = [];

    /// <summary>A service on the same lines with configuration on top, e.g. Predictions:UncertainBelow.</summary>
    public static TrustLinesFactory With(string key, string value)
    {
        var factory = new TrustLinesFactory();
        factory._settings[key] = value;
        return factory;
    }

    /// <summary>The calibration temperature each model's committed card sets (1 where it sets none).</summary>
    public Dictionary<string, double> CommittedTemperatures => _models.CommittedTemperatures;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Inference:ModelsPath", _models.Folder);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _models.Dispose();
    }
}

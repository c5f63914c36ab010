namespace DigitApi.IntegrationTests.Trust;

/// <summary>Predictions:UncertainBelow: one line for every model, validated at startup.</summary>
public sealed class PredictionOptionsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Predictions_UncertainBelow_overrides_every_cards_line()
    {
        await using var overridden = TrustLinesFactory.With("Predictions:UncertainBelow", "0");
        using var response = await overridden.CreateClient().PostAsync("/predict?model=lenet", Http.Image(TestFiles.Seven, "seven.png"), Cancel);

        Assert.False((await response.ReadJsonAsync()).GetProperty("uncertain").GetBoolean());
    }

    [Fact]
    public void An_uncertain_line_outside_0_to_1_stops_startup()
    {
        using var broken = TrustLinesFactory.With("Predictions:UncertainBelow", "1.5");

        var error = Assert.ThrowsAny<Exception>(() => broken.CreateClient());
        Assert.Contains("UncertainBelow", error.ToString(), StringComparison.Ordinal);
    }
}

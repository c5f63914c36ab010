using System.Text.Json;
using DigitApi.Inference;

namespace DigitApi.UnitTests.Inference;

/// <summary>Calibration, the not-a-digit score and the uncertain line, on logits worked out by hand.</summary>
public class TrustPolicyTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    // Logits ln(w): the softmax is w / sum(w), with sum(w) = 11, and the energy -ln(11).
    private static readonly float[] Weights = [4, 2, 1, 1, 1, 1, 0.25f, 0.25f, 0.25f, 0.25f];

    private static float[] Logits => Weights.Select(w => MathF.Log(w) + 3).ToArray(); // +3: a softmax ignores a shift, the energy does not

    [Fact]
    public void At_temperature_1_the_probabilities_are_the_softmax_and_the_energy_is_minus_logsumexp()
    {
        var row = Logits;

        var energy = TrustPolicy.Calibrate(row, 1);

        for (var i = 0; i < row.Length; i++)
        {
            Assert.Equal(Weights[i] / 11, row[i], 6);
        }

        Assert.Equal(-(MathF.Log(11) + 3), energy, 5);
    }

    [Fact]
    public void At_temperature_2_the_probabilities_are_the_normalised_square_roots_and_the_energy_is_unchanged()
    {
        var row = Logits;

        var energy = TrustPolicy.Calibrate(row, 2);

        var roots = Weights.Select(MathF.Sqrt).ToArray(); // 2, 1.4142, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5: sum 9.4142
        Assert.Equal(2 / 9.414214f, row[0], 5);
        for (var i = 0; i < row.Length; i++)
        {
            Assert.Equal(roots[i] / roots.Sum(), row[i], 6);
        }

        Assert.Equal(-(MathF.Log(11) + 3), energy, 5);
    }

    [Fact]
    public void Huge_logits_neither_overflow_nor_lose_the_energy()
    {
        float[] row = [1000, 0, 0, 0, 0, 0, 0, 0, 0, 0];

        var energy = TrustPolicy.Calibrate(row, 1.5f);

        Assert.Equal(1, row[0], 6);
        Assert.Equal(-1000, energy, 3);
        Assert.All(row, p => Assert.True(float.IsFinite(p)));
    }

    [Fact]
    public void The_energy_score_declines_at_and_above_the_threshold()
    {
        var policy = new TrustPolicy(1, NotADigitScore.Energy, -4.1f, 0.8f);

        Assert.Equal(-3.5f, policy.ScoreOf(-3.5f, 0.9f));
        Assert.True(policy.IsNotADigit(-4.1f, Photo));
        Assert.True(policy.IsNotADigit(-3.5f, Photo));
        Assert.False(policy.IsNotADigit(-9f, Photo));
    }

    [Fact]
    public void The_max_probability_score_is_one_minus_the_confidence()
    {
        var policy = new TrustPolicy(1, NotADigitScore.MaxProbability, 0.6f, 0.8f);

        Assert.Equal(0.7f, policy.ScoreOf(-20, 0.3f), 6);
        Assert.True(policy.IsNotADigit(policy.ScoreOf(-20, 0.3f), Photo));
        Assert.False(policy.IsNotADigit(policy.ScoreOf(-20, 0.9f), Photo));
    }

    [Fact]
    public void A_card_without_trust_members_answers_as_before()
    {
        var policy = TrustPolicy.For(Card("{}"), new PredictionOptions());

        Assert.Equal(new TrustPolicy(1, NotADigitScore.None, float.PositiveInfinity, 0.5f), policy);
        Assert.False(policy.IsNotADigit(policy.ScoreOf(1e9f, 0.01f), Photo));
        Assert.False(policy.IsNotADigit(policy.ScoreOf(1e9f, 0.01f), 8));
    }

    [Fact]
    public void The_card_sets_the_lines_and_configuration_overrides_the_uncertain_one()
    {
        var card = Card("""{ "calibration": { "temperature": 1.37 }, "notADigit": { "score": "energy", "threshold": -4.1 }, "uncertainBelow": 0.8 }""");

        Assert.Equal(new TrustPolicy(1.37f, NotADigitScore.Energy, -4.1f, 0.8f), TrustPolicy.For(card, new PredictionOptions()));
        Assert.Equal(0.6f, TrustPolicy.For(card, new PredictionOptions { UncertainBelow = 0.6 }).UncertainBelow);
    }

    [Fact]
    public void Digits_read_from_low_resolution_scans_are_judged_by_the_cards_line_for_them()
    {
        var card = Card("""{ "notADigit": { "score": "energy", "threshold": -4.1, "lowResolution": { "maxSide": 16, "threshold": -3.2 } } }""");
        var policy = TrustPolicy.For(card, new PredictionOptions());
        float[] sure = [0.01f, 0.91f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f];

        // An 8x8 or 16x16 scan up to the low-resolution line is answered; the same score on a larger image is declined.
        Assert.Equal((-4.1f, -3.2f, -3.2f, -4.1f), (policy.ThresholdFor(Photo), policy.ThresholdFor(8), policy.ThresholdFor(16), policy.ThresholdFor(17)));
        Assert.False(Prediction.Judge(sure, -3.5f, "cnn", policy, 8).NotADigit);
        Assert.True(Prediction.Judge(sure, -3.5f, "cnn", policy, 28).NotADigit);
        Assert.True(Prediction.Judge(sure, -3.2f, "cnn", policy, 16).NotADigit);
    }

    [Fact]
    public void A_card_without_a_low_resolution_line_judges_every_source_by_its_one_line()
    {
        var policy = TrustPolicy.For(Card("""{ "notADigit": { "score": "energy", "threshold": -4.1 } }"""), new PredictionOptions());

        Assert.Equal(-4.1f, policy.ThresholdFor(8));
        Assert.True(policy.IsNotADigit(-3.5f, 8));
    }

    [Theory]
    [InlineData("""{ "notADigit": { "score": "entropy", "threshold": 1 } }""", "entropy")]
    [InlineData("""{ "calibration": { "temperature": 0 } }""", "temperature")]
    [InlineData("""{ "notADigit": { "score": "energy", "threshold": -4, "lowResolution": { "maxSide": 0, "threshold": -3 } } }""", "maxSide")]
    public void A_card_with_lines_the_service_cannot_apply_stops_startup(string json, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => TrustPolicy.For(Card(json), new PredictionOptions()));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_a_digit_is_also_uncertain_and_a_confident_digit_is_neither()
    {
        var policy = new TrustPolicy(1, NotADigitScore.Energy, -4, 0.8f);
        float[] sure = [0.01f, 0.91f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f];
        float[] split = [0.01f, 0.01f, 0.01f, 0.01f, 0.45f, 0.01f, 0.01f, 0.01f, 0.01f, 0.47f];

        var digit = Prediction.Judge(sure, -12, "cnn", policy, Photo);
        var unsure = Prediction.Judge(split, -12, "cnn", policy, Photo);
        var notADigit = Prediction.Judge(sure, -2, "cnn", policy, Photo);

        Assert.Equal((1, false, false), (digit.Digit, digit.Uncertain, digit.NotADigit));
        Assert.Equal((9, true, false), (unsure.Digit, unsure.Uncertain, unsure.NotADigit));
        Assert.Equal((1, true, true, -2f), (notADigit.Digit, notADigit.Uncertain, notADigit.NotADigit, notADigit.NotADigitScore));
    }

    // A phone photo's longer side: never a low-resolution scan.
    private const int Photo = 1600;

    private static EnsembleCard Card(string trust)
    {
        var members = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(trust)!;
        members["name"] = JsonSerializer.SerializeToElement("ensemble");
        members["members"] = JsonSerializer.SerializeToElement(new[] { "cnn" });
        members["combination"] = JsonSerializer.SerializeToElement("mean");
        members["testAccuracy"] = JsonSerializer.SerializeToElement(99.0);
        return JsonSerializer.Deserialize<EnsembleCard>(JsonSerializer.Serialize(members), Web)!;
    }
}

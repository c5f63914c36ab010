using System.Net;
using DigitApi.Imaging;
using DigitApi.Inference;
using DigitApi.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DigitApi.IntegrationTests;

/// <summary>
/// Exact-match accuracy of POST /predict/number on synthetic numbers of 2-6 MNIST test digits
/// (<see cref="SyntheticNumbers"/>). The segmenter was tuned on numbers drawn from test digits 0-3,999;
/// the asserted and held-out sets draw from digits it never saw (4,000-6,999 and 7,000-9,999); and how many
/// uploads that are not numbers (<see cref="LetterNumbers"/>) are declined or flagged. Run with the xUnit
/// runner's -showLiveOutput to see the figures (docs/preprocessing.md gives the command).
/// </summary>
public sealed class NumberEvaluationTests(DigitApiFactory factory, ITestOutputHelper output) : IClassFixture<DigitApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task At_least_96_percent_of_a_thousand_numbers_are_read_exactly()
    {
        // 96.4 % with the current models (the held-out set below reads 98.4 %); refitting the models' lines moves it by
        // a number or two. NumberReader's confidence weight was chosen on the tuning numbers (seeds 1002-1004), where 2
        // to 6 read alike.
        var accuracy = await MeasureAsync("Asserted set (seed 2024, MNIST test digits 4,000-6,999)", SyntheticNumbers.Generate(seed: 2024, count: 1000, first: 4000, length: 3000));

        Assert.True(accuracy >= 96, $"{accuracy:F1} % exact");
    }

    [Fact]
    public async Task At_least_98_percent_of_a_held_out_thousand_are_read_exactly()
    {
        var accuracy = await MeasureAsync("Held-out set (seed 7, MNIST test digits 7,000-9,999)", SyntheticNumbers.Generate(seed: 7, count: 1000, first: 7000, length: 3000));

        Assert.True(accuracy >= 98, $"{accuracy:F1} % exact");
    }

    [Fact]
    public async Task At_least_94_percent_of_the_tuning_numbers_are_read_exactly()
    {
        // Reported for comparison: the segmenter's constants were fitted on numbers like these (seeds 1002-1004), and
        // the line from which an odd-looking piece no longer declines its number (NumberReading.OddDigitLine) on this
        // set. This part of the MNIST test set holds most of its hard digits.
        var accuracy = await MeasureAsync("Tuning set (seed 1002, MNIST test digits 0-3,999)", SyntheticNumbers.Generate(seed: 1002, count: 1000, first: 0, length: 4000));

        Assert.True(accuracy >= 94.0, $"{accuracy:F1} % exact");
    }

    [Fact]
    public async Task Numbers_with_a_handwritten_letter_among_their_digits_are_declined_or_flagged_as_often_as_measured()
    {
        // 40.3 % declined and 61.9 % declined or flagged with the current models: most letters are cut into pieces the
        // models take for digits (an H for 11, a K for 16; models that read digits cut out and stretched as form readers
        // store them, coarse scans and flagged 1s sheared upright, take a few more), so these floors guard the level,
        // they do not meet the goal.
        var (declined, flagged) = await MeasureNotNumbersAsync("Numbers with one handwritten letter (seed 11)", LetterNumbers.Generate(seed: 11, count: 1000, words: false));

        Assert.True(declined >= 26, $"{declined:F1} % declined");
        Assert.True(declined + flagged >= 48, $"{declined + flagged:F1} % declined or flagged");
    }

    [Fact]
    public async Task Most_handwritten_words_are_declined()
    {
        // 91.8 % declined and 97.8 % declined or flagged with the current models.
        var (declined, flagged) = await MeasureNotNumbersAsync("Words of 3-6 handwritten letters (seed 12)", LetterNumbers.Generate(seed: 12, count: 400, words: true));

        Assert.True(declined >= 80, $"{declined:F1} % declined");
        Assert.True(declined + flagged >= 90, $"{declined + flagged:F1} % declined or flagged");
    }

    // The shares of uploads declined (422 not-a-digit) and answered but flagged uncertain, in percent.
    private async Task<(double Declined, double Flagged)> MeasureNotNumbersAsync(string set, List<NumberSample> samples)
    {
        var answers = new string[samples.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, samples.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken }, async (i, cancel) =>
        {
            using var response = await _client.PostAsync("/predict/number", Http.Image(samples[i].Image, samples[i].Layout.JpegQuality > 0 ? "number.jpg" : "number.png"), cancel);
            var body = await response.ReadJsonAsync();
            answers[i] = response.StatusCode == HttpStatusCode.OK
                ? (body.GetProperty("uncertain").GetBoolean() ? "flagged" : $"read as {body.GetProperty("number").GetString()}")
                : body.GetProperty("type").GetString()!;
        });

        var declined = 100.0 * answers.Count(a => a == "/problems/not-a-digit") / samples.Count;
        var flagged = 100.0 * answers.Count(a => a == "flagged") / samples.Count;
        output.WriteLine($"{set}: {declined:F1} % declined, {flagged:F1} % answered flagged uncertain, {100 - declined - flagged:F1} % otherwise.");
        foreach (var i in Enumerable.Range(0, samples.Count).Where(i => answers[i].StartsWith("read as", StringComparison.Ordinal)).Take(10))
        {
            output.WriteLine($"  #{i}: {samples[i].Number} {answers[i]}");
        }

        return (declined, flagged);
    }

    private async Task<double> MeasureAsync(string set, List<NumberSample> samples)
    {
        var read = new string?[samples.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, samples.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken }, async (i, cancel) =>
        {
            using var response = await _client.PostAsync("/predict/number", Http.Image(samples[i].Image, samples[i].Layout.JpegQuality > 0 ? "number.jpg" : "number.png"), cancel);
            read[i] = response.StatusCode == HttpStatusCode.OK ? (await response.ReadJsonAsync()).GetProperty("number").GetString() : $"HTTP {(int)response.StatusCode}";
        });

        var right = samples.Where((s, i) => read[i] == s.Number).Count();
        var ceiling = await ClassifierCeilingAsync(samples);
        var close = Enumerable.Range(0, samples.Count).Where(i => samples[i].Layout.Gaps.Any(g => g < 0.05 * 20 * samples[i].Layout.Scale)).ToList();
        var accuracy = 100.0 * right / samples.Count;
        output.WriteLine($"{set}: {accuracy:F1} % exact ({right} of {samples.Count}); "
            + $"{100.0 * close.Count(i => read[i] == samples[i].Number) / close.Count:F1} % of the {close.Count} with two digits touching or nearly so; "
            + $"the classifier alone, given each digit as its own 28x28 MNIST image, gets every digit of {ceiling:F1} % of the numbers right.");
        foreach (var i in Enumerable.Range(0, samples.Count).Where(i => read[i] != samples[i].Number).Take(20))
        {
            output.WriteLine($"  #{i}: {samples[i].Number} read as {read[i]}");
        }

        return accuracy;
    }

    // The bound the model sets: numbers whose every digit it classifies right from the plain MNIST image, one by one.
    private async Task<double> ClassifierCeilingAsync(List<NumberSample> samples)
    {
        var preprocessor = factory.Services.GetRequiredService<DigitPreprocessor>();
        var classifier = factory.Services.GetRequiredService<DigitClassifier>();
        var indices = samples.SelectMany(s => s.Layout.Digits).Distinct().ToList();
        var digits = indices.Select(i => preprocessor.Prepare(TestImages.MnistPng(MnistTestSet.Instance.Images[i]))).ToList();
        var right = new HashSet<int>();
        foreach (var chunk in Enumerable.Range(0, indices.Count).Chunk(64))
        {
            var predictions = await classifier.ClassifyAsync(ModelCatalog.EnsembleName, chunk.Select(i => digits[i]).ToList(), TestContext.Current.CancellationToken);
            right.UnionWith(chunk.Where((i, k) => predictions[k].Digit == MnistTestSet.Instance.Labels[indices[i]]).Select(i => indices[i]));
        }

        return 100.0 * samples.Count(s => s.Layout.Digits.All(right.Contains)) / samples.Count;
    }
}

using System.Text.Json;
using DigitApi.Inference;
using DigitApi.Tests;
using Microsoft.ML.OnnxRuntime;

namespace DigitApi.UnitTests.Inference;

/// <summary>
/// Every .onnx file in a models folder honours the contract the service relies on, and ONNX Runtime
/// computes what PyTorch computed. The folder is the committed models/ unless DIGITAPI_CONTRACT_MODELS
/// names another (CI points it at a fresh smoke run of models/train/train.py).
/// </summary>
[Trait("Category", "ModelContract")]
public class ModelContractTests
{
    private static readonly string? OverrideFolder = Environment.GetEnvironmentVariable("DIGITAPI_CONTRACT_MODELS");
    private static readonly string Folder = OverrideFolder ?? Path.Combine(AppContext.BaseDirectory, "models");
    private static readonly string ReferencePath = OverrideFolder is null
        ? Path.Combine(AppContext.BaseDirectory, "TestData", "reference-logits.json")
        : Path.Combine(OverrideFolder, "reference-logits.json");

    public static TheoryData<string> Models =>
        [.. ReadManifest().Models.Select(m => m.Name)];

    [Fact]
    public void The_manifest_describes_four_models_and_the_ensemble()
    {
        var manifest = ReadManifest();

        Assert.Equal(["cnn", "lenet", "mlp", "logreg"], manifest.Models.Select(m => m.Name));
        Assert.Equal(["cnn", "lenet"], manifest.Ensemble?.Members ?? []);
        Assert.Equal([80_202, 44_426, 109_386, 7_850], manifest.Models.Select(m => m.Parameters));
        Assert.All(manifest.Models, m => Assert.Equal((0.5f, 0.5f), (m.Normalization.Mean, m.Normalization.Std)));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Model_has_dynamic_batch_input_and_logits_output(string name)
    {
        var card = ReadManifest().Models.Single(m => m.Name == name);
        var path = Path.Combine(Folder, card.File);
        Assert.True(new FileInfo(path).Length < 1_000_000, "models must stay under 1 MB");

        using var session = new InferenceSession(path);

        var input = Assert.Single(session.InputMetadata);
        Assert.Equal("input", input.Key);
        Assert.Equal(typeof(float), input.Value.ElementType);
        Assert.Equal([-1, 1, 28, 28], input.Value.Dimensions);
        var output = Assert.Single(session.OutputMetadata);
        Assert.Equal("logits", output.Key);
        Assert.Equal([-1, 10], output.Value.Dimensions);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Onnx_runtime_reproduces_the_pytorch_logits(string name)
    {
        var card = ReadManifest().Models.Single(m => m.Name == name);
        using var reference = JsonDocument.Parse(File.ReadAllBytes(ReferencePath));
        var expected = reference.RootElement.GetProperty("logits").GetProperty(name).EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        var set = MnistTestSet.Instance;
        var rows = expected.Length;
        var tensor = new float[rows * 784];
        for (var i = 0; i < tensor.Length; i++)
        {
            tensor[i] = ((set.Images[i / 784][i % 784] / 255f) - 0.5f) / 0.5f;
        }

        using var session = new InferenceSession(Path.Combine(Folder, card.File));
        using var input = OrtValue.CreateTensorValueFromMemory(tensor, [rows, 1, 28, 28]);
        using var outputs = session.Run(new RunOptions(), ["input"], [input], ["logits"]);
        var actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        var maxDifference = 0f;
        for (var row = 0; row < rows; row++)
        {
            for (var c = 0; c < 10; c++)
            {
                maxDifference = Math.Max(maxDifference, Math.Abs(actual[(row * 10) + c] - expected[row][c]));
            }
        }

        Assert.Equal(200, rows);
        Assert.True(maxDifference < 1e-4, $"{name}: max |ONNX Runtime - PyTorch| = {maxDifference:E2}");
    }

    [Fact]
    public void EveryCardsTrustLinesAreOnesTheServiceCanApply()
    {
        var manifest = ReadManifest();

        foreach (var (name, card) in manifest.Models.Select(m => (m.Name, (TrustedCard)m)).Append((manifest.Ensemble!.Name, manifest.Ensemble)))
        {
            var policy = TrustPolicy.For(card, new PredictionOptions()); // throws on an unknown score or a bad temperature
            Assert.InRange(policy.UncertainBelow, 0, 1);
            Assert.True(policy.Score == NotADigitScore.None || float.IsFinite(policy.Threshold), "a not-a-digit threshold is a number");

            // Scans of 16 px or less have a line of their own, never stricter than the card's: they carry less evidence.
            var low = card.NotADigit?.LowResolution;
            Assert.True(low is not null, $"{name} sets no line for low-resolution scans");
            Assert.Equal(16, low.MaxSide);
            Assert.InRange(low.Threshold, card.NotADigit!.Threshold, 0);
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static ModelManifest ReadManifest() =>
        JsonSerializer.Deserialize<ModelManifest>(File.ReadAllBytes(Path.Combine(Folder, "manifest.json")), Json)!;
}

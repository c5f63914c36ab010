using System.Text.Json.Nodes;

namespace DigitApi.Tests;

/// <summary>
/// A copy of a models folder whose manifest draws the trust lines where every upload crosses them, whatever
/// the models: cnn declines everything but low-resolution scans (energy threshold far below any energy, its line
/// for images of 16 px or less far above), logreg declines everything (maxProbability
/// threshold 0), lenet answers everything uncertain (line above 1), with twice its card's temperature, mlp nothing
/// uncertain and never declines; the ensemble (of cnn and lenet) never declines and flags nothing, so it is judged by
/// its own lines and not its members'.
/// </summary>
public sealed class TrustLinesModels : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("digitapi-trust-models-");

    /// <param name="source">The folder holding manifest.json and the .onnx files.</param>
    public TrustLinesModels(string source)
    {
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(_folder.FullName, Path.GetFileName(file)));
        }

        var path = Path.Combine(_folder.FullName, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        foreach (var card in manifest["models"]!.AsArray())
        {
            var name = card!["name"]!.GetValue<string>();
            CommittedTemperatures[name] = card["calibration"]?["temperature"]?.GetValue<double>() ?? 1;
            switch (name)
            {
                case "cnn":
                    card["notADigit"] = NotADigit("energy", -1e6);
                    card["notADigit"]!["lowResolution"] = new JsonObject { ["maxSide"] = 16, ["threshold"] = 1e6 };
                    card["uncertainBelow"] = 0.0;
                    break;
                case "logreg":
                    card["notADigit"] = NotADigit("maxProbability", 0);
                    break;
                case "lenet":
                    card["notADigit"] = NotADigit("energy", 1e6);
                    card["uncertainBelow"] = 1.01;
                    card["calibration"] = new JsonObject { ["temperature"] = 2 * CommittedTemperatures[name] };
                    break;
                case "mlp":
                    card.AsObject().Remove("notADigit");
                    card["uncertainBelow"] = 0.0;
                    break;
            }
        }

        manifest["ensemble"]!["notADigit"] = NotADigit("energy", 1e6);
        manifest["ensemble"]!["uncertainBelow"] = 0.0;
        manifest["ensemble"]!["riskCoverage"] = new JsonArray(
            new JsonObject { ["uncertainBelow"] = 0.5, ["flagged"] = 0.004, ["accuracyUnflagged"] = 0.993 },
            new JsonObject { ["uncertainBelow"] = 0.99, ["flagged"] = 1.0, ["accuracyUnflagged"] = null });
        File.WriteAllText(path, manifest.ToJsonString());
    }

    /// <summary>The folder to point Inference:ModelsPath at.</summary>
    public string Folder => _folder.FullName;

    /// <summary>The calibration temperature each model's source card sets (1 where it sets none).</summary>
    public Dictionary<string, double> CommittedTemperatures { get; } = [];

    public void Dispose() => _folder.Delete(recursive: true);

    private static JsonObject NotADigit(string score, double threshold) => new()
    {
        ["score"] = score,
        ["threshold"] = threshold,
        ["digitDeclineRate"] = 0.008,
        ["families"] = new JsonArray(new JsonObject
        {
            ["name"] = "fashion", ["heldOut"] = true, ["count"] = 500, ["auroc"] = 0.995, ["declineRate"] = 0.97,
        }, new JsonObject
        {
            ["name"] = "unmeasured", ["heldOut"] = false, ["count"] = 0, ["auroc"] = null, ["declineRate"] = null,
        }),
    };
}

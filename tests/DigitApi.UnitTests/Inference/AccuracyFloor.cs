namespace DigitApi.UnitTests.Inference;

/// <summary>A named set's accuracy against its floor, with the commonest misreadings in the test's output.</summary>
internal static class AccuracyFloor
{
    /// <summary>Prints the set's accuracy and its four commonest misreadings, and fails under <paramref name="floor"/>.</summary>
    /// <param name="name">The set's name, as the test's data names it.</param>
    /// <param name="predicted">The digits read (negative: none).</param>
    /// <param name="labels">The digits written.</param>
    /// <param name="floor">The least accuracy, in percent, the set may read.</param>
    public static void Reached(string name, int[] predicted, int[] labels, double floor)
    {
        var accuracy = 100.0 * predicted.Where((p, i) => p == labels[i]).Count() / labels.Length;
        var confusions = predicted.Select((p, i) => (Predicted: p, Label: labels[i])).Where(x => x.Predicted != x.Label)
            .GroupBy(x => $"{x.Label} as {(x.Predicted < 0 ? "none" : x.Predicted)}").OrderByDescending(g => g.Count()).Take(4)
            .Select(g => $"{g.Key} x{g.Count()}");
        TestContext.Current.SendDiagnosticMessage($"{name}: {accuracy:F1} % of {labels.Length} (floor {floor} %); {string.Join(", ", confusions)}");
        Assert.True(accuracy >= floor, $"{name}: {accuracy:F1} % < {floor} %");
    }
}

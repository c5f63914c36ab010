using System.Diagnostics.Metrics;

namespace DigitApi.Inference;

/// <summary>Inference instruments on the <c>DigitApi</c> meter; exported in Prometheus format at /metrics.</summary>
public sealed class InferenceMetrics
{
    public const string MeterName = "DigitApi";

    private readonly Histogram<double> _inferenceDuration;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _predictions;
    private readonly Counter<long> _notADigit;
    private readonly Counter<long> _uncertain;
    private readonly Histogram<double> _warmup;

    public InferenceMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _inferenceDuration = meter.CreateHistogram<double>("digitapi.inference.duration", "s", "Time of one batched ONNX Runtime inference",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1] });
        _batchSize = meter.CreateHistogram<int>("digitapi.inference.batch_size", "{row}", "Rows per inference",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        _rejected = meter.CreateCounter<long>("digitapi.rejected", "{request}", "Work refused or dropped, by reason");
        _predictions = meter.CreateCounter<long>("digitapi.predictions", "{digit}", "Digits classified, by model and digit");
        _notADigit = meter.CreateCounter<long>("digitapi.not_a_digit", "{upload}", "Classified uploads judged not a digit, by model");
        _uncertain = meter.CreateCounter<long>("digitapi.uncertain", "{digit}", "Digits answered below the model's confidence line (uncertain), by model");
        _warmup = meter.CreateHistogram<double>("digitapi.model.load.duration", "s", "Model load and warm-up time");
        QueueDepth = () => [];
        meter.CreateObservableGauge("digitapi.queue.depth", () => QueueDepth(), "{row}", "Rows waiting for inference, per model");
    }

    /// <summary>Set by the model registry once runners exist.</summary>
    public Func<IEnumerable<Measurement<int>>> QueueDepth { get; set; }

    public void Inference(string model, int rows, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("model", model);
        _inferenceDuration.Record(elapsed.TotalSeconds, tag);
        _batchSize.Record(rows, tag);
    }

    public void Rejected(string model, string reason) =>
        _rejected.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts a classified digit by model and digit, and whether it was judged not a digit or uncertain.</summary>
    public void Predicted(Prediction prediction)
    {
        var model = new KeyValuePair<string, object?>("model", prediction.Model);
        _predictions.Add(1, model, new KeyValuePair<string, object?>("digit", prediction.Digit));
        if (prediction.NotADigit)
        {
            _notADigit.Add(1, model);
        }
        else if (prediction.Uncertain)
        {
            _uncertain.Add(1, model);
        }
    }

    public void Loaded(string model, TimeSpan elapsed) =>
        _warmup.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("model", model));
}

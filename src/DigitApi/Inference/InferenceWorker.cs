using Microsoft.ML.OnnxRuntime;

namespace DigitApi.Inference;

/// <summary>
/// One session with its own pinned input and output buffers, and what ONNX Runtime needs to run on them,
/// created once per batch size: a busy service allocates no tensors per request.
/// </summary>
internal abstract class InferenceWorker : IDisposable
{
    protected InferenceWorker(InferenceSession session, ModelCard card, int maxBatch)
    {
        Session = session;
        Input = GC.AllocateArray<float>(maxBatch * ModelRunner.PixelsPerRow, pinned: true);
        Output = GC.AllocateArray<float>(maxBatch * ModelRunner.ClassesPerRow, pinned: true);
        InputName = card.Input.Name;
        OutputName = card.Output.Name;
    }

    /// <summary>Rows x 784 normalised pixels; the batcher copies each job's rows here.</summary>
    public float[] Input { get; }

    protected float[] Output { get; }

    protected InferenceSession Session { get; }

    protected RunOptions RunOptions { get; } = new();

    protected string InputName { get; }

    protected string OutputName { get; }

    /// <summary>CPU sessions run on OrtValues over the buffers; CUDA sessions through an IoBinding.</summary>
    public static InferenceWorker Create(InferenceSession session, ExecutionProvider provider, ModelCard card, int maxBatch, bool bindIo) =>
        provider == ExecutionProvider.Cuda || bindIo ? new BoundWorker(session, card, maxBatch) : new CpuWorker(session, card, maxBatch);

    /// <summary>Runs the first <paramref name="rows"/> rows of <see cref="Input"/>; returns rows x 10 logits, valid until the next run.</summary>
    public abstract ReadOnlySpan<float> Run(int rows);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            RunOptions.Dispose();
            Session.Dispose();
        }
    }

    protected OrtValue InputTensor(int rows) => OrtValue.CreateTensorValueFromMemory(
        OrtMemoryInfo.DefaultInstance, Input.AsMemory(0, rows * ModelRunner.PixelsPerRow), [rows, 1, 28, 28]);

    protected OrtValue OutputTensor(int rows) => OrtValue.CreateTensorValueFromMemory(
        OrtMemoryInfo.DefaultInstance, Output.AsMemory(0, rows * ModelRunner.ClassesPerRow), [rows, ModelRunner.ClassesPerRow]);

    /// <summary>CPU: the session reads and writes the pinned buffers directly; nothing is copied.</summary>
    private sealed class CpuWorker(InferenceSession session, ModelCard card, int maxBatch) : InferenceWorker(session, card, maxBatch)
    {
        private readonly OrtValue?[] _inputs = new OrtValue?[maxBatch + 1];
        private readonly OrtValue?[] _outputs = new OrtValue?[maxBatch + 1];
        private readonly string[] _inputNames = [card.Input.Name];
        private readonly string[] _outputNames = [card.Output.Name];

        public override ReadOnlySpan<float> Run(int rows)
        {
            var input = _inputs[rows] ??= InputTensor(rows);
            var output = _outputs[rows] ??= OutputTensor(rows);
            Session.Run(RunOptions, _inputNames, [input], _outputNames, [output]);
            return Output.AsSpan(0, rows * ModelRunner.ClassesPerRow);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                foreach (var value in _inputs.Concat(_outputs))
                {
                    value?.Dispose();
                }
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// CUDA: an <see cref="OrtIoBinding"/> per batch size. Binding a host input to a session that runs on the
    /// device copies it there once, at bind time (ONNX Runtime's documented IoBinding behaviour), so each run
    /// binds its freshly filled input again: one host-to-device copy, straight from the pinned buffer. The
    /// output is bound once to the pinned host buffer, which the run fills with one device-to-host copy. No
    /// per-run allocation on either side. Also usable on CPU, where binding copies nothing (tests exercise it
    /// there, as no GPU is at hand).
    /// </summary>
    private sealed class BoundWorker(InferenceSession session, ModelCard card, int maxBatch) : InferenceWorker(session, card, maxBatch)
    {
        private readonly OrtIoBinding?[] _bindings = new OrtIoBinding?[maxBatch + 1];
        private readonly OrtValue?[] _inputs = new OrtValue?[maxBatch + 1];
        private readonly OrtValue?[] _outputs = new OrtValue?[maxBatch + 1];

        public override ReadOnlySpan<float> Run(int rows)
        {
            var binding = _bindings[rows] ??= Bind(rows);
            binding.BindInput(InputName, _inputs[rows]!);
            // The run ends by waiting for its own CUDA stream, the copy into the pinned output included. No
            // SynchronizeBoundOutputs: that waits for the whole device, so the workers of every model wait for each other.
            Session.RunWithBinding(RunOptions, binding);
            return Output.AsSpan(0, rows * ModelRunner.ClassesPerRow);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                foreach (var binding in _bindings)
                {
                    binding?.Dispose();
                }

                foreach (var value in _inputs.Concat(_outputs))
                {
                    value?.Dispose();
                }
            }

            base.Dispose(disposing);
        }

        private OrtIoBinding Bind(int rows)
        {
            _inputs[rows] = InputTensor(rows);
            _outputs[rows] = OutputTensor(rows);
            var binding = Session.CreateIoBinding();
            binding.BindOutput(OutputName, _outputs[rows]!);
            return binding;
        }
    }
}

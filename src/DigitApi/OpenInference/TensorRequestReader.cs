using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using DigitApi.Admission;
using DigitApi.Uploads;
using Microsoft.Extensions.Options;

namespace DigitApi.OpenInference;

/// <summary>A validated infer request: the input tensor, its rows, and the outputs to return.</summary>
public sealed record TensorRequest(string? Id, float[] Tensor, int Rows, IReadOnlyList<string> Outputs);

/// <summary>
/// Reads an $inference_request as it arrives and checks it against the model's signature, with an error message
/// that names what is wrong: one FP32 input named as the model's input, of shape [N,1,28,28], data flat or nested
/// as the shape, or raw in the body after the JSON (Triton's binary tensor extension, which tritonclient uses by
/// default); outputs among the model's. Parameters may be any name with a string, number or boolean value; only
/// binary_data_size changes how the input is read. The values go straight from the body into the tensor (no copy
/// of the body, no document of its numbers), and reading stops at the first value past OpenInference:MaxRows.
/// </summary>
public sealed class TensorRequestReader(RequestBodyReader bodies, IOptions<OpenInferenceOptions> options)
{
    public const string BinaryHeader = "Inference-Header-Content-Length";
    public const string BinarySizeParameter = "binary_data_size";
    private readonly int _maxRows = options.Value.MaxRows;

    /// <exception cref="OpenInferenceException">400 for a malformed request, 413 for one too large.</exception>
    public async Task<TensorRequest> ReadAsync(HttpRequest request, ServedModel model, CancellationToken cancellationToken)
    {
        var jsonLength = JsonLength(request);
        var parser = new TensorRequestParser(model, _maxRows);
        await using var body = bodies.Open(request);
        var pipe = PipeReader.Create(body, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        try
        {
            var jsonRead = 0L;
            while (true)
            {
                var result = await pipe.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                var json = buffer.Slice(0, Math.Min(buffer.Length, jsonLength - jsonRead));
                var final = result.IsCompleted || jsonRead + json.Length == jsonLength;
                var consumed = parser.Feed(json, final);
                jsonRead += json.Slice(0, consumed).Length;
                if (final && parser.Done)
                {
                    pipe.AdvanceTo(consumed);
                    break;
                }

                if (result.IsCompleted)
                {
                    throw jsonLength == long.MaxValue
                        ? OpenInferenceException.BadRequest("The request body is not valid JSON: it ends inside the $inference_request.")
                        : OpenInferenceException.BadRequest($"{BinaryHeader} must be the length of the JSON part of the body; the body ends before it.");
                }

                pipe.AdvanceTo(consumed, buffer.End);
            }

            parser.CompleteJson();
            if (parser.BinaryBytes is { } binaryBytes)
            {
                await ReadBinaryAsync(pipe, parser.BinaryTarget(), binaryBytes, parser.InputName, cancellationToken);
            }
            else if (jsonLength != long.MaxValue && !(await pipe.ReadAsync(cancellationToken)).Buffer.IsEmpty)
            {
                throw OpenInferenceException.BadRequest($"The body goes on after the JSON part ({BinaryHeader}), but no input has {BinarySizeParameter}.");
            }
        }
        finally
        {
            await pipe.CompleteAsync();
        }

        var tensor = parser.Result();
        await request.HttpContext.AdmitAsync(cancellationToken);
        return tensor;
    }

    // Triton's binary tensor extension: the JSON comes first, this long, and the raw tensors after it.
    private static long JsonLength(HttpRequest request)
    {
        var header = request.Headers[BinaryHeader].ToString();
        if (header.Length == 0)
        {
            return long.MaxValue;
        }

        return long.TryParse(header, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
            && length > 0 && !(length > request.ContentLength)
            ? length
            : throw OpenInferenceException.BadRequest($"{BinaryHeader} must be the length of the JSON part of the body, at most {request.ContentLength}.");
    }

    // The input's values as little-endian FP32: exactly the rest of the body.
    private static async Task ReadBinaryAsync(PipeReader pipe, float[] tensor, long expected, string name, CancellationToken cancellationToken)
    {
        var target = MemoryMarshal.AsBytes(tensor.AsSpan()).Length;
        var filled = 0;
        while (true)
        {
            var result = await pipe.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (filled + buffer.Length > target)
            {
                throw BinaryMismatch(name, expected, $"more than {expected:N0}");
            }

            buffer.CopyTo(MemoryMarshal.AsBytes(tensor.AsSpan())[filled..]);
            filled += (int)buffer.Length;
            pipe.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        if (filled != target)
        {
            throw BinaryMismatch(name, expected, filled.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        }

        for (var i = 0; i < tensor.Length; i++)
        {
            if (!BitConverter.IsLittleEndian)
            {
                tensor[i] = BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(BitConverter.SingleToInt32Bits(tensor[i])));
            }

            if (!float.IsFinite(tensor[i]))
            {
                throw OpenInferenceException.BadRequest($"Input '{name}': every value must be a finite FP32 number.");
            }
        }
    }

    private static OpenInferenceException BinaryMismatch(string name, long expected, string held) => OpenInferenceException.BadRequest(
        $"Input '{name}' in binary needs {BinaryHeader} and {BinarySizeParameter} = {expected:N0} bytes of FP32 after the JSON; the body holds {held}.");
}

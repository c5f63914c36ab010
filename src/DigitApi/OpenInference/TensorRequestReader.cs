using System.Text.Json;
using DigitApi.Inference;
using DigitApi.Uploads;
using Microsoft.Extensions.Options;

namespace DigitApi.OpenInference;

/// <summary>A validated infer request: the input tensor, its rows, and the outputs to return.</summary>
public sealed record TensorRequest(string? Id, float[] Tensor, int Rows, IReadOnlyList<string> Outputs);

/// <summary>
/// Reads an $inference_request and checks it against the model's signature, with an error message that
/// names what is wrong: one FP32 input named as the model's input, of shape [N,1,28,28], data flat or
/// nested as the shape, or raw in the body after the JSON (Triton's binary tensor extension, which
/// tritonclient uses by default); outputs among the model's. Parameters may be any name with a string,
/// number or boolean value; only binary_data_size changes how the input is read.
/// </summary>
public sealed class TensorRequestReader(IOptions<UploadOptions> uploads, IOptions<OpenInferenceOptions> options)
{
    public const string BinaryHeader = "Inference-Header-Content-Length";
    public const string BinarySizeParameter = "binary_data_size";
    private const int ChunkSize = 64 * 1024;
    private readonly long _maxBytes = uploads.Value.MaxRequestBytes;
    private readonly int _maxRows = options.Value.MaxRows;

    /// <exception cref="OpenInferenceException">400 for a malformed request, 413 for one too large.</exception>
    public async Task<TensorRequest> ReadAsync(HttpRequest request, ServedModel model, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken);
        var jsonLength = JsonLength(request, body.Length);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.AsMemory(0, jsonLength));
        }
        catch (JsonException ex)
        {
            throw OpenInferenceException.BadRequest($"The request body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            return Read(document.RootElement, model, body.AsMemory(jsonLength));
        }
    }

    // Triton's binary tensor extension: the JSON comes first, this long, and the raw tensors after it.
    private static int JsonLength(HttpRequest request, int bodyLength)
    {
        var header = request.Headers[BinaryHeader].ToString();
        if (header.Length == 0)
        {
            return bodyLength;
        }

        return int.TryParse(header, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length) && length <= bodyLength
            ? length
            : throw OpenInferenceException.BadRequest($"{BinaryHeader} must be the length of the JSON part of the body, at most {bodyLength}.");
    }

    private TensorRequest Read(JsonElement root, ServedModel model, ReadOnlyMemory<byte> binary)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw OpenInferenceException.BadRequest("The request body must be a JSON object with 'inputs' (an $inference_request).");
        }

        string? id = null;
        if (root.TryGetProperty("id", out var idElement))
        {
            id = idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : throw OpenInferenceException.BadRequest("'id' must be a string.");
        }

        CheckParameters(root, "the request");
        var inputName = model.Card.Input.Name;
        if (!root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array || inputs.GetArrayLength() == 0)
        {
            throw OpenInferenceException.BadRequest($"'inputs' must be an array holding the input '{inputName}'.");
        }

        if (inputs.GetArrayLength() > 1)
        {
            throw OpenInferenceException.BadRequest($"{inputs.GetArrayLength()} inputs were sent; model '{model.Name}' takes one, '{inputName}'.");
        }

        var (tensor, rows) = ReadInput(inputs[0], inputName, model.Card.Input.Shape, binary.Span);
        return new TensorRequest(id, tensor, rows, ReadOutputs(root, model));
    }

    private (float[] Tensor, int Rows) ReadInput(JsonElement input, string inputName, long[] signature, ReadOnlySpan<byte> binary)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw OpenInferenceException.BadRequest("Each input must be an object with name, shape, datatype and data.");
        }

        var name = StringProperty(input, "name", "the input");
        if (name != inputName)
        {
            throw OpenInferenceException.BadRequest($"Unknown input '{name}': the model's input is '{inputName}'.");
        }

        var datatype = StringProperty(input, "datatype", $"input '{name}'");
        if (datatype != OpenInferenceModels.Datatype)
        {
            throw OpenInferenceException.BadRequest($"Input '{name}' has datatype {datatype}; the model takes {OpenInferenceModels.Datatype}.");
        }

        CheckParameters(input, $"input '{name}'");
        var shape = ReadShape(input, name, signature);
        var rows = (int)shape[0];
        var tensor = new float[rows * ModelRunner.PixelsPerRow];
        if (input.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty(BinarySizeParameter, out var binarySize))
        {
            ReadBinary(binarySize, binary, tensor, name);
            return (tensor, rows);
        }

        if (!input.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw OpenInferenceException.BadRequest($"Input '{name}' needs 'data': an array of numbers, flat or nested as the shape.");
        }

        var filled = data.GetArrayLength() > 0 && data[0].ValueKind == JsonValueKind.Array
            ? FillNested(data, shape, 0, tensor, 0, name)
            : FillFlat(data, tensor, name);
        return filled == tensor.Length ? (tensor, rows) : throw OpenInferenceException.BadRequest(
            $"Input '{name}' of shape [{string.Join(",", shape)}] needs {tensor.Length} values; 'data' holds {filled}.");
    }

    // The model card's shape, with -1 (the batch) any positive number.
    private long[] ReadShape(JsonElement input, string name, long[] signature)
    {
        var expected = $"[{string.Join(",", signature.Select(d => d < 0 ? "N" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";
        if (!input.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || shapeElement.EnumerateArray().Any(d => d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var v) || v < 0))
        {
            throw OpenInferenceException.BadRequest($"Input '{name}' needs 'shape': an array of non-negative integers, {expected}.");
        }

        var shape = shapeElement.EnumerateArray().Select(d => d.GetInt64()).ToArray();
        if (shape.Length != signature.Length || shape.Where((d, i) => signature[i] < 0 ? d < 1 : d != signature[i]).Any())
        {
            throw OpenInferenceException.BadRequest($"Input '{name}' has shape [{string.Join(",", shape)}]; the model takes {expected} with N at least 1.");
        }

        if (shape[0] > _maxRows)
        {
            throw new OpenInferenceException(StatusCodes.Status413PayloadTooLarge, $"{shape[0]} rows were sent; at most {_maxRows} fit in one request.");
        }

        return shape;
    }

    // The input's values as little-endian FP32, all of the binary part of the body.
    private static void ReadBinary(JsonElement size, ReadOnlySpan<byte> binary, float[] tensor, string name)
    {
        var expected = tensor.Length * sizeof(float);
        if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt64(out var bytes) || bytes != expected || binary.Length != expected)
        {
            throw OpenInferenceException.BadRequest(
                $"Input '{name}' in binary needs {BinaryHeader} and {BinarySizeParameter} = {expected} bytes of FP32 after the JSON; the body holds {binary.Length}.");
        }

        for (var i = 0; i < tensor.Length; i++)
        {
            var value = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(binary[(i * sizeof(float))..]);
            tensor[i] = float.IsFinite(value) ? value : throw OpenInferenceException.BadRequest($"Input '{name}': every value must be a finite FP32 number.");
        }
    }

    private static int FillFlat(JsonElement data, float[] tensor, string name)
    {
        var count = 0;
        foreach (var value in data.EnumerateArray())
        {
            if (count < tensor.Length)
            {
                tensor[count] = Number(value, name);
            }

            count++;
        }

        return count;
    }

    // Natural (nested) form: every level must hold exactly as many elements as its dimension.
    private static int FillNested(JsonElement data, long[] shape, int dimension, float[] tensor, int offset, string name)
    {
        if (data.ValueKind != JsonValueKind.Array || data.GetArrayLength() != shape[dimension])
        {
            throw OpenInferenceException.BadRequest($"Input '{name}': nested 'data' must follow the shape [{string.Join(",", shape)}] at every level.");
        }

        if (dimension == shape.Length - 1)
        {
            foreach (var value in data.EnumerateArray())
            {
                tensor[offset++] = Number(value, name);
            }

            return offset;
        }

        foreach (var element in data.EnumerateArray())
        {
            offset = FillNested(element, shape, dimension + 1, tensor, offset, name);
        }

        return offset;
    }

    private static float Number(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out var number) && float.IsFinite(number)
            ? number
            : throw OpenInferenceException.BadRequest($"Input '{name}': every element of 'data' must be a finite FP32 number, not {value.GetRawText()}.");

    private static List<string> ReadOutputs(JsonElement root, ServedModel model)
    {
        string[] known = [model.Card.Output.Name, OpenInferenceModels.ProbabilitiesOutput];
        if (!root.TryGetProperty("outputs", out var outputs) || (outputs.ValueKind == JsonValueKind.Array && outputs.GetArrayLength() == 0))
        {
            return [.. known];
        }

        if (outputs.ValueKind != JsonValueKind.Array)
        {
            throw OpenInferenceException.BadRequest("'outputs' must be an array of objects with a 'name'.");
        }

        var names = new List<string>();
        foreach (var output in outputs.EnumerateArray())
        {
            var name = output.ValueKind == JsonValueKind.Object ? StringProperty(output, "name", "each output") : throw OpenInferenceException.BadRequest("'outputs' must be an array of objects with a 'name'.");
            if (!known.Contains(name))
            {
                throw OpenInferenceException.BadRequest($"Unknown output '{name}'. Model '{model.Name}' has outputs: {string.Join(", ", known)}.");
            }

            CheckParameters(output, $"output '{name}'");
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static string StringProperty(JsonElement element, string property, string owner) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw OpenInferenceException.BadRequest($"'{property}' of {owner} must be a string.");

    // $parameters: an object whose values are strings, numbers or booleans.
    private static void CheckParameters(JsonElement owner, string what)
    {
        if (!owner.TryGetProperty("parameters", out var parameters))
        {
            return;
        }

        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw OpenInferenceException.BadRequest($"'parameters' of {what} must be an object.");
        }

        foreach (var parameter in parameters.EnumerateObject())
        {
            if (parameter.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
            {
                throw OpenInferenceException.BadRequest($"Parameter '{parameter.Name}' of {what} must be a string, number or boolean.");
            }
        }
    }

    private async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > _maxBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[ChunkSize];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > _maxBytes)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private OpenInferenceException TooLarge() =>
        new(StatusCodes.Status413PayloadTooLarge, $"The request body exceeds {_maxBytes:N0} bytes.");
}

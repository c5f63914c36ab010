using System.Buffers;
using System.Globalization;
using System.Text.Json;
using DigitApi.Inference;
using static DigitApi.OpenInference.RequestMembers;

namespace DigitApi.OpenInference;

/// <summary>
/// The JSON of one $inference_request, fed as it arrives (<see cref="Feed"/>). Every member but the input's
/// 'data' is small and read whole (at most <see cref="MaxValueBytes"/>); 'data' is read number by number into
/// the tensor, its nesting checked against the shape as it goes. Duplicate names are refused at every level,
/// and errors quote at most a few characters of what was sent.
/// </summary>
internal sealed class TensorRequestParser(ServedModel model, int maxRows)
{
    /// <summary>Longest member other than 'data' (and longest single token inside it).</summary>
    public const int MaxValueBytes = 64 * 1024;

    private const int MaxDepth = 16;

    private readonly int _maxValues = maxRows * ModelRunner.PixelsPerRow;
    private readonly HashSet<string> _rootNames = [];
    private readonly HashSet<string> _inputNames = [];
    private readonly int[] _levelLengths = new int[MaxDepth + 1];
    private readonly List<int> _openCounts = [];
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = MaxDepth });
    private int _depth;
    private int _rows;
    private Place _place = Place.Start;
    private string? _pendingName;
    private int _inputs;
    private JsonElement? _outputs;
    private string? _id;
    private JsonElement? _inputParameters;
    private string? _name;
    private string? _datatype;
    private long[]? _shape;
    private float[] _values = [];
    private int _count;
    private int _leafDepth;
    private bool _hasData;

    private enum Place
    {
        Start,
        Root,
        Inputs,
        Input,
        Data,
        End,
    }

    public bool Done => _place == Place.End;

    public string InputName => _name ?? model.Card.Input.Name;

    /// <summary>Bytes of FP32 expected after the JSON, when the input is sent in binary.</summary>
    public long? BinaryBytes { get; private set; }

    /// <summary>Reads what it can of <paramref name="json"/>; returns how far it got (the rest comes again with more).</summary>
    public SequencePosition Feed(ReadOnlySequence<byte> json, bool final)
    {
        var reader = new Utf8JsonReader(json, final, _state);
        try
        {
            while (true)
            {
                var checkpoint = reader;
                if (_pendingName is null && _place != Place.Data)
                {
                    if (!reader.Read())
                    {
                        break;
                    }

                    if (reader.TokenType == JsonTokenType.PropertyName)
                    {
                        _pendingName = PropertyName(ref reader);
                        checkpoint = reader;
                    }
                    else
                    {
                        Structure(ref reader);
                        continue;
                    }
                }

                if (_pendingName is not null)
                {
                    if (!Member(ref reader))
                    {
                        reader = checkpoint;
                        break;
                    }

                    continue;
                }

                if (!reader.Read())
                {
                    break;
                }

                Data(ref reader);
            }
        }
        catch (JsonException ex)
        {
            throw OpenInferenceException.BadRequest($"The request body is not valid JSON: {Short(ex.Message, 200)}");
        }

        if (!final && json.Slice(reader.Position).Length > MaxValueBytes)
        {
            throw OpenInferenceException.BadRequest($"A JSON value or member is longer than {MaxValueBytes:N0} bytes; only 'data' may be that long.");
        }

        _state = reader.CurrentState;
        return reader.Position;
    }

    /// <summary>Checks the input once the JSON has been read; after it, <see cref="BinaryBytes"/> says whether a binary part follows.</summary>
    public void CompleteJson()
    {
        _rows = CheckInput();
        if (BinaryBytes is null)
        {
            CheckData(_rows);
        }
    }

    /// <summary>The checked request, once the JSON (and any binary part) has been read.</summary>
    public TensorRequest Result()
    {
        var tensor = _values.Length == _count ? _values : _values[.._count];
        return new TensorRequest(_id, tensor, _rows, ReadOutputs(_outputs, model));
    }

    /// <summary>The tensor the binary part fills, sized from the checked shape.</summary>
    public float[] BinaryTarget()
    {
        _values = new float[_rows * ModelRunner.PixelsPerRow];
        _count = _values.Length;
        return _values;
    }

    private void Structure(ref Utf8JsonReader reader)
    {
        switch (_place, reader.TokenType)
        {
            case (Place.Start, JsonTokenType.StartObject):
                _place = Place.Root;
                break;
            case (Place.Start, _):
                throw OpenInferenceException.BadRequest("The request body must be a JSON object with 'inputs' (an $inference_request).");
            case (Place.Root, JsonTokenType.EndObject):
                _place = Place.End;
                break;
            case (Place.Inputs, JsonTokenType.StartObject):
                if (++_inputs > 1)
                {
                    throw OpenInferenceException.BadRequest($"More than one input was sent; model '{model.Name}' takes one, '{model.Card.Input.Name}'.");
                }

                _place = Place.Input;
                break;
            case (Place.Inputs, JsonTokenType.EndArray):
                _place = Place.Root;
                break;
            case (Place.Inputs, _):
                throw OpenInferenceException.BadRequest("Each input must be an object with name, shape, datatype and data.");
            case (Place.Input, JsonTokenType.EndObject):
                _place = Place.Inputs;
                break;
            default:
                throw OpenInferenceException.BadRequest("The request body is not an $inference_request.");
        }
    }

    // The value of _pendingName; false when it has not all arrived.
    private bool Member(ref Utf8JsonReader reader)
    {
        var name = _pendingName!;
        if (!(_place == Place.Root ? _rootNames : _inputNames).Add(name))
        {
            throw OpenInferenceException.BadRequest($"'{Short(name)}' appears twice in {(_place == Place.Root ? "the request" : "the input")}; each name may appear once.");
        }

        var start = reader;
        if (!reader.Read())
        {
            (_place == Place.Root ? _rootNames : _inputNames).Remove(name);
            return false;
        }

        if (_place == Place.Root && name == "inputs")
        {
            _pendingName = null;
            _place = reader.TokenType == JsonTokenType.StartArray
                ? Place.Inputs
                : throw OpenInferenceException.BadRequest($"'inputs' must be an array holding the input '{model.Card.Input.Name}'.");
            return true;
        }

        if (_place == Place.Input && name == "data")
        {
            _pendingName = null;
            _hasData = true;
            _depth = 1;
            _place = reader.TokenType == JsonTokenType.StartArray
                ? Place.Data
                : throw OpenInferenceException.BadRequest($"Input '{Short(InputName)}' needs 'data': an array of numbers, flat or nested as the shape.");
            _openCounts.Add(0);
            Array.Fill(_levelLengths, -1);
            return true;
        }

        var value = reader;
        if (!reader.TrySkip())
        {
            reader = start;
            (_place == Place.Root ? _rootNames : _inputNames).Remove(name);
            return false;
        }

        _pendingName = null;
        var element = JsonElement.ParseValue(ref value);
        if (_place == Place.Root)
        {
            RootMember(name, element);
        }
        else
        {
            InputMember(name, element);
        }

        return true;
    }

    private void RootMember(string name, JsonElement value)
    {
        switch (name)
        {
            case "id":
                _id = value.ValueKind == JsonValueKind.String ? Text(value.GetString) : throw OpenInferenceException.BadRequest("'id' must be a string.");
                break;
            case "parameters":
                CheckParameters(value, "the request");
                break;
            case "outputs":
                _outputs = value;
                break;
        }
    }

    private void InputMember(string name, JsonElement value)
    {
        switch (name)
        {
            case "name":
                _name = StringValue(value, "name", "the input");
                break;
            case "datatype":
                _datatype = StringValue(value, "datatype", "the input");
                break;
            case "shape":
                _shape = value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(d => d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out var v) && v >= 0)
                    ? [.. value.EnumerateArray().Select(d => d.GetInt64())]
                    : throw OpenInferenceException.BadRequest($"Input '{Short(InputName)}' needs 'shape': an array of non-negative integers, {ExpectedShape}.");
                break;
            case "parameters":
                CheckParameters(value, "the input");
                _inputParameters = value;
                break;
        }
    }

    // One token inside 'data': numbers at the innermost level, arrays around them, as many at each level as the first.
    private void Data(ref Utf8JsonReader reader)
    {
        var depth = _openCounts.Count;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (_leafDepth == 0)
                {
                    _leafDepth = depth;
                }
                else if (_leafDepth != depth)
                {
                    throw NestingError();
                }

                _openCounts[depth - 1]++;
                Add(reader.TryGetSingle(out var number) && float.IsFinite(number)
                    ? number
                    : throw OpenInferenceException.BadRequest($"Input '{Short(InputName)}': every element of 'data' must be a finite FP32 number, not {Short(Raw(ref reader))}."));
                break;
            case JsonTokenType.StartArray:
                if (_leafDepth != 0 && depth >= _leafDepth)
                {
                    throw NestingError();
                }

                _openCounts[depth - 1]++;
                _openCounts.Add(0);
                _depth = Math.Max(_depth, depth + 1);
                break;
            case JsonTokenType.EndArray:
                var length = _openCounts[depth - 1];
                _openCounts.RemoveAt(depth - 1);
                if (_levelLengths[depth] < 0)
                {
                    _levelLengths[depth] = length;
                }
                else if (_levelLengths[depth] != length)
                {
                    throw NestingError();
                }

                if (depth == 1)
                {
                    _place = Place.Input;
                }

                break;
            default:
                throw OpenInferenceException.BadRequest(
                    $"Input '{Short(InputName)}': every element of 'data' must be a finite FP32 number, not {Short(Raw(ref reader))}.");
        }
    }

    private void Add(float value)
    {
        if (_count == _values.Length)
        {
            if (_count == _maxValues)
            {
                throw OpenInferenceException.TooManyInputs(
                    $"'data' holds more than {_maxValues:N0} values: at most {maxRows} rows of {ModelRunner.PixelsPerRow} fit in one request (OpenInference:MaxRows).");
            }

            // Sized from the shape when it came first; otherwise grown.
            var wanted = _shape is [var rows, ..] && rows > 0 && rows <= maxRows && _count == 0
                ? (int)rows * ModelRunner.PixelsPerRow
                : Math.Max(ModelRunner.PixelsPerRow, _count * 2);
            Array.Resize(ref _values, Math.Min(_maxValues, Math.Max(wanted, _count + 1)));
        }

        _values[_count++] = value;
    }

    private OpenInferenceException NestingError() => OpenInferenceException.BadRequest(
        $"Input '{Short(InputName)}': nested 'data' must follow the shape {(_shape is null ? ExpectedShape : Shape(_shape))} at every level.");

    private string ExpectedShape =>
        $"[{string.Join(",", model.Card.Input.Shape.Select(d => d < 0 ? "N" : d.ToString(CultureInfo.InvariantCulture)))}]";

    private static string Shape(long[] shape) => $"[{string.Join(",", shape)}]";

    // The input's name, datatype and shape against the model's; the rows.
    private int CheckInput()
    {
        if (_place != Place.End || _inputs == 0)
        {
            throw OpenInferenceException.BadRequest($"'inputs' must be an array holding the input '{model.Card.Input.Name}'.");
        }

        var inputName = model.Card.Input.Name;
        if (_name is null)
        {
            throw OpenInferenceException.BadRequest("'name' of the input must be a string.");
        }

        if (_name != inputName)
        {
            throw OpenInferenceException.BadRequest($"Unknown input '{Short(_name)}': the model's input is '{inputName}'.");
        }

        if (_datatype != OpenInferenceModels.Datatype)
        {
            throw _datatype is null
                ? OpenInferenceException.BadRequest($"'datatype' of input '{inputName}' must be a string.")
                : OpenInferenceException.BadRequest($"Input '{inputName}' has datatype {Short(_datatype)}; the model takes {OpenInferenceModels.Datatype}.");
        }

        var signature = model.Card.Input.Shape;
        if (_shape is null)
        {
            throw OpenInferenceException.BadRequest($"Input '{inputName}' needs 'shape': an array of non-negative integers, {ExpectedShape}.");
        }

        if (_shape.Length != signature.Length || _shape.Where((d, i) => signature[i] < 0 ? d < 1 : d != signature[i]).Any())
        {
            throw OpenInferenceException.BadRequest($"Input '{inputName}' has shape {Shape(_shape)}; the model takes {ExpectedShape} with N at least 1.");
        }

        if (_shape[0] > maxRows)
        {
            throw OpenInferenceException.TooManyInputs($"{_shape[0]} rows were sent; at most {maxRows} fit in one request (OpenInference:MaxRows).");
        }

        var rows = (int)_shape[0];
        if (_inputParameters is { } parameters && parameters.TryGetProperty(TensorRequestReader.BinarySizeParameter, out var size))
        {
            var expected = (long)rows * ModelRunner.PixelsPerRow * sizeof(float);
            BinaryBytes = size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out var bytes) && bytes == expected && !_hasData
                ? expected
                : throw OpenInferenceException.BadRequest(
                    $"Input '{inputName}' in binary needs {TensorRequestReader.BinaryHeader} and {TensorRequestReader.BinarySizeParameter} = {expected:N0} bytes of FP32 after the JSON, and no 'data'.");
        }

        return rows;
    }

    private void CheckData(int rows)
    {
        if (!_hasData)
        {
            throw OpenInferenceException.BadRequest($"Input '{InputName}' needs 'data': an array of numbers, flat or nested as the shape.");
        }

        var needed = rows * ModelRunner.PixelsPerRow;
        if (_depth > 1 && (_depth != _shape!.Length || Enumerable.Range(1, _depth).Any(d => _levelLengths[d] != _shape[d - 1])))
        {
            throw NestingError();
        }

        if (_count != needed)
        {
            throw OpenInferenceException.BadRequest($"Input '{InputName}' of shape {Shape(_shape!)} needs {needed} values; 'data' holds {_count}.");
        }
    }
}

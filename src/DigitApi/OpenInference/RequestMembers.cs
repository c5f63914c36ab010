using System.Buffers;
using System.Text.Json;

namespace DigitApi.OpenInference;

/// <summary>
/// Checks of the small members of an $inference_request (outputs, parameters, names and strings), read whole,
/// and how errors quote what was sent.
/// </summary>
internal static class RequestMembers
{
    /// <summary>The outputs asked for (default: all of the model's), each once.</summary>
    public static List<string> ReadOutputs(JsonElement? requested, ServedModel model)
    {
        string[] known = [model.Card.Output.Name, OpenInferenceModels.ProbabilitiesOutput];
        if (requested is not { } outputs || (outputs.ValueKind == JsonValueKind.Array && outputs.GetArrayLength() == 0))
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
            if (output.ValueKind != JsonValueKind.Object)
            {
                throw OpenInferenceException.BadRequest("'outputs' must be an array of objects with a 'name'.");
            }

            CheckNamesOnce(output, "an output");
            var name = output.TryGetProperty("name", out var nameValue) ? StringValue(nameValue, "name", "each output") : throw OpenInferenceException.BadRequest("'name' of each output must be a string.");
            if (!known.Contains(name))
            {
                throw OpenInferenceException.BadRequest($"Unknown output '{Short(name)}'. Model '{model.Name}' has outputs: {string.Join(", ", known)}.");
            }

            if (output.TryGetProperty("parameters", out var parameters))
            {
                CheckParameters(parameters, $"output '{name}'");
            }

            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    public static string StringValue(JsonElement value, string property, string owner) =>
        value.ValueKind == JsonValueKind.String ? Text(value.GetString)! : throw OpenInferenceException.BadRequest($"'{property}' of {owner} must be a string.");

    /// <summary>$parameters: an object whose values are strings, numbers or booleans, each name once.</summary>
    public static void CheckParameters(JsonElement parameters, string what)
    {
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw OpenInferenceException.BadRequest($"'parameters' of {what} must be an object.");
        }

        CheckNamesOnce(parameters, $"the parameters of {what}");
        foreach (var parameter in parameters.EnumerateObject())
        {
            if (parameter.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
            {
                throw OpenInferenceException.BadRequest($"Parameter '{Short(parameter.Name)}' of {what} must be a string, number or boolean.");
            }

            if (parameter.Value.ValueKind == JsonValueKind.String)
            {
                Text(parameter.Value.GetString);
            }
        }
    }

    public static void CheckNamesOnce(JsonElement element, string what)
    {
        var names = new HashSet<string>();
        foreach (var property in element.EnumerateObject())
        {
            if (!names.Add(Text(() => property.Name)!))
            {
                throw OpenInferenceException.BadRequest($"'{Short(property.Name)}' appears twice in {what}; each name may appear once.");
            }
        }
    }

    /// <summary>A JSON string as text: invalid UTF-8 inside it is the client's error, not the server's.</summary>
    public static string? Text(Func<string?> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException)
        {
            throw OpenInferenceException.BadRequest("A JSON string in the request is not valid UTF-8.");
        }
    }

    public static string PropertyName(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw OpenInferenceException.BadRequest("A JSON name in the request is not valid UTF-8.");
        }
    }

    public static string Raw(ref Utf8JsonReader reader) =>
        System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);

    /// <summary>What a message quotes of the request: a few characters, never a large value.</summary>
    public static string Short(string text, int max = 40) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "...");
}

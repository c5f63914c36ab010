using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace DigitApi.DeployTests.Tooling;

/// <summary>YAML files as plain maps, lists and strings (merge keys resolved), with short accessors for tests.</summary>
public static class Yaml
{
    public static Dictionary<object, object> Load(params string[] pathParts)
    {
        using var reader = new StringReader(Repository.Read(pathParts));
        var document = new DeserializerBuilder().Build().Deserialize<object>(new MergingParser(new Parser(reader)));
        return Assert.IsType<Dictionary<object, object>>(document);
    }

    public static Dictionary<object, object> Map(this object? node, string key)
    {
        var map = Assert.IsType<Dictionary<object, object>>(node);
        Assert.True(map.ContainsKey(key), $"no '{key}' in {{{string.Join(", ", map.Keys)}}}");
        return Assert.IsType<Dictionary<object, object>>(map[key]);
    }

    public static object? Get(this object? node, string key) =>
        node is Dictionary<object, object> map && map.TryGetValue(key, out var value) ? value : null;

    public static string? Text(this object? node, string key) => node.Get(key) as string;

    public static List<string> Strings(this object? node, string key) =>
        node.Get(key) switch
        {
            List<object> list => list.Select(i => Assert.IsType<string>(i)).ToList(),
            string single => [single],
            null => [],
            var other => throw new InvalidCastException($"'{key}' is a {other.GetType().Name}"),
        };

    public static List<object> Items(this object? node, string key) => node.Get(key) as List<object> ?? [];
}

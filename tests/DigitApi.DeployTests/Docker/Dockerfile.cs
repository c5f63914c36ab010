using System.Text.Json;
using System.Text.RegularExpressions;

namespace DigitApi.DeployTests.Docker;

/// <summary>One instruction: its keyword, its <c>--flags</c>, and the rest of the line (continuations joined).</summary>
public sealed record Instruction(string Keyword, IReadOnlyDictionary<string, string> Flags, string Arguments, int Line)
{
    /// <summary>JSON array form (<c>["dotnet", "app.dll"]</c>), which runs without a shell.</summary>
    public bool IsExecForm => Arguments.StartsWith('[');

    public IReadOnlyList<string> ExecForm =>
        JsonSerializer.Deserialize<string[]>(Arguments)
        ?? throw new FormatException($"line {Line}: {Keyword} is not a JSON array");

    /// <summary>Whitespace-separated words, double quotes grouping.</summary>
    public IReadOnlyList<string> Words => ShellWords.Split(Arguments);

    public override string ToString() => $"{Keyword} {Arguments} (line {Line})";
}

/// <summary>A build stage: <c>FROM base [AS name]</c> and the instructions up to the next FROM.</summary>
public sealed class Stage(int index, string baseImage, string? name, string? platform, Instruction from)
{
    public int Index { get; } = index;

    /// <summary>The FROM argument as written: an image reference (possibly with $ARGs) or an earlier stage's name.</summary>
    public string BaseImage { get; } = baseImage;

    public string? Name { get; } = name;

    public string? Platform { get; } = platform;

    public Instruction From { get; } = from;

    public List<Instruction> Instructions { get; } = [];

    public IEnumerable<Instruction> All(string keyword) =>
        Instructions.Where(i => i.Keyword.Equals(keyword, StringComparison.OrdinalIgnoreCase));

    public Instruction? Last(string keyword) => All(keyword).LastOrDefault();

    /// <summary>ENV values set in this stage (later ones win).</summary>
    public IReadOnlyDictionary<string, string> Env(Func<string, string> expand)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var instruction in All("ENV"))
        {
            foreach (var (key, value) in ShellWords.Assignments(instruction.Arguments))
            {
                env[key] = expand(value);
            }
        }

        return env;
    }

    public override string ToString() => Name ?? $"stage {Index}";
}

/// <summary>
/// A Dockerfile read the way BuildKit reads it, far enough for tests: parser directives, comments, line
/// continuations, global ARGs, stages, and variable expansion in FROM.
/// </summary>
public sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyList<Instruction> globalArgs, IReadOnlyList<Stage> stages)
    {
        GlobalArgs = globalArgs;
        Stages = stages;
    }

    /// <summary>ARGs before the first FROM: usable in FROM lines, and in stages that redeclare them.</summary>
    public IReadOnlyList<Instruction> GlobalArgs { get; }

    public IReadOnlyList<Stage> Stages { get; }

    /// <summary>The stage <c>docker build</c> produces without <c>--target</c>.</summary>
    public Stage Final => Stages[^1];

    public Stage this[string name] =>
        Stages.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"no stage named {name}; stages: {string.Join(", ", Stages)}");

    public static Dockerfile Load(string path) => Parse(File.ReadAllText(path));

    public static Dockerfile Parse(string text)
    {
        var globalArgs = new List<Instruction>();
        var stages = new List<Stage>();
        foreach (var instruction in Instructions(text))
        {
            if (instruction.Keyword == "FROM")
            {
                var words = instruction.Words;
                var name = words.Count >= 3 && words[^2].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[^1] : null;
                instruction.Flags.TryGetValue("platform", out var platform);
                stages.Add(new Stage(stages.Count, words[0], name, platform, instruction));
            }
            else if (stages.Count == 0)
            {
                if (instruction.Keyword != "ARG")
                {
                    throw new FormatException($"line {instruction.Line}: only ARG may come before the first FROM");
                }

                globalArgs.Add(instruction);
            }
            else
            {
                stages[^1].Instructions.Add(instruction);
            }
        }

        return new Dockerfile(globalArgs, stages);
    }

    /// <summary>The stage a FROM or COPY --from names, or null when it names an image.</summary>
    public Stage? LocalStage(string reference) =>
        Stages.FirstOrDefault(s => string.Equals(s.Name, reference, StringComparison.OrdinalIgnoreCase));

    /// <summary>The stage and the local stages it is built FROM, root first.</summary>
    public IReadOnlyList<Stage> Lineage(Stage stage)
    {
        var chain = new List<Stage> { stage };
        while (LocalStage(chain[0].BaseImage) is { } parent)
        {
            chain.Insert(0, parent);
        }

        return chain;
    }

    /// <summary>The image a stage finally starts from, with global ARG defaults expanded.</summary>
    public string BaseImageOf(Stage stage) => ExpandGlobals(Lineage(stage)[0].BaseImage);

    public string ExpandGlobals(string value) => ShellWords.Expand(value, GlobalArgDefaults());

    public IReadOnlyDictionary<string, string> GlobalArgDefaults()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var arg in GlobalArgs)
        {
            var text = arg.Arguments;
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[text[..eq]] = ShellWords.Unquote(text[(eq + 1)..]);
            }
        }

        return values;
    }

    private static IEnumerable<Instruction> Instructions(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var inDirectives = true;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (inDirectives && DirectiveRegex().IsMatch(line))
            {
                continue; // # syntax=... / # escape=... (only the default escape, '\', is supported)
            }

            inDirectives = false;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var start = i + 1;
            var joined = line;
            while (joined.EndsWith('\\') && i + 1 < lines.Length)
            {
                joined = joined[..^1].TrimEnd();
                var next = lines[++i].Trim();
                while (next.StartsWith('#') && i + 1 < lines.Length)
                {
                    next = lines[++i].Trim(); // comment lines inside a continuation are dropped
                }

                joined += " " + next;
            }

            var space = joined.IndexOfAny([' ', '\t']);
            var keyword = (space < 0 ? joined : joined[..space]).ToUpperInvariant();
            var rest = space < 0 ? "" : joined[(space + 1)..].Trim();
            var flags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            while (rest.StartsWith("--", StringComparison.Ordinal))
            {
                var end = rest.IndexOfAny([' ', '\t']);
                var flag = end < 0 ? rest : rest[..end];
                var eq = flag.IndexOf('=', StringComparison.Ordinal);
                flags[eq < 0 ? flag[2..] : flag[2..eq]] = eq < 0 ? "true" : flag[(eq + 1)..];
                rest = end < 0 ? "" : rest[(end + 1)..].TrimStart();
            }

            yield return new Instruction(keyword, flags, rest, start);
        }
    }

    [GeneratedRegex(@"^#\s*[a-zA-Z]+\s*=")]
    private static partial Regex DirectiveRegex();
}

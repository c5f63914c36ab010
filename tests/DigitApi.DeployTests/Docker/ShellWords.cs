using System.Text;
using System.Text.RegularExpressions;

namespace DigitApi.DeployTests.Docker;

/// <summary>The word splitting and variable expansion Dockerfile instructions use (the subset this repository needs).</summary>
public static partial class ShellWords
{
    /// <summary>Splits on unquoted whitespace; quotes group and are removed.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in text)
        {
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (quote is not null)
        {
            throw new FormatException($"unterminated {quote} in: {text}");
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    /// <summary>ENV/LABEL pairs: <c>KEY=value KEY2="two words"</c>, or the legacy <c>KEY value</c>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Assignments(string text)
    {
        var words = Split(text);
        if (words.Count >= 1 && !words[0].Contains('=', StringComparison.Ordinal))
        {
            yield return new(words[0], string.Join(' ', words.Skip(1)));
            yield break;
        }

        foreach (var word in words)
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"not KEY=value: {word}");
            }

            yield return new(word[..eq], word[(eq + 1)..]);
        }
    }

    public static string Unquote(string value) => Split(value) is [var single] ? single : value;

    /// <summary>Expands <c>$NAME</c>, <c>${NAME}</c> and <c>${NAME:-default}</c>; unknown names become empty, as in Docker.</summary>
    public static string Expand(string text, IReadOnlyDictionary<string, string> variables) =>
        VariableRegex().Replace(text, m =>
        {
            var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["bare"].Value;
            var value = variables.GetValueOrDefault(name);
            return string.IsNullOrEmpty(value) && m.Groups["default"].Success ? m.Groups["default"].Value : value ?? "";
        });

    [GeneratedRegex(@"\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)(?::-(?<default>[^}]*))?\}|(?<bare>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex VariableRegex();
}

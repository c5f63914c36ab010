using System.Text;
using System.Text.RegularExpressions;

namespace DigitApi.DeployTests.Docker;

/// <summary>
/// .dockerignore rules as BuildKit applies them: patterns relative to the context root, <c>*</c> within a path
/// segment, <c>**</c> across segments, a rule on a folder covers everything inside it, <c>!</c> re-includes,
/// and the last matching rule wins.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exclude, string Text)> _rules = [];

    private DockerIgnore()
    {
    }

    public IReadOnlyList<string> Patterns => _rules.Select(r => (r.Exclude ? "" : "!") + r.Text).ToList();

    public static DockerIgnore Parse(string text)
    {
        var ignore = new DockerIgnore();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exclude = !line.StartsWith('!');
            var pattern = (exclude ? line : line[1..]).Trim().Trim('/');
            ignore._rules.Add((ToRegex(pattern), exclude, pattern));
        }

        return ignore;
    }

    /// <summary>Whether a file (path relative to the context, '/'-separated) is sent to the builder.</summary>
    public bool Includes(string relativePath)
    {
        var path = relativePath.Replace('\\', '/').Trim('/');
        var included = true;
        foreach (var (pattern, exclude, _) in _rules)
        {
            if (MatchesSelfOrParent(pattern, path))
            {
                included = !exclude;
            }
        }

        return included;
    }

    /// <summary>Every file of <paramref name="root"/> that the build context holds, relative and '/'-separated.</summary>
    public IEnumerable<string> ContextFiles(string root) => Walk(root, root).Where(Includes);

    private static IEnumerable<string> Walk(string root, string dir)
    {
        var options = new EnumerationOptions { AttributesToSkip = 0 };
        foreach (var file in Directory.EnumerateFiles(dir, "*", options))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative != ".git")
            {
                yield return relative;
            }
        }

        foreach (var sub in Directory.EnumerateDirectories(dir, "*", options))
        {
            if (Path.GetFileName(sub) != ".git")
            {
                foreach (var file in Walk(root, sub))
                {
                    yield return file;
                }
            }
        }
    }

    private static bool MatchesSelfOrParent(Regex pattern, string path)
    {
        for (var end = path.Length; end > 0; end = path.LastIndexOf('/', end - 1))
        {
            if (pattern.IsMatch(path[..end]))
            {
                return true;
            }
        }

        return false;
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                regex.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else
            {
                regex.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}

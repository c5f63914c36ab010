namespace DigitApi.DeployTests.Docker;

/// <summary>What replaying a stage left behind: its filesystem and the settings the container would start with.</summary>
public sealed record ReplayedStage(
    string RootFs,
    string WorkDir,
    IReadOnlyDictionary<string, string> Env,
    string? User,
    IReadOnlyList<string> Entrypoint,
    Instruction? HealthCheck)
{
    /// <summary>Where a path inside the container lies on this machine.</summary>
    public string HostPath(string containerPath) => StageReplay.MapToRoot(RootFs, containerPath);
}

/// <summary>
/// Replays Dockerfile stages on this machine, with each stage's root filesystem mapped to a folder: WORKDIR,
/// COPY from the build context (filtered by .dockerignore) or from an earlier stage, ARG, ENV, and RUN for plain
/// <c>dotnet</c> commands. It is how the tests build "exactly as the Dockerfile does" without a Docker engine;
/// anything it cannot replay faithfully is refused rather than approximated. The one exception is explicit: a stage
/// that installs a system package (apt, which cannot run here) is stood in by a folder the caller fills with this
/// machine's copy of the same files (<paramref name="standIns"/>: stage name to folder).
/// </summary>
public sealed class StageReplay(
    Dockerfile dockerfile,
    string contextRoot,
    DockerIgnore ignore,
    string workRoot,
    IReadOnlyDictionary<string, string> buildArgs,
    Func<string, IReadOnlyDictionary<string, string>> baseImageEnv,
    Func<IReadOnlyList<string>, string, IReadOnlyDictionary<string, string>, Task> runDotnet,
    IReadOnlyDictionary<string, string>? standIns = null)
{
    private static readonly string[] ShellOperators = ["&&", "||", ";", "|", ">", "<", "`", "$(", "*"];
    private readonly Dictionary<string, ReplayedStage> _done = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lazy<HashSet<string>> _context = new(() => ignore.ContextFiles(contextRoot).ToHashSet(StringComparer.Ordinal));

    public static string MapToRoot(string rootFs, string containerPath) =>
        Path.Combine(rootFs, containerPath.TrimStart('/'));

    public async Task<ReplayedStage> RunAsync(Stage stage)
    {
        if (_done.TryGetValue(stage.ToString(), out var done))
        {
            return done;
        }

        if (standIns is not null && standIns.TryGetValue(stage.ToString(), out var standIn))
        {
            return _done[stage.ToString()] = new ReplayedStage(standIn, "/", new Dictionary<string, string>(), null, [], null);
        }

        var parent = dockerfile.LocalStage(stage.BaseImage);
        var inherited = parent is null ? null : await RunAsync(parent);
        var rootFs = Path.Combine(workRoot, $"stage-{stage.Index}");
        if (inherited is not null)
        {
            CopyTree(inherited.RootFs, rootFs);
        }

        Directory.CreateDirectory(rootFs);
        var env = new Dictionary<string, string>(inherited?.Env ?? baseImageEnv(dockerfile.ExpandGlobals(stage.BaseImage)), StringComparer.Ordinal);
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        var workDir = inherited?.WorkDir ?? "/";
        var user = inherited?.User;
        var entrypoint = inherited?.Entrypoint ?? [];
        var healthCheck = inherited?.HealthCheck;
        string Expand(string text) => ShellWords.Expand(text, Merge(args, env));

        foreach (var instruction in stage.Instructions)
        {
            switch (instruction.Keyword)
            {
                case "ARG":
                    var eq = instruction.Arguments.IndexOf('=', StringComparison.Ordinal);
                    var name = eq < 0 ? instruction.Arguments : instruction.Arguments[..eq];
                    args[name] = buildArgs.GetValueOrDefault(name)
                        ?? dockerfile.GlobalArgDefaults().GetValueOrDefault(name)
                        ?? (eq < 0 ? "" : ShellWords.Unquote(instruction.Arguments[(eq + 1)..]));
                    break;
                case "ENV":
                    foreach (var (key, value) in ShellWords.Assignments(instruction.Arguments))
                    {
                        env[key] = Expand(value);
                    }

                    break;
                case "WORKDIR":
                    workDir = CombineContainerPath(workDir, Expand(instruction.Arguments));
                    Directory.CreateDirectory(MapToRoot(rootFs, workDir));
                    break;
                case "COPY":
                    await CopyAsync(instruction, rootFs, workDir, Expand);
                    break;
                case "RUN":
                    await RunCommandAsync(instruction, rootFs, workDir, Merge(args, env), Expand);
                    break;
                case "USER":
                    user = Expand(instruction.Arguments);
                    break;
                case "ENTRYPOINT":
                    entrypoint = instruction.IsExecForm
                        ? instruction.ExecForm
                        : throw new NotSupportedException($"{instruction}: only the exec form (no shell) is replayed");
                    break;
                case "HEALTHCHECK":
                    healthCheck = instruction;
                    break;
                case "LABEL" or "EXPOSE" or "CMD" or "STOPSIGNAL":
                    break; // metadata: nothing to replay
                default:
                    throw new NotSupportedException($"{instruction}: not replayed; extend StageReplay");
            }
        }

        var replayed = new ReplayedStage(rootFs, workDir, env, user, entrypoint, healthCheck);
        _done[stage.ToString()] = replayed;
        return replayed;
    }

    private async Task CopyAsync(Instruction copy, string rootFs, string workDir, Func<string, string> expand)
    {
        var words = (copy.IsExecForm ? copy.ExecForm : copy.Words).Select(expand).ToList();
        var destination = words[^1];
        var sources = words[..^1];
        var destinationPath = CombineContainerPath(workDir, destination);
        var intoFolder = destination.EndsWith('/') || destination is "." || sources.Count > 1;

        if (copy.Flags.TryGetValue("from", out var from))
        {
            var stage = dockerfile.LocalStage(from)
                ?? throw new NotSupportedException($"{copy}: copying from an image is not replayed");
            var source = await RunAsync(stage);
            foreach (var path in sources)
            {
                var hostSource = source.HostPath(CombineContainerPath(source.WorkDir, path));
                if (Directory.Exists(hostSource))
                {
                    CopyTree(hostSource, MapToRoot(rootFs, destinationPath));
                }
                else
                {
                    CopyFile(hostSource, MapToRoot(rootFs, intoFolder ? $"{destinationPath}/{Path.GetFileName(path)}" : destinationPath));
                }
            }

            return;
        }

        foreach (var raw in sources)
        {
            if (raw.Contains('*', StringComparison.Ordinal) || raw.Contains('?', StringComparison.Ordinal))
            {
                throw new NotSupportedException($"{copy}: wildcards are not replayed");
            }

            var source = Relative(raw);
            var prefix = source.Length == 0 ? "" : source + "/";
            var underSource = _context.Value.Where(f => f.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            if (underSource.Count > 0)
            {
                foreach (var file in underSource)
                {
                    CopyFile(Path.Combine(contextRoot, file), MapToRoot(rootFs, $"{destinationPath}/{file[prefix.Length..]}"));
                }
            }
            else if (_context.Value.Contains(source))
            {
                var target = intoFolder ? $"{destinationPath}/{Path.GetFileName(source)}" : destinationPath;
                CopyFile(Path.Combine(contextRoot, source), MapToRoot(rootFs, target));
            }
            else
            {
                throw new FileNotFoundException($"{copy}: '{raw}' is not in the build context (missing, or excluded by .dockerignore)");
            }
        }
    }

    private async Task RunCommandAsync(
        Instruction run, string rootFs, string workDir, IReadOnlyDictionary<string, string> env, Func<string, string> expand)
    {
        if (run.IsExecForm || ShellOperators.Any(op => run.Arguments.Contains(op, StringComparison.Ordinal)))
        {
            throw new NotSupportedException($"{run}: only plain shell-form dotnet commands are replayed");
        }

        var words = ShellWords.Split(expand(run.Arguments));
        if (words[0] != "dotnet")
        {
            throw new NotSupportedException($"{run}: only dotnet commands are replayed");
        }

        // Absolute paths are inside the container: map them into this stage's root.
        var arguments = words.Skip(1).Select(w => w.StartsWith('/') ? MapToRoot(rootFs, w) : w).ToList();
        await runDotnet(arguments, MapToRoot(rootFs, workDir), env);
    }

    private static string CombineContainerPath(string workDir, string path) =>
        path.StartsWith('/') ? path.TrimEnd('/') : $"{workDir.TrimEnd('/')}/{Relative(path)}".TrimEnd('/');

    /// <summary>"./a/b/" -> "a/b"; "." -> "".</summary>
    private static string Relative(string path)
    {
        var relative = path.Replace('\\', '/');
        while (relative.StartsWith("./", StringComparison.Ordinal))
        {
            relative = relative[2..];
        }

        relative = relative.Trim('/');
        return relative == "." ? "" : relative;
    }

    private static Dictionary<string, string> Merge(Dictionary<string, string> args, Dictionary<string, string> env)
    {
        // ENV wins over ARG of the same name, as in Docker.
        var all = new Dictionary<string, string>(args, StringComparer.Ordinal);
        foreach (var (key, value) in env)
        {
            all[key] = value;
        }

        return all;
    }

    private static void CopyFile(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to, overwrite: true);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            CopyFile(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }

        Directory.CreateDirectory(to);
    }
}

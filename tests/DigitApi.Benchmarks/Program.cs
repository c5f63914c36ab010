using BenchmarkDotNet.Running;
using DigitApi.Benchmarks;

// dotnet run -c Release --project tests/DigitApi.Benchmarks -- <mode>
//   images <folder>                          write the three sample uploads (used by tests/load/*.sh)
//   ceiling <image> [seconds] [concurrency]  the in-process ceiling: decode+normalise+infer on all cores, no HTTP
//                                            (<image>: a sample's name or an image file)
//   steps <image> <folder> <prefix>          one PNG per preprocessing step of <image> (docs/images)
//   http-floor [url]                         bare Kestrel answering POST /predict with a fixed prediction (tests/load/run.sh)
//   load <url> <image> [seconds] [connections] [warm-up seconds]
//                                            HTTP load on POST /predict where wrk is missing (tests/load/gpu.sh)
//   anything else                            BenchmarkDotNet, e.g. --filter '*' (add --job short for a quick run)
// Inference__Provider (Cpu, Cuda or Auto; default Cpu) chooses where the in-process pipeline runs, as for the service.
switch (args.FirstOrDefault())
{
    case "images":
        var folder = Directory.CreateDirectory(args.ElementAtOrDefault(1) ?? ".").FullName;
        foreach (var name in SampleImages.Names)
        {
            var bytes = SampleImages.Get(name);
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
            Console.WriteLine($"{Path.Combine(folder, name)}\t{bytes.Length} bytes");
        }

        return 0;

    case "ceiling":
        var image = args.ElementAtOrDefault(1) ?? SampleImages.Mnist;
        var seconds = int.Parse(args.ElementAtOrDefault(2) ?? "10", System.Globalization.CultureInfo.InvariantCulture);
        var concurrency = int.Parse(args.ElementAtOrDefault(3) ?? "64", System.Globalization.CultureInfo.InvariantCulture);
        return await Ceiling.RunAsync(image, TimeSpan.FromSeconds(seconds), concurrency);

    case "steps":
        return PreprocessingSteps.Run(args[1], args[2], args[3]);

    case "load":
        return await LoadGenerator.RunAsync(
            new Uri(args[1]), args[2],
            TimeSpan.FromSeconds(int.Parse(args.ElementAtOrDefault(5) ?? "5", System.Globalization.CultureInfo.InvariantCulture)),
            TimeSpan.FromSeconds(int.Parse(args.ElementAtOrDefault(3) ?? "20", System.Globalization.CultureInfo.InvariantCulture)),
            int.Parse(args.ElementAtOrDefault(4) ?? "64", System.Globalization.CultureInfo.InvariantCulture));

    case "http-floor":
        return await HttpFloor.RunAsync(args.ElementAtOrDefault(1) ?? "http://127.0.0.1:5081");

    default:
        // In-process: no generated project to build, and the numbers come from the same runtime settings. Given as
        // the command-line option rather than a default job in code, so that --job short (and the like) still apply.
        BenchmarkSwitcher.FromAssembly(typeof(SampleImages).Assembly).Run(args.Contains("--inProcess") ? args : [.. args, "--inProcess"]);
        return 0;
}

using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace DigitApi.Inference;

/// <summary>
/// What ONNX Runtime's CUDA execution provider needs on this machine, checked before ONNX Runtime is asked: a CUDA
/// build of ONNX Runtime, the NVIDIA driver, the CUDA runtime libraries and cuDNN that build was linked against, and
/// a device. ONNX Runtime itself reports only the first library its loader missed; this names all of them, with the fix.
/// </summary>
internal static partial class CudaProbe
{
    /// <summary>The CUDA runtime the pinned Microsoft.ML.OnnxRuntime.Gpu.Linux was built with (its CUDA provider links it).</summary>
    public const string CudaRuntime = "libcudart.so.13";

    /// <summary>The NVIDIA driver's user-space library: it comes with the driver on the host, never with an image.</summary>
    public const string DriverLibrary = "libcuda.so.1";

    /// <summary>cuDNN 9, which the CUDA provider loads when it creates a session.</summary>
    public const string CudnnLibrary = "libcudnn.so.9";

    /// <summary>Every CUDA library libonnxruntime_providers_cuda.so links besides the driver's (readelf -d).</summary>
    public static readonly IReadOnlyList<string> RuntimeLibraries = [CudaRuntime, "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10"];

    /// <summary>The CUDA major version those libraries belong to ("13").</summary>
    public static string CudaMajor => CudaRuntime[(CudaRuntime.LastIndexOf('.') + 1)..];

    /// <summary>Null when the CUDA provider can run on device <paramref name="deviceId"/>; otherwise what is missing and how to get it.</summary>
    public static string? FindMissing(int deviceId)
    {
        if (!OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
        {
            return "this build carries the CPU-only ONNX Runtime; run the GPU image, or build and publish with -p:OnnxRuntimeFlavor=Gpu";
        }

        if (!OperatingSystem.IsLinux())
        {
            return "the GPU build runs on Linux only";
        }

        var missing = new List<string>();
        var driver = NativeLibrary.TryLoad(DriverLibrary, out _);
        if (!driver)
        {
            missing.Add($"the NVIDIA driver ({DriverLibrary} not found): install the NVIDIA driver (R580 or later for CUDA {CudaMajor}) "
                + "and, in a container, run it with the NVIDIA Container Toolkit (docker run --gpus all)");
        }

        var runtime = RuntimeLibraries.Where(library => !NativeLibrary.TryLoad(library, out _)).ToList();
        if (runtime.Count > 0)
        {
            missing.Add($"the CUDA {CudaMajor} runtime libraries ({string.Join(", ", runtime)} not found): run the GPU image, "
                + $"or install CUDA {CudaMajor} and put its lib folder on LD_LIBRARY_PATH");
        }

        if (!NativeLibrary.TryLoad(CudnnLibrary, out _))
        {
            missing.Add($"cuDNN 9 ({CudnnLibrary} not found): run the GPU image, or install cuDNN 9 for CUDA {CudaMajor} and put its lib folder on LD_LIBRARY_PATH");
        }

        if (driver && runtime.Count == 0 && FindDeviceProblem(deviceId) is { } device)
        {
            missing.Add(device);
        }

        return missing.Count == 0 ? null : string.Join("; ", missing);
    }

    private static string? FindDeviceProblem(int deviceId)
    {
        var error = GetDeviceCount(out var count);
        if (error != 0)
        {
            return $"a CUDA device (cudaGetDeviceCount: {Marshal.PtrToStringUTF8(GetErrorString(error))}): check nvidia-smi on the host "
                + "and that the container was given a GPU (--gpus all, NVIDIA_VISIBLE_DEVICES)";
        }

        return deviceId < count
            ? null
            : $"CUDA device {deviceId} (Inference:DeviceId): {count} device(s) visible, so set Inference:DeviceId below {count}";
    }

    [LibraryImport(CudaRuntime, EntryPoint = "cudaGetDeviceCount")]
    private static partial int GetDeviceCount(out int count);

    [LibraryImport(CudaRuntime, EntryPoint = "cudaGetErrorString")]
    private static partial nint GetErrorString(int error);
}

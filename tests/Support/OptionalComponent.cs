using System.Runtime.InteropServices;

namespace DigitApi.TestSupport;

/// <summary>
/// System components that some tests need and a machine with only the .NET SDK lacks: libjpeg-turbo's TurboJPEG
/// library, Chromium, Python with torch, the Bicep CLI, actionlint. When one is missing, the test that needs it is
/// skipped with the reason and how to install it; when the environment variable CI is set, it fails instead, because
/// CI (.ci/run) installs every one of them and nothing may be skipped there.
/// </summary>
public static class OptionalComponent
{
    /// <summary>libjpeg-turbo's TurboJPEG library, loadable from the system's library path.</summary>
    public const string TurboJpegLibrary = "libturbojpeg.so.0";

    /// <summary>True where missing components fail tests rather than skip them.</summary>
    public static bool IsCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>Whether the system's TurboJPEG library really loads (a file of that name is not enough).</summary>
    public static bool HasTurboJpeg
    {
        get
        {
            if (!NativeLibrary.TryLoad(TurboJpegLibrary, out var handle))
            {
                return false;
            }

            NativeLibrary.Free(handle);
            return true;
        }
    }

    /// <summary>Skips the running test, or fails it under CI, unless <paramref name="present"/>.</summary>
    /// <param name="present">Whether the component is there.</param>
    /// <param name="missing">What is missing and how to install it, as the skip reason.</param>
    public static void Require(bool present, string missing)
    {
        if (present)
        {
            return;
        }

        if (IsCi)
        {
            Assert.Fail($"{missing} CI is set, so this test may not be skipped.");
        }

        Assert.Skip(missing);
    }

    /// <summary>Skips the running test (fails it under CI) without the system's TurboJPEG library.</summary>
    public static void RequireTurboJpeg() =>
        Require(HasTurboJpeg, $"libjpeg-turbo's TurboJPEG library ({TurboJpegLibrary}) is not installed (Debian: apt-get install libturbojpeg0; Ubuntu: libturbojpeg).");
}

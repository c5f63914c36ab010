using System.Runtime.Versioning;

// Containers, the Bicep CLI package (linux-x64) and setpriv: these checks run where the image runs, on Linux.
[assembly: SupportedOSPlatform("linux")]

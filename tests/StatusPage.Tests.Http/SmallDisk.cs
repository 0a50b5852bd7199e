using System.Diagnostics;

namespace StatusPage.Tests.Http;

// A real small file system (tmpfs) mounted for one test, which can be filled to the last byte and given space back.
// Needs root (CI runs as root): without the right to mount, the test fails saying so instead of passing untested.
public sealed class SmallDisk : IDisposable
{
    private readonly string _filler;

    private SmallDisk(string path)
    {
        Path = path;
        _filler = System.IO.Path.Combine(path, "filler.bin");
    }

    public string Path { get; }

    public string DataDir => System.IO.Path.Combine(Path, "data");

    public static SmallDisk Mount(int megabytes)
    {
        var path = Directory.CreateTempSubdirectory("statuspage-small-disk-").FullName;
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            Assert.Fail($"This fault test needs to mount a small tmpfs (run the tests as root, as CI does); mount failed: {output}");
        }
        var disk = new SmallDisk(path);
        Directory.CreateDirectory(disk.DataDir);
        return disk;
    }

    // Takes every byte left, in 4 KB writes then single bytes, so the next write of any size fails with "no space".
    public void Fill()
    {
        using var filler = new FileStream(_filler, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 1);
        foreach (var chunk in new[] { 1 << 20, 4096, 1 })
        {
            var bytes = new byte[chunk];
            try
            {
                while (true)
                {
                    filler.Write(bytes);
                    filler.Flush();
                }
            }
            catch (IOException)
            {
                // Full at this granularity: go on with smaller writes.
            }
        }
    }

    public void Free() => File.Delete(_filler);

    public void Dispose()
    {
        var (code, output) = Run("umount", "-l", Path);
        Assert.True(code == 0, $"umount {Path} failed: {output}");
        Directory.Delete(Path);
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Trim());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}

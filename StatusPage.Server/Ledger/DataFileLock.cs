using System.Runtime.InteropServices;

namespace StatusPage.Server.Ledger;

// An exclusive lock on the data file itself, so every path to it (a hard link, a bind mount) is refused while it is held.
// On Linux an open-file-description lock (fcntl F_OFD_SETLK): it belongs to the inode, conflicts also between two opens in one
// process, and ignores the flock(2) locks .NET and LiteDB take on their own handles. Elsewhere, a lock file beside the data file.
internal static class DataFileLock
{
    private const int OfdSetLock = 37;        // F_OFD_SETLK
    private const short WriteLock = 1;        // F_WRLCK
    private const int WouldBlock = 11;        // EAGAIN
    private const int AccessDenied = 13;      // EACCES

    public static FileStream Acquire(string dataPath)
    {
        if (!OperatingSystem.IsLinux())
        {
            return AcquireLockFile(dataPath);
        }
        // FileShare.ReadWrite: .NET then takes only a shared flock, as LiteDB's own handles do.
        var stream = new FileStream(dataPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        var whole = new FLock { Type = WriteLock };
        if (Fcntl((int)stream.SafeFileHandle.DangerousGetHandle(), OfdSetLock, ref whole) == 0)
        {
            return stream;
        }
        var errno = Marshal.GetLastPInvokeError();
        stream.Dispose();
        if (errno is WouldBlock or AccessDenied)
        {
            throw InUse(dataPath, "the data file itself is locked", new IOException($"fcntl(F_OFD_SETLK) failed with errno {errno}"));
        }
        throw new IOException($"Could not lock the data file {dataPath} (fcntl errno {errno}).");
    }

    private static FileStream AcquireLockFile(string dataPath)
    {
        var lockPath = dataPath + ".lock";
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw InUse(dataPath, $"lock {lockPath} is held", e);
        }
    }

    private static DataFileInUseException InUse(string dataPath, string how, Exception inner) => new(
        $"The data file {dataPath} is already in use by another StatusPage process ({how}). " +
        "Stop that process, or point StatusPage:DataPath at another file.", inner);

    // struct flock of Linux x86-64 and arm64: l_type, l_whence, l_start, l_len, l_pid (l_start = l_len = 0: the whole file).
    [StructLayout(LayoutKind.Sequential)]
    private struct FLock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fcntl(int fd, int command, ref FLock lockRange);
}

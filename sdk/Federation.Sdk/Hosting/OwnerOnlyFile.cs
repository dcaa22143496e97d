namespace Federation.Sdk.Hosting;

/// <summary>
/// Files only their owner may read or write (mode 0600 on Unix): keys, secrets, databases and reports that name
/// records. An existing file is tightened too, since a mode given at creation applies only to a new file.
/// </summary>
public static class OwnerOnlyFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates (or truncates) <paramref name="path"/> for writing, owner-only.</summary>
    public static FileStream Create(string path) => Open(path, FileMode.Create);

    /// <summary>
    /// Makes sure <paramref name="path"/> exists and is owner-only, without changing its content; call it before a
    /// database engine opens the file, so the engine never creates it with the process's default mode.
    /// </summary>
    public static void Ensure(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = Open(path, FileMode.OpenOrCreate);
    }

    private static FileStream Open(string path, FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(stream.SafeFileHandle, OwnerReadWrite);
        }

        return stream;
    }
}

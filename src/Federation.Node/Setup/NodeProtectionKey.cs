using System.Security.Cryptography;
using Federation.Sdk.Hosting;
using Federation.Sdk.Privacy;

namespace Federation.Node.Setup;

/// <summary>
/// The node's secret protection key file (<c>protection.keyFile</c>): random bytes that fix the noise of every release.
/// The one place that says how it is made and which sizes a node accepts.
/// </summary>
public static class NodeProtectionKey
{
    /// <summary>The size of a key the tools make, in bytes.</summary>
    public const int Length = 32;

    /// <summary>The smallest key a node accepts (the SDK refuses shorter ones).</summary>
    public const int MinimumLength = CountsDigest.MinimumKeyLength;

    /// <summary>The largest: a bigger file is not a key but some other file named by mistake.</summary>
    public const int MaximumLength = 1024;

    /// <summary>Writes a new key of <see cref="Length"/> random bytes, owner-only; never replaces an existing file.</summary>
    public static void Create(string path)
    {
        if (File.Exists(path))
        {
            throw new IOException($"'{path}' exists; a protection key is never replaced (a new key draws new noise and spends budget again).");
        }

        using var stream = OwnerOnlyFile.Create(path);
        stream.Write(RandomNumberGenerator.GetBytes(Length));
    }

    /// <summary>Why the key file at <paramref name="path"/> cannot be used (its size), or null when it can.</summary>
    public static string? Problem(string path)
    {
        var size = new FileInfo(path).Length;
        return size is >= MinimumLength and <= MaximumLength
            ? null
            : $"file '{path}' is {size} bytes; a protection key is {Length} random bytes (at least {MinimumLength}, at most {MaximumLength}). "
                + "Make one with `fed node init`; if the node has released before, restore its key from the backup instead: a new key draws new noise.";
    }
}

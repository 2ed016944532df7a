namespace Mpc.Runtime.Net;

/// <summary>Writes PEM text files; private keys are created readable and writable by the owner only.</summary>
internal static class PemFiles
{
    public static void Write(string path, string pem, bool secret, bool overwrite)
    {
        var options = new FileStreamOptions
        {
            Mode = overwrite ? FileMode.Create : FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (secret && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            if (overwrite && secret)
            {
                // An existing file keeps its permissions; recreate it so the owner-only mode applies.
                File.Delete(path);
            }

            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(pem);
            writer.Write('\n');
        }
        catch (IOException e) when (!overwrite && File.Exists(path))
        {
            throw new MpcInputException($"'{path}' already exists; remove it or choose another folder", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new MpcInputException($"cannot write '{path}': {e.Message}", e);
        }
    }
}

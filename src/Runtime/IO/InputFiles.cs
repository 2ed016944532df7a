namespace Mpc.Runtime.IO;

/// <summary>Reading a user-named file, with the failure as an input error that names the file.</summary>
public static class InputFiles
{
    /// <param name="what">What the file is, for the message ("the model", "the input").</param>
    /// <exception cref="MpcInputException">The file is missing or unreadable.</exception>
    public static byte[] ReadAllBytes(string path, string what)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MpcInputException($"{path}: cannot read {what}: {e.Message}", e);
        }
    }
}

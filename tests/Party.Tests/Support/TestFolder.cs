namespace Mpc.Party.Tests.Support;

/// <summary>A temporary folder, deleted with everything in it when disposed.</summary>
internal sealed class TestFolder : IDisposable
{
    public TestFolder(string prefix = "mpc-party-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process that is still exiting may hold a file; the OS cleans the temp folder.
        }
    }
}

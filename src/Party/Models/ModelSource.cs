using System.Security.Cryptography;
using Mpc.Runtime;

namespace Mpc.Party.Models;

/// <summary>
/// Resolves <c>--model PATH|URL</c> to a local file, as TF Encrypted's <c>private_predict</c> did
/// (it downloaded the skin-cancer model from a URL), with the checks a deployment needs: an http(s)
/// download is capped in size, written to a temporary file first (a failed download leaves nothing
/// behind), and optionally checked against a SHA-256 given with <c>--sha256</c>.
/// </summary>
public static class ModelSource
{
    /// <summary>The default download cap: far above the full-width model (59 MB), far below a mistake.</summary>
    public const long DefaultMaxBytes = 1L << 30;

    /// <summary>
    /// Returns a local path holding the model. For a URL the file is downloaded into
    /// <paramref name="cacheDirectory"/>; for a path the file must exist. Throws
    /// <see cref="MpcInputException"/> naming the path or URL on every failure.
    /// </summary>
    public static string Resolve(string pathOrUrl, string? expectedSha256, string cacheDirectory, long maxBytes = DefaultMaxBytes, TimeSpan? timeout = null)
    {
        string path;
        if (IsUrl(pathOrUrl))
        {
            path = Download(new Uri(pathOrUrl), cacheDirectory, maxBytes, timeout ?? TimeSpan.FromSeconds(60));
        }
        else
        {
            if (!File.Exists(pathOrUrl))
            {
                throw new MpcInputException($"model file '{pathOrUrl}' does not exist");
            }

            path = pathOrUrl;
        }

        if (expectedSha256 is not null)
        {
            CheckSha256(path, pathOrUrl, expectedSha256);
        }

        return path;
    }

    public static bool IsUrl(string s) =>
        s.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks the file's SHA-256 (hex, any case) and names both hashes when they differ.</summary>
    public static void CheckSha256(string path, string displayName, string expectedSha256)
    {
        var expected = expectedSha256.Trim().ToLowerInvariant();
        if (expected.Length != 64 || !expected.All(Uri.IsHexDigit))
        {
            throw new MpcInputException($"--sha256 expects 64 hexadecimal digits, got '{expectedSha256}'");
        }

        using var stream = File.OpenRead(path);
        var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (actual != expected)
        {
            throw new MpcInputException($"model '{displayName}' has SHA-256 {actual}, but --sha256 expects {expected}");
        }
    }

    private static string Download(Uri url, string cacheDirectory, long maxBytes, TimeSpan timeout)
    {
        Directory.CreateDirectory(cacheDirectory);
        var name = Path.GetFileName(url.AbsolutePath);
        var target = Path.Combine(cacheDirectory, string.IsNullOrEmpty(name) ? "model.pb" : name);
        var partial = target + ".partial";
        try
        {
            using var client = new HttpClient { Timeout = timeout };
            using var response = client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
            {
                throw new MpcInputException($"cannot download model {url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.Content.Headers.ContentLength is long announced && announced > maxBytes)
            {
                throw new MpcInputException($"model {url} is {announced} bytes, above the download limit of {maxBytes} bytes");
            }

            using (var body = response.Content.ReadAsStream())
            using (var file = File.Create(partial))
            {
                var buffer = new byte[1 << 16];
                long total = 0;
                int n;
                while ((n = body.Read(buffer)) > 0)
                {
                    total += n;
                    if (total > maxBytes)
                    {
                        throw new MpcInputException($"model {url} is larger than the download limit of {maxBytes} bytes");
                    }

                    file.Write(buffer, 0, n);
                }
            }

            File.Move(partial, target, overwrite: true);
            return target;
        }
        catch (HttpRequestException e)
        {
            throw new MpcInputException($"cannot download model {url}: {e.Message}", e);
        }
        catch (TaskCanceledException e)
        {
            throw new MpcInputException($"cannot download model {url}: no answer within {timeout.TotalSeconds:0} s", e);
        }
        catch (IOException e)
        {
            throw new MpcInputException($"cannot download model {url}: {e.Message}", e);
        }
        finally
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }
        }
    }
}

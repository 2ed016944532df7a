using System.Net;

namespace Mpc.Party.Tests.Support;

/// <summary>Serves one body (or one status) on loopback to every request.</summary>
internal sealed class OneFileServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public OneFileServer(byte[] body, HttpStatusCode status = HttpStatusCode.OK)
    {
        var port = Deployment.FreePorts(1)[0];
        Url = $"http://127.0.0.1:{port}/models/model.pb";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                context.Response.StatusCode = (int)status;
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
    }

    public string Url { get; }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Courier.TestKit;

/// <summary>The built <c>courier</c> command run as a real relay process, which a test may SIGKILL.</summary>
public sealed class RelayProcess : IDisposable
{
    private readonly Process _process;

    private RelayProcess(Process process, Uri address, string? mixIdentityKey)
    {
        _process = process;
        Address = address;
        MixIdentityKey = mixIdentityKey;
    }

    /// <summary>The mix identity key the relay printed (unpadded base64url), or null when it does not mix.</summary>
    public string? MixIdentityKey { get; }

    /// <summary>The relay's process id (for /proc/PID/status).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The address the relay printed for nodes: with its pin when it serves HTTPS.</summary>
    public Uri Address { get; }

    /// <summary>
    /// The <c>courier.dll</c> that tests run: <c>COURIER_CLI_DLL</c> when set (tools/test.sh sets it to
    /// a ReadyToRun publish of the build it just made, whose commands start with a quarter less CPU),
    /// else the build's own output.
    /// </summary>
    public static string CourierDll
    {
        get
        {
            if (Environment.GetEnvironmentVariable("COURIER_CLI_DLL") is { Length: > 0 } given)
            {
                return File.Exists(given) ? given : throw new FileNotFoundException("COURIER_CLI_DLL names no file.", given);
            }

            // The test runs from tests/Courier.Relay.Tests/bin/<Configuration>/net10.0/.
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            string configuration = dir.Parent!.Name;
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Courier.sln")))
            {
                dir = dir.Parent;
            }

            var dll = Path.Combine(dir!.FullName, "src", "Courier.Cli", "bin", configuration, "net10.0", "courier.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first: courier.dll is missing.", dll);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <c>courier relay serve</c> with <paramref name="arguments"/> and waits for its "listening on" line.</summary>
    public static async Task<RelayProcess> StartAsync(params string[] arguments)
    {
        for (int attempt = 0; ; attempt++)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(CourierDll);
            info.ArgumentList.Add("relay");
            info.ArgumentList.Add("serve");
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            var process = Process.Start(info)!;
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            string? forNodes = null;
            string? mixIdentity = null;
            while (true)
            {
                string? line;
                try
                {
                    line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    throw new TimeoutException("the relay did not start within 90 s");
                }

                if (line is null)
                {
                    await process.WaitForExitAsync();
                    // A port still held for a moment by the killed process: try again.
                    if (attempt < 20)
                    {
                        await Task.Delay(250);
                        break;
                    }

                    throw new InvalidOperationException("the relay exited: " + await errors);
                }

                if (line.StartsWith("address for nodes: ", StringComparison.Ordinal))
                {
                    forNodes = line["address for nodes: ".Length..];
                }

                if (line.StartsWith("mix identity key: ", StringComparison.Ordinal))
                {
                    mixIdentity = line["mix identity key: ".Length..];
                }

                if (line.StartsWith("listening on ", StringComparison.Ordinal))
                {
                    // Keep draining stdout so the relay never blocks on a full pipe.
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                    return new RelayProcess(process, new Uri(forNodes ?? throw new InvalidOperationException("the relay printed no address for nodes")), mixIdentity);
                }
            }
        }
    }

    public void Kill()
    {
        // Process.Kill sends SIGKILL on Unix: no shutdown code runs.
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}

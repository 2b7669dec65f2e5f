using System.Diagnostics;

namespace Courier.Node.Load;

/// <summary>
/// The built <c>courier relay serve</c> as a child process on SQLite, with its per-client rate limit
/// off and its caps raised: the load comes from one address, and must measure the members, not the limits.
/// </summary>
internal sealed class RelayProcess : IDisposable
{
    private readonly Process _process;

    private RelayProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The relay's options, as passed on its command line (reported in the JSON).</summary>
    public static IReadOnlyList<string> Options { get; } = ["--rate-limit", "0", "--drop-rate", "0", "--max-envelopes", "1000000", "--nameplate-rate", "1000000"];

    public static async Task<RelayProcess> StartAsync(string dataDirectory)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[CourierDll(), "relay", "serve", "--listen", "127.0.0.1:0", "--data", dataDirectory, .. Options])
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                await process.WaitForExitAsync();
                throw new InvalidOperationException("the relay exited: " + await errors);
            }

            if (line.StartsWith("listening on ", StringComparison.Ordinal))
            {
                // Keep draining stdout so the relay never blocks on a full pipe.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                return new RelayProcess(process, new Uri(line["listening on ".Length..]));
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    /// <summary>src/Courier.Cli's build of the same configuration (this project builds it: see the csproj).</summary>
    private static string CourierDll()
    {
        // This tool runs from bench/Courier.Node.Load/bin/<Configuration>/net10.0/.
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = dir.Parent!.Name;
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Courier.sln")))
        {
            dir = dir.Parent;
        }

        var dll = Path.Combine(dir?.FullName ?? ".", "src", "Courier.Cli", "bin", configuration, "net10.0", "courier.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build bench/Courier.Node.Load first: courier.dll is missing.", dll);
    }
}

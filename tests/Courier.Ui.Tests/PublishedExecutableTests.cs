using System.Diagnostics;
using System.Net;

namespace Courier.Ui.Tests;

/// <summary>
/// The self-contained executable of tools/publish.sh on a machine without .NET (issue 17, must-hold 6):
/// run with a PATH that has no <c>dotnet</c> and no .NET variables, it runs the demo and serves the UI.
/// tools/test.sh publishes it and sets COURIER_PUBLISHED in its full run, so there this test runs or
/// fails; elsewhere it is skipped until the variable names the executable.
/// </summary>
public sealed class PublishedExecutableTests
{
    [PublishedFact]
    public async Task The_published_courier_runs_the_demo_and_the_UI_without_dotnet_on_the_PATH()
    {
        var courier = PublishedFactAttribute.Executable!;
        Assert.True(File.Exists(courier), $"{courier} is missing: run tools/publish.sh");
        using var root = new TempDirectory();
        var bin = Directory.CreateDirectory(Path.Combine(root.Path, "bin")).FullName;
        var home = Path.Combine(root.Path, "home");

        var (code, output) = await RunAsync(courier, bin, root.Path, TimeSpan.FromMinutes(3), "demo");
        Assert.True(code == 0, $"courier demo exited {code}: {output}");

        (code, output) = await RunAsync(courier, bin, root.Path, TimeSpan.FromMinutes(1), "init", "--home", home);
        Assert.True(code == 0, $"courier init exited {code}: {output}");

        using var ui = Process.Start(Start(courier, bin, root.Path, "ui", "--home", home, "--listen", "127.0.0.1:0"))!;
        try
        {
            var line = await ui.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) ?? string.Empty;
            Assert.StartsWith("open http://127.0.0.1:", line, StringComparison.Ordinal);
            var link = new Uri(line["open ".Length..]);
            using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
            using var refused = await client.GetAsync(new Uri(link, "/api/status"));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            using var login = await client.GetAsync(link);
            Assert.Equal(HttpStatusCode.Found, login.StatusCode);
            using var status = new HttpRequestMessage(HttpMethod.Get, new Uri(link, "/api/status"));
            status.Headers.Add("Cookie", login.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
            using var answer = await client.SendAsync(status);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("\"unlocked\":false", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            ui.Kill(entireProcessTree: true);
            await ui.WaitForExitAsync();
        }
    }

    /// <summary>A PATH of one empty directory, HOME in the test's directory, and no .NET variables: as on a machine without .NET.</summary>
    private static ProcessStartInfo Start(string courier, string bin, string root, params string[] args)
    {
        var start = new ProcessStartInfo(courier, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) || k.StartsWith("MSBUILD", StringComparison.Ordinal) || k == "NUGET_PACKAGES").ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["PATH"] = bin;
        start.Environment["HOME"] = root;
        start.Environment["COURIER_PASSPHRASE"] = "a passphrase for the published executable";
        Assert.False(File.Exists(Path.Combine(bin, "dotnet")));
        return start;
    }

    private static async Task<(int Code, string Output)> RunAsync(string courier, string bin, string root, TimeSpan limit, params string[] args)
    {
        using var process = Process.Start(Start(courier, bin, root, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }
}

/// <summary>A test of the published executable named by COURIER_PUBLISHED (tools/test.sh sets it in its full run).</summary>
public sealed class PublishedFactAttribute : FactAttribute
{
    public static readonly string? Executable = Environment.GetEnvironmentVariable("COURIER_PUBLISHED") is { Length: > 0 } path ? Path.GetFullPath(path) : null;

    public PublishedFactAttribute()
    {
        if (Executable is null)
        {
            Skip = "COURIER_PUBLISHED is not set: run tools/publish.sh and set it to dist/linux-x64/courier (tools/test.sh does both).";
        }
    }
}

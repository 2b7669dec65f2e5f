using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Courier.Frost.Tests;

/// <summary>
/// interop/frost-noble/frost.mjs: FROST(Ed25519, SHA-512) by @noble/curves under Node.js, one JSON request
/// per process. tools/test.sh installs its npm package before the tests and sets
/// COURIER_FROST_NOBLE_REQUIRED=1, so there these tests run or fail; a bare <c>dotnet test</c> on a
/// machine without Node.js or the package skips them.
/// </summary>
internal static class Noble
{
    public static readonly string? Directory = Find();

    public static string? MissingReason =>
        Environment.GetEnvironmentVariable("COURIER_FROST_NOBLE_REQUIRED") == "1" ? null
        : Directory is null ? "interop/frost-noble/node_modules is missing (run `npm ci` there, or tools/test.sh)"
        : NodeMissing() ? "node (Node.js) is not on PATH"
        : null;

    public static JsonElement Run(JsonObject request)
    {
        var dir = Directory ?? throw new InvalidOperationException("interop/frost-noble/node_modules is missing: tools/test.sh installs it (npm ci).");
        var start = new ProcessStartInfo("node", ["frost.mjs"])
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(request.ToJsonString());
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"noble failed: {output} {error}");
        return JsonDocument.Parse(output).RootElement;
    }

    public static string Id(Identifier id) => Convert.ToHexStringLower(id.ToBytes());

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Courier.sln")))
            {
                var noble = Path.Combine(dir.FullName, "interop", "frost-noble");
                return System.IO.Directory.Exists(Path.Combine(noble, "node_modules", "@noble", "curves")) ? noble : null;
            }
        }

        return null;
    }

    private static bool NodeMissing()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("node", ["--version"]) { RedirectStandardOutput = true })!;
            p.WaitForExit();
            return p.ExitCode != 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return true;
        }
    }
}

/// <summary>A fact that runs @noble/curves: skipped only outside tools/test.sh's full run, with the reason.</summary>
public sealed class NobleFactAttribute : FactAttribute
{
    public NobleFactAttribute()
    {
        if (Noble.MissingReason is { } reason)
        {
            Skip = reason;
        }
    }
}

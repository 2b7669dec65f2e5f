using System.Diagnostics;
using System.Text.Json;
using Courier.Relay.Tests;

namespace Courier.Node.Tests.Cli;

/// <summary>The <c>courier</c> command as a binary, against a real relay process.</summary>
public sealed class CourierCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("courier-cli-").FullName;

    [Fact]
    public async Task First_contact_by_phrase_and_an_introduction_through_a_real_relay()
    {
        using var relay = await RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", Path.Combine(_root, "relay"));
        var url = relay.Address.ToString();
        foreach (var home in new[] { "a", "b", "c" })
        {
            Assert.Equal(0, (await RunAsync("init", "--home", Home(home))).Exit);
        }

        await FirstContactAsync(url, "a", "Starik", "b", "Alyosha", "greetings from Galya");
        await FirstContactAsync(url, "a", "Ded", "c", "Galya", null);

        Assert.Equal(0, (await RunAsync("contact", "introduce", "Alyosha", "Galya", "--home", Home("a"), "--relay", url)).Exit);
        foreach (var home in new[] { "b", "c", "b" })
        {
            Assert.Equal(0, (await RunAsync("contact", "receive", "--home", Home(home), "--relay", url)).Exit);
        }

        var list = await RunAsync("contact", "list", "--json", "--home", Home("b"));
        var contacts = JsonDocument.Parse(list.Out).RootElement.EnumerateArray().ToList();
        Assert.Equal(2, contacts.Count);
        Assert.Equal("Starik", contacts[0].GetProperty("code_name").GetString());
        Assert.Equal(JsonValueKind.Null, contacts[0].GetProperty("introduced_by").ValueKind);
        Assert.Equal("Starik", contacts[1].GetProperty("introduced_by").GetString());
    }

    [Fact]
    public async Task A_wrong_code_fails_both_sides_and_stores_nothing()
    {
        using var relay = await RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", Path.Combine(_root, "relay"));
        var url = relay.Address.ToString();
        await RunAsync("init", "--home", Home("a"));
        await RunAsync("init", "--home", Home("b"));
        var (invite, code) = await StartInviteAsync(url, "a", null, null);
        var accept = await RunAsync("contact", "accept", code.Split('-')[0] + "-not-the-words", "--home", Home("b"), "--relay", url);
        await invite.WaitForExitAsync();

        Assert.Equal(1, accept.Exit);
        Assert.Contains("wrong_code", accept.Err);
        Assert.Equal(1, invite.ExitCode);
        Assert.Contains("wrong_code", await invite.StandardError.ReadToEndAsync());
        Assert.Equal("[]", (await RunAsync("contact", "list", "--json", "--home", Home("a"))).Out.Trim());
        Assert.Equal("[]", (await RunAsync("contact", "list", "--json", "--home", Home("b"))).Out.Trim());
    }

    [Fact]
    public async Task Bad_input_gives_one_line_and_a_non_zero_exit()
    {
        await RunAsync("init", "--home", Home("a"));
        var wrongPassphrase = await RunAsync(["contact", "list", "--home", Home("a")], passphrase: "not it");
        Assert.Equal((1, 1), (wrongPassphrase.Exit, wrongPassphrase.Err.Trim().Split('\n').Length));
        Assert.Contains("wrong_passphrase", wrongPassphrase.Err);

        var unreachable = await RunAsync("contact", "accept", "12-a-b-c", "--home", Home("a"), "--relay", $"http://127.0.0.1:{RelayProcess.FreePort()}");
        Assert.Equal(1, unreachable.Exit);
        Assert.Contains("relay_unreachable", unreachable.Err);

        var unknown = await RunAsync("contact", "introduce", "Nobody", "Noone", "--home", Home("a"), "--relay", "http://127.0.0.1:1");
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("unknown_contact", unknown.Err);

        Assert.Equal(2, (await RunAsync("contact", "accept", "1-x", "--home", Home("a"), "--relay", "not-a-url")).Exit);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Home(string name) => Path.Combine(_root, name);

    private async Task FirstContactAsync(string url, string inviter, string inviterName, string acceptor, string acceptorName, string? phrase)
    {
        var (invite, code) = await StartInviteAsync(url, inviter, inviterName, phrase);
        var accept = await RunAsync("contact", "accept", code, "--home", Home(acceptor), "--relay", url, "--code-name", acceptorName);
        Assert.True(accept.Exit == 0, accept.Err);
        Assert.Contains($"added contact {inviterName}", accept.Out);
        await invite.WaitForExitAsync();
        Assert.Equal(0, invite.ExitCode);
        Assert.Contains($"added contact {acceptorName}", await invite.StandardOutput.ReadToEndAsync());
    }

    private async Task<(Process Invite, string Code)> StartInviteAsync(string url, string home, string? codeName, string? phrase)
    {
        List<string> args = ["contact", "invite", "--home", Home(home), "--relay", url];
        if (codeName is not null)
        {
            args.AddRange(["--code-name", codeName]);
        }

        if (phrase is not null)
        {
            args.AddRange(["--phrase", phrase]);
        }

        var invite = Start(args, "correct horse");
        var line = await invite.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException(await invite.StandardError.ReadToEndAsync());
        Assert.StartsWith("code: ", line);
        return (invite, line["code: ".Length..]);
    }

    private static Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => RunAsync(args, "correct horse");

    private static async Task<(int Exit, string Out, string Err)> RunAsync(IReadOnlyList<string> args, string passphrase)
    {
        using var process = Start(args, passphrase);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }

    private static Process Start(IReadOnlyList<string> args, string passphrase)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(RelayProcess.CourierDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["COURIER_PASSPHRASE"] = passphrase;
        return Process.Start(info)!;
    }
}

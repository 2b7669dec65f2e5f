using System.Diagnostics;
using System.Security.Cryptography;
using Courier.Node;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Courier.Ui.Tests;

/// <summary>
/// Two members, each with their own UI in this process, driven through Debian's Chromium by Playwright
/// (issue 17): first contact, a layer and a cell, messages seen live, a file up and down, and the
/// page locked by a panic. Screenshots of each page go to <c>screenshots/</c> beside the test assembly.
/// </summary>
public sealed class BrowserTests
{
    /// <summary>Issue 17, must-hold 3: a message appears in the other member's open page within 2 s, without a reload.</summary>
    private const float Live = 2000;

    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    [ChromiumFact]
    public async Task Two_members_make_contact_build_a_cell_and_talk_live_through_their_pages()
    {
        var relay = new InMemoryRelay();
        await using var alice = await UiMember.StartAsync(relay);
        await using var bob = await UiMember.StartAsync(relay);
        Directory.CreateDirectory(Screenshots);
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumFactAttribute.Executable, Headless = true, Args = ["--no-sandbox"] });
        var a = await OpenAsync(browser, alice, "1-unlock");
        var b = await OpenAsync(browser, bob, null);

        // First contact: Alice's page shows a code, Bob's page takes it, both show the same fingerprint.
        await a.FillAsync("#invite-relay", relay.Address);
        await a.ClickAsync("#invite-form button");
        var code = await a.Locator("#invite-code").InnerTextAsync();
        // The tests' first contact times out after 20 s (TestNodes.BaseOptions): the countdown starts there.
        await Expect(a.Locator("#invite-countdown")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^0:(20|1\d)$"));
        await ShotAsync(a, "2-invite");
        await b.FillAsync("#accept-relay", relay.Address);
        await b.FillAsync("#accept-code", code);
        await b.ClickAsync("#accept-form button");
        var atBob = await b.Locator("#accept-result #new-fingerprint").InnerTextAsync();
        await Expect(a.Locator("#invite-result #new-fingerprint")).ToHaveTextAsync(atBob);
        await Expect(a.Locator("#contacts tbody tr")).ToHaveCountAsync(1);
        await ShotAsync(a, "3-contacts");

        // Alice makes a layer and a cell and adds Bob; Bob's page lists the cell once his node joined it.
        await a.ClickAsync("nav a[href='#/cells']");
        await a.FillAsync("#layer-name", "north");
        await a.FillAsync("#layer-relay", relay.Address);
        await a.ClickAsync("#layer-form button");
        await Expect(a.Locator("#layers")).ToContainTextAsync("north");
        await a.FillAsync("#cell-name", "north-1");
        await a.ClickAsync("#cell-form button");
        await a.ClickAsync("#add-form button");
        await Expect(a.Locator("#notice")).ToContainTextAsync("Added");
        await Expect(a.Locator("#members")).ToContainTextAsync(",");
        await b.ClickAsync("nav a[href='#/cells']");
        await b.ClickAsync("#cells a:text('north-1')", new() { Timeout = 10_000 });
        await Expect(b.Locator("#members")).ToContainTextAsync(",");

        // Messages both ways, each seen in the other open page within 2 s of the click, without a reload.
        await SendAsync(a, b, "the bath-house at dawn");
        await SendAsync(b, a, "understood; the east door");
        await ShotAsync(a, "4-cell");

        // A file up from Alice's page and down from Bob's, byte for byte.
        var content = RandomNumberGenerator.GetBytes(3 * CourierNode.FileChunkSize + 123);
        await a.SetInputFilesAsync("#file-input", new FilePayload { Name = "plan.bin", MimeType = "application/octet-stream", Buffer = content });
        await a.ClickAsync("#file-form button");
        await Expect(a.Locator("#notice")).ToContainTextAsync("Sent plan.bin", new() { Timeout = 10_000 });
        var link = b.Locator("#messages a[download]");
        await Expect(link).ToContainTextAsync("plan.bin", new() { Timeout = Live });
        var download = await b.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.Equal("plan.bin", download.SuggestedFilename);
        Assert.Equal(content, await File.ReadAllBytesAsync(await download.PathAsync()));
        await ShotAsync(b, "5-cell-file");

        // Dangerous actions ask first and say what they do: a dismissed question changes nothing, an accepted one acts.
        var asked = new TaskCompletionSource<string>();
        b.Dialog += (_, dialog) =>
        {
            asked.TrySetResult(dialog.Message);
            _ = dialog.DismissAsync();
        };
        await b.ClickAsync("#leave");
        Assert.Contains("This cannot be undone.", await asked.Task, StringComparison.Ordinal);
        await SendAsync(b, a, "still here");
        a.Dialog += (_, dialog) =>
        {
            Assert.Contains("cannot read what follows", dialog.Message, StringComparison.Ordinal);
            _ = dialog.AcceptAsync();
        };
        await a.ClickAsync("#rotate");
        await Expect(a.Locator("#notice")).ToContainTextAsync("Your keys were rotated.");

        // courier panic on Bob's home: his page stops offering anything at once.
        Assert.True(CourierNode.Panic(bob.Home.Path));
        await Expect(b.Locator("#destroyed")).ToBeVisibleAsync(new() { Timeout = 3000 });
        await ShotAsync(b, "6-destroyed");
    }

    private static async Task<IPage> OpenAsync(IBrowser browser, UiMember member, string? shot)
    {
        var context = await browser.NewContextAsync(new() { AcceptDownloads = true, ViewportSize = new() { Width = 1000, Height = 860 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(member.Server.LoginUrl.ToString());
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);
        await page.Locator("#passphrase").WaitForAsync();
        if (shot is not null)
        {
            await ShotAsync(page, shot);
        }

        await page.FillAsync("#passphrase", TestNodes.Passphrase);
        await page.ClickAsync("#unlock-form button");
        await page.Locator("#invite-form").WaitForAsync();
        return page;
    }

    private static async Task SendAsync(IPage from, IPage to, string text)
    {
        await from.FillAsync("#message-text", text);
        var clock = Stopwatch.StartNew();
        await from.ClickAsync("#send-form button");
        await Expect(to.Locator("#messages")).ToContainTextAsync(text, new() { Timeout = Live });
        Assert.True(clock.ElapsedMilliseconds < Live, $"seen after {clock.ElapsedMilliseconds} ms");
        await Expect(from.Locator("#sent")).ToContainTextAsync(text);
    }

    private static Task ShotAsync(IPage page, string name) => page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Courier.Node;

namespace Courier.Ui.Tests;

/// <summary>The vault behind the UI: opened only with its passphrase, errors in words, locked on idle and on panic.</summary>
public sealed class UiSessionTests
{
    private readonly InMemoryRelay _relay = new();

    [Fact]
    public async Task The_vault_opens_only_with_its_passphrase_and_errors_are_plain_words()
    {
        await using var member = await UiMember.StartAsync(_relay);
        using var client = await member.LoggedInClientAsync();

        using var locked = await client.GetAsync("/api/contacts");
        Assert.Equal(HttpStatusCode.Locked, locked.StatusCode);
        Assert.Equal("locked", (await Json(locked)).GetProperty("error").GetString());

        using var wrong = await client.PostAsJsonAsync("/api/unlock", new { passphrase = "not it" });
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        var error = await Json(wrong);
        Assert.Equal("wrong_passphrase", error.GetProperty("error").GetString());
        Assert.DoesNotContain(" at ", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        using var unlocked = await client.PostAsJsonAsync("/api/unlock", new { passphrase = TestNodes.Passphrase });
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
        Assert.Equal(0, (await Json(await client.GetAsync("/api/contacts"))).GetArrayLength());

        // A node error is its code and sentence; a malformed body is a plain refusal, not a trace.
        using var unknown = await client.PostAsJsonAsync("/api/cells/nowhere/messages", new { text = "hello" });
        Assert.Equal(HttpStatusCode.Conflict, unknown.StatusCode);
        Assert.Equal("unknown_cell", (await Json(unknown)).GetProperty("error").GetString());
        using var junk = await client.PostAsync("/api/accept", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, junk.StatusCode);
        Assert.DoesNotContain("   at ", await junk.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_vault_locks_after_the_idle_timeout()
    {
        await using var member = await UiMember.StartAsync(_relay, idle: TimeSpan.FromMilliseconds(600));
        using var client = await member.LoggedInClientAsync();
        (await client.PostAsJsonAsync("/api/unlock", new { passphrase = TestNodes.Passphrase })).EnsureSuccessStatusCode();
        await WaitForAsync(client, "idle", TimeSpan.FromSeconds(10));
        using var after = await client.GetAsync("/api/contacts");
        Assert.Equal(HttpStatusCode.Locked, after.StatusCode);
    }

    [Fact]
    public async Task Courier_panic_locks_the_UI_and_deletes_files_waiting_to_be_sent()
    {
        await using var member = await UiMember.StartAsync(_relay);
        using var client = await member.LoggedInClientAsync();
        (await client.PostAsJsonAsync("/api/unlock", new { passphrase = TestNodes.Passphrase })).EnsureSuccessStatusCode();
        // A file that waited in the outbox (the relay was out of reach) is a plain copy under the home.
        var waiting = Directory.CreateDirectory(Path.Combine(member.Home.Path, "ui-uploads", "0011223344556677"));
        await File.WriteAllTextAsync(Path.Combine(waiting.FullName, "plan.txt"), "the bath-house at dawn");
        Assert.True(CourierNode.Panic(member.Home.Path));
        await WaitForAsync(client, "vault_destroyed", TimeSpan.FromSeconds(5));
        Assert.False(Directory.Exists(Path.Combine(member.Home.Path, "ui-uploads")));
        using var again = await client.PostAsJsonAsync("/api/unlock", new { passphrase = TestNodes.Passphrase });
        Assert.Equal("vault_not_found", (await Json(again)).GetProperty("error").GetString());
    }

    private static async Task WaitForAsync(HttpClient client, string reason, TimeSpan limit)
    {
        var started = DateTime.UtcNow;
        while (true)
        {
            var status = await Json(await client.GetAsync("/api/status"));
            if (!status.GetProperty("unlocked").GetBoolean())
            {
                Assert.Equal(reason, status.GetProperty("lockReason").GetString());
                return;
            }

            Assert.True(DateTime.UtcNow - started < limit, $"still unlocked after {limit}");
            await Task.Delay(50);
        }
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}

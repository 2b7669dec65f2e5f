using System.Net;
using Courier.Node;
using Courier.Ui;

namespace Courier.Ui.Tests;

/// <summary>A member for the UI tests: a vault in a temporary home and its UI server, in this process, on the tests' in-memory relay.</summary>
internal sealed class UiMember : IAsyncDisposable
{
    private UiMember(TempHome home, UiServer server)
    {
        Home = home;
        Server = server;
    }

    public TempHome Home { get; }

    public UiServer Server { get; }

    public static async Task<UiMember> StartAsync(InMemoryRelay relay, TimeSpan? idle = null)
    {
        var home = new TempHome();
        var options = TestNodes.BaseOptions(relay: relay);
        CourierNode.Init(home.Path, TestNodes.Passphrase, options).Dispose();
        var server = await UiServer.StartAsync(new UiOptions
        {
            Home = home.Path,
            Node = options,
            SyncInterval = TimeSpan.FromMilliseconds(200),
            IdleTimeout = idle ?? TimeSpan.FromMinutes(10),
        });
        return new UiMember(home, server);
    }

    /// <summary>A client that followed the token link: it holds the cookie, and sends the Origin the page's own requests carry.</summary>
    public async Task<HttpClient> LoggedInClientAsync()
    {
        var client = Client();
        using var login = await client.GetAsync(Server.LoginUrl);
        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        Assert.Equal("/", login.Headers.Location?.OriginalString);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        client.DefaultRequestHeaders.Add("Cookie", cookie.Split(';')[0]);
        client.DefaultRequestHeaders.Add("Origin", Server.Address.GetLeftPart(UriPartial.Authority));
        return client;
    }

    /// <summary>A client with no cookie, that follows no redirect.</summary>
    public HttpClient Client() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Server.Address };

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Home.Dispose();
    }
}

using System.Net;
using System.Text;
using Courier.Ui;

namespace Courier.Ui.Tests;

/// <summary>
/// What an attacker on this machine or a web page in the same browser tries (issue 17, must-hold 2):
/// every endpoint without the token, a DNS-rebinding Host, a cross-origin or cross-site request.
/// </summary>
public sealed class UiGuardTests : IAsyncLifetime
{
    /// <summary>Every kind of endpoint: the page, its assets, the API (reads and writes), the event stream, a download.</summary>
    private static readonly (string Method, string Path)[] Endpoints =
    [
        ("GET", "/"), ("GET", "/app.js"), ("GET", "/app.css"), ("GET", "/api/status"), ("GET", "/api/events"),
        ("GET", "/api/contacts"), ("GET", "/api/cells"), ("GET", "/api/inbox"), ("GET", "/api/files/0123"), ("GET", "/no/such/page"),
        ("POST", "/api/unlock"), ("POST", "/api/lock"), ("POST", "/api/invite"), ("POST", "/api/accept"), ("POST", "/api/cells/north/messages"),
        ("POST", "/api/cells/north/files?name=a.txt"), ("OPTIONS", "/api/unlock"),
    ];

    private readonly InMemoryRelay _relay = new();
    private UiMember _member = null!;

    public async Task InitializeAsync() => _member = await UiMember.StartAsync(_relay);

    public async Task DisposeAsync() => await _member.DisposeAsync();

    [Fact]
    public async Task Without_the_token_every_endpoint_refuses()
    {
        using var client = _member.Client();
        foreach (var (method, path) in Endpoints)
        {
            // The page's own Origin: only the missing token stands in the way.
            var request = Request(method, path);
            request.Headers.Add("Origin", _member.Server.Address.GetLeftPart(UriPartial.Authority));
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {response.StatusCode}");
            Assert.DoesNotContain("courier_ui", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A wrong token, or the right token's cookie under another port's name, is no better.
        using var wrong = await client.GetAsync("/?token=" + new string('A', 43));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));
        var token = _member.Server.LoginUrl.Query[(_member.Server.LoginUrl.Query.IndexOf('=') + 1)..];
        var other = Request("GET", "/api/status");
        other.Headers.Add("Cookie", $"courier_ui_1={token}");
        using var otherCookie = await client.SendAsync(other);
        Assert.Equal(HttpStatusCode.Unauthorized, otherCookie.StatusCode);
    }

    [Fact]
    public async Task The_token_becomes_a_cookie_and_leaves_the_address()
    {
        using var client = await _member.LoggedInClientAsync();
        foreach (var (method, path) in Endpoints.Where(e => e.Method == "GET" && e.Path != "/api/events"))
        {
            using var response = await client.SendAsync(Request(method, path));
            Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var page = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.False(page.Headers.Contains("Access-Control-Allow-Origin"));

        // A POST carrying the token is no way in: the token only turns into a cookie on a plain GET.
        using var anonymous = _member.Client();
        var post = Request("POST", "/api/lock" + _member.Server.LoginUrl.Query);
        post.Headers.Add("Origin", _member.Server.Address.GetLeftPart(UriPartial.Authority));
        using var posted = await anonymous.SendAsync(post);
        Assert.Equal(HttpStatusCode.Unauthorized, posted.StatusCode);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:{port}")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:1")]
    [InlineData("127.0.0.2:{port}")]
    [InlineData("localhost.evil.example:{port}")]
    public async Task A_foreign_Host_is_refused_even_with_the_cookie(string host)
    {
        using var client = await _member.LoggedInClientAsync();
        foreach (var (method, path) in Endpoints)
        {
            var request = Request(method, path);
            request.Headers.Host = host.Replace("{port}", _member.Server.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.MisdirectedRequest, $"{method} {path} with Host {request.Headers.Host}: {response.StatusCode}");
        }

        // Both names of this machine at the UI's port are its own.
        client.DefaultRequestHeaders.Remove("Origin");
        var own = Request("GET", "/api/status");
        own.Headers.Host = $"localhost:{_member.Server.Address.Port}";
        using var ok = await client.SendAsync(own);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task A_cross_origin_or_cross_site_request_is_refused_even_with_the_cookie()
    {
        using var client = await _member.LoggedInClientAsync();
        client.DefaultRequestHeaders.Remove("Origin");
        string[] foreign = ["http://evil.example", "null", $"http://localhost:{_member.Server.Address.Port + 1}", "https://" + _member.Server.Address.Authority];
        foreach (var (method, path) in Endpoints)
        {
            foreach (var origin in foreign)
            {
                var request = Request(method, path);
                request.Headers.Add("Origin", origin);
                using var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} from {origin}: {response.StatusCode}");
                Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
            }

            foreach (var site in new[] { "cross-site", "same-site" })
            {
                var request = Request(method, path);
                request.Headers.Add("Sec-Fetch-Site", site);
                using var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} {site}: {response.StatusCode}");
            }
        }

        // A state-changing request that names no origin at all is refused too (a form posted from a sandboxed frame, a script outside the browser).
        using var bare = await client.PostAsync("/api/lock", null);
        Assert.Equal(HttpStatusCode.Forbidden, bare.StatusCode);
    }

    [Theory]
    [InlineData("0.0.0.0:7780")]
    [InlineData("192.168.1.10:7780")]
    [InlineData("[::]:7780")]
    [InlineData("example.com:7780")]
    [InlineData("7780")]
    public void A_listen_address_that_is_not_loopback_is_refused(string listen)
    {
        var e = Assert.Throws<ArgumentException>(() => UiOptions.ParseListen(listen));
        Assert.Contains(listen, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_itself_refuses_a_non_loopback_address()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => UiServer.StartAsync(new UiOptions { Home = "unused", Listen = new IPEndPoint(IPAddress.Any, 0) }));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7780), UiOptions.ParseListen("localhost:7780"));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 7780), UiOptions.ParseListen("[::1]:7780"));
    }

    private static HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return request;
    }
}

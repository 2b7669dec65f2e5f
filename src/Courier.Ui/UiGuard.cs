using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Courier.Ui;

/// <summary>
/// What stands between the UI and every other page, origin and process on this machine (docs/ui.md):
/// the Host check (DNS rebinding), the token turned into a cookie (any request without it is refused),
/// the same-origin checks (CSRF), and headers that forbid framing and foreign resources. Runs before
/// every endpoint, static files and the event stream included.
/// </summary>
internal sealed class UiGuard
{
    private const string TokenParameter = "token";
    private readonly byte[] _token;
    private readonly HashSet<string> _hosts;
    private readonly string _cookie;

    public UiGuard(string token, int port, bool ipv6)
    {
        _token = Encoding.ASCII.GetBytes(token);
        _hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { $"{(ipv6 ? "[::1]" : "127.0.0.1")}:{port}", $"localhost:{port}" };
        // Cookies are not kept apart by port: each UI names its own.
        _cookie = $"courier_ui_{port}";
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers.CacheControl = "no-store";

        // DNS rebinding: a foreign name that resolves to 127.0.0.1 arrives with that name as its Host.
        if (!_hosts.Contains(request.Host.Value ?? string.Empty))
        {
            await RefuseAsync(context, StatusCodes.Status421MisdirectedRequest, "This is not the address the UI listens on: open the link 'courier ui' printed.").ConfigureAwait(false);
            return;
        }

        // CSRF: browsers say where a request comes from; another site's page is refused whatever it asks.
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        var origin = request.Headers.Origin.ToString();
        var mutating = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method));
        if (site is "cross-site" or "same-site"
            || (origin.Length > 0 && !string.Equals(origin, $"http://{request.Host.Value}", StringComparison.OrdinalIgnoreCase))
            || (mutating && origin.Length == 0))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "Refused: this request does not come from the UI's own page.").ConfigureAwait(false);
            return;
        }

        if (request.Query.TryGetValue(TokenParameter, out var offered))
        {
            if (!HttpMethods.IsGet(request.Method) || !Matches(offered.ToString()))
            {
                await RefuseAsync(context, StatusCodes.Status401Unauthorized, "This link's token is not the one 'courier ui' printed: open the link it printed this time.").ConfigureAwait(false);
                return;
            }

            // The token leaves the address bar (and the history) at once; the cookie carries it from now on.
            context.Response.Cookies.Append(_cookie, offered.ToString(), new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true });
            context.Response.Redirect(request.PathBase + request.Path, permanent: false);
            return;
        }

        if (!request.Cookies.TryGetValue(_cookie, out var cookie) || !Matches(cookie))
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "This page needs the link with its token that 'courier ui' printed.").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private bool Matches(string offered) => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(offered), _token);

    private static Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n");
    }
}

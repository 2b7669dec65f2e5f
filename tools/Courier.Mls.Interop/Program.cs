using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Courier.Mls.Interop;

/// <summary>Starts the MLSClient gRPC server on 127.0.0.1 over HTTP/2 cleartext.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        ServerOptions options;
        try
        {
            options = ServerOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}\n{ServerOptions.Usage}");
            return 2;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(grpc =>
        {
            grpc.EnableDetailedErrors = true;
            grpc.MaxReceiveMessageSize = 64 * 1024 * 1024;
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<InteropStore>();

        var app = builder.Build();
        app.MapGrpcService<MlsClientService>();
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var port = address is null ? options.Port : new Uri(address).Port;
        await Console.Error.WriteLineAsync($"{MlsClientService.ClientName} listening on 127.0.0.1:{port}");
        await app.WaitForShutdownAsync();
        return 0;
    }
}

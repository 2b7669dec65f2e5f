using System.Diagnostics;
using System.Text.Json;
using Courier.Mls.Crypto;
using Courier.Mls.Hpke;

namespace Courier.Mls.Tests.Hpke;

/// <summary>
/// HPKE with X-Wing (KEM 0x647A, HKDF-SHA512, ChaCha20-Poly1305) against an independent
/// implementation: the HPKE provider ts-mls uses for suite 0x0054 (@hpke/core with
/// @hpke/hybridkem-x-wing 0.7.0 and @hpke/chacha20poly1305), run under Node.js by
/// interop/ts-mls-client/hpke-xwing.mjs. Both directions, the same DeriveKeyPair, the same
/// deterministic encapsulation and the same exporter.
/// </summary>
public class XWingHpkeNodeTests
{
    private static readonly HpkeSuite Suite = HpkeSuite.XWingSha512ChaCha20Poly1305;
    private static readonly byte[] Info = "courier x-wing info"u8.ToArray();
    private static readonly byte[] Aad = "courier aad"u8.ToArray();
    private static readonly byte[] ExporterContext = "courier"u8.ToArray();

    [NodeFact]
    public void DeriveKeyPair_gives_the_same_key_in_both()
    {
        var ikm = Ikm(1);
        using var ours = XWingKem.Instance.DeriveKeyPair(ikm);
        Assert.Equal(Convert.ToHexStringLower(ours.PublicKey), Run("derive", Hex(ikm)).GetProperty("pk").GetString());
    }

    [NodeFact]
    public void What_Courier_seals_the_peer_opens()
    {
        var ikm = Ikm(2);
        using var recipient = XWingKem.Instance.DeriveKeyPair(ikm);
        var plaintext = "sealed by Courier"u8.ToArray();
        var (enc, sender) = Suite.SetupBaseS(recipient.PublicKey, Info, SystemRandom.Instance);
        byte[] ciphertext;
        using (sender)
        using (var exported = sender.Export(ExporterContext, 64))
        {
            ciphertext = sender.Seal(Aad, plaintext);
            var opened = Run("open", Hex(ikm), Hex(enc), Hex(Info), Hex(Aad), Hex(ciphertext));
            Assert.Equal(Hex(plaintext), opened.GetProperty("pt").GetString());
            Assert.Equal(Hex(exported.Export()), opened.GetProperty("exported").GetString());
        }

        // The peer refuses what was tampered with, as Courier does.
        ciphertext[0] ^= 1;
        Assert.Equal("OpenError", Run("open", Hex(ikm), Hex(enc), Hex(Info), Hex(Aad), Hex(ciphertext)).GetProperty("error").GetString());
    }

    [NodeFact]
    public void What_the_peer_seals_Courier_opens()
    {
        using var recipient = XWingKem.Instance.GenerateKeyPair(SystemRandom.Instance);
        var plaintext = "sealed by @hpke"u8.ToArray();
        var sealedByPeer = Run("seal", Hex(recipient.PublicKey), Hex(Info), Hex(Aad), Hex(plaintext));
        var enc = Bytes(sealedByPeer, "enc");
        var ciphertext = Bytes(sealedByPeer, "ct");

        using var receiver = Suite.SetupBaseR(enc, recipient, Info)!;
        Assert.Equal(plaintext, receiver.Open(Aad, ciphertext));
        using var exported = receiver.Export(ExporterContext, 64);
        Assert.True(exported.ContentEquals(Bytes(sealedByPeer, "exported")));

        ciphertext[^1] ^= 1;
        Assert.Null(Suite.OpenBase(enc, recipient, Info, Aad, ciphertext));
    }

    [NodeFact]
    public void The_same_encapsulation_randomness_gives_the_same_encapsulation_and_ciphertext()
    {
        using var recipient = XWingKem.Instance.DeriveKeyPair(Ikm(3));
        var eseed = Ikm(4).Concat(Ikm(5)).ToArray();
        var plaintext = "deterministic"u8.ToArray();

        var peer = Run("seal", Hex(recipient.PublicKey), Hex(Info), Hex(Aad), Hex(plaintext), Hex(eseed));
        var (enc, ciphertext) = Suite.SealBase(recipient.PublicKey, Info, Aad, plaintext, new FixedRandom(eseed));

        Assert.Equal(Hex(enc), peer.GetProperty("enc").GetString());
        Assert.Equal(Hex(ciphertext), peer.GetProperty("ct").GetString());
    }

    private static byte[] Ikm(byte seed) => [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + seed))];

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] Bytes(JsonElement element, string name) => Convert.FromHexString(element.GetProperty(name).GetString()!);

    private static JsonElement Run(params string[] arguments)
    {
        var directory = NodeFactAttribute.PeerDirectory();
        NodeFactAttribute.EnsurePackages(directory);
        var start = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("hpke-xwing.mjs");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "hpke-xwing.mjs did not finish in a minute");
        Assert.True(process.ExitCode == 0, $"hpke-xwing.mjs failed: {error.Result}");
        return JsonDocument.Parse(output.Result).RootElement.Clone();
    }
}

/// <summary>
/// A fact that needs Node.js and npm (the ts-mls peer's HPKE). The test command has both; only a
/// bare <c>dotnet test</c> on a machine without them skips, saying so.
/// </summary>
internal sealed class NodeFactAttribute : FactAttribute
{
    private static readonly Lock InstallLock = new();

    public NodeFactAttribute()
    {
        if (!OnPath("node") || !OnPath("npm"))
        {
            Skip = "Node.js and npm are not installed: the independent X-Wing HPKE check runs ts-mls's HPKE provider under Node.js";
        }
    }

    /// <summary>interop/ts-mls-client in the repository above the test assembly.</summary>
    public static string PeerDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Courier.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("Courier.sln not found above the test assembly."), "interop", "ts-mls-client");
    }

    /// <summary>Installs the peer's locked npm packages (npm ci) when its X-Wing package is missing.</summary>
    public static void EnsurePackages(string directory)
    {
        lock (InstallLock)
        {
            if (Directory.Exists(Path.Combine(directory, "node_modules", "@hpke", "hybridkem-x-wing")))
            {
                return;
            }

            var start = new ProcessStartInfo("npm") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {directory} failed: {error.Result}");
            }
        }
    }

    private static bool OnPath(string program)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(dir => File.Exists(Path.Combine(dir, program)));
}

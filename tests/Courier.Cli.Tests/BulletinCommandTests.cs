using System.Security.Cryptography;
using Courier.Node.Bulletins;
using NSec.Cryptography;

namespace Courier.Cli.Tests;

/// <summary>
/// <c>courier bulletin verify</c> as a journalist would run it: offline, without a Courier home,
/// with only the files and the authority's public key; each check printed, the exit code 0 only
/// when every check of every file passed.
/// </summary>
public sealed class BulletinCommandTests : IDisposable
{
    private readonly CourierCli _cli = new();
    private readonly Key _authority = Key.Create(SignatureAlgorithm.Ed25519);

    public void Dispose()
    {
        _authority.Dispose();
        _cli.Dispose();
    }

    [Fact]
    public async Task Verify_prints_every_check_and_fails_on_an_altered_chunk_another_key_and_a_roll_back()
    {
        var content = RandomNumberGenerator.GetBytes(BulletinHeader.ChunkSize + 100);
        var second = await WriteAsync("second.bulletin", 2, content);
        var first = await WriteAsync("first.bulletin", 1, "first"u8.ToArray());
        var key = Convert.ToHexStringLower(_authority.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        var saved = _cli.Home("content.bin");

        var ok = await CourierCli.RunAsync("bulletin", "verify", first, second, "--key", key, "--out", saved);
        Assert.Equal(2, ok.Exit);
        Assert.Contains("--out takes the content of one bulletin", ok.Err, StringComparison.Ordinal);
        ok = await CourierCli.RunAsync("bulletin", "verify", first, second, "--key", key);
        Assert.True(ok.Exit == 0, ok.Err);
        Assert.Equal(10, ok.Out.Split('\n').Count(l => l.StartsWith("  ok  ", StringComparison.Ordinal)));
        Assert.Contains("number 2, after 1, the latest seen", ok.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await CourierCli.RunAsync("bulletin", "verify", second, "--key", key, "--out", saved)).Exit);
        Assert.Equal(content, await File.ReadAllBytesAsync(saved));

        // Reversed, the first comes after the second: a roll-back. In JSON, each check by name.
        var rolledBack = await CourierCli.RunAsync("bulletin", "verify", second, first, "--key", key, "--json");
        Assert.Equal(1, rolledBack.Exit);
        var sequence = rolledBack.Json()[1].GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "sequence");
        Assert.False(sequence.GetProperty("passed").GetBoolean());

        var bytes = await File.ReadAllBytesAsync(second);
        bytes[^50] ^= 1;
        await File.WriteAllBytesAsync(second, bytes);
        var altered = await CourierCli.RunAsync("bulletin", "verify", second, "--key", key, "--out", _cli.Home("altered.bin"));
        Assert.Equal(1, altered.Exit);
        Assert.Contains("FAIL  content    chunk(s) 2 of 2 do not match", altered.Out, StringComparison.Ordinal);
        Assert.Contains("NOT TRUSTWORTHY", altered.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.Home("altered.bin")));

        var other = await CourierCli.RunAsync("bulletin", "verify", first, "--key", new string('a', 64));
        Assert.Equal(1, other.Exit);
        Assert.Contains("FAIL  authority", other.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_refuses_a_file_that_is_not_a_bulletin_and_a_malformed_key()
    {
        var noise = _cli.Home("noise.bin");
        await File.WriteAllBytesAsync(noise, RandomNumberGenerator.GetBytes(5000));

        var refused = await CourierCli.RunAsync("bulletin", "verify", noise, "--key", new string('0', 64));
        Assert.Equal((1, string.Empty), (refused.Exit, refused.Out));
        Assert.StartsWith("error (bulletin_rejected): noise.bin: The file is not a bulletin", refused.Err, StringComparison.Ordinal);

        var badKey = await CourierCli.RunAsync("bulletin", "verify", noise, "--key", "not-a-key");
        Assert.Equal(2, badKey.Exit);
        Assert.Contains("--key takes the authority's public key as 64 hex digits", badKey.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_follows_an_authority_imports_bulletins_once_and_reads_them()
    {
        var home = _cli.Home("member");
        var key = Convert.ToHexStringLower(_authority.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        var first = await WriteAsync("first.bulletin", 1, "first"u8.ToArray());
        var second = await WriteAsync("second.bulletin", 2, "second"u8.ToArray());
        var altered = await WriteAsync("third.bulletin", 3, "third"u8.ToArray());
        var bytes = await File.ReadAllBytesAsync(altered);
        bytes[^1] ^= 1;
        await File.WriteAllBytesAsync(altered, bytes);
        await CourierCli.RunOkAsync("init", "--home", home);
        Assert.Contains("following Centre", (await CourierCli.RunOkAsync("bulletin", "follow", "Centre", "--key", key, "--home", home)).Out, StringComparison.Ordinal);

        // Given out of order, with one twice, one altered and one not a bulletin: the good ones are kept once, the others named.
        var noise = _cli.Home("noise.bulletin");
        await File.WriteAllBytesAsync(noise, RandomNumberGenerator.GetBytes(300));
        var import = await CourierCli.RunAsync("bulletin", "import", second, altered, noise, first, second, "--home", home);
        Assert.Equal(1, import.Exit);
        Assert.Contains("first.bulletin: accepted \"orders 1\" from Centre, number 1", import.Out, StringComparison.Ordinal);
        Assert.Contains("second.bulletin: already here (number 2 from Centre)", import.Out, StringComparison.Ordinal);
        Assert.Contains("third.bulletin: The bulletin from Centre was refused, content:", import.Err, StringComparison.Ordinal);
        Assert.Contains("noise.bulletin: The file is not a bulletin", import.Err, StringComparison.Ordinal);

        var list = (await CourierCli.RunOkAsync("bulletin", "list", "--json", "--home", home)).Json();
        Assert.Equal([1ul, 2ul], list.GetProperty("bulletins").EnumerateArray().Select(b => b.GetProperty("sequence").GetUInt64()));
        Assert.Equal(2ul, list.GetProperty("authorities")[0].GetProperty("latest").GetUInt64());

        var id = list.GetProperty("bulletins")[1].GetProperty("id").GetString()!;
        await CourierCli.RunOkAsync("bulletin", "read", id[..10], "--out", _cli.Home("second.txt"), "--file", _cli.Home("copy.bulletin"), "--home", home);
        Assert.Equal("second"u8.ToArray(), await File.ReadAllBytesAsync(_cli.Home("second.txt")));
        Assert.Equal(await File.ReadAllBytesAsync(second), await File.ReadAllBytesAsync(_cli.Home("copy.bulletin")));
    }

    private async Task<string> WriteAsync(string name, ulong sequence, byte[] content)
    {
        var now = DateTimeOffset.UtcNow;
        var header = Bulletin.Describe(_authority.PublicKey.Export(KeyBlobFormat.RawPublicKey), sequence, now.AddMinutes(-1), now.AddDays(1), BulletinKind.Document, [new byte[16]], "orders " + sequence, content);
        var bulletin = await Bulletin.CreateAsync(header, content, (signed, _) => Task.FromResult(SignatureAlgorithm.Ed25519.Sign(_authority, signed)));
        var path = _cli.Home(name);
        await File.WriteAllBytesAsync(path, bulletin.ToFile());
        return path;
    }
}

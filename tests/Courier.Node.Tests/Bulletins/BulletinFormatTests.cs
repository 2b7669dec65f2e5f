using System.Security.Cryptography;
using Courier.Node.Bulletins;
using CsCheck;
using NSec.Cryptography;

namespace Courier.Node.Tests.Bulletins;

/// <summary>
/// The bulletin file (docs/bulletins.md, "Format") and its checks, as a reader who trusts nothing
/// but the authority's key would run them: every byte of the header, the signature and the content
/// is covered, truncations and foreign files are refused as malformed, and the sequence flags
/// replays, roll-backs and two bulletins with one number.
/// </summary>
public sealed class BulletinFormatTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Scope = [.. Enumerable.Range(1, 16).Select(i => (byte)i)];

    private readonly Key _authority = Key.Create(SignatureAlgorithm.Ed25519);

    private byte[] AuthorityKey => _authority.PublicKey.Export(KeyBlobFormat.RawPublicKey);

    public void Dispose() => _authority.Dispose();

    [Fact]
    public async Task A_bulletin_passes_every_check_and_its_signature_is_plain_Ed25519()
    {
        var content = RandomNumberGenerator.GetBytes((3 * BulletinHeader.ChunkSize) + 17);
        var bulletin = Bulletin.Read(await SignAsync(7, content));

        var verification = bulletin.Verify(AuthorityKey, Now, new BulletinHistory(6));
        Assert.True(verification.Passed, string.Join("; ", verification.Checks.Select(c => c.Detail)));
        Assert.Equal([BulletinCheck.Authority, BulletinCheck.Signature, BulletinCheck.Content, BulletinCheck.Validity, BulletinCheck.Sequence], verification.Checks.Select(c => c.Name));
        Assert.Equal(content, bulletin.Content.ToArray());
        Assert.Equal((7ul, "orders", 4), (bulletin.Header.Sequence, bulletin.Header.Title, bulletin.Header.ChunkHashes.Count));

        // Any Ed25519 verifier checks it: the signed bytes are the magic and the header.
        var file = bulletin.ToFile();
        var headerLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(16));
        byte[] signed = [.. file.AsSpan(0, 16), .. file.AsSpan(20, headerLength)];
        Assert.True(SignatureAlgorithm.Ed25519.Verify(_authority.PublicKey, signed, file.AsSpan(20 + headerLength, 64)));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(signed)), bulletin.Id);
    }

    [Fact]
    public async Task Every_bit_of_the_header_and_the_signature_is_covered()
    {
        var file = await SignAsync(1, RandomNumberGenerator.GetBytes(100));
        var contentStart = file.Length - 100;
        for (var bit = 16 * 8; bit < contentStart * 8; bit++)
        {
            var flipped = (byte[])file.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Bulletin read;
            try
            {
                read = Bulletin.Read(flipped);
            }
            catch (BulletinRejectedException e)
            {
                Assert.Equal(BulletinCheck.Format, e.Check);
                continue;
            }

            var verification = read.Verify(AuthorityKey, Now, new BulletinHistory());
            Assert.False(verification.Passed, $"bit {bit} flipped passed every check");
            Assert.Contains(verification.Checks, c => c.Name is BulletinCheck.Signature or BulletinCheck.Authority && !c.Passed);
        }
    }

    [Fact]
    public async Task An_altered_chunk_is_named_and_fails_only_the_content_check()
    {
        var content = RandomNumberGenerator.GetBytes((2 * BulletinHeader.ChunkSize) + 1);
        var file = await SignAsync(1, content);
        file[file.Length - content.Length + BulletinHeader.ChunkSize + 5] ^= 0x40;

        var verification = Bulletin.Read(file).Verify(AuthorityKey, Now, new BulletinHistory());
        var failed = Assert.Single(verification.Checks, c => !c.Passed);
        Assert.Equal(BulletinCheck.Content, failed.Name);
        Assert.StartsWith("chunk(s) 2 of 3 do not match", failed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_extended_and_foreign_files_are_refused_as_malformed()
    {
        var file = await SignAsync(1, RandomNumberGenerator.GetBytes(1000));
        byte[][] bad = [[], file[..15], file[..20], file[..(file.Length - 1001)], file[..^1], [.. file, 0], RandomNumberGenerator.GetBytes(file.Length), [.. "courier-bulletin"u8, 0xFF, 0xFF, 0xFF, 0xFF]];
        foreach (var bytes in bad)
        {
            var e = Assert.Throws<BulletinRejectedException>(() => Bulletin.Read(bytes));
            Assert.Equal(("bulletin_rejected", BulletinCheck.Format), (e.ErrorCode, e.Check));
            Assert.StartsWith("The file is not a bulletin: ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Random_mutations_are_refused_with_a_typed_error_or_fail_a_check()
    {
        var file = await SignAsync(2, RandomNumberGenerator.GetBytes(300));
        Gen.Int[0, file.Length - 1].Array[1, 8].Select(Gen.Byte[1, 255].Array[8]).Sample((positions, masks) =>
        {
            var mutant = (byte[])file.Clone();
            for (var i = 0; i < positions.Length; i++)
            {
                mutant[positions[i]] ^= masks[i];
            }

            try
            {
                Assert.False(Bulletin.Read(mutant).Verify(AuthorityKey, Now, new BulletinHistory()).Passed);
            }
            catch (BulletinRejectedException)
            {
            }
        }, iter: 2000);
    }

    [Fact]
    public async Task Another_authority_expiry_and_a_future_issue_time_fail_their_checks()
    {
        var bulletin = Bulletin.Read(await SignAsync(1, [1, 2, 3]));
        using var other = Key.Create(SignatureAlgorithm.Ed25519);
        Assert.Equal(
            [BulletinCheck.Authority, BulletinCheck.Signature],
            Failed(bulletin.Verify(other.PublicKey.Export(KeyBlobFormat.RawPublicKey), Now, new BulletinHistory())));
        Assert.Equal([BulletinCheck.Validity], Failed(bulletin.Verify(AuthorityKey, Now.AddDays(30), new BulletinHistory())));
        Assert.Equal([BulletinCheck.Validity], Failed(bulletin.Verify(AuthorityKey, Now.AddHours(-1), new BulletinHistory())));
    }

    [Fact]
    public async Task The_sequence_flags_a_replay_a_roll_back_and_two_bulletins_with_one_number()
    {
        var history = new BulletinHistory();
        var fifth = Bulletin.Read(await SignAsync(5, "fifth"u8.ToArray()));
        var third = Bulletin.Read(await SignAsync(3, "third"u8.ToArray()));
        var otherFifth = Bulletin.Read(await SignAsync(5, "another fifth"u8.ToArray()));
        Assert.Equal(BulletinOrder.New, history.Judge(fifth));
        history.Record(fifth);

        Assert.Equal((BulletinOrder.Seen, BulletinOrder.Older, BulletinOrder.Conflicting), (history.Judge(fifth), history.Judge(third), history.Judge(otherFifth)));
        foreach (var (bulletin, words) in new[] { (fifth, "a replay"), (third, "rolled back"), (otherFifth, "two bulletins with one number") })
        {
            var sequence = Assert.Single(bulletin.Verify(AuthorityKey, Now, history).Checks, c => !c.Passed);
            Assert.Equal(BulletinCheck.Sequence, sequence.Name);
            Assert.Contains(words, sequence.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_header_that_does_not_describe_the_content_or_a_bad_signer_is_refused_at_creation()
    {
        var header = Header(1, [1, 2, 3]);
        await Assert.ThrowsAsync<ArgumentException>(() => Bulletin.CreateAsync(header, new byte[] { 1, 2, 4 }, SignAsync));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Bulletin.CreateAsync(header, new byte[] { 1, 2, 3 }, (_, _) => Task.FromResult(new byte[64])));
        Assert.Throws<ArgumentException>(() => Header(0, [1]).Encode());
        Assert.Throws<ArgumentException>(() => (Header(1, [1]) with { Scopes = [] }).Encode());
        Assert.Throws<ArgumentException>(() => (Header(1, [1]) with { ExpiresAt = Now.AddDays(-1) }).Encode());
        Assert.Throws<ArgumentException>(() => (Header(1, [1]) with { Title = new string('x', 257) }).Encode());
    }

    private static string[] Failed(BulletinVerification verification) => [.. verification.Checks.Where(c => !c.Passed).Select(c => c.Name)];

    private BulletinHeader Header(ulong sequence, byte[] content)
        => Bulletin.Describe(AuthorityKey, sequence, Now.AddMinutes(-1), Now.AddDays(7), BulletinKind.Document, [Scope], "orders", content);

    private async Task<byte[]> SignAsync(ulong sequence, byte[] content)
        => (await Bulletin.CreateAsync(Header(sequence, content), content, SignAsync)).ToFile();

    private Task<byte[]> SignAsync(byte[] signed, CancellationToken ct) => Task.FromResult(SignatureAlgorithm.Ed25519.Sign(_authority, signed));
}

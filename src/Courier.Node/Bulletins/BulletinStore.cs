using Courier.Node.Storage;
using Courier.Node.Wire;

namespace Courier.Node.Bulletins;

/// <summary>An authority this node follows: bulletins signed by its key are accepted, in order, once.</summary>
/// <param name="Name">The name this node gave it (unique here, any case).</param>
/// <param name="Key">Its Ed25519 public key, in lower-case hex.</param>
/// <param name="AddedAt">When this node started to follow it.</param>
/// <param name="Latest">The highest sequence number accepted from it (0: none yet).</param>
public sealed record BulletinAuthority(string Name, string Key, DateTimeOffset AddedAt, ulong Latest);

/// <summary>A bulletin this node accepted (its content: <see cref="CourierNode.BulletinFile"/>).</summary>
public sealed record ReceivedBulletin(string Id, string Authority, ulong Sequence, BulletinKind Kind, string Title, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, long Size, DateTimeOffset ReceivedAt);

/// <summary>
/// The authorities a node follows and the bulletins it accepted, in the vault as small records
/// (docs/bulletins.md, "A node's bulletins"): an authority (<c>u16 1 | name | key[32] | added i64</c>),
/// one record per bulletin (<c>u16 1 | key[32] | sequence u64 | id[32] | kind u8 | title | issued i64 |
/// expires i64 | size u64 | received i64</c>) whose id is keyed by the authority and the bulletin id, so
/// one bulletin is stored once whatever path it came by, and its file in a record of its own, read
/// only when asked for.
/// </summary>
internal sealed class BulletinStore(Vault vault, TimeProvider time)
{
    private const ushort Version = 1;

    public BulletinAuthority Follow(string name, ReadOnlySpan<byte> key)
    {
        Names.Check(name, "authority");
        if (key.Length != BulletinHeader.AuthorityKeySize)
        {
            throw new ArgumentException($"An authority's key is an Ed25519 public key of {BulletinHeader.AuthorityKeySize} bytes.", nameof(key));
        }

        var id = vault.IdOf(VaultCollection.Authority, [], key);
        // Only the authority records: the bulletins held say nothing about names.
        var byName = vault.ReadAll(VaultCollection.Authority, (_, p) => DecodeAuthority(p)).Any(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
        if (vault.Get(VaultCollection.Authority, id) is { } known)
        {
            var existing = VaultReads.Decode(known, p => DecodeAuthority(p).Name);
            throw new NameTakenException($"This node follows that key already, as {existing}.");
        }

        if (byName)
        {
            throw new NameTakenException($"This node follows another authority named {name}: choose another name.");
        }

        var added = time.GetUtcNow();
        using var writer = new RecordWriter();
        using var transaction = vault.Begin();
        transaction.PutWiped(VaultCollection.Authority, id, writer.U16(Version).Text(name).Fixed(key).I64(added.ToUnixTimeSeconds()).ToArray());
        transaction.Commit();
        return new BulletinAuthority(name, Convert.ToHexStringLower(key), DateTimeOffset.FromUnixTimeSeconds(added.ToUnixTimeSeconds()), 0);
    }

    public IReadOnlyList<BulletinAuthority> Authorities()
    {
        var received = All();
        return [.. vault.ReadAll(VaultCollection.Authority, (_, p) => DecodeAuthority(p))
            .Select(a => new BulletinAuthority(a.Name, Convert.ToHexStringLower(a.Key), a.AddedAt, received.Where(r => r.Key.AsSpan().SequenceEqual(a.Key)).Select(r => r.Bulletin.Sequence).DefaultIfEmpty().Max()))
            .OrderBy(a => a.AddedAt)];
    }

    public IReadOnlyList<ReceivedBulletin> Bulletins() => [.. All().Select(r => r.Bulletin).OrderBy(b => b.Authority, StringComparer.OrdinalIgnoreCase).ThenBy(b => b.Sequence)];

    /// <summary>
    /// Accepts <paramref name="file"/> when it passes every check against the authority it names, or
    /// returns the bulletin already accepted (<c>New</c> false) when it is that very bulletin again.
    /// </summary>
    /// <exception cref="BulletinRejectedException">Malformed, from an authority not followed, or failing a check; nothing was stored.</exception>
    public (ReceivedBulletin Bulletin, bool New) Accept(ReadOnlyMemory<byte> file)
    {
        var bulletin = Bulletin.Read(file);
        var authorityId = vault.IdOf(VaultCollection.Authority, [], bulletin.Header.Authority);
        var authority = vault.Read(VaultCollection.Authority, authorityId, (_, p) => DecodeAuthority(p))
            ?? throw new BulletinRejectedException(BulletinCheck.Authority, "The bulletin is signed by an authority this node does not follow ('courier bulletin follow' adds one by its key); nothing was stored.");
        var history = new BulletinHistory();
        var mine = All().Where(r => r.Key.AsSpan().SequenceEqual(authority.Key)).ToList();
        foreach (var r in mine.OrderBy(r => r.Bulletin.Sequence))
        {
            history.Record(r.Bulletin.Sequence, r.Bulletin.Id);
        }

        var verification = bulletin.Verify(authority.Key, time.GetUtcNow(), history);
        if (history.Judge(bulletin) == BulletinOrder.Seen)
        {
            return (mine.Single(r => r.Bulletin.Id == bulletin.Id).Bulletin, false);
        }

        if (verification.Checks.FirstOrDefault(c => !c.Passed) is { } failed)
        {
            throw new BulletinRejectedException(failed.Name, $"The bulletin from {authority.Name} was refused, {failed.Name}: {failed.Detail}; nothing was stored.");
        }

        var header = bulletin.Header;
        var received = new ReceivedBulletin(bulletin.Id, authority.Name, header.Sequence, header.Kind, header.Title, header.IssuedAt, header.ExpiresAt, header.ContentLength, DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds()));
        var id = vault.IdOf(VaultCollection.Bulletin, authority.Key, Convert.FromHexString(bulletin.Id));
        using var writer = new RecordWriter();
        writer.U16(Version).Fixed(authority.Key).U64(header.Sequence).Fixed(Convert.FromHexString(bulletin.Id)).U8((byte)header.Kind).Text(header.Title)
            .I64(header.IssuedAt.ToUnixTimeSeconds()).I64(header.ExpiresAt.ToUnixTimeSeconds()).U64((ulong)header.ContentLength).I64(received.ReceivedAt.ToUnixTimeSeconds());
        using var transaction = vault.Begin();
        transaction.PutWiped(VaultCollection.Bulletin, id, writer.ToArray(), bulletin.Id);
        transaction.PutWiped(VaultCollection.BulletinFile, vault.IdOf(VaultCollection.BulletinFile, id, []), bulletin.ToFile());
        transaction.Commit();
        return (received, true);
    }

    /// <summary>The file of an accepted bulletin, by its id (or a unique prefix of at least 8 hex digits).</summary>
    /// <exception cref="UnknownBulletinException">No accepted bulletin, or several, match.</exception>
    public byte[] File(string id)
    {
        var matches = id.Length >= 8 ? All().Where(r => r.Bulletin.Id.StartsWith(id.ToLowerInvariant(), StringComparison.Ordinal)).ToList() : [];
        if (matches.Count != 1)
        {
            throw new UnknownBulletinException(matches.Count == 0
                ? "No bulletin this node accepted has that id ('courier bulletin list' shows them)."
                : "Several bulletins start with that id: give more of it.");
        }

        return vault.Get(VaultCollection.BulletinFile, vault.IdOf(VaultCollection.BulletinFile, matches[0].RecordId, []))
            ?? throw new VaultCorruptedException("A bulletin's file is missing from the vault. Restore the home directory from a backup.");
    }

    private List<(byte[] RecordId, byte[] Key, ReceivedBulletin Bulletin)> All()
    {
        var names = vault.ReadAll(VaultCollection.Authority, (_, p) => DecodeAuthority(p)).ToDictionary(a => Convert.ToHexStringLower(a.Key), a => a.Name);
        return vault.ReadAll(VaultCollection.Bulletin, (id, p) => DecodeBulletin(id, p, names));
    }

    private static AuthorityEntry DecodeAuthority(ReadOnlySpan<byte> plaintext)
    {
        var reader = new RecordReader(plaintext, "bulletin authority");
        if (reader.U16() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var authority = new AuthorityEntry(reader.Text(Cells.CellRecord.MaxNameBytes), reader.Fixed(BulletinHeader.AuthorityKeySize).ToArray(), DateTimeOffset.FromUnixTimeSeconds(reader.I64()));
        reader.EnsureEnd();
        return authority;
    }

    private static (byte[], byte[], ReceivedBulletin) DecodeBulletin(byte[] recordId, ReadOnlySpan<byte> plaintext, Dictionary<string, string> names)
    {
        var reader = new RecordReader(plaintext, "bulletin");
        if (reader.U16() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var key = reader.Fixed(BulletinHeader.AuthorityKeySize).ToArray();
        var sequence = reader.U64();
        var id = Convert.ToHexStringLower(reader.Fixed(32));
        var kind = (BulletinKind)reader.U8();
        var title = reader.Text(BulletinHeader.MaxTitleBytes);
        var issued = DateTimeOffset.FromUnixTimeSeconds(reader.I64());
        var expires = DateTimeOffset.FromUnixTimeSeconds(reader.I64());
        var size = (long)reader.U64();
        var received = DateTimeOffset.FromUnixTimeSeconds(reader.I64());
        reader.EnsureEnd();
        var name = names.GetValueOrDefault(Convert.ToHexStringLower(key)) ?? throw reader.Error("its authority is unknown");
        return (recordId, key, new ReceivedBulletin(id, name, sequence, kind, title, issued, expires, size, received));
    }

    private sealed record AuthorityEntry(string Name, byte[] Key, DateTimeOffset AddedAt);
}

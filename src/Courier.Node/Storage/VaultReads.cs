using System.Security.Cryptography;
using Courier.Node.Wire;

namespace Courier.Node.Storage;

/// <summary>Decodes one record: its id and plaintext (which the caller wipes afterwards).</summary>
internal delegate T RecordDecoder<out T>(byte[] id, ReadOnlySpan<byte> plaintext);

/// <summary>Takes one record's plaintext, which is wiped when it returns.</summary>
internal delegate void PlaintextAction(ReadOnlySpan<byte> plaintext);

/// <summary>
/// Reading records through their decoders: a record that does not decode is a damaged vault
/// (<see cref="VaultCorruptedException"/>), and every plaintext is wiped once decoded.
/// </summary>
internal static class VaultReads
{
    public static T Decode<T>(byte[] plaintext, Func<byte[], T> decode)
    {
        try
        {
            return decode(plaintext);
        }
        catch (MalformedRecordException e)
        {
            throw Unreadable(e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The error for a record whose plaintext does not decode.</summary>
    public static VaultCorruptedException Unreadable(MalformedRecordException e)
        => new("A record of the vault cannot be read (" + e.Message + "). Restore the home directory from a backup.", e);

    public static T? Read<T>(this Vault vault, VaultCollection collection, byte[] id, RecordDecoder<T> decode)
        where T : class
        => vault.Get(collection, id) is { } plaintext ? Decode(plaintext, p => decode(id, p)) : null;

    public static List<T> ReadAll<T>(this Vault vault, VaultCollection collection, RecordDecoder<T> decode)
        => vault.List(collection).Select(r => Decode(r.Plaintext, p => decode(r.Id, p))).ToList();

    public static List<T> ReadFound<T>(this Vault vault, VaultCollection collection, string lookupName, RecordDecoder<T> decode)
        => vault.Find(collection, lookupName).Select(r => Decode(r.Plaintext, p => decode(r.Id, p))).ToList();

    /// <summary>Puts an encoded record and wipes the encoding (it may hold secrets).</summary>
    public static void PutWiped(this VaultTransaction transaction, VaultCollection collection, byte[] id, byte[] plaintext, string? lookupName = null)
    {
        try
        {
            transaction.Put(collection, id, plaintext, lookupName);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

using System.Security.Cryptography;
using Courier.Node.Storage;

namespace Courier.Node.Contacts;

/// <summary>The contacts in the vault: found by id or code name, listed, written.</summary>
internal sealed class ContactRepository(Vault vault)
{
    /// <summary>Every contact record, in id order. The caller disposes them.</summary>
    public List<ContactRecord> All() => vault.ReadAll(VaultCollection.Contact, ContactRecord.Decode);

    /// <summary>Something of every contact, each record disposed at once.</summary>
    public List<T> Select<T>(Func<ContactRecord, T> select)
    {
        var result = new List<T>();
        foreach (var record in All())
        {
            using (record)
            {
                result.Add(select(record));
            }
        }

        return result;
    }

    /// <summary>The contact with id <paramref name="id"/>, or null. The caller disposes it.</summary>
    public ContactRecord? Get(byte[] id) => vault.Read(VaultCollection.Contact, id, ContactRecord.Decode);

    /// <summary>The contact whose id (32 hex digits) or code name (any case) is <paramref name="idOrName"/>. The caller disposes it.</summary>
    /// <exception cref="UnknownContactException">No contact, or several contacts, have that name.</exception>
    public ContactRecord Find(string idOrName)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        var id = new byte[Vault.IdSize];
        if (idOrName.Length == Vault.IdSize * 2
            && Convert.FromHexString(idOrName, id, out _, out _) == System.Buffers.OperationStatus.Done
            && Get(id) is { } byId)
        {
            return byId;
        }

        var matches = vault.ReadFound(VaultCollection.Contact, ContactRecord.LookupName(idOrName), ContactRecord.Decode);
        if (matches.Count == 1)
        {
            return matches[0];
        }

        matches.ForEach(m => m.Dispose());
        throw new UnknownContactException(matches.Count == 0
            ? $"No contact is called \"{idOrName}\"."
            : $"{matches.Count} contacts are called \"{idOrName}\"; use the contact's id instead.");
    }

    public static void Put(VaultTransaction transaction, ContactRecord record)
        => transaction.PutWiped(VaultCollection.Contact, record.Id, record.Encode(), ContactRecord.LookupName(record.TheirCodeName));

    /// <summary>Writes one contact in its own transaction.</summary>
    public void Put(ContactRecord record)
    {
        using var transaction = vault.Begin();
        Put(transaction, record);
        transaction.Commit();
    }

    /// <summary>A copy of a secret in pinned memory, for a record that outlives its source.</summary>
    public static byte[] Copy(byte[] secret)
    {
        var copy = GC.AllocateArray<byte>(secret.Length, pinned: true);
        secret.CopyTo(copy, 0);
        return copy;
    }

    /// <summary>Wipes a secret that a record no longer holds.</summary>
    public static void Wipe(byte[] secret) => CryptographicOperations.ZeroMemory(secret);
}

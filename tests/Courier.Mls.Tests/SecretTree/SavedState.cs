using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.KeySchedule;
using Courier.Mls.SecretTree;

namespace Courier.Mls.Tests.SecretTree;

/// <summary>
/// Saving and restoring secret state the way a node does (writer sized by EncodedLength, buffer
/// wiped after copying out), and a seeded fuzz loop over saved bytes.
/// </summary>
internal static class SavedState
{
    /// <summary>Decodes the whole input as one value and returns its re-encoding.</summary>
    public delegate byte[] RoundTrip(byte[] input);

    public static byte[] Save(EncryptionSecretTree tree) => Save(tree.EncodedLength, tree.WriteTo);

    public static byte[] Save(HashRatchet ratchet) => Save(ratchet.EncodedLength, ratchet.WriteTo);

    public static byte[] Save(EpochSecrets secrets) => Save(secrets.EncodedLength, secrets.WriteTo);

    public static EncryptionSecretTree RestoreTree(CipherSuite suite, byte[] bytes)
        => ReadWhole(bytes, (ref TlsReader r) => EncryptionSecretTree.ReadFrom(suite, ref r));

    public static HashRatchet RestoreRatchet(CipherSuite suite, byte[] bytes, uint leafIndex = 0, RatchetType type = RatchetType.Application)
        => ReadWhole(bytes, (ref TlsReader r) => HashRatchet.ReadFrom(suite, ref r, leafIndex, type));

    public static EpochSecrets RestoreEpoch(CipherSuite suite, byte[] bytes)
        => ReadWhole(bytes, (ref TlsReader r) => EpochSecrets.ReadFrom(suite, ref r));

    /// <summary>True when <paramref name="needle"/> occurs anywhere in <paramref name="haystack"/>.</summary>
    public static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>
    /// Every truncation of <paramref name="seed"/> and <paramref name="mutations"/> random edits of
    /// it: each must either decode and re-encode to exactly the same bytes, or throw
    /// <see cref="DecodeException"/>. Returns how many decoded and how many were rejected.
    /// </summary>
    public static (int Decoded, int Rejected) Fuzz(byte[] seed, RoundTrip roundTrip, int mutations, int randomSeed)
    {
        var random = new Random(randomSeed);
        int decoded = 0, rejected = 0;

        void Run(byte[] input)
        {
            byte[] reencoded;
            try
            {
                reencoded = roundTrip(input);
            }
            catch (DecodeException)
            {
                rejected++;
                return;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"{e.GetType().Name} ({e.Message}) on input {Convert.ToHexStringLower(input)}{Environment.NewLine}{e.StackTrace}");
                return;
            }

            Assert.True(input.AsSpan().SequenceEqual(reencoded), $"decoded but re-encoded differently: {Convert.ToHexStringLower(input)}");
            decoded++;
        }

        Run(seed);
        for (var length = 0; length < seed.Length; length++)
        {
            Run(seed[..length]);
        }

        for (var i = 0; i < mutations; i++)
        {
            Run(Mutate(seed, random));
        }

        return (decoded, rejected);
    }

    private static byte[] Save(int encodedLength, Action<TlsWriter> write)
    {
        var writer = new TlsWriter(encodedLength);
        try
        {
            write(writer);
            Assert.Equal(encodedLength, writer.Length);
            return writer.ToArray();
        }
        finally
        {
            var written = writer.Written;
            CryptographicOperations.ZeroMemory(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(written), written.Length));
        }
    }

    /// <summary>Reads one value that must span the whole input; a value followed by trailing bytes is wiped before the error.</summary>
    private static T ReadWhole<T>(byte[] bytes, ReadFunc<T> read)
        where T : IDisposable
    {
        var reader = new TlsReader(bytes, "saved state");
        var value = read(ref reader);
        if (!reader.IsEmpty)
        {
            value.Dispose();
            throw reader.Error(DecodeError.TrailingBytes);
        }

        return value;
    }

    /// <summary>One to three random edits: bit flips, length-like bytes, insertions, deletions, duplicated ranges.</summary>
    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var position = Math.Min(random.Next(0, bytes.Count + 1), Math.Max(bytes.Count - 1, 0));
            switch (random.Next(5))
            {
                case 0 when bytes.Count > 0:
                    bytes[position] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    byte[] interesting = [0x00, 0x01, 0x02, 0x3F, 0x40, 0x7F, 0x80, 0xBF, 0xC0, 0xFF];
                    bytes[position] = interesting[random.Next(interesting.Length)];
                    break;
                case 2:
                    bytes.Insert(position, (byte)random.Next(256));
                    break;
                case 3 when bytes.Count > 1:
                    bytes.RemoveRange(position, random.Next(1, Math.Min(16, bytes.Count - position) + 1));
                    break;
                default:
                    if (bytes.Count > 0)
                    {
                        var from = random.Next(bytes.Count);
                        bytes.InsertRange(position, bytes.GetRange(from, random.Next(1, Math.Min(32, bytes.Count - from) + 1)));
                    }

                    break;
            }
        }

        return [.. bytes];
    }
}

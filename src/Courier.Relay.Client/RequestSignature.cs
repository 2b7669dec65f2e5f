using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Courier.Relay.Client;

/// <summary>
/// The signed-request scheme shared by client and relay: Ed25519 over the method, the request
/// target (path and query, as sent), the drop name, a timestamp, a random nonce and the SHA-256 of
/// the body. The relay accepts a timestamp within its freshness window and each nonce once.
/// </summary>
internal static class RequestSignature
{
    public const string TimestampHeader = "Courier-Timestamp";
    public const string NonceHeader = "Courier-Nonce";
    public const string SignatureHeader = "Courier-Signature";
    public const string MessageIdHeader = "Courier-Message-Id";
    public const string NameplateClaimHeader = "Courier-Nameplate-Claim";
    public const int NonceSize = 16;
    public const int SignatureSize = 64;

    private static readonly byte[] Context = "courier-relay-request-v1\n"u8.ToArray();

    public static byte[] Message(string method, string target, string dropName, long timestamp, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> body)
    {
        var header = Encoding.UTF8.GetBytes($"{method}\n{target}\n{dropName}\n{timestamp}\n{Base64Url.EncodeToString(nonce)}\n");
        var message = new byte[Context.Length + header.Length + SHA256.HashSizeInBytes];
        Context.CopyTo(message, 0);
        header.CopyTo(message, Context.Length);
        SHA256.HashData(body, message.AsSpan(Context.Length + header.Length));
        return message;
    }

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != DropReadKey.Size || signature.Length != SignatureSize
            || !NSec.Cryptography.PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var key))
        {
            return false;
        }

        return SignatureAlgorithm.Ed25519.Verify(key!, message, signature);
    }

    public static bool IsValidPublicKey(ReadOnlySpan<byte> publicKey)
        => publicKey.Length == DropReadKey.Size
           && NSec.Cryptography.PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out _);
}

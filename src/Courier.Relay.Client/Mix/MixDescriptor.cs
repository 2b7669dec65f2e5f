using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using NSec.Cryptography;

namespace Courier.Relay.Client.Mix;

/// <summary>One mix routing key a relay publishes: its epoch, when it is valid, and its X25519 public key.</summary>
/// <param name="Epoch">The key epoch (Unix time divided by the epoch length).</param>
/// <param name="ValidFrom">Senders use the key from here ...</param>
/// <param name="ValidUntil">... to here (excluded).</param>
/// <param name="PublicKey">32 bytes.</param>
public sealed record MixKeyInfo(ulong Epoch, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil, byte[] PublicKey);

/// <summary>
/// A relay's mix descriptor (docs/mixnet.md, "Descriptors"): its node id (SHA-256 of its Ed25519
/// identity key), the identity key, and its current and next mix keys, signed by the identity key.
/// </summary>
public sealed class MixDescriptor
{
    /// <summary>A node id and an identity key are 32 bytes.</summary>
    public const int KeyLength = 32;

    private const int Version = 1;
    private const int MaxKeys = 8;
    private static readonly byte[] Context = "courier-mix-descriptor-v1\n"u8.ToArray();

    private MixDescriptor(byte[] identityKey, IReadOnlyList<MixKeyInfo> keys)
    {
        IdentityKey = identityKey;
        NodeId = NodeIdOf(identityKey);
        Keys = keys;
    }

    /// <summary>SHA-256 of <see cref="IdentityKey"/>: the id in NextNodeHop and Recipient commands.</summary>
    public byte[] NodeId { get; }

    /// <summary>The relay's raw Ed25519 public key, pinned in a layer's configuration.</summary>
    public byte[] IdentityKey { get; }

    /// <summary>The published mix keys, oldest epoch first.</summary>
    public IReadOnlyList<MixKeyInfo> Keys { get; }

    /// <summary>The node id of a relay whose identity key is <paramref name="identityKey"/>.</summary>
    public static byte[] NodeIdOf(ReadOnlySpan<byte> identityKey) => SHA256.HashData(identityKey);

    /// <summary>The descriptor's JSON (docs/relay-api.md, <c>GET /v1/mix/descriptor</c>), signed with <paramref name="identity"/>.</summary>
    public static byte[] Sign(Key identity, IReadOnlyList<MixKeyInfo> keys)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(keys);
        var identityKey = identity.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        var signature = SignatureAlgorithm.Ed25519.Sign(identity, Signed(identityKey, keys));
        var dto = new DescriptorDto(
            Version,
            Base64Url.EncodeToString(NodeIdOf(identityKey)),
            Base64Url.EncodeToString(identityKey),
            keys.Select(k => new KeyDto(k.Epoch, k.ValidFrom.ToUnixTimeSeconds(), k.ValidUntil.ToUnixTimeSeconds(), Base64Url.EncodeToString(k.PublicKey))).ToList(),
            Base64Url.EncodeToString(signature));
        return JsonSerializer.SerializeToUtf8Bytes(dto, DescriptorJson.Default.DescriptorDto);
    }

    /// <summary>
    /// Parses and verifies a descriptor: well formed, its id the hash of its identity key, signed by
    /// that key and, when <paramref name="pinnedIdentityKey"/> is given, that key the pinned one.
    /// </summary>
    /// <exception cref="MixDescriptorException">Any check fails.</exception>
    public static MixDescriptor Verify(ReadOnlySpan<byte> json, ReadOnlySpan<byte> pinnedIdentityKey = default)
    {
        DescriptorDto dto;
        try
        {
            dto = JsonSerializer.Deserialize(json, DescriptorJson.Default.DescriptorDto) ?? throw Malformed();
        }
        catch (JsonException)
        {
            throw Malformed();
        }

        var identityKey = new byte[KeyLength];
        var id = new byte[KeyLength];
        var signature = new byte[RequestSignature.SignatureSize];
        if (dto.Version != Version || dto.Keys.Count is 0 or > MaxKeys
            || !WireBase64.TryDecode(dto.IdentityKey, identityKey) || !WireBase64.TryDecode(dto.Id, id) || !WireBase64.TryDecode(dto.Signature, signature))
        {
            throw Malformed();
        }

        var keys = new List<MixKeyInfo>(dto.Keys.Count);
        foreach (var key in dto.Keys)
        {
            var publicKey = new byte[KeyLength];
            if (!WireBase64.TryDecode(key.PublicKey, publicKey) || key.ValidUntil <= key.ValidFrom || key.ValidFrom < 0 || key.ValidUntil > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                throw Malformed();
            }

            keys.Add(new MixKeyInfo(key.Epoch, DateTimeOffset.FromUnixTimeSeconds(key.ValidFrom), DateTimeOffset.FromUnixTimeSeconds(key.ValidUntil), publicKey));
        }

        if (!pinnedIdentityKey.IsEmpty && !CryptographicOperations.FixedTimeEquals(pinnedIdentityKey, identityKey))
        {
            throw new MixDescriptorException(MixDescriptorError.NotPinnedKey, "The descriptor is signed by another identity key than the one pinned for this relay.");
        }

        if (!CryptographicOperations.FixedTimeEquals(id, NodeIdOf(identityKey))
            || !RequestSignature.Verify(identityKey, Signed(identityKey, keys), signature))
        {
            throw new MixDescriptorException(MixDescriptorError.BadSignature, "The descriptor's signature or node id does not match its identity key.");
        }

        return new MixDescriptor(identityKey, keys);
    }

    /// <summary>The key senders use at <paramref name="now"/>.</summary>
    /// <exception cref="MixDescriptorException"><see cref="MixDescriptorError.NoValidKey"/> when every key has expired or none is valid yet.</exception>
    public MixKeyInfo KeyAt(DateTimeOffset now)
        => Keys.LastOrDefault(k => k.ValidFrom <= now && now < k.ValidUntil)
           ?? throw new MixDescriptorException(MixDescriptorError.NoValidKey, "The descriptor holds no mix key valid now: its keys expired (or the clock is wrong).");

    /// <summary>The signed bytes: context | identity key | u32 count | per key: u64 epoch | i64 from | i64 until | key (big-endian).</summary>
    private static byte[] Signed(byte[] identityKey, IReadOnlyList<MixKeyInfo> keys)
    {
        const int perKey = 8 + 8 + 8 + KeyLength;
        var message = new byte[Context.Length + KeyLength + 4 + (keys.Count * perKey)];
        var span = message.AsSpan();
        Context.CopyTo(span);
        identityKey.CopyTo(span[Context.Length..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[(Context.Length + KeyLength)..], (uint)keys.Count);
        int offset = Context.Length + KeyLength + 4;
        foreach (var key in keys)
        {
            if (key.PublicKey.Length != KeyLength)
            {
                throw new ArgumentException($"A mix public key is {KeyLength} bytes.", nameof(keys));
            }

            BinaryPrimitives.WriteUInt64BigEndian(span[offset..], key.Epoch);
            BinaryPrimitives.WriteInt64BigEndian(span[(offset + 8)..], key.ValidFrom.ToUnixTimeSeconds());
            BinaryPrimitives.WriteInt64BigEndian(span[(offset + 16)..], key.ValidUntil.ToUnixTimeSeconds());
            key.PublicKey.CopyTo(span[(offset + 24)..]);
            offset += perKey;
        }

        return message;
    }

    private static MixDescriptorException Malformed() => new(MixDescriptorError.Malformed, "The mix descriptor is not well formed (docs/relay-api.md).");
}

internal sealed record KeyDto(ulong Epoch, long ValidFrom, long ValidUntil, string PublicKey);

internal sealed record DescriptorDto(int Version, string Id, string IdentityKey, List<KeyDto> Keys, string Signature);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(DescriptorDto))]
internal sealed partial class DescriptorJson : JsonSerializerContext;

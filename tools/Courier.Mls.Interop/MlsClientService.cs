using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.Hpke;
using Courier.Mls.SecretTree;
using Google.Protobuf;
using Grpc.Core;
using MlsClient;

namespace Courier.Mls.Interop;

/// <summary>
/// The MLS working group's interop <c>MLSClient</c> service (interop/proto/mls_client.proto) on the
/// public API of Courier.Mls. Calls run one at a time. Errors map to gRPC status codes: a rejected
/// message or bad input is INVALID_ARGUMENT (with the <see cref="MlsCheck"/> id), a call the state
/// does not allow FAILED_PRECONDITION, an unknown id NOT_FOUND, and what the public API cannot do
/// UNIMPLEMENTED with the reason.
/// </summary>
internal sealed partial class MlsClientService(InteropStore store, ServerOptions options) : MLSClient.MLSClientBase
{
    public const string ClientName = "Courier.Mls (C#/.NET 10) MLSClient";

    /// <summary>KeyPackages made here are valid from an hour ago for 90 days.</summary>
    private static readonly TimeSpan Validity = TimeSpan.FromDays(90);

    private static readonly uint[] Suites =
    [
        (uint)CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
        (uint)CipherSuiteId.MLS_128_DHKEMP256_AES128GCM_SHA256_P256,
        (uint)CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519,
        (uint)CipherSuiteId.MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519,
    ];

    private static IRandom Random => SystemRandom.Instance;

    /// <summary>Seconds since 1970, for lifetime checks (the library itself has no clock).</summary>
    private static TimeProvider Clock => TimeProvider.System;

    public override Task<NameResponse> Name(NameRequest request, ServerCallContext context)
        => Call(() => new NameResponse { Name = ClientName });

    public override Task<SupportedCiphersuitesResponse> SupportedCiphersuites(SupportedCiphersuitesRequest request, ServerCallContext context)
        => Call(() => new SupportedCiphersuitesResponse { Ciphersuites = { Suites } });

    public override Task<CreateGroupResponse> CreateGroup(CreateGroupRequest request, ServerCallContext context) => Call(() =>
    {
        using var bundle = NewBundle(request.CipherSuite, request.Identity.Span);
        var group = MlsGroup.Create(request.GroupId.ToByteArray(), bundle, Random, Clock);
        group.EncryptHandshakes = request.EncryptHandshake;
        return new CreateGroupResponse { StateId = store.Add(new GroupEntry(group, request.Identity.ToByteArray())) };
    });

    public override Task<CreateKeyPackageResponse> CreateKeyPackage(CreateKeyPackageRequest request, ServerCallContext context) => Call(() =>
    {
        var (id, keys) = StoreTransaction(NewBundle(request.CipherSuite, request.Identity.Span), request.Identity.ToByteArray());
        return new CreateKeyPackageResponse
        {
            TransactionId = id,
            KeyPackage = keys.KeyPackage,
            InitPriv = keys.InitPriv,
            EncryptionPriv = keys.EncryptionPriv,
            SignaturePriv = keys.SignaturePriv,
        };
    });

    public override Task<JoinGroupResponse> JoinGroup(JoinGroupRequest request, ServerCallContext context) => Call(() =>
    {
        var transaction = TransactionOf(request.TransactionId);
        var group = MlsGroup.JoinFromWelcome(request.Welcome.Span, transaction.Bundle, Random, Clock, new JoinOptions { RatchetTree = Tree(request.RatchetTree), ExternalPsks = transaction.PskPairs });
        group.EncryptHandshakes = request.EncryptHandshake;
        var id = store.Add(new GroupEntry(group, transaction.Identity));
        store.Transactions.Remove(request.TransactionId);
        transaction.Dispose();
        return new JoinGroupResponse { StateId = id, EpochAuthenticator = Bytes(group.EpochAuthenticator()) };
    });

    /// <summary>
    /// RFC 9420 §12.4.3.2, with the given external PSKs injected. With remove_prior, the earlier appearance is found among this server's
    /// own states: the member of the same group with the same identity (the runner keeps an actor
    /// on one client for a whole script).
    /// </summary>
    public override Task<ExternalJoinResponse> ExternalJoin(ExternalJoinRequest request, ServerCallContext context) => Call(() =>
    {
        var (suite, groupId) = Wire.GroupInfoHeader(request.GroupInfo.Span);
        uint? prior = null;
        if (request.RemovePrior)
        {
            prior = store.States.Values
                .Where(e => e.Group.IsActive && e.Group.GroupId.AsSpan().SequenceEqual(groupId) && e.Identity.AsSpan().SequenceEqual(request.Identity.Span))
                .OrderByDescending(e => e.Group.Epoch)
                .Select(e => (uint?)e.Group.OwnLeafIndex)
                .FirstOrDefault()
                ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, "remove_prior: this server holds no earlier appearance of this identity in the group"));
        }

        using var bundle = NewBundle(suite, request.Identity.Span);
        var psks = request.Psks.Select(p => KeyValuePair.Create(p.PskId.ToByteArray(), p.PskSecret.ToByteArray()));
        var joined = MlsGroup.JoinExternally(request.GroupInfo.Span, bundle, Random, Clock, new ExternalJoinOptions { RatchetTree = Tree(request.RatchetTree), RemovePriorLeaf = prior, ExternalPsks = psks });
        joined.Group.EncryptHandshakes = request.EncryptHandshake;
        return new ExternalJoinResponse
        {
            StateId = store.Add(new GroupEntry(joined.Group, request.Identity.ToByteArray())),
            Commit = Bytes(joined.Commit),
            EpochAuthenticator = Bytes(joined.Group.EpochAuthenticator()),
        };
    });

    public override Task<GroupInfoResponse> GroupInfo(GroupInfoRequest request, ServerCallContext context) => Call(() =>
    {
        var group = StateOf(request.StateId).Group;
        return new GroupInfoResponse
        {
            GroupInfo = Bytes(group.GroupInfo(includeRatchetTree: !request.ExternalTree)),
            RatchetTree = request.ExternalTree ? Bytes(group.RatchetTree()) : ByteString.Empty,
        };
    });

    public override Task<StateAuthResponse> StateAuth(StateAuthRequest request, ServerCallContext context)
        => Call(() => new StateAuthResponse { StateAuthSecret = Bytes(StateOf(request.StateId).Group.EpochAuthenticator()) });

    public override Task<ExportResponse> Export(ExportRequest request, ServerCallContext context) => Call(() =>
    {
        using var secret = StateOf(request.StateId).Group.Export(request.Label, request.Context.Span, checked((int)request.KeyLength));
        return new ExportResponse { ExportedSecret = Bytes(secret.Export()) };
    });

    public override Task<ProtectResponse> Protect(ProtectRequest request, ServerCallContext context)
        => Call(() => new ProtectResponse { Ciphertext = Bytes(StateOf(request.StateId).Group.Protect(request.Plaintext.Span, request.AuthenticatedData.Span)) });

    public override Task<UnprotectResponse> Unprotect(UnprotectRequest request, ServerCallContext context) => Call(() =>
    {
        var processed = StateOf(request.StateId).Group.Process(request.Ciphertext.Span);
        if (processed.Kind != ProcessedKind.Application)
        {
            throw Invalid($"the message is a {processed.Kind}, not application data");
        }

        return new UnprotectResponse { AuthenticatedData = Bytes(processed.AuthenticatedData), Plaintext = Bytes(processed.ApplicationData!) };
    });

    public override Task<StorePSKResponse> StorePSK(StorePSKRequest request, ServerCallContext context) => Call(() =>
    {
        var id = request.StateOrTransactionId;
        if (store.Use(id) is { } state)
        {
            state.Group.StoreExternalPsk(request.PskId.ToByteArray(), request.PskSecret.Span);
        }
        else if (store.Transactions.TryGetValue(id, out var transaction))
        {
            transaction.Psks[Convert.ToHexString(request.PskId.Span)] = (request.PskId.ToByteArray(), request.PskSecret.ToByteArray());
        }
        else
        {
            throw NotFound($"unknown state or transaction id {id}");
        }

        return new StorePSKResponse();
    });

    public override Task<FreeResponse> Free(FreeRequest request, ServerCallContext context)
        => Call(() => store.Free(request.StateId) ? new FreeResponse() : throw NotFound($"unknown state_id {request.StateId}"));

    // -----------------------------------------------------------------------------------------
    // Helpers

    /// <summary>Runs a call alone, logging it with --verbose and mapping exceptions to gRPC status codes.</summary>
    /// <remarks>Waiting calls wait asynchronously: a contended lock spun on the CPU that the peer's server needs.</remarks>
    private async Task<T> Call<T>(Func<T> body, [CallerMemberName] string rpc = "")
    {
        await store.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var response = body();
            if (options.Verbose)
            {
                Console.Error.WriteLine($"{rpc}: OK");
            }

            return response;
        }
        catch (Exception e)
        {
            var status = StatusOf(e);
            Console.Error.WriteLine($"{rpc}: {status.StatusCode}: {status.Detail}");
            throw new RpcException(status);
        }
        finally
        {
            store.Gate.Release();
        }
    }

    private static Status StatusOf(Exception e) => e switch
    {
        RpcException rpc => rpc.Status,
        MessageRejectedException rejected => new Status(StatusCode.InvalidArgument, $"rejected ({rejected.Check}): {rejected.Message}"),
        DecodeException or FormatException or HpkeException or SecretTreeException => new Status(StatusCode.InvalidArgument, $"{e.GetType().Name}: {e.Message}"),
        ArgumentException or OverflowException => new Status(StatusCode.InvalidArgument, $"{e.GetType().Name}: {e.Message}"),
        InvalidOperationException => new Status(StatusCode.FailedPrecondition, $"{e.GetType().Name}: {e.Message}"),
        _ => new Status(StatusCode.Internal, $"{e.GetType().Name}: {e.Message}"),
    };

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));

    private static RpcException NotFound(string detail) => new(new Status(StatusCode.NotFound, detail));

    private static RpcException Unimplemented(string detail) => new(new Status(StatusCode.Unimplemented, detail));

    private static ByteString Bytes(byte[] bytes) => ByteString.CopyFrom(bytes);

    private static byte[]? Tree(ByteString ratchetTree) => ratchetTree.IsEmpty ? null : ratchetTree.ToByteArray();

    private static CipherSuiteId SuiteOf(uint suite)
        => Suites.Contains(suite) ? (CipherSuiteId)suite : throw Invalid($"unsupported ciphersuite {suite}; this client supports {string.Join(", ", Suites)}");

    /// <summary>A fresh KeyPackage with a basic credential and a new signature key.</summary>
    private static KeyPackageBundle NewBundle(uint suite, ReadOnlySpan<byte> identity)
    {
        var cipherSuite = SuiteOf(suite);
        using var signer = SignaturePrivateKey.Generate(Random, cipherSuite);
        var now = (ulong)Clock.GetUtcNow().ToUnixTimeSeconds();
        return KeyPackageBundle.Generate(cipherSuite, identity, signer, now - 3600, now + (ulong)Validity.TotalSeconds, Random);
    }

    /// <summary>Keeps a KeyPackage under a new transaction_id; returns it with the private keys the interop API reports.</summary>
    private (uint Id, (ByteString KeyPackage, ByteString InitPriv, ByteString EncryptionPriv, ByteString SignaturePriv) Keys) StoreTransaction(KeyPackageBundle bundle, byte[] identity)
    {
        var id = store.Add(new Transaction(bundle, identity));
        var serialized = bundle.Serialize();
        try
        {
            var (keyPackage, init, encryption, signature) = Wire.BundleParts(serialized);
            return (id, (ByteString.CopyFrom(keyPackage), ByteString.CopyFrom(init), ByteString.CopyFrom(encryption), ByteString.CopyFrom(signature)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(serialized);
        }
    }

    private GroupEntry StateOf(uint id) => store.Use(id) ?? throw NotFound(store.Dropped.Contains(id)
        ? $"state_id {id} was dropped: it was the least recently used of more than {InteropStore.MaxStates} states"
        : $"unknown state_id {id}");

    private Transaction TransactionOf(uint id) => store.Transactions.TryGetValue(id, out var tx) ? tx : throw NotFound($"unknown transaction_id {id}");

    /// <summary>The leaf of the member whose basic credential carries <paramref name="identity"/>.</summary>
    private static uint LeafOf(IReadOnlyList<GroupMember> members, ReadOnlySpan<byte> identity)
    {
        foreach (var member in members)
        {
            if (member.Identity.AsSpan().SequenceEqual(identity))
            {
                return member.LeafIndex;
            }
        }

        throw Invalid($"no member with identity \"{System.Text.Encoding.UTF8.GetString(identity)}\"");
    }
}

using System.Text.Json;
using Courier.Mls;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.Messages;
using Courier.Mls.TreeSync;

namespace Courier.Fuzz;

/// <summary>
/// The MLS decoders (RFC 9420 §6, §10, §12.4.3) and the group's receiver checks. Refusals are
/// <see cref="DecodeException"/> (not the structure) and <see cref="MessageRejectedException"/>
/// (a structure that fails a check).
/// </summary>
internal static class MlsTargets
{
    private static readonly Type[] Refusals = [typeof(DecodeException), typeof(MessageRejectedException)];

    /// <summary>
    /// bob's stored state in the fixed pair. Each mls-message input is processed by a group restored
    /// from it, so one input's effects (a used ratchet generation, a staged commit) never reach the next.
    /// </summary>
    private static readonly Lazy<(byte[] EpochState, KeyValuePair<byte[], byte[]>[] Records)> Receiver = new(() =>
    {
        using var bob = Fixture.Pair().Bob;
        using var state = bob.TakeChanges();
        return (state.EpochState!.Export(), [.. state.Records.Select(r => KeyValuePair.Create(r.Key, r.Value.Export()))]);
    });

    private static readonly Lazy<KeyPackageBundle> Joiner = new(() => Fixture.Member("carol"));

    public static IEnumerable<FuzzTarget> All =>
    [
        new("mls-message", "MLSMessage decode, then Process by a member of a fixed two-member group, restored for each input", input =>
        {
            MLSMessage.FromBytes(input);
            using var receiver = MlsGroup.Restore(Receiver.Value.EpochState, Receiver.Value.Records, SystemRandom.Instance, Fixture.Time);
            receiver.Process(input);
        }, Refusals),
        new("key-package", "KeyPackages.Validate: MLSMessage(KeyPackage) decode, signature, lifetime, capabilities", input => KeyPackages.Validate(input, Fixture.Time), Refusals),
        new("welcome", "MlsGroup.JoinFromWelcome for a fixed key package: decode, HPKE, GroupInfo, tree checks", input => MlsGroup.JoinFromWelcome(input, Fixture.Bob.Value, SystemRandom.Instance, Fixture.Time).Dispose(), Refusals),
        new("group-info", "MlsGroup.JoinExternally from an MLSMessage(GroupInfo): decode, tree, external commit", input => MlsGroup.JoinExternally(input, Joiner.Value, SystemRandom.Instance, Fixture.Time).Group.Dispose(), Refusals),
        new("ratchet-tree", "RatchetTree.Decode: the ratchet_tree extension and its structure checks (§12.4.3.3)", input => RatchetTree.Decode(CipherSuite.Get(Fixture.Suite), input), Refusals),
    ];

    /// <summary>Encodings made by a real group, and the official vectors' messages and trees.</summary>
    public static IEnumerable<(string Target, string Name, byte[] Bytes)> Seeds(string repositoryRoot)
    {
        var (alice, _, welcome) = Fixture.Pair();
        yield return ("welcome", "pair-welcome", welcome);
        yield return ("group-info", "pair-group-info", alice.GroupInfo());
        yield return ("key-package", "carol", Fixture.Member("carol").KeyPackageBytes);
        yield return ("mls-message", "application", alice.Protect("hello"u8));
        yield return ("mls-message", "update-proposal", alice.ProposeUpdate());
        var commit = alice.Commit();
        yield return ("mls-message", "commit", commit.Commit);
        if (commit.RatchetTree is { } tree)
        {
            yield return ("ratchet-tree", "pair", tree);
        }

        // Official vectors (github.com/mlswg/mls-implementations, vendored in tests/Courier.Mls.Tests/TestVectors).
        var vectors = Path.Combine(repositoryRoot, "tests", "Courier.Mls.Tests", "TestVectors", "mls");
        using var messages = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(vectors, "messages.json")));
        var first = messages.RootElement[0];
        foreach (var (field, target) in new[]
                 {
                     ("mls_welcome", "welcome"), ("mls_group_info", "group-info"), ("mls_key_package", "key-package"), ("ratchet_tree", "ratchet-tree"),
                     ("public_message_application", "mls-message"), ("public_message_proposal", "mls-message"), ("public_message_commit", "mls-message"), ("private_message", "mls-message"),
                 })
        {
            yield return (target, "vector-" + field, Convert.FromHexString(first.GetProperty(field).GetString()!));
        }

        using var trees = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(vectors, "tree-validation.json")));
        foreach (var (vector, index) in trees.RootElement.EnumerateArray().Select((v, i) => (v, i)).Where(p => p.v.GetProperty("cipher_suite").GetInt32() == (int)Fixture.Suite).Take(4))
        {
            yield return ("ratchet-tree", $"vector-tree-validation-{index}", Convert.FromHexString(vector.GetProperty("tree").GetString()!));
        }
    }
}

namespace Courier.Node.Tests;

public class DependencyTests
{
    /// <summary>
    /// Cryptographic primitives come only from libsodium (NSec) and the BCL: besides those, Courier.Node
    /// references only Courier.Mls and SQLite's ADO.NET provider, which stores ciphertext.
    /// </summary>
    [Fact]
    public void Courier_Node_references_only_the_BCL_NSec_SQLite_and_Courier_Mls()
    {
        var references = typeof(CourierNode).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var others = references.Where(name => !(name is "NSec.Cryptography" or "Microsoft.Data.Sqlite" or "Courier.Mls" or "netstandard" || name.StartsWith("System", StringComparison.Ordinal))).ToList();
        Assert.Empty(others);
    }

    /// <summary>The public surface is what the <c>courier</c> command and a relay adapter need, and nothing else.</summary>
    [Fact]
    public void The_public_surface_is_small()
    {
        var exported = typeof(CourierNode).Assembly.GetExportedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();
        string[] expected =
        [
            "Courier.Node.Contact",
            "Courier.Node.CourierNode",
            "Courier.Node.FirstContactFailedException",
            "Courier.Node.HomeLockedException",
            "Courier.Node.InvalidCodeException",
            "Courier.Node.Invitation",
            "Courier.Node.InvitationUnavailableException",
            "Courier.Node.NodeException",
            "Courier.Node.NodeOptions",
            "Courier.Node.ReceiveResult",
            "Courier.Node.Relay.DeadDropReadKey",
            "Courier.Node.Relay.EnvelopeSizes",
            "Courier.Node.Relay.IDeadDrops",
            "Courier.Node.Relay.IRelay",
            "Courier.Node.Relay.IRendezvous",
            "Courier.Node.Relay.InMemoryRelay",
            "Courier.Node.Relay.RelayEnvelope",
            "Courier.Node.RelayRejectedException",
            "Courier.Node.RelayUnreachableException",
            "Courier.Node.UnknownContactException",
            "Courier.Node.VaultCorruptedException",
            "Courier.Node.VaultExistsException",
            "Courier.Node.VaultKdfParameters",
            "Courier.Node.VaultNotFoundException",
            "Courier.Node.WrongCodeException",
            "Courier.Node.WrongPassphraseException",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), exported);
    }
}

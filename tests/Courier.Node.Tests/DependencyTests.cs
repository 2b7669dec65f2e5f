namespace Courier.Node.Tests;

public class DependencyTests
{
    /// <summary>
    /// Cryptographic primitives come only from libsodium (NSec, and Courier.Sodium, the one binding for
    /// what NSec does not expose) and the BCL: besides those, Courier.Node references only Courier.Mls,
    /// Courier.Mix (Sphinx packets, itself on the BCL and the binding), Courier.Frost (threshold
    /// signatures, on the binding), the relay's typed client, and SQLite's ADO.NET provider, which stores ciphertext.
    /// </summary>
    [Fact]
    public void Courier_Node_references_only_the_BCL_NSec_SQLite_Courier_Mls_Courier_Mix_Courier_Frost_and_the_relay_client()
    {
        var references = typeof(CourierNode).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var others = references.Where(name => !(name is "NSec.Cryptography" or "Courier.Sodium" or "Microsoft.Data.Sqlite" or "Courier.Mls" or "Courier.Mix" or "Courier.Frost" or "Courier.Relay.Client" or "netstandard" || name.StartsWith("System", StringComparison.Ordinal))).ToList();
        Assert.Empty(others);
    }

    /// <summary>The node's only native call of its own is fsync of a directory (libc); libsodium is reached only through Courier.Sodium.</summary>
    [Fact]
    public void The_node_calls_libsodium_only_through_the_one_binding()
    {
        const System.Reflection.BindingFlags all = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly;
        var imports = typeof(CourierNode).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(all))
            .Where(m => m.Attributes.HasFlag(System.Reflection.MethodAttributes.PinvokeImpl))
            .ToList();
        Assert.All(imports, m => Assert.Equal("libc", m.GetCustomAttributes(typeof(System.Runtime.InteropServices.DllImportAttribute), false).Cast<System.Runtime.InteropServices.DllImportAttribute>().Single().Value));
    }

    /// <summary>The public surface is what the <c>courier</c> command and a relay adapter need, and nothing else.</summary>
    [Fact]
    public void The_public_surface_is_small()
    {
        var exported = typeof(CourierNode).Assembly.GetExportedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();
        string[] expected =
        [
            "Courier.Node.Cells.CellContent",
            "Courier.Node.Cells.CellMessage",
            "Courier.Node.Cells.CellSummary",
            "Courier.Node.Cells.BurnReport",
            "Courier.Node.Cells.BurnedName",
            "Courier.Node.Cells.InboxMessage",
            "Courier.Node.Cells.Layer",
            "Courier.Node.Cells.LeaveNotice",
            "Courier.Node.Cells.SyncResult",
            "Courier.Node.Cells.FileChunk",
            "Courier.Node.Cells.Forwarded",
            "Courier.Node.Cells.TextContent",
            "Courier.Node.BadKeyPackageException",
            "Courier.Node.CellBusyException",
            "Courier.Node.Contact",
            "Courier.Node.FellBehindException",
            "Courier.Node.FileChangedException",
            "Courier.Node.MessageTooLargeException",
            "Courier.Node.VaultFormatException",
            "Courier.Node.Bulletins.Bulletin",
            "Courier.Node.Bulletins.BulletinAuthority",
            "Courier.Node.Bulletins.BulletinCheck",
            "Courier.Node.Bulletins.BulletinHeader",
            "Courier.Node.Bulletins.BulletinHistory",
            "Courier.Node.Bulletins.BulletinKind",
            "Courier.Node.Bulletins.BulletinOrder",
            "Courier.Node.Bulletins.BulletinVerification",
            "Courier.Node.Bulletins.ReceivedBulletin",
            "Courier.Node.BulletinRejectedException",
            "Courier.Node.UnknownBulletinException",
            "Courier.Node.Bundles.BundleExport",
            "Courier.Node.Bundles.BundleRecognizer",
            "Courier.Node.CourierNode",
            "Courier.Node.Council.CouncilAuthority",
            "Courier.Node.Council.SigningRequestInfo",
            "Courier.Node.Council.SigningStatus",
            "Courier.Node.CouncilRefusedException",
            "Courier.Node.UnknownAuthorityException",
            "Courier.Node.Exposure.BulletinExposure",
            "Courier.Node.Exposure.CascadeCell",
            "Courier.Node.Exposure.CascadeLayer",
            "Courier.Node.Exposure.CascadeMember",
            "Courier.Node.Exposure.CascadePicture",
            "Courier.Node.Exposure.CascadeReport",
            "Courier.Node.Exposure.CellHistory",
            "Courier.Node.Exposure.ExposureReport",
            "Courier.Node.Exposure.HeldReserve",
            "Courier.Node.Exposure.KnownCodeName",
            "Courier.Node.Exposure.KnownIntroduction",
            "Courier.Node.Exposure.LiaisonLink",
            "Courier.Node.Exposure.MessageHistory",
            "Courier.Node.MapRefusedException",
            "Courier.Node.UnknownMemberException",
            "Courier.Node.FirstContactFailedException",
            "Courier.Node.HomeLockedException",
            "Courier.Node.InsecureRelayAddressException",
            "Courier.Node.InterferenceException",
            "Courier.Node.InvalidCodeException",
            "Courier.Node.Invitation",
            "Courier.Node.InvitationUnavailableException",
            "Courier.Node.NameTakenException",
            "Courier.Node.NoKeyPackageException",
            "Courier.Node.NoRelayIdentityException",
            "Courier.Node.NodeException",
            "Courier.Node.NotAMemberException",
            "Courier.Node.PanicFailedException",
            "Courier.Node.OutboxItem",
            "Courier.Node.PendingCell",
            "Courier.Node.PostQuantumRequiredException",
            "Courier.Node.NodeOptions",
            "Courier.Node.ReceiveResult",
            "Courier.Node.Reserve.ReserveActivation",
            "Courier.Node.Reserve.ReserveDesignation",
            "Courier.Node.Reserve.ReserveShareInfo",
            "Courier.Node.ReserveRefusedException",
            "Courier.Node.ShareRefusal",
            "Courier.Node.ShareRefusedException",
            "Courier.Node.UnknownReserveException",
            "Courier.Node.Relay.HttpRelay",
            "Courier.Node.Relay.IRelay",
            "Courier.Node.RelayMisbehavedException",
            "Courier.Node.RelayPinMismatchException",
            "Courier.Node.RelayRejectedException",
            "Courier.Node.RelayRoute",
            "Courier.Node.RelayUnreachableException",
            "Courier.Node.UnknownCellException",
            "Courier.Node.UnknownContactException",
            "Courier.Node.UnknownLayerException",
            "Courier.Node.UnknownMessageException",
            "Courier.Node.VaultCorruptedException",
            "Courier.Node.VaultDestroyedException",
            "Courier.Node.VaultExistsException",
            "Courier.Node.VaultKdfParameters",
            "Courier.Node.VaultNotFoundException",
            "Courier.Node.WrongCodeException",
            "Courier.Node.WrongPassphraseException",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), exported);
    }
}

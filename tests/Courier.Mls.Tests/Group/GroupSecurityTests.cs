using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Mls.Tests.Group;

/// <summary>Forward secrecy and post-compromise security as tested properties (RFC 9420 §16.6).</summary>
public class GroupSecurityTests
{
    private const CipherSuiteId Suite = CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519;

    [Fact]
    public void Forward_secrecy_a_ciphertext_of_epoch_e_cannot_be_decrypted_from_the_state_of_epoch_e_plus_1()
    {
        using var cell = new Cell(Suite, 3);
        var old = cell[1].Protect("epoch e"u8);
        var epochE = cell[2].CurrentEpoch;
        var senderDataSecret = epochE.Secrets.SenderDataSecret.Export();
        var exporterSecret = epochE.Secrets.ExporterSecret.Export();
        cell.Deliver(cell[0].Commit().Commit, 0);

        using var stateE1 = cell[2].Save();
        using var restored = stateE1.Restore();
        Assert.Equal(MlsCheck.Epoch, Assert.Throws<MessageRejectedException>(() => restored.ProcessAndMerge(old)).Check);

        // Nothing of epoch e that decrypts its messages is in the saved state of epoch e+1.
        Assert.False(Contains(stateE1.Export(), senderDataSecret));
        Assert.False(Contains(stateE1.Export(), exporterSecret));

        // Even forced into epoch e's frame, the secrets of e+1 do not open the old message.
        var next = restored.CurrentEpoch;
        var oldMessage = Courier.Mls.Messages.MLSMessage.FromBytes(old).PrivateMessage!;
        var retargeted = oldMessage with { Epoch = next.Epoch };
        Assert.Throws<MessageRejectedException>(() => restored.ProcessAndMerge(new Courier.Mls.Messages.MLSMessage(retargeted).ToBytes()));
    }

    [Fact]
    public void Post_compromise_security_after_an_update_commit_an_old_copy_of_the_state_cannot_decrypt()
    {
        using var cell = new Cell(Suite, 3);

        // The adversary copies member 2's whole state.
        using var stolen = cell[2].Save();
        using var adversary = stolen.Restore();

        // Member 2 heals: its commit replaces every secret on its path.
        var update = cell[2].Commit();
        cell.Deliver(update.Commit, 2);
        cell.AssertAgreement();

        // The stolen copy cannot follow the commit of the member it was copied from.
        Assert.ThrowsAny<Exception>(() => adversary.ProcessAndMerge(update.Commit));
        var message = cell[0].Protect("after healing"u8);
        Assert.Equal("after healing"u8.ToArray(), cell[2].ProcessAndMerge(message).ApplicationData);
        Assert.Equal(MlsCheck.Epoch, Assert.Throws<MessageRejectedException>(() => adversary.ProcessAndMerge(message)).Check);
    }

    [Fact]
    public void A_restored_state_continues_exactly_where_it_stopped()
    {
        using var cell = new Cell(Suite, 3);
        var early = cell[1].Protect("one"u8);
        var late = cell[1].Protect("two"u8);
        Assert.Equal("two"u8.ToArray(), cell[2].ProcessAndMerge(late).ApplicationData);

        using var saved = cell[2].Save();
        cell[2].Dispose();
        cell.Members[2].Group = saved.Restore();
        using (var again = cell[2].Save())
        {
            Assert.True(saved.ContentEquals(again));
        }

        // The out-of-order key kept for "one" survived; "two" stays consumed.
        Assert.Equal("one"u8.ToArray(), cell[2].ProcessAndMerge(early).ApplicationData);
        Assert.Equal(MlsCheck.Generation, Assert.Throws<MessageRejectedException>(() => cell[2].ProcessAndMerge(late)).Check);
        cell.Deliver(cell[2].Commit().Commit, 2);
        cell.AssertAgreement();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}

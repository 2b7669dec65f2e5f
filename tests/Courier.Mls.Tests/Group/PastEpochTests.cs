using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Mls.Tests.Group;

/// <summary>RFC 9420 §15.2: reading late application messages of epochs a member has left, when it chose to keep them.</summary>
public class PastEpochTests
{
    private const CipherSuiteId Suite = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

    [Fact]
    public void A_member_that_keeps_two_past_epochs_reads_late_messages_once_and_only_from_those()
    {
        using var cell = new Cell(Suite, 3);
        cell[2].RetainedPastEpochs = 2;
        var fromEpoch1 = cell[1].Protect("sent in epoch 1"u8);
        cell.Deliver(cell[0].Commit().Commit, 0);
        var fromEpoch2 = cell[1].Protect("sent in epoch 2"u8);
        cell.Deliver(cell[0].Commit().Commit, 0);
        var fromEpoch3 = cell[1].Protect("sent in epoch 3"u8);
        cell.Deliver(cell[0].Commit().Commit, 0);

        // Epoch 4 now; epochs 3 and 2 are kept, epoch 1 has aged out.
        using (var saved = cell[2].Save())
        {
            cell[2].Dispose();
            cell.Members[2].Group = saved.Restore();
        }

        Assert.Equal(2, cell[2].RetainedPastEpochs);
        var late = cell[2].ProcessAndMerge(fromEpoch3);
        Assert.Equal("sent in epoch 3"u8.ToArray(), late.ApplicationData);
        Assert.Equal(3ul, late.Epoch);
        Assert.Equal("sent in epoch 2"u8.ToArray(), cell[2].ProcessAndMerge(fromEpoch2).ApplicationData);
        GroupRejectionTests.AssertRejectedUnchanged(cell[2], fromEpoch3, MlsCheck.Generation);
        GroupRejectionTests.AssertRejectedUnchanged(cell[2], fromEpoch1, MlsCheck.Epoch);
    }

    [Fact]
    public void By_default_nothing_of_a_left_epoch_is_kept()
    {
        using var cell = new Cell(Suite, 3);
        Assert.Equal(0, cell[2].RetainedPastEpochs);
        var late = cell[1].Protect("late"u8);
        cell.Deliver(cell[0].Commit().Commit, 0);
        GroupRejectionTests.AssertRejectedUnchanged(cell[2], late, MlsCheck.Epoch);
        Assert.Throws<ArgumentOutOfRangeException>(() => cell[2].RetainedPastEpochs = MlsGroup.MaxRetainedPastEpochs + 1);
    }
}

using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Mls.Tests.Group;

/// <summary>
/// 200 epochs of random adds, removes, updates (by Update proposal or by the committer's own path)
/// and application messages across 2 to 30 members, each member's changes applied to its own store
/// (<see cref="MlsGroup.TakeChanges"/>) and members restored from it at random points, also between a
/// proposal and its commit; after every epoch all members agree on the epoch
/// authenticator, and every application message reaches every other member.
/// </summary>
public class RandomizedGroupTest
{
    [Theory]
    [InlineData(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 20261124)]
    [InlineData(CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519, 7)]
    public void Two_hundred_random_epochs_keep_every_member_in_agreement(CipherSuiteId suite, int seed)
    {
        var random = new Random(seed);
        using var cell = new Cell(suite, 2);
        var stores = new Dictionary<Member, StoredGroup>();
        for (var epoch = 0; epoch < 200; epoch++)
        {
            var active = cell.Members.Where(m => m.Group is { IsActive: true }).ToList();
            var committer = cell.Members.IndexOf(active[random.Next(active.Count)]);
            var action = random.Next(4);
            if (action == 0 && active.Count < 30)
            {
                cell.Add(random.Next(1, Math.Min(4, 31 - active.Count)), committer);
            }
            else if (action == 1 && active.Count > 2)
            {
                var victims = active.Where(m => m != cell.Members[committer]).OrderBy(_ => random.Next()).Take(random.Next(1, Math.Min(3, active.Count - 1))).ToList();
                cell.Deliver(cell[committer].Commit(removeLeaves: victims.Select(v => v.Group!.OwnLeafIndex)).Commit, committer);
                foreach (var victim in victims)
                {
                    Assert.False(victim.Group!.IsActive);
                }
            }
            else if (action == 2 && active.Count > 1)
            {
                var updaters = active.Where(m => m != cell.Members[committer]).OrderBy(_ => random.Next()).Take(random.Next(1, active.Count)).ToList();
                foreach (var updater in updaters)
                {
                    cell.Deliver(updater.Group!.ProposeUpdate(), cell.Members.IndexOf(updater));
                }

                RestoreSome(cell, stores, random);
                cell.Deliver(cell[committer].Commit().Commit, committer);
            }
            else
            {
                cell.Deliver(cell[committer].Commit().Commit, committer);
            }

            cell.AssertAgreement();
            ExchangeMessages(cell, random);
            RestoreSome(cell, stores, random);
        }

        foreach (var store in stores.Values)
        {
            store.Dispose();
        }
    }

    private static void ExchangeMessages(Cell cell, Random random)
    {
        var active = cell.Members.Where(m => m.Group is { IsActive: true }).ToList();
        for (var n = random.Next(3); n > 0; n--)
        {
            var sender = active[random.Next(active.Count)];
            var text = BitConverter.GetBytes(random.Next());
            var message = sender.Group!.Protect(text);
            foreach (var receiver in active.Where(m => m != sender))
            {
                Assert.Equal(text, receiver.Group!.ProcessAndMerge(message).ApplicationData);
            }
        }
    }

    private static void RestoreSome(Cell cell, Dictionary<Member, StoredGroup> stores, Random random)
    {
        foreach (var member in cell.Members.Where(m => m.Group is { IsActive: true }))
        {
            if (!stores.TryGetValue(member, out var store))
            {
                stores[member] = store = new StoredGroup();
            }

            store.Apply(member.Group!.TakeChanges());
            if (random.Next(10) == 0)
            {
                var restored = store.Restore();
                using (var expected = member.Group.Save())
                using (var actual = restored.Save())
                {
                    Assert.True(expected.ContentEquals(actual), "the restored group differs from the stored one");
                }

                member.Group.Dispose();
                member.Group = restored;
            }
        }
    }
}

using System.Text;
using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Mls.Tests.Group;

/// <summary>Test members: a code name, a signing key, and KeyPackages on demand.</summary>
internal sealed class Member : IDisposable
{
    private readonly List<KeyPackageBundle> _bundles = [];

    public Member(string codeName, CipherSuiteId suite)
    {
        CodeName = codeName;
        Suite = suite;
        Signer = SignaturePrivateKey.Generate(SystemRandom.Instance, suite);
    }

    public string CodeName { get; }

    public CipherSuiteId Suite { get; }

    public SignaturePrivateKey Signer { get; }

    public MlsGroup? Group { get; set; }

    /// <summary>A fresh KeyPackage, valid from 2020 to 2100; the bundle stays with the member.</summary>
    public KeyPackageBundle NewKeyPackage()
    {
        var bundle = KeyPackageBundle.Generate(Suite, Encoding.UTF8.GetBytes(CodeName), Signer, 1_577_836_800, 4_102_444_800, SystemRandom.Instance);
        _bundles.Add(bundle);
        return bundle;
    }

    public void Dispose()
    {
        Group?.Dispose();
        Signer.Dispose();
        foreach (var bundle in _bundles)
        {
            bundle.Dispose();
        }
    }
}

/// <summary>A cell of members sharing one group, for tests.</summary>
internal sealed class Cell : IDisposable
{
    public Cell(CipherSuiteId suite, int size)
    {
        Suite = suite;
        var creator = new Member("member-0", suite);
        creator.Group = Groups.Create("cell"u8.ToArray(), creator.NewKeyPackage(), SystemRandom.Instance);
        Members.Add(creator);
        Add(size - 1);
    }

    public CipherSuiteId Suite { get; }

    public List<Member> Members { get; } = [];

    public MlsGroup this[int i] => Members[i].Group!;

    /// <summary>Member 0 adds <paramref name="count"/> new members in one commit; everyone follows.</summary>
    public void Add(int count, int committer = 0)
    {
        if (count == 0)
        {
            return;
        }

        var joiners = Enumerable.Range(0, count).Select(i => new Member($"member-{Members.Count + i}", Suite)).ToList();
        var bundles = joiners.Select(j => j.NewKeyPackage()).ToList();
        var result = this[committer].Commit(addKeyPackages: bundles.Select(b => b.KeyPackageBytes));
        Deliver(result.Commit, committer);
        for (var i = 0; i < joiners.Count; i++)
        {
            joiners[i].Group = Groups.JoinFromWelcome(result.Welcome!, bundles[i], SystemRandom.Instance);
        }

        Members.AddRange(joiners);
    }

    /// <summary>Hands a handshake message to every member, the sender included (its pending commit merges).</summary>
    public void Deliver(byte[] message, int sender)
    {
        foreach (var member in Members.Where(m => m.Group is { IsActive: true }))
        {
            member.Group!.ProcessAndMerge(message);
        }
    }

    public void AssertAgreement()
    {
        var active = Members.Where(m => m.Group is { IsActive: true }).ToList();
        var authenticator = active[0].Group!.EpochAuthenticator();
        foreach (var member in active)
        {
            Assert.Equal(authenticator, member.Group!.EpochAuthenticator());
        }
    }

    public void Dispose()
    {
        foreach (var member in Members)
        {
            member.Dispose();
        }
    }
}

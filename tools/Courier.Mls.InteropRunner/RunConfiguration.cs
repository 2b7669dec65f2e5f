namespace Courier.Mls.InteropRunner;

/// <summary>
/// One way to run a script: a ciphersuite, a handshake mode and an assignment of every actor to a
/// client (the working group's runner's <c>ScriptActorConfig</c>). <see cref="RandomSeed"/> is set
/// when the assignment was drawn at random.
/// </summary>
internal sealed record RunConfiguration(
    uint CipherSuite,
    bool EncryptHandshake,
    IReadOnlyList<KeyValuePair<string, InteropClient>> Assignment,
    int? RandomSeed);

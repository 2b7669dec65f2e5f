namespace Courier.Mls.TranscriptHash;

/// <summary>
/// RFC 9420 §8.2: the confirmed and interim transcript hashes after a Commit. Both start as the
/// empty string at epoch 0.
/// </summary>
/// <param name="Confirmed">confirmed_transcript_hash, the GroupContext field of the new epoch.</param>
/// <param name="Interim">interim_transcript_hash, the input of the next Commit's update.</param>
internal sealed record TranscriptHashes(byte[] Confirmed, byte[] Interim)
{
    /// <summary>The hashes of epoch 0 (RFC 9420 §8.2, §11).</summary>
    public static TranscriptHashes Initial() => new([], []);

    /// <summary>confirmed_transcript_hash = Hash(interim_transcript_hash_before || ConfirmedTranscriptHashInput).</summary>
    public static byte[] NextConfirmed(CipherSuite suite, ReadOnlySpan<byte> interimBefore, ConfirmedTranscriptHashInput input)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(input);
        var writer = new TlsWriter(interimBefore.Length + 256);
        writer.WriteFixed(interimBefore);
        input.Encode(writer);
        return suite.Hash(writer.Written);
    }

    /// <summary>interim_transcript_hash = Hash(confirmed_transcript_hash || InterimTranscriptHashInput).</summary>
    public static byte[] NextInterim(CipherSuite suite, ReadOnlySpan<byte> confirmed, InterimTranscriptHashInput input)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(input);
        var writer = new TlsWriter(confirmed.Length + input.ConfirmationTag.Length + 8);
        writer.WriteFixed(confirmed);
        input.Encode(writer);
        return suite.Hash(writer.Written);
    }

    /// <summary>
    /// Both hashes after <paramref name="commit"/>, which must carry a Commit (and so a
    /// confirmation tag), starting from this state's interim hash.
    /// </summary>
    public TranscriptHashes Next(CipherSuite suite, AuthenticatedContent commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        var confirmed = NextConfirmed(suite, Interim, ConfirmedTranscriptHashInput.From(commit));
        var interim = NextInterim(suite, confirmed, new InterimTranscriptHashInput(commit.Auth.ConfirmationTag!));
        return new TranscriptHashes(confirmed, interim);
    }

    public bool Equals(TranscriptHashes? other)
        => other is not null && Confirmed.AsSpan().SequenceEqual(other.Confirmed) && Interim.AsSpan().SequenceEqual(other.Interim);

    public override int GetHashCode() => HashCode.Combine(Confirmed.Length, Interim.Length);
}

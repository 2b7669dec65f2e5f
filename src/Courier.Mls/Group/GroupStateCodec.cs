namespace Courier.Mls.Group;

/// <summary>
/// The epoch state of a group: everything <see cref="MlsGroup"/> holds except what changes per
/// message, the current epoch's secret tree secrets and sent-message fingerprints, which are
/// stored as separate records (<see cref="GroupRecords"/>). Together they let a restored group
/// continue exactly where it stopped. It holds secrets; the caller encrypts it at rest.
/// <code>
/// struct {
///   uint16 format = 3;                      // 2: pending has no new_signer_seed
///   opaque signer_seed&lt;V&gt;;
///   ExternalPsk external_psks&lt;V&gt;;          // { opaque id&lt;V&gt;; opaque psk&lt;V&gt; }
///   Epoch current;                          // with secret_tree = uint32 leaf_count and no sent: those are records
///   optional&lt;PendingCommit&gt; pending;       // { opaque message&lt;V&gt;; Epoch staged; opaque new_signer_seed&lt;V&gt;; }, written whole; the seed empty unless the commit changes this member's credential
///   uint8 retained_past_epochs;
///   PastEpoch past&lt;V&gt;;                     // { GroupContext; optional&lt;Node&gt; ratchet_tree&lt;V&gt;; opaque sender_data_secret&lt;V&gt;; EncryptionSecretTree }
/// } GroupState;
/// struct {
///   GroupContext context; optional&lt;Node&gt; ratchet_tree&lt;V&gt;; uint32 own_leaf; uint8 removed;
///   opaque interim_transcript_hash&lt;V&gt;; CachedProposal proposals&lt;V&gt;;
///   TreeKemPrivateKeys private_keys; EpochSecrets secrets; EncryptionSecretTree secret_tree;
///   ResumptionPsk resumption_psks&lt;V&gt;;     // { uint64 epoch; opaque psk&lt;V&gt; }
///   opaque pending_leaf_keys&lt;V&gt;;          // private keys of this member's Update proposals, 32 bytes each
///   Sent sent&lt;V&gt;;                          // { opaque fingerprint&lt;V&gt;; uint8 kind; }
///   optional&lt;ReInit&gt; pending_reinit;
/// } Epoch;
/// </code>
/// </summary>
internal static class GroupStateCodec
{
    private const ushort Format = 3;

    /// <summary>The format before a pending commit could carry a new signing key; read, never written.</summary>
    private const ushort FormatWithoutNewSigner = 2;

    /// <summary>Generous room for everything: the writer must not grow, or it would leave copies of secrets behind.</summary>
    private const int Slack = 1 << 16;

    public static Secret Write(SignaturePrivateKey signer, IReadOnlyDictionary<string, Secret> externalPsks, GroupEpoch epoch, (byte[] Message, GroupEpoch Staged, SignaturePrivateKey? NewSigner)? pending, int retainedPastEpochs, IReadOnlyList<PastEpoch> past)
    {
        var capacity = Capacity(epoch) + (pending is { } p ? Capacity(p.Staged) + p.Message.Length : 0)
            + past.Sum(e => Slack + (int)(e.Tree.LeafCount * 1024) + e.SecretTree.EncodedLength);
        var writer = new TlsWriter(capacity);
        try
        {
            writer.WriteUInt16(Format);
            using (var seed = signer.ExportPrivateKey())
            {
                writer.WriteOpaque(seed.Span);
            }

            var psks = new TlsWriter(256 + (externalPsks.Count * 128));
            foreach (var (id, psk) in externalPsks)
            {
                psks.WriteOpaque(Convert.FromHexString(id));
                psks.WriteOpaque(psk.Span);
            }

            writer.WriteOpaque(psks.Written);
            psks.Wipe();
            WriteEpoch(writer, epoch, whole: false);
            writer.WriteUInt8(pending is null ? (byte)0 : (byte)1);
            if (pending is { } pendingCommit)
            {
                writer.WriteOpaque(pendingCommit.Message);
                WriteEpoch(writer, pendingCommit.Staged, whole: true);
                using var newSeed = pendingCommit.NewSigner?.ExportPrivateKey();
                writer.WriteOpaque(newSeed is null ? [] : newSeed.Span);
            }

            writer.WriteUInt8((byte)retainedPastEpochs);
            writer.WriteUInt8((byte)past.Count);
            foreach (var old in past)
            {
                old.Context.Encode(writer);
                Node.EncodeRatchetTree(writer, old.Tree.ToNodes());
                writer.WriteOpaque(old.SenderDataSecret.Span);
                old.SecretTree.WriteTo(writer);
            }

            return Secret.Copy(writer.Written);
        }
        finally
        {
            writer.Wipe();
        }
    }

    public static (SignaturePrivateKey Signer, Dictionary<string, Secret> ExternalPsks, GroupEpoch Epoch, (byte[] Message, GroupEpoch Staged, SignaturePrivateKey? NewSigner)? Pending, int RetainedPastEpochs, List<PastEpoch> Past) Read(ReadOnlySpan<byte> state)
    {
        var reader = new TlsReader(state, "GroupState");
        var format = reader.ReadUInt16();
        if (format is not (Format or FormatWithoutNewSigner))
        {
            throw reader.Error(DecodeError.InvalidValue);
        }

        // The signer's scheme is the suite's, known once the epoch is read.
        using var signerKey = Secret.Copy(reader.ReadOpaque());
        SignaturePrivateKey? signer = null;
        var psks = new Dictionary<string, Secret>();
        GroupEpoch? epoch = null;
        GroupEpoch? staged = null;
        var past = new List<PastEpoch>();
        Secret? newSeed = null;
        try
        {
            var psksReader = reader.ReadVector();
            while (!psksReader.IsEmpty)
            {
                var id = Convert.ToHexString(psksReader.ReadOpaque());
                psks[id] = Secret.Copy(psksReader.ReadOpaque());
            }

            epoch = ReadEpoch(ref reader, whole: false);
            (byte[], GroupEpoch, SignaturePrivateKey?)? pending = null;
            if (reader.ReadPresence())
            {
                var message = reader.ReadOpaqueArray();
                staged = ReadEpoch(ref reader, whole: true);
                newSeed = format == Format ? Secret.Copy(reader.ReadOpaque()) : null;
                pending = (message, staged, null);
            }

            var retained = reader.ReadUInt8();
            var count = reader.ReadUInt8();
            if (retained > MlsGroup.MaxRetainedPastEpochs || count > retained)
            {
                throw reader.Error(DecodeError.InvalidValue);
            }

            for (var i = 0; i < count; i++)
            {
                var context = GroupContext.Decode(ref reader);
                var suite = CipherSuite.Find(context.CipherSuite) ?? throw reader.Error(DecodeError.InvalidValue);
                var tree = RatchetTree.FromNodes(suite, Node.DecodeRatchetTree(ref reader));
                var senderData = Secret.Copy(reader.ReadOpaque());
                try
                {
                    past.Add(new PastEpoch(context, tree, senderData, EncryptionSecretTree.ReadFrom(suite, ref reader)));
                }
                catch
                {
                    senderData.Dispose();
                    throw;
                }
            }

            reader.EnsureEnd();
            signer = ImportSigner(signerKey.Span, epoch.Suite);
            using (newSeed)
            {
                if (pending is { } p && newSeed is { Length: > 0 })
                {
                    pending = (p.Item1, p.Item2, ImportSigner(newSeed.Span, epoch.Suite));
                }
            }

            return (signer, psks, epoch, pending, retained, past);
        }
        catch
        {
            signer?.Dispose();
            newSeed?.Dispose();
            epoch?.Dispose();
            staged?.Dispose();
            past.ForEach(p => p.Dispose());
            foreach (var psk in psks.Values)
            {
                psk.Dispose();
            }

            throw;
        }
    }

    /// <summary>The stored signing key of the group's scheme; a DecodeException when it is not one (a P-256 scalar out of range).</summary>
    private static SignaturePrivateKey ImportSigner(ReadOnlySpan<byte> key, CipherSuite suite)
    {
        try
        {
            return SignaturePrivateKey.Import(key, suite.Id);
        }
        catch (ArgumentException)
        {
            throw new DecodeException(DecodeError.InvalidValue, "GroupState");
        }
    }

    /// <summary>A stored HPKE private key of the group's KEM; a DecodeException when it is not one.</summary>
    private static Hpke.HpkePrivateKey ImportHpkeKey(ReadOnlySpan<byte> key, CipherSuite suite)
    {
        try
        {
            return Hpke.HpkePrivateKey.Import(key, suite.Hpke.Kem);
        }
        catch (ArgumentException)
        {
            throw new DecodeException(DecodeError.InvalidValue, "GroupState");
        }
    }

    private static int Capacity(GroupEpoch epoch) => Slack + (int)(epoch.Tree.LeafCount * 1024) + epoch.SecretTree.EncodedLength;

    /// <summary>Writes an epoch; unless <paramref name="whole"/>, its secret tree is only its leaf count and its sent messages are left out (they are records).</summary>
    private static void WriteEpoch(TlsWriter writer, GroupEpoch epoch, bool whole)
    {
        epoch.Context.Encode(writer);
        Node.EncodeRatchetTree(writer, epoch.Tree.ToNodes());
        writer.WriteUInt32(epoch.OwnLeaf);
        writer.WriteUInt8(epoch.Removed ? (byte)1 : (byte)0);
        writer.WriteOpaque(epoch.InterimTranscriptHash);
        writer.WriteVarint(ProposalsLength(epoch.Proposals));
        foreach (var proposal in epoch.Proposals)
        {
            writer.WriteOpaque(proposal.Reference);
            proposal.Proposal.Encode(writer);
            proposal.Sender.Encode(writer);
        }

        using (var keys = epoch.PrivateKeys.Export())
        {
            writer.WriteOpaque(keys.Span);
        }

        epoch.Secrets.WriteTo(writer);
        if (whole)
        {
            epoch.SecretTree.WriteTo(writer);
        }
        else
        {
            writer.WriteUInt32(epoch.SecretTree.LeafCount);
        }

        var count = epoch.ResumptionPsks.Count;
        writer.WriteVarint(count * (8 + TlsWriter.OpaqueSize(epoch.Suite.HashSize)));
        foreach (var (number, psk) in epoch.ResumptionPsks)
        {
            writer.WriteUInt64(number);
            writer.WriteOpaque(psk.Span);
        }

        writer.WriteVarint(epoch.PendingLeafKeys.Count * TlsWriter.OpaqueSize(Hpke.HpkePrivateKey.Size));
        foreach (var key in epoch.PendingLeafKeys.Values)
        {
            using var bytes = key.ExportPrivateKey();
            writer.WriteOpaque(bytes.Span);
        }

        if (whole)
        {
            var sent = new TlsWriter();
            foreach (var (fingerprint, kind) in epoch.Sent)
            {
                sent.WriteOpaque(Convert.FromHexString(fingerprint));
                sent.WriteUInt8((byte)kind);
            }

            writer.WriteOpaque(sent.Written);
        }

        writer.WriteOptional(epoch.PendingReInit);
    }

    private static int ProposalsLength(List<CachedProposal> proposals)
    {
        var measure = new TlsWriter();
        foreach (var proposal in proposals)
        {
            measure.WriteOpaque(proposal.Reference);
            proposal.Proposal.Encode(measure);
            proposal.Sender.Encode(measure);
        }

        return measure.Length;
    }

    private static GroupEpoch ReadEpoch(ref TlsReader reader, bool whole)
    {
        var context = GroupContext.Decode(ref reader);
        var suite = CipherSuite.Find(context.CipherSuite) ?? throw reader.Error(DecodeError.InvalidValue);
        var tree = RatchetTree.FromNodes(suite, Node.DecodeRatchetTree(ref reader));
        var ownLeaf = reader.ReadUInt32();
        var removed = reader.ReadPresence();
        var interim = reader.ReadOpaqueArray(suite.HashSize, suite.HashSize);
        var proposals = new List<CachedProposal>();
        var proposalReader = reader.ReadVector();
        while (!proposalReader.IsEmpty)
        {
            proposals.Add(new CachedProposal(proposalReader.ReadOpaqueArray(), Proposal.Decode(ref proposalReader), Sender.Decode(ref proposalReader)));
        }

        TreeKemPrivateKeys? keys = null;
        EpochSecrets? secrets = null;
        EncryptionSecretTree? secretTree = null;
        var psks = new SortedDictionary<ulong, Secret>();
        try
        {
            keys = TreeKemPrivateKeys.Import(reader.ReadOpaque(), suite);
            secrets = EpochSecrets.ReadFrom(suite, ref reader);
            if (whole)
            {
                secretTree = EncryptionSecretTree.ReadFrom(suite, ref reader);
            }
            else
            {
                // The secrets come from the records; the tree's shape must be the ratchet tree's.
                var leafCount = reader.ReadUInt32();
                if (leafCount != tree.LeafCount)
                {
                    throw reader.Error(DecodeError.InvalidValue);
                }

                secretTree = EncryptionSecretTree.Empty(suite, leafCount, "GroupState");
            }

            if (ownLeaf >= tree.LeafCount || secretTree.LeafCount != tree.LeafCount)
            {
                throw reader.Error(DecodeError.InvalidValue);
            }

            var pskReader = reader.ReadVector();
            while (!pskReader.IsEmpty)
            {
                var number = pskReader.ReadUInt64();
                var psk = pskReader.ReadOpaque();
                if (psk.Length != suite.HashSize || !psks.TryAdd(number, Secret.Copy(psk)))
                {
                    throw pskReader.Error(DecodeError.InvalidValue);
                }
            }

            var pendingKeys = new List<Hpke.HpkePrivateKey>();
            var keyReader = reader.ReadVector();
            while (!keyReader.IsEmpty)
            {
                var key = keyReader.ReadOpaque();
                if (key.Length != Hpke.HpkePrivateKey.Size)
                {
                    pendingKeys.ForEach(k => k.Dispose());
                    throw keyReader.Error(DecodeError.LengthOutOfRange);
                }

                try
                {
                    pendingKeys.Add(ImportHpkeKey(key, suite));
                }
                catch
                {
                    pendingKeys.ForEach(k => k.Dispose());
                    throw;
                }
            }

            var sent = new Dictionary<string, ProcessedKind>();
            var sentReader = whole ? reader.ReadVector() : default;
            while (whole && !sentReader.IsEmpty)
            {
                var fingerprint = Convert.ToHexString(sentReader.ReadOpaque());
                var kind = sentReader.ReadUInt8();
                if (kind > (byte)ProcessedKind.Commit)
                {
                    pendingKeys.ForEach(k => k.Dispose());
                    throw sentReader.Error(DecodeError.InvalidValue);
                }

                sent[fingerprint] = (ProcessedKind)kind;
            }

            var pendingReInit = reader.ReadOptional(ReInit.Decode);
            var epoch = new GroupEpoch
            {
                Suite = suite,
                Context = context,
                Tree = tree,
                OwnLeaf = ownLeaf,
                PrivateKeys = keys,
                Secrets = secrets,
                SecretTree = secretTree,
                InterimTranscriptHash = interim,
                ResumptionPsks = psks,
                Removed = removed,
                PendingReInit = pendingReInit,
            };
            epoch.Proposals.AddRange(proposals);
            foreach (var key in pendingKeys)
            {
                epoch.PendingLeafKeys[Convert.ToHexString(key.PublicKey)] = key;
            }

            foreach (var (fingerprint, kind) in sent)
            {
                epoch.Sent[fingerprint] = kind;
            }

            return epoch;
        }
        catch
        {
            keys?.Dispose();
            secrets?.Dispose();
            secretTree?.Dispose();
            foreach (var psk in psks.Values)
            {
                psk.Dispose();
            }

            throw;
        }
    }
}

using System.Text.Json;
using Courier.Mls.Codec;
using Courier.Mls.Messages;
using Courier.Mls.TranscriptHash;

namespace Courier.Mls.Tests.Messages;

/// <summary>
/// Real encodings of every structure, taken from the official vectors (messages.json,
/// transcript-hashes.json): the top-level fields as given, and the nested structures cut out of
/// them by decoding and re-encoding their parts.
/// </summary>
internal static class MessageSamples
{
    private static readonly Lazy<Dictionary<string, List<byte[]>>> Cache = new(Build);

    /// <summary>Encodings of the structure called <paramref name="name"/> (names as in <see cref="Names"/>).</summary>
    public static IReadOnlyList<byte[]> Of(string name) => Cache.Value[name];

    public static IEnumerable<string> Names => Cache.Value.Keys;

    /// <summary>One field of messages.json, case <paramref name="index"/>.</summary>
    public static byte[] Field(string field, int index = 0)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(TestVectorPaths.Mls("messages.json")));
        return Convert.FromHexString(document.RootElement[index].GetProperty(field).GetString()!);
    }

    public static T Decode<T>(byte[] bytes, ReadFunc<T> read) => TlsReader.Decode(bytes, typeof(T).Name, read);

    private static Dictionary<string, List<byte[]>> Build()
    {
        var samples = new Dictionary<string, List<byte[]>>(StringComparer.Ordinal);
        void Put(string name, ITlsEncodable value) => PutRaw(name, TlsWriter.Encode(value));
        void PutRaw(string name, byte[] bytes)
        {
            if (!samples.TryGetValue(name, out var list))
            {
                samples[name] = list = [];
            }

            if (!list.Any(b => b.AsSpan().SequenceEqual(bytes)))
            {
                list.Add(bytes);
            }
        }

        void AddLeaf(LeafNode leaf)
        {
            Put(nameof(LeafNode), leaf);
            Put(nameof(Credential), leaf.Credential);
            Put(nameof(Capabilities), leaf.Capabilities);
            Put(nameof(LeafNodeTBS), leaf.LeafNodeSource == LeafNodeSource.KeyPackage ? leaf.ToBeSigned(null, null) : leaf.ToBeSigned([1, 2, 3], 7));
            Put(nameof(ExternalSender), new ExternalSender(leaf.SignatureKey, leaf.Credential));
            PutRaw("ExternalSenders", Encode(w => ExternalSender.EncodeList(w, [new ExternalSender(leaf.SignatureKey, leaf.Credential), new ExternalSender([9], Credential.Basic([1]))])));
            PutRaw("Extensions", Encode(w => w.WriteVector(leaf.Extensions)));
            if (leaf.Extensions.Count > 0)
            {
                Put(nameof(Extension), leaf.Extensions[0]);
            }
        }

        void AddKeyPackage(KeyPackage keyPackage)
        {
            Put(nameof(KeyPackage), keyPackage);
            Put(nameof(KeyPackageTBS), keyPackage.ToBeSigned());
            AddLeaf(keyPackage.LeafNode);
        }

        void AddProposal(Proposal proposal)
        {
            Put(nameof(Proposal), proposal);
            Put(proposal.Body.GetType().Name, proposal.Body);
            switch (proposal.Body)
            {
                case Add add:
                    AddKeyPackage(add.KeyPackage);
                    break;
                case Update update:
                    AddLeaf(update.LeafNode);
                    break;
                case PreSharedKey psk:
                    Put(nameof(PreSharedKeyID), psk.Psk);
                    break;
            }
        }

        void AddCommit(Commit commit)
        {
            Put(nameof(Commit), commit);
            foreach (var proposalOrRef in commit.Proposals)
            {
                Put(nameof(ProposalOrRef), proposalOrRef);
                if (proposalOrRef.Proposal is not null)
                {
                    AddProposal(proposalOrRef.Proposal);
                }
            }

            if (commit.Path is not null)
            {
                Put(nameof(UpdatePath), commit.Path);
                AddLeaf(commit.Path.LeafNode);
                foreach (var node in commit.Path.Nodes)
                {
                    Put(nameof(UpdatePathNode), node);
                    foreach (var ciphertext in node.EncryptedPathSecret)
                    {
                        Put(nameof(HPKECiphertext), ciphertext);
                    }
                }
            }
        }

        GroupContext? groupContext = null;
        void AddFramed(AuthenticatedContent content)
        {
            Put(nameof(AuthenticatedContent), content);
            Put(nameof(FramedContent), content.Content);
            Put(nameof(FramedContentAuthData), content.Auth);
            var context = FramedContentTBS.HasContext(content.Content.Sender.SenderType) ? groupContext : null;
            var tbs = new FramedContentTBS(content.WireFormat, content.Content, context);
            Put(nameof(FramedContentTBS), tbs);
            Put(nameof(AuthenticatedContentTBM), new AuthenticatedContentTBM(tbs, content.Auth));
            if (content.Content.Proposal is not null)
            {
                AddProposal(content.Content.Proposal);
            }

            if (content.Content.Commit is not null)
            {
                AddCommit(content.Content.Commit);
                Put(nameof(ConfirmedTranscriptHashInput), ConfirmedTranscriptHashInput.From(content));
                Put(nameof(InterimTranscriptHashInput), new InterimTranscriptHashInput(content.Auth.ConfirmationTag!));
            }
        }

        using (var document = JsonDocument.Parse(File.ReadAllBytes(TestVectorPaths.Mls("messages.json"))))
        {
            var cases = document.RootElement.EnumerateArray().ToList();
            foreach (var testCase in new[] { cases[0], cases[cases.Count / 2], cases[^1] })
            {
                byte[] Hex(string field) => Convert.FromHexString(testCase.GetProperty(field).GetString()!);

                foreach (var field in new[] { "mls_group_info", "mls_welcome", "mls_key_package", "public_message_application", "public_message_proposal", "public_message_commit", "private_message" })
                {
                    var bytes = Hex(field);
                    PutRaw(nameof(MLSMessage), bytes);
                    var message = Decode(bytes, MLSMessage.Decode);
                    switch (message.WireFormat)
                    {
                        case WireFormat.MlsGroupInfo:
                            var groupInfo = message.GroupInfo!;
                            groupContext = groupInfo.GroupContext;
                            Put(nameof(GroupInfo), groupInfo);
                            Put(nameof(GroupInfoTBS), groupInfo.ToBeSigned());
                            Put(nameof(GroupContext), groupInfo.GroupContext);
                            PutRaw("Extensions", Encode(w => w.WriteVector(groupInfo.Extensions)));
                            foreach (var extension in groupInfo.Extensions)
                            {
                                Put(nameof(Extension), extension);
                            }

                            break;
                        case WireFormat.MlsWelcome:
                            Put(nameof(Welcome), message.Welcome!);
                            foreach (var secrets in message.Welcome!.Secrets)
                            {
                                Put(nameof(EncryptedGroupSecrets), secrets);
                                Put(nameof(HPKECiphertext), secrets.Ciphertext);
                            }

                            break;
                        case WireFormat.MlsKeyPackage:
                            AddKeyPackage(message.KeyPackage!);
                            break;
                        case WireFormat.MlsPublicMessage:
                            Put(nameof(PublicMessage), message.PublicMessage!);
                            AddFramed(message.PublicMessage!.ToAuthenticatedContent());
                            break;
                        default:
                            Put(nameof(PrivateMessage), message.PrivateMessage!);
                            break;
                    }
                }

                PutRaw("RatchetTree", Hex("ratchet_tree"));
                foreach (var node in Decode(Hex("ratchet_tree"), Node.DecodeRatchetTree))
                {
                    if (node is null)
                    {
                        continue;
                    }

                    Put(nameof(Node), node);
                    if (node.LeafNode is not null)
                    {
                        AddLeaf(node.LeafNode);
                    }
                    else
                    {
                        Put(nameof(ParentNode), node.ParentNode!);
                    }
                }

                // The vectors' trees have one member: add a synthetic three-leaf tree with a
                // parent node, unmerged leaves and a blank leaf.
                var leaf = Decode(Hex("update_proposal"), LeafNode.Decode);
                var parent = new ParentNode(new byte[32], [0xAA, 0xBB], [2, 5]);
                Put(nameof(ParentNode), parent);
                Put(nameof(ParentNode), new ParentNode([], [], []));
                Put(nameof(Node), new Node(parent));
                PutRaw("RatchetTree", Encode(w => Node.EncodeRatchetTree(w, [new Node(leaf), new Node(parent), null, null, new Node(leaf)])));

                PutRaw(nameof(GroupSecrets), Hex("group_secrets"));
                using (var secrets = Decode(Hex("group_secrets"), GroupSecrets.Decode))
                {
                    foreach (var psk in secrets.Psks)
                    {
                        Put(nameof(PreSharedKeyID), psk);
                    }
                }

                foreach (var field in new[] { "add_proposal", "update_proposal", "remove_proposal", "pre_shared_key_proposal", "re_init_proposal", "external_init_proposal", "group_context_extensions_proposal" })
                {
                    var type = (ushort)(Array.IndexOf(["add_proposal", "update_proposal", "remove_proposal", "pre_shared_key_proposal", "re_init_proposal", "external_init_proposal", "group_context_extensions_proposal"], field) + 1);
                    AddProposal(Decode([(byte)(type >> 8), (byte)type, .. Hex(field)], Proposal.Decode));
                }

                AddCommit(Decode(Hex("commit"), Commit.Decode));
            }
        }

        using (var document = JsonDocument.Parse(File.ReadAllBytes(TestVectorPaths.Mls("transcript-hashes.json"))))
        {
            foreach (var testCase in document.RootElement.EnumerateArray().Take(3))
            {
                AddFramed(Decode(Convert.FromHexString(testCase.GetProperty("authenticated_content").GetString()!), AuthenticatedContent.Decode));
            }
        }

        Put(nameof(RequiredCapabilities), new RequiredCapabilities([0x0A0A, 0x0006], [(ProposalType)0x0008, ProposalType.Add], [CredentialType.Basic, (CredentialType)0x1A1A]));
        Put(nameof(RequiredCapabilities), new RequiredCapabilities([], [], []));
        Put(nameof(ExternalPub), new ExternalPub(new byte[32]));
        Put(nameof(Lifetime), new Lifetime(1, ulong.MaxValue));
        return samples;
    }

    private static byte[] Encode(Action<TlsWriter> write)
    {
        var writer = new TlsWriter();
        write(writer);
        return writer.ToArray();
    }
}

using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Courier.Covers;
using Courier.Relay.Client.Bundles;
using Spectre.Console;

namespace Courier.Cli.Commands;

/// <summary><c>courier cover embed|extract</c>: a bundle hidden in ordinary photographs (docs/covers.md).</summary>
internal static class CoverCommand
{
    private const string Description = """
        Hide a bundle in ordinary photographs, and find it again.
          1. 'courier bundle export --to FILE --all' writes the bundle.
          2. 'courier cover embed --cover PHOTO.png --bundle FILE --out OUT.png' hides it in your photograph by changing some pixel values by one, where the picture is busy. A bundle too large for one photograph goes into several (--cover A.png --cover B.png ...), carried together and given back in the same order.
          3. Whoever holds the keys of one of its cells runs 'courier cover extract OUT.png --out FILE', then 'courier bundle import FILE' (a member) or 'courier relay import FILE' (a relay's operator).
        Use your own camera's photographs, never shared before, saved as PNG after scaling them down (docs/covers.md says why). Every cover is used once: this node remembers the ones it used.
        An image that carries nothing, or something for others, gives the same answer: nothing found. A platform that re-compresses pictures destroys what they carry: send the file as it is.
        """;

    // The order of the samples used and the mask are seeded by this public constant: the payload is a
    // bundle, random in every byte and recognised only by its keyed index, so the key needs no secret.
    private static readonly byte[] Key = SHA256.HashData("courier cover image v1"u8);

    public static Command Create()
    {
        var cover = new Command("cover", Description);
        cover.Subcommands.Add(Embed());
        cover.Subcommands.Add(Extract());
        return cover;
    }

    private static Command Embed()
    {
        var covers = new Option<FileInfo[]>("--cover")
        {
            Description = "A PNG photograph of yours to hide the bundle in; repeat it to spread a large bundle over several, in order.",
            HelpName = "photo.png",
            Required = true,
        };
        var bundle = new Option<FileInfo>("--bundle") { Description = "The bundle ('courier bundle export').", HelpName = "file", Required = true };
        var output = new Option<FileInfo>("--out")
        {
            Description = "The image to write (it must not exist yet); with several covers, -1, -2, ... are added to its name.",
            HelpName = "out.png",
            Required = true,
        };
        var rate = new Option<double>("--rate")
        {
            Description = $"Bits hidden per pixel: fewer are harder to detect and need larger photographs. At most {CoverImage.MaxRate.ToString(CultureInfo.InvariantCulture)}.",
            HelpName = "bits",
            DefaultValueFactory = _ => CoverImage.DefaultRate,
        };
        var embed = new Command("embed", "Hide a bundle in one or more PNG photographs. The image written keeps the photograph's size, colour type, depth, metadata and compression; only some pixel values change, each by one. Photographs that would betray it are refused with the reason: palette images, screenshots, large flat areas, pictures decoded from a JPEG at full size, and any this node used before.")
        {
            covers, bundle, output, rate,
        };
        embed.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var payload = await BundleCommand.ReadAsync(parse.GetValue(bundle)!, ct).ConfigureAwait(false);
            var files = parse.GetValue(covers)!;
            var outputs = Outputs(parse.GetValue(output)!, files.Length);
            var images = new List<byte[]>();
            foreach (var file in files)
            {
                images.Add(await ReadImageAsync(file, ct).ConfigureAwait(false));
            }

            using var node = NodeCommandOptions.Open(parse);
            var bitsPerPixel = parse.GetValue(rate);
            IReadOnlyList<EmbedResult> results = [];
            void Run() => results = Refused(() => CoverImage.EmbedSpread(images, payload, Key, bitsPerPixel, node.UsedCoverDigests()), files);
            if (Console.IsOutputRedirected)
            {
                Run();
            }
            else
            {
                AnsiConsole.Status().Start($"hiding {payload.Length >> 10} KiB in {files.Length} photograph(s)", _ => Run());
            }

            // Marked used before anything is written: a cover is never offered twice, even after a failed write.
            node.RememberUsedCovers(results.Select(r => r.CoverDigest));
            for (var i = 0; i < results.Count; i++)
            {
                await BundleCommand.WriteNewAsync(outputs[i], results[i].Png, ct).ConfigureAwait(false);
            }

            var changes = results.Sum(r => r.Stats.Changes);
            var bits = results.Sum(r => (long)r.Stats.Bits);
            Console.WriteLine($"wrote {string.Join(", ", outputs.Select(o => o.Name))}: {changes:N0} pixel values changed by one for {bits:N0} bits ({(double)changes / bits:0.000} per bit)");
            Console.WriteLine("carry the image(s) as files, never through a service that re-compresses pictures; the covers are now marked used");
        }));
        return embed;
    }

    private static Command Extract()
    {
        var images = new Argument<FileInfo[]>("image") { Description = "The image, or the images of one bundle in the order they were written.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the bundle found (it must not exist yet).", HelpName = "file", Required = true };
        var extract = new Command("extract", "Find a bundle for one of this node's cells in images written by 'courier cover embed', and write it to a file for 'courier bundle import' or 'courier relay import'. Any other image, or one carrying something for others, gives the same answer: nothing found (exit code 1).")
        {
            images, output,
        };
        extract.SetAction(async (parse, ct) =>
        {
            var found = true;
            var code = await CommandRunner.RunAsync(async () =>
            {
                var target = parse.GetValue(output)!;
                if (target.Exists)
                {
                    throw new UsageException($"{target.FullName} exists already: choose another name, or delete it first.");
                }

                var files = parse.GetValue(images)!;
                var pictures = new List<byte[]>();
                foreach (var file in files)
                {
                    pictures.Add(await ReadImageAsync(file, ct).ConfigureAwait(false));
                }

                using var node = NodeCommandOptions.Open(parse);
                using var recognizer = await node.BundleRecognizerAsync().ConfigureAwait(false);
                var bundle = Refused(() => BundleFormat.Sizes.Select(size => Candidate(pictures, size)).FirstOrDefault(c => c is not null && recognizer.RecognizesBundle(c)), files);
                if (bundle is null)
                {
                    found = false;
                    Console.WriteLine("nothing found");
                    return;
                }

                await BundleCommand.WriteNewAsync(target, bundle, ct).ConfigureAwait(false);
                Console.WriteLine($"found a bundle of {bundle.Length >> 10} KiB: wrote {target.Name}; import it with 'courier bundle import {target.Name}' (or at a relay, 'courier relay import')");
            }).ConfigureAwait(false);
            return code == 0 && !found ? 1 : code;
        });
        return extract;
    }

    /// <summary>What the images would carry as a bundle of <paramref name="size"/> bytes; null when they are too small for it.</summary>
    private static byte[]? Candidate(List<byte[]> pictures, int size)
    {
        try
        {
            return CoverImage.ExtractSpread(pictures, size, Key);
        }
        catch (CoverRefusedException e) when (e.Reason == CoverRefusal.TooSmall)
        {
            return null;
        }
    }

    /// <summary>Runs <paramref name="body"/>, turning a refused cover into a usage error that says what to do.</summary>
    private static T Refused<T>(Func<T> body, FileInfo[] files)
    {
        try
        {
            return body();
        }
        catch (CoverRefusedException e)
        {
            var which = files.Length == 1 ? files[0].Name : "one of the images";
            var advice = e.Reason switch
            {
                CoverRefusal.TooSmall => $" Use a photograph of at least {e.NeededPixels:N0} pixels (about {Side(e.NeededPixels)} × {Side(e.NeededPixels)}), or several: --cover A.png --cover B.png.",
                CoverRefusal.UsedBefore => " A photograph carries one bundle, once: take another.",
                CoverRefusal.Malformed or CoverRefusal.TooLarge or CoverRefusal.BitDepth or CoverRefusal.Interlaced => " Save your photograph again as an 8-bit PNG, not interlaced.",
                _ => " Use one of your own camera's photographs, scaled down, saved as PNG (docs/covers.md).",
            };
            throw new UsageException($"{which} cannot be used ({e.Reason}): {e.Message}{advice}");
        }
    }

    private static long Side(long pixels) => (long)Math.Ceiling(Math.Sqrt(pixels));

    private static FileInfo[] Outputs(FileInfo output, int count)
    {
        var names = count == 1
            ? [output]
            : Enumerable.Range(1, count).Select(i => new FileInfo(Path.Combine(output.DirectoryName!, $"{Path.GetFileNameWithoutExtension(output.Name)}-{i}{output.Extension}"))).ToArray();
        if (names.FirstOrDefault(n => n.Exists) is { } existing)
        {
            throw new UsageException($"{existing.FullName} exists already: choose another name, or delete it first.");
        }

        return names;
    }

    private static async Task<byte[]> ReadImageAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new UsageException($"{file.FullName} does not exist.");
        }

        // Refused before it is read whole.
        if (file.Length > CoverImage.MaxFileBytes)
        {
            throw new UsageException($"{file.Name} is {file.Length:N0} bytes: larger than any photograph this accepts ({CoverImage.MaxFileBytes >> 20} MiB).");
        }

        return await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false);
    }
}

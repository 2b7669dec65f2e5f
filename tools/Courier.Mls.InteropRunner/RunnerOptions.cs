using System.Globalization;

namespace Courier.Mls.InteropRunner;

/// <summary>The runner's command line.</summary>
internal sealed class RunnerOptions
{
    public const string Usage = """
        Courier.Mls.InteropRunner: runs the MLS working group's interop scenario files against
        MLSClient gRPC servers (interop/proto/mls_client.proto), as the working group's test runner
        (mlswg/mls-implementations, interop/test-runner) does.

        usage: Courier.Mls.InteropRunner --client HOST:PORT [--client HOST:PORT ...] [options] PATH...

          PATH                     a scenario file (*.json) or a folder of them; --config PATH is the same
          --client HOST:PORT       an MLSClient server (plaintext HTTP/2); repeat for each server. Clients
                                   are called client0, client1, ... in the order given.
          --suite N                run ciphersuite N only; repeatable (default: 1, 2, 3 and 84). A suite is run
                                   with the clients that list it in SupportedCiphersuites.
          --handshake MODE         all (default), private or public: encrypt_handshake true, false or both
          --timeout SECONDS        deadline of each RPC (default 120, as the working group's runner)
          --connect-timeout SEC    how long to wait for each server to answer Name (default 30)
          --jobs N                 run up to N script runs at once (default 1: one call at a time)
          --max-assignments N      scripts with more than N assignments of actors to clients get one
                                   random assignment per suite and handshake mode (default 1024)
          --random                 one random assignment per suite and handshake mode for every script
          --all-assignments-suite N
                                   run every assignment for suite N only (repeatable); the other
                                   suites get one random assignment per script and mode, as --random
          --seed N                 seed of the random assignments (default 1)
          --only FILE[/SCRIPT]     run only this scenario file (name without .json) or script; repeatable
          --suite-only FILE[/SCRIPT]=N
                                   run this file or script on suite N only (repeatable, for more suites);
                                   its runs on the other suites are left out
          --limitations FILE       known limitations of clients (JSON, see the README); repeatable. A run
                                   that ends with an error RAISED BY a client (its own answer to a call)
                                   whose name, error text and scenario match an entry is reported as
                                   "skipped: peer limitation (<client>): <reason> [<error>]". Errors
                                   of other clients, failed checks and deadlines stay failures.
          --skip-alone CLIENT      leave out the assignments that put every actor on CLIENT (client0, ...):
                                   that client against itself, not interop (a random assignment is
                                   drawn again). Repeatable; the number left out is printed before the runs.
          --client-id-identities   give each actor the credential identity "<uuid>:1@interop.invalid" (the
                                   UUID from the SHA-256 of its name) instead of its name: Wire's
                                   core-crypto accepts no other form in a group
          --no-limitations CLIENT  never report an error raised by CLIENT (client0, client1, ...) as a
                                   limitation, and refuse a --limitations entry that names its server;
                                   for the implementation under test. Repeatable.
          -h, --help               print this text

        Every script of every file runs for each ciphersuite, each handshake mode and each assignment
        of the script's actors to the clients supporting that suite: with n clients and k actors,
        n^k assignments (the runner's "allCombinations" mode), unless --random or --max-assignments
        picks one random assignment instead (its "random" mode).

        Output: one line per run,
          <file> <script> suite=<n> handshake=<private|public> actors=<A=client0,B=client1,...>: <result>
        where <result> is "passed", "failed: <why>" (step number, action, client, RPC and status) or
        "skipped: <why>" (a client answered UNIMPLEMENTED, or a --limitations entry explains the
        client's error); then one tally line per script, one per file, the runs each limitation
        explained, and a final line "N passed, M failed, K skipped". Exit status: 0 when nothing failed, 1 when a run
        failed, 2 when the command line, a scenario file or a client connection is unusable.
        """;

    public List<string> Clients { get; } = [];

    public List<string> ConfigPaths { get; } = [];

    public List<uint> Suites { get; } = [];

    /// <summary>encrypt_handshake values to run, in the working group's runner's order.</summary>
    public List<bool> HandshakeModes { get; } = [true, false];

    public TimeSpan CallTimeout { get; private set; } = TimeSpan.FromSeconds(120);

    public TimeSpan ConnectTimeout { get; private set; } = TimeSpan.FromSeconds(30);

    public int Jobs { get; private set; } = 1;

    public long MaxAssignments { get; private set; } = 1024;

    public bool RandomOnly { get; private set; }

    /// <summary>With any given, the suites that get every assignment; the others get one random assignment per script and handshake mode.</summary>
    public HashSet<uint> AllAssignmentSuites { get; } = [];

    public int Seed { get; private set; } = 1;

    public List<string> Only { get; } = [];

    /// <summary>Files or scripts (<c>file</c> or <c>file/script</c>) run on these suites only (<c>--suite-only</c>).</summary>
    public Dictionary<string, HashSet<uint>> SuiteOnly { get; } = [];

    public List<string> LimitationPaths { get; } = [];

    /// <summary>Labels of the clients (client0, ...) whose errors are never a known limitation.</summary>
    public List<string> StrictClients { get; } = [];

    /// <summary>Labels of the clients whose all-actors-on-one-client assignments are left out (<c>--skip-alone</c>).</summary>
    public List<string> SkipAlone { get; } = [];

    /// <summary>Whether actors' identities take the client-id form core-crypto requires (<c>--client-id-identities</c>).</summary>
    public bool ClientIdIdentities { get; private set; }

    public bool Help { get; private set; }

    public static RunnerOptions Parse(IReadOnlyList<string> args)
    {
        var o = new RunnerOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Value()
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"{a} needs a value");
                }

                return args[++i];
            }

            switch (a)
            {
                case "-h" or "--help":
                    o.Help = true;
                    break;
                case "--client":
                    o.Clients.Add(Value());
                    break;
                case "--config":
                    o.ConfigPaths.Add(Value());
                    break;
                case "--suite":
                    o.Suites.Add(checked((uint)Number(a, Value(), 1, ushort.MaxValue)));
                    break;
                case "--handshake":
                    var mode = Value();
                    o.HandshakeModes.Clear();
                    o.HandshakeModes.AddRange(mode switch
                    {
                        "all" => [true, false],
                        "private" => [true],
                        "public" => [false],
                        _ => throw new UsageException($"--handshake takes all, private or public, not '{mode}'"),
                    });
                    break;
                case "--timeout":
                    o.CallTimeout = TimeSpan.FromSeconds(Number(a, Value(), 1, 3600));
                    break;
                case "--connect-timeout":
                    o.ConnectTimeout = TimeSpan.FromSeconds(Number(a, Value(), 1, 3600));
                    break;
                case "--jobs":
                    o.Jobs = (int)Number(a, Value(), 1, 64);
                    break;
                case "--max-assignments":
                    o.MaxAssignments = Number(a, Value(), 1, int.MaxValue);
                    break;
                case "--random":
                    o.RandomOnly = true;
                    break;
                case "--all-assignments-suite":
                    o.AllAssignmentSuites.Add(checked((uint)Number(a, Value(), 1, ushort.MaxValue)));
                    break;
                case "--seed":
                    o.Seed = (int)Number(a, Value(), int.MinValue, int.MaxValue);
                    break;
                case "--only":
                    o.Only.Add(Value());
                    break;
                case "--suite-only":
                    var (target, suite) = Value().Split('=') is [var t, var n] && t.Length > 0
                        ? (t, checked((uint)Number(a, n, 1, ushort.MaxValue)))
                        : throw new UsageException($"{a} takes FILE[/SCRIPT]=SUITE, such as deep_random/random=1");
                    if (!o.SuiteOnly.TryGetValue(target, out var suites))
                    {
                        o.SuiteOnly[target] = suites = [];
                    }

                    suites.Add(suite);
                    break;
                case "--limitations":
                    o.LimitationPaths.Add(Value());
                    break;
                case "--skip-alone":
                    o.SkipAlone.Add(ClientLabel(a, Value()));
                    break;
                case "--client-id-identities":
                    o.ClientIdIdentities = true;
                    break;
                case "--no-limitations":
                    o.StrictClients.Add(ClientLabel(a, Value()));
                    break;
                default:
                    if (a.StartsWith('-'))
                    {
                        throw new UsageException($"unknown option {a} (see --help)");
                    }

                    o.ConfigPaths.Add(a);
                    break;
            }
        }

        if (o.Help)
        {
            return o;
        }

        if (o.Clients.Count == 0)
        {
            throw new UsageException("give at least one --client HOST:PORT (see --help)");
        }

        if (o.ConfigPaths.Count == 0)
        {
            throw new UsageException("give at least one scenario file or folder (see --help)");
        }

        if (o.Suites.Count == 0)
        {
            o.Suites.AddRange([1, 2, 3, 84]);
        }

        return o;
    }

    /// <summary>Whether <c>--suite-only</c> lets this script run on <paramref name="suite"/>.</summary>
    public bool RunsOn(string file, string script, uint suite) =>
        (!SuiteOnly.TryGetValue($"{file}/{script}", out var suites) && !SuiteOnly.TryGetValue(file, out suites)) || suites.Contains(suite);

    /// <summary>Whether <c>--only</c> lets this script run.</summary>
    public bool Selects(string file, string script) =>
        Only.Count == 0 || Only.Any(s => s == file || s == $"{file}/{script}");

    private static string ClientLabel(string option, string label) =>
        System.Text.RegularExpressions.Regex.IsMatch(label, "^client[0-9]+$")
            ? label
            : throw new UsageException($"{option} takes a client label (client0, client1, ...), not '{label}'");

    private static long Number(string option, string text, long min, long max)
    {
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw new UsageException($"{option} takes a whole number from {min} to {max}, not '{text}'");
        }

        return n;
    }
}

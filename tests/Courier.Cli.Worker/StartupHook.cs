using System.Reflection;
using System.Text.Json;
using Spectre.Console;

/// <summary>
/// With <c>COURIER_CLI_WORKER=1</c>, runs <c>courier</c>'s entry point once per request read from
/// stdin instead of once per process: each request is one JSON line (the arguments, the passphrase),
/// each answer one JSON line (exit code, what the command printed on stdout and stderr). A command
/// costs the tests about a third of a second of CPU as a process of its own, nearly all start-up and
/// JIT; in a warm worker, only its work. Without the variable the hook does nothing.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable("COURIER_CLI_WORKER") != "1")
        {
            return;
        }

        var main = (Assembly.GetEntryAssembly() ?? throw new InvalidOperationException("no entry assembly")).EntryPoint!;
        using var requests = new StreamReader(Console.OpenStandardInput());
        using var answers = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        while (requests.ReadLine() is { } line)
        {
            var request = JsonSerializer.Deserialize<Request>(line)!;
            answers.WriteLine(JsonSerializer.Serialize(Run(main, request)));
        }

        Environment.Exit(0);
    }

    private static Answer Run(MethodInfo main, Request request)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        Console.SetOut(output);
        Console.SetError(errors);
        Console.SetIn(new StringReader(""));
        // Spectre.Console keeps the writer it found first: give it this command's, as a new process would.
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        Environment.SetEnvironmentVariable("COURIER_PASSPHRASE", request.Passphrase);
        int exit;
        try
        {
            exit = (int)main.Invoke(null, [request.Args])!;
        }
        catch (TargetInvocationException e)
        {
            // What the runtime does with an unhandled exception: the exception on stderr, SIGABRT's status.
            errors.WriteLine("Unhandled exception. " + e.InnerException);
            exit = 134;
        }

        Console.Out.Flush();
        Console.Error.Flush();
        return new Answer(exit, output.ToString(), errors.ToString());
    }

    private sealed record Request(string[] Args, string Passphrase);

    private sealed record Answer(int Exit, string Out, string Err);
}

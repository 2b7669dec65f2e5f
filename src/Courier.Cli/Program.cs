using System.CommandLine;
using Courier.Cli.Commands;

var root = new RootCommand("Courier: compartmentalized secure communication. See README.md and docs/.");
root.Options.Add(NodeCommandOptions.Home);
root.Options.Add(NodeCommandOptions.PassphraseFile);
root.Options.Add(NodeCommandOptions.Bind);
NodeCommandOptions.Route.AcceptOnlyFromAmong("mix", "direct");
root.Options.Add(NodeCommandOptions.Route);
root.Options.Add(NodeCommandOptions.CoverRate);
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(InitCommand.Create());
root.Subcommands.Add(PanicCommand.Create());
root.Subcommands.Add(DuressCommand.Create());
root.Subcommands.Add(ContactCommand.Create());
root.Subcommands.Add(LayerCommand.Create());
root.Subcommands.Add(CellCommand.Create());
foreach (var command in MessageCommands.Create())
{
    root.Subcommands.Add(command);
}

root.Subcommands.Add(OutboxCommand.Create());
root.Subcommands.Add(ExposureCommand.Create());
root.Subcommands.Add(ReserveCommand.Create());
root.Subcommands.Add(AuthorityCommand.Create());
root.Subcommands.Add(BundleCommand.Create());
root.Subcommands.Add(CoverCommand.Create());
root.Subcommands.Add(BulletinCommand.Create());
root.Subcommands.Add(RelayCommand.Create());
root.Subcommands.Add(UiCommand.Create());
// Exit codes: 0 success, 1 the operation failed, 2 the command was called wrongly (README).
var parse = root.Parse(args);
var code = await parse.InvokeAsync().ConfigureAwait(false);
return parse.Errors.Count > 0 ? 2 : code;

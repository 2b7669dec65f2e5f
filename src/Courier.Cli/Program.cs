using System.CommandLine;
using Courier.Cli.Commands;

var root = new RootCommand("Courier: compartmentalized secure communication. See README.md and docs/.");
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(RelayCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

namespace Courier.Ui.Tests;

/// <summary>
/// A test that drives Debian's Chromium. tools/test.sh installs the package and sets
/// COURIER_CHROMIUM_REQUIRED=1 in its full run, so there these tests run or fail; a bare
/// <c>dotnet test</c> on a machine without Chromium skips them and says why.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Executable = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Executable) && Environment.GetEnvironmentVariable("COURIER_CHROMIUM_REQUIRED") != "1")
        {
            Skip = $"{Executable} is missing: install Debian's chromium package (tools/test.sh does).";
        }
    }
}

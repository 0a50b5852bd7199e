using StatusPage.Server.Cli;

namespace StatusPage.Tests.Unit;

// How the verbs' command line is read: help for the root and every verb, and every argument the verb does not take refused
// (exit 2, the offending token named) before anything is opened, instead of being silently ignored.
public sealed class CommandLineParsingTests : IDisposable
{
    private readonly TestLedger _t = TestLedger.Create();

    public void Dispose() => _t.Dispose();

    // Each case is the command line, split on spaces.
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("verify --help")]
    [InlineData("verify LEDGER.ndjson --checkpoint cp.txt -h")]
    [InlineData("verify-proof --help")]
    [InlineData("key --help")]
    [InlineData("monitor --help")]
    [InlineData("export --help")]
    [InlineData("import --help")]
    [InlineData("export-site --help")]
    [InlineData("export-site site --help")]
    public void Help_for_the_root_and_for_every_verb_prints_its_usage_options_and_all_verbs_and_exits_0(string commandLine)
    {
        var args = commandLine.Split(' ');
        var missing = Path.Combine(_t.Dir, "never-created.db");
        var verb = args[0].StartsWith('-') ? null : args[0];

        var (code, output, error) = Cli([.. args, $"--StatusPage:DataPath={missing}"]);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains(verb is null ? "StatusPage.Server [command] [options]" : $"StatusPage.Server {verb}", output, StringComparison.Ordinal);
        Assert.Contains("--help", output, StringComparison.Ordinal);
        Assert.Contains("monitor URL --state DIR [--key VKEY|FILE]", output, StringComparison.Ordinal);
        Assert.Contains("--StatusPage:DataPath=PATH", output, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 OK", output, StringComparison.Ordinal);
        Assert.False(File.Exists(missing), "help opened the data file");
    }

    [Fact]
    public void A_verbs_help_describes_its_own_arguments_and_options()
    {
        var (code, output, _) = Cli("verify", "--help");

        Assert.Equal(0, code);
        Assert.Contains("StatusPage.Server verify [<LEDGER.ndjson>] [options]", output, StringComparison.Ordinal);
        Assert.Contains("--checkpoint <FILE>", output, StringComparison.Ordinal);
        Assert.Contains("--key <VKEY|FILE>", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("verify a.ndjson b.ndjson", "'b.ndjson'")]
    [InlineData("verify --chekpoint=cp.txt", "'--chekpoint=cp.txt'")]
    [InlineData("verify --bogus", "'--bogus'")]
    [InlineData("verify --key some-key", "--key is used only with --checkpoint")]
    [InlineData("verify --checkpoint", "--checkpoint")]
    [InlineData("export extra", "'extra'")]
    [InlineData("key extra", "'extra'")]
    [InlineData("import", "LEDGER.ndjson")]
    [InlineData("import a.ndjson b.ndjson", "'b.ndjson'")]
    [InlineData("verify-proof", "PROOF.json")]
    [InlineData("verify-proof proof.json --state dir", "'--state'")]
    [InlineData("monitor https://status.example.com --state dir extra", "'extra'")]
    [InlineData("monitor https://status.example.com", "--state")]
    [InlineData("verfy", "'verfy'")]
    public void An_argument_the_verb_does_not_take_is_refused_with_exit_2_naming_it_and_nothing_is_opened(string commandLine, string named)
    {
        var args = commandLine.Split(' ');
        _t.Close();
        var before = File.ReadAllBytes(_t.DataPath);

        var (code, output, error) = Cli([.. args, $"--StatusPage:DataPath={_t.DataPath}"]);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains(named, error, StringComparison.Ordinal);
        var usage = args[0] == "verfy" ? "usage: StatusPage.Server verify\n" : $"usage: StatusPage.Server {args[0]}";
        Assert.Contains(usage, error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("--help' for more", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(_t.DataPath));
    }

    [Fact]
    public void Settings_are_read_as_the_server_reads_them_with_or_without_an_equals_sign()
    {
        _t.Close();

        var (equalsCode, withEquals, _) = Cli("export", $"--StatusPage:DataPath={_t.DataPath}");
        var (spaceCode, withSpace, spaceError) = Cli("export", "--StatusPage:DataPath", _t.DataPath);

        Assert.Equal(0, equalsCode);
        Assert.True(spaceCode == 0, spaceError);
        Assert.NotEqual("", withEquals);
        Assert.Equal(withEquals, withSpace);
    }

    [Theory]
    [InlineData("verify", true)]
    [InlineData("monitor https://status.example.com", true)]
    [InlineData("--help", true)]
    [InlineData("--version", true)]
    [InlineData("", false)]
    [InlineData("--urls http://127.0.0.1:5000", false)]
    [InlineData("--StatusPage:DataPath=/tmp/x.db", false)]
    [InlineData("export-site", true)]
    [InlineData("export-site --help", true)]
    [InlineData("export-site site", false)]
    [InlineData("publish", false)]
    [InlineData("publish --help", false)]
    public void The_program_runs_a_verb_or_root_help_and_otherwise_starts_the_server(string commandLine, bool isVerb) =>
        Assert.Equal(isVerb, CommandLine.IsVerb(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

    [Fact]
    public void The_root_help_lists_every_verb_with_a_one_line_description()
    {
        var (code, output, _) = Cli("--help");

        Assert.Equal(0, code);
        var commands = output[output.IndexOf("Commands:", StringComparison.Ordinal)..].Split('\n').Skip(1).TakeWhile(l => l.Trim().Length > 0).ToList();
        foreach (var verb in new[] { "verify", "verify-proof", "key", "rotate-key", "monitor", "export", "import", "export-site", "publish" })
        {
            Assert.Contains(commands, line => System.Text.RegularExpressions.Regex.IsMatch(line, $@"^  {verb}( <[^>]+>)? {{2,}}[A-Z]\w+ "));
        }
        Assert.Contains("publish --from DIR", output, StringComparison.Ordinal);
        Assert.Contains("export-site DIR", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_site_without_a_folder_is_a_usage_error_instead_of_starting_the_server()
    {
        var (code, _, error) = Cli("export-site");

        Assert.Equal(2, code);
        Assert.Contains("usage: StatusPage.Server export-site DIR", error, StringComparison.Ordinal);
    }

    private static (int Code, string Out, string Error) Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}

using StatusPage.Server.Cli;
using StatusPage.Server.Content;
using StatusPage.Server.Ledger;
using StatusPage.Server.PublicSite;

if (CommandLine.IsVerb(args))
{
    return CommandLine.Run(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddLedger();
builder.AddContent();
builder.AddPublicSite();

var app = builder.Build();
app.UsePublicSite();
app.MapLedger();
app.MapPublicSite();

try
{
    app.Run();
}
catch (DataFileInUseException e)
{
    // A second server on the same data file: say so plainly instead of a stack trace.
    Console.Error.WriteLine(e.Message);
    return 1;
}
return 0;

public partial class Program;

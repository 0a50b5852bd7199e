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

app.Run();
return 0;

public partial class Program;

using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using MudBlazor.Services;
using StatusPage.Client.Console;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
// Replaces the loading screen inside <div id="app"> of wwwroot/index.html once the app has started.
builder.RootComponents.Add<ConsoleApp>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");
builder.Services.AddMudServices();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ConsoleClock>();
// The app lives under /admin/, the API it calls under /api/v1/ of the same origin.
builder.Services.AddScoped(_ => new HttpClient { BaseAddress = new Uri(new Uri(builder.HostEnvironment.BaseAddress), "/") });
builder.Services.AddScoped<ConsoleApi>();

await builder.Build().RunAsync();

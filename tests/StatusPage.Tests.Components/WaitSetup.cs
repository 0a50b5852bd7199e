using System.Runtime.CompilerServices;
using Bunit;

namespace StatusPage.Tests.Components;

// bUnit waits 1 s by default; on a busy 2-core CI machine a render can take longer, and a CI run failed on it once
// ("the wait condition was never checked"). A longer bound costs nothing when the assertion passes, which it does at once.
internal static class WaitSetup
{
    [ModuleInitializer]
    internal static void LengthenWaits() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(15);
}

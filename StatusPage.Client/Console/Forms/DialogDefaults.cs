using MudBlazor;

namespace StatusPage.Client.Console.Forms;

public static class DialogDefaults
{
    // Full width on a phone; Escape cancels, a stray click outside does not.
    public static readonly DialogOptions Options = new()
    {
        MaxWidth = MaxWidth.Medium,
        FullWidth = true,
        CloseOnEscapeKey = true,
        BackdropClick = false,
    };
}

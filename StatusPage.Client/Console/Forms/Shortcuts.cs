using Microsoft.AspNetCore.Components.Web;

namespace StatusPage.Client.Console.Forms;

public static class Shortcuts
{
    // Ctrl+Enter (Cmd+Enter on a Mac) posts the form being typed in.
    public static bool IsPost(KeyboardEventArgs e) => e.Key == "Enter" && (e.CtrlKey || e.MetaKey);
}

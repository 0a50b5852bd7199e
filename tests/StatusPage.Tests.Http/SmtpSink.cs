using System.Diagnostics;
using MimeKit;

namespace StatusPage.Tests.Http;

// A real SMTP server on 127.0.0.1 (tools/smtp_sink.py over Debian's python3-aiosmtpd), writing each accepted message to a folder;
// messages are parsed back with MimeKit. Recipients starting with "bounce" are refused with 550. Options make a failing relay
// (tools/smtp_sink.py: --delay-data S, --reject-rcpt ADDRESS, --reject-mail-from, --reject-relay).
public sealed class SmtpSink : IDisposable
{
    private readonly Process _process;

    public SmtpSink(string? folder = null, params string[] options)
    {
        Folder = folder ?? Directory.CreateTempSubdirectory("smtp-sink-").FullName;
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            ArgumentList = { Path.Combine(TestPaths.RepositoryRoot, "tools", "smtp_sink.py"), Folder },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var option in options)
        {
            start.ArgumentList.Add(option);
        }
        _process = Process.Start(start)!;
        // Read on its own thread: blocking on an async read under the test's synchronisation context can deadlock.
        var reading = Task.Run(() => _process.StandardOutput.ReadLine());
        Assert.True(reading.Wait(TimeSpan.FromSeconds(30)), "smtp_sink.py printed no port within 30 s");
        var line = reading.Result;
        if (!int.TryParse(line, out var port))
        {
            _process.Kill();
            Assert.Fail($"smtp_sink.py did not start: {line} {_process.StandardError.ReadToEnd()}");
        }
        Port = port;
    }

    public string Folder { get; }

    public int Port { get; }

    public Dictionary<string, string> Settings(string publicUrl = "http://status.test/") => new()
    {
        ["StatusPage:Email:SmtpHost"] = "127.0.0.1",
        ["StatusPage:Email:SmtpPort"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["StatusPage:Email:Security"] = "none",
        ["StatusPage:Email:From"] = "Tidewater Metrics <status@tidewater.example>",
        ["StatusPage:Email:FirstRetryDelay"] = "00:00:00.200",
        ["StatusPage:PublicUrl"] = publicUrl,
    };

    public List<MimeMessage> Messages() =>
        [.. Directory.GetFiles(Folder, "*.eml").Order(StringComparer.Ordinal).Select(path => MimeMessage.Load(path))];

    public List<MimeMessage> To(string address) =>
        [.. Messages().Where(m => m.To.Mailboxes.Any(a => a.Address == address))];

    public Task<List<MimeMessage>> WaitFor(string address, int count, int seconds = 30) =>
        Eventually.Until($"{count} emails to {address}", () => Task.FromResult(To(address)), m => m.Count >= count, seconds);

    public void Stop()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }
}

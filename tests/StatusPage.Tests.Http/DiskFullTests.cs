using System.Net;

namespace StatusPage.Tests.Http;

// The real server on a real, small, full file system: a write is acknowledged only once it is on disk, a refused one leaves
// nothing behind, and writes resume by themselves when space comes back.
public sealed class DiskFullTests
{
    [Fact]
    public async Task On_a_full_disk_writes_are_refused_with_507_and_nothing_kept_and_they_resume_when_space_returns_without_a_restart()
    {
        using var disk = SmallDisk.Mount(megabytes: 24);
        var acknowledged = new List<string>();
        var refused = new List<string>();
        string incidentId;
        long headBefore;
        using (var server = WriteApiServer.OnDataDir(disk.DataDir))
        {
            var client = server.Client();
            (incidentId, _) = await client.CreateIncident("Disk full");
            headBefore = await client.HeadSeq();
            disk.Fill();

            for (var i = 0; i < 3; i++)
            {
                var response = await client.Post($"/api/v1/incidents/{incidentId}/updates", new { Status = "identified", Body = $"on a full disk {i}" });
                await response.Problem(HttpStatusCode.InsufficientStorage, "", "storage_unavailable");
                refused.Add($"on a full disk {i}");
            }
            Assert.Equal(headBefore, await client.HeadSeq());
            Assert.DoesNotContain("on a full disk", await client.GetStringAsync(Api.Url($"/incidents/{incidentId}")), StringComparison.Ordinal);

            disk.Free();
            var resumed = await (await client.Post($"/api/v1/incidents/{incidentId}/updates",
                new { Status = "identified", Body = "space is back" })).Created();
            acknowledged.Add(resumed.GetProperty("id").GetString()!);
            Assert.Equal(headBefore + 1, await client.HeadSeq());
        }

        // The bug this guards against: the first write after a restart on a full disk answered 201 and was gone after the next one.
        disk.Fill();
        using (var server = WriteApiServer.OnDataDir(disk.DataDir))
        {
            var client = server.Client();
            var response = await client.Post($"/api/v1/incidents/{incidentId}/updates", new { Status = "monitoring", Body = "after a restart on a full disk" });
            await response.Problem(HttpStatusCode.InsufficientStorage, "", "storage_unavailable");
            refused.Add("after a restart on a full disk");
            disk.Free();
            var resumed = await (await client.Post($"/api/v1/incidents/{incidentId}/updates", new { Status = "monitoring", Body = "resumed again" })).Created();
            acknowledged.Add(resumed.GetProperty("id").GetString()!);
        }

        using (var restarted = WriteApiServer.OnDataDir(disk.DataDir))
        {
            var client = restarted.Client();
            var updates = (await client.Incident(incidentId)).GetProperty("updates").EnumerateArray().ToList();
            var head = await (await client.GetAsync(Api.Url("/api/v1/ledger/head"))).Json();
            Assert.True(head.GetProperty("verified").GetBoolean(), head.ToString());
            Assert.Equal(headBefore + 2, head.GetProperty("seq").GetInt64());
            Assert.Subset(updates.Select(u => u.GetProperty("id").GetString()!).ToHashSet(), acknowledged.ToHashSet());
            Assert.DoesNotContain(updates, u => refused.Contains(u.GetProperty("body").GetString()!));
        }
        // A LiteDB transaction left behind by the failure would throw in its finalizer and end the whole process here.
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }
}

using System.Net;
using StatusPage.Server.History;

namespace StatusPage.Tests.Http;

public sealed class IdempotencyTests(WriteApiServer server) : IClassFixture<WriteApiServer>
{
    private readonly HttpClient _client = server.Client();

    [Fact]
    public async Task A_retry_with_the_same_key_returns_the_original_response_and_appends_nothing()
    {
        var key = Guid.NewGuid().ToString();
        var first = await _client.Post("/api/v1/incidents", Api.NewIncident("Idempotent create"), key);
        var firstBody = await first.Created();
        var head = await _client.HeadSeq();

        var retry = await _client.Post("/api/v1/incidents", Api.NewIncident("Idempotent create"), key);

        var retryBody = await retry.Created();
        Assert.Equal(firstBody.GetProperty("id").GetString(), retryBody.GetProperty("id").GetString());
        Assert.Equal(firstBody.GetProperty("update_id").GetString(), retryBody.GetProperty("update_id").GetString());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(head, await _client.HeadSeq());
        Assert.Single(server.Ledger.Current.Incidents.Values, i => i.Title == "Idempotent create");
    }

    [Fact]
    public async Task The_key_is_recorded_in_the_same_transaction_as_the_write_hashed_with_its_operator()
    {
        var before = await _client.HeadSeq();

        var created = await (await _client.Post("/api/v1/incidents", Api.NewIncident("Keyed write"), "my-retry-key-1")).Created();

        var entries = await _client.Ledger(before);
        Assert.Equal([EntryKinds.IncidentOpened, EntryKinds.IncidentUpdatePosted, EntryKinds.RequestCompleted], entries.Select(e => e.Kind));
        Assert.Equal(created.GetProperty("id").GetString(), entries[2].Subject);
        Assert.DoesNotContain("my-retry-key-1", entries[2].Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reusing_a_key_for_a_different_request_is_a_422_problem()
    {
        var key = Guid.NewGuid().ToString();
        await (await _client.Post("/api/v1/incidents", Api.NewIncident("First use of a key"), key)).Created();
        var head = await _client.HeadSeq();

        var reused = await _client.Post("/api/v1/incidents", Api.NewIncident("Another incident, same key"), key);

        await reused.Problem(HttpStatusCode.UnprocessableEntity, "Idempotency-Key", "idempotency_key_reused");
        Assert.Equal(head, await _client.HeadSeq());
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_append_once()
    {
        var (id, _) = await _client.CreateIncident("Concurrent retries");
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            _client.Post($"/api/v1/incidents/{id}/updates", new { Status = "identified", Body = "Retried update." }, key)));

        var ids = new HashSet<string>();
        foreach (var response in responses)
        {
            ids.Add((await response.Created()).GetProperty("id").GetString()!);
        }
        Assert.Single(ids);
        Assert.Equal(2, (await _client.Incident(id)).GetProperty("updates").GetArrayLength());
    }

    [Fact]
    public async Task Keys_are_per_operator()
    {
        var other = await (await _client.Post("/api/v1/tokens", new { Name = "second admin script" })).Created();
        var otherClient = server.Client(other.GetProperty("token").GetString());
        await (await _client.Post("/api/v1/operators", new { Username = "kim", Role = "operator", Password = "kim's long password" })).Created();
        var kimToken = (await (await _client.Post("/api/v1/tokens", new { Name = "kim", Operator = "kim" })).Created()).GetProperty("token").GetString();
        var kim = server.Client(kimToken);
        var key = Guid.NewGuid().ToString();

        var mine = await (await _client.Post("/api/v1/incidents", Api.NewIncident("Same key, two operators"), key)).Created();
        var theirs = await (await kim.Post("/api/v1/incidents", Api.NewIncident("Same key, two operators"), key)).Created();
        var sameOperatorOtherToken = await (await otherClient.Post("/api/v1/incidents", Api.NewIncident("Same key, two operators"), key)).Created();

        Assert.NotEqual(mine.GetProperty("id").GetString(), theirs.GetProperty("id").GetString());
        Assert.Equal(mine.GetProperty("id").GetString(), sameOperatorOtherToken.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_key_still_answers_after_a_restart_because_it_lives_in_the_ledger()
    {
        var dataDir = Directory.CreateTempSubdirectory("statuspage-idempotency-").FullName;
        string firstId;
        long head;
        using (var first = WriteApiServer.OnDataDir(dataDir))
        {
            var client = first.Client();
            firstId = (await (await client.Post("/api/v1/incidents", Api.NewIncident("Survives restart"), "restart-key")).Created())
                .GetProperty("id").GetString()!;
            head = await client.HeadSeq();
        }
        using var second = WriteApiServer.OnDataDir(dataDir);
        var again = second.Client();

        var retry = await again.Post("/api/v1/incidents", Api.NewIncident("Survives restart"), "restart-key");

        Assert.Equal(firstId, (await retry.Created()).GetProperty("id").GetString());
        Assert.Equal(head, await again.HeadSeq());
        Directory.Delete(dataDir, recursive: true);
    }
}

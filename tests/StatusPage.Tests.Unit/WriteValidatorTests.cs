using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Operators;

namespace StatusPage.Tests.Unit;

// The validators the console and the API share, and the rules that guard operators and tokens.
public sealed class WriteValidatorTests
{
    private static readonly WriteContext Context = new(TestLedger.Start, id => id == "ingestion-api", id => id == "halden");

    [Fact]
    public void A_valid_new_incident_passes()
    {
        var result = new CreateIncidentValidator(Context).Validate(new CreateIncidentRequest
        {
            Title = "Errors", Impact = "major", Status = "investigating", Body = "Looking.",
            Components = new() { ["ingestion-api"] = "major_outage" },
            NextUpdateBy = TestLedger.Start.AddMinutes(30),
        });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void Each_failure_names_the_json_field_and_the_rule()
    {
        var result = new CreateIncidentValidator(Context).Validate(new CreateIncidentRequest
        {
            Title = new string('t', Limits.TitleMaxLength + 1), Impact = "huge", Status = "resolved", Body = "",
            Components = new() { ["nope"] = "major_outage" },
            Cause = new CauseRequest { Kind = "internal", Provider = "halden" },
            StatedAt = TestLedger.Start.AddHours(1),
            NextUpdateBy = TestLedger.Start.AddHours(2),
        });

        var failures = result.Errors.Select(e => (e.PropertyName, e.ErrorCode)).ToHashSet();
        Assert.Contains(("title", "max_length"), failures);
        Assert.Contains(("impact", "one_of"), failures);
        Assert.Contains(("body", "required"), failures);
        Assert.Contains(("components.nope", "known_component"), failures);
        Assert.Contains(("cause.provider", "upstream_only"), failures);
        Assert.Contains(("stated_at", "not_in_future"), failures);
        Assert.Contains(("next_update_by", "none_when_resolved"), failures);
    }

    [Fact]
    public void A_stated_time_within_the_clock_skew_tolerance_is_accepted()
    {
        var request = new PostUpdateRequest { Status = "identified", Body = "x", StatedAt = TestLedger.Start + Limits.FutureTolerance };

        Assert.True(new PostUpdateValidator(Context).Validate(request).IsValid);
    }

    [Fact]
    public void The_last_admin_can_be_neither_disabled_nor_demoted()
    {
        using var ledger = TestLedger.Create(seed: false);
        ledger.Ok(new CreateOperator("root", OperatorRole.Admin, "sha", MustChange: false));

        Assert.Equal("keep_one_admin", ledger.Refused(new DisableOperator("root", "test")).Rule);
        Assert.Equal("keep_one_admin", ledger.Refused(new SetOperatorRole("root", OperatorRole.Operator)).Rule);
        ledger.Ok(new CreateOperator("second", OperatorRole.Admin, null, MustChange: false));
        ledger.Ok(new DisableOperator("root", "test"));
        Assert.True(ledger.State.Roster.Operators["root"].Disabled);
    }

    [Fact]
    public void Tokens_are_found_by_hash_only_while_neither_token_nor_owner_is_revoked_or_disabled()
    {
        using var ledger = TestLedger.Create(seed: false);
        ledger.Ok(new CreateOperator("root", OperatorRole.Admin, null, MustChange: false));
        ledger.Ok(new CreateOperator("ops", OperatorRole.Operator, null, MustChange: false));
        ledger.Ok(new CreateApiToken("tokenaaaaaaa", "ci", "ops", ApiTokens.Hash("secret-a")));
        ledger.Ok(new CreateApiToken("tokenbbbbbbb", "cron", "ops", ApiTokens.Hash("secret-b")));

        Assert.NotNull(ledger.State.Roster.FindActiveToken(ApiTokens.Hash("secret-a")));
        ledger.Ok(new RevokeApiToken("tokenaaaaaaa", "test"));
        Assert.Null(ledger.State.Roster.FindActiveToken(ApiTokens.Hash("secret-a")));
        Assert.NotNull(ledger.State.Roster.FindActiveToken(ApiTokens.Hash("secret-b")));
        ledger.Ok(new DisableOperator("ops", "left"));
        Assert.Null(ledger.State.Roster.FindActiveToken(ApiTokens.Hash("secret-b")));
        ledger.Restart();
        Assert.Null(ledger.State.Roster.FindActiveToken(ApiTokens.Hash("secret-b")));
        Assert.True(ledger.State.Roster.Tokens["tokenaaaaaaa"].IsRevoked);
        Assert.Equal(EntryKinds.TokenRevoked, ledger.Store.ReadAll().First(e => e.Subject == "tokenaaaaaaa" && e.Seq > 3).Kind);
    }

    [Fact]
    public void A_component_declaration_reports_each_broken_rule_once_under_its_json_field()
    {
        var context = new WriteContext(TestLedger.Start, IsGroup: id => id == "api");

        var empty = new DeclareComponentValidator(context).Validate(new ComponentRequest { Id = "Bad Id", Name = "", Group = "nope", SlaTarget = 101 });
        var missing = new DeclareComponentValidator(context).Validate(new ComponentRequest());
        var change = new ChangeComponentValidator(context).Validate(new ComponentRequest { Group = "api", SlaTarget = 99.9m });

        Assert.Equal([("group", "known_group"), ("id", "id_format"), ("name", "required"), ("sla_target", "percentage")],
            empty.Errors.Select(e => (e.PropertyName, e.ErrorCode)).Order());
        Assert.Equal([("id", "required"), ("name", "required")], missing.Errors.Select(e => (e.PropertyName, e.ErrorCode)).Order());
        Assert.True(change.IsValid, string.Join("; ", change.Errors));
    }

    [Fact]
    public void A_role_is_admin_or_operator()
    {
        Assert.True(new SetRoleValidator().Validate(new SetRoleRequest { Role = "admin" }).IsValid);
        Assert.Equal("one_of", Assert.Single(new SetRoleValidator().Validate(new SetRoleRequest { Role = "owner" }).Errors).ErrorCode);
        Assert.Equal("required", new SetRoleValidator().Validate(new SetRoleRequest()).Errors[0].ErrorCode);
    }
}

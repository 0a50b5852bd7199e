using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Startup;

namespace StatusPage.Server.Operators;

// First start: no operator yet, so create 'admin' (password from STATUSPAGE_ADMIN_PASSWORD or a one-time one, logged once) and,
// if STATUSPAGE_ADMIN_TOKEN is set, an admin API token with that value. A start-up step: runs after the ledger is loaded and
// content ingested, before the server answers.
internal sealed partial class AdminBootstrap(LedgerService ledger, CredentialStore credentials, IConfiguration configuration,
    ILogger<AdminBootstrap> logger) : IStartupStep
{
    public const string PasswordVariable = "STATUSPAGE_ADMIN_PASSWORD";
    public const string TokenVariable = "STATUSPAGE_ADMIN_TOKEN";
    public const string AdminName = "admin";
    public const string SystemAuthor = "system";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var state = ledger.Current;
        if (!state.Roster.Operators.IsEmpty)
        {
            return;
        }
        if (state.IsReadOnly)
        {
            LogReadOnly(logger);
            return;
        }
        var configured = configuration[PasswordVariable];
        var password = string.IsNullOrEmpty(configured) ? CredentialStore.NewPassword() : configured;
        if (password.Length < Limits.PasswordMinLength)
        {
            LogWeakPassword(logger, PasswordVariable, Limits.PasswordMinLength);
            password = CredentialStore.NewPassword();
            configured = null;
        }
        var sha = credentials.Save(AdminName, password);
        var mustChange = string.IsNullOrEmpty(configured);
        var created = await ledger.AppendAsync(new CreateOperator(AdminName, OperatorRole.Admin, sha, mustChange), SystemAuthor,
            cancellationToken);
        if (created.Violation is { } violation)
        {
            LogRefused(logger, violation.Message);
            return;
        }
        if (mustChange)
        {
            LogOneTimePassword(logger, AdminName, password);
        }
        else
        {
            LogConfiguredPassword(logger, AdminName, PasswordVariable);
        }
        if (configuration[TokenVariable] is { Length: > 0 } token)
        {
            if (token.Length < ApiTokens.MinimumLength)
            {
                LogWeakToken(logger, TokenVariable, ApiTokens.MinimumLength);
                return;
            }
            var result = await ledger.AppendAsync(new CreateApiToken(LedgerService.NewId(), TokenVariable, AdminName, ApiTokens.Hash(token)),
                SystemAuthor, cancellationToken);
            if (result.Violation is { } refused)
            {
                LogRefused(logger, refused.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "First start: created operator '{Username}' with the one-time password " +
        "{Password} (shown only this once). Sign in (POST /api/v1/session) and change it.")]
    private static partial void LogOneTimePassword(ILogger logger, string username, string password);

    [LoggerMessage(Level = LogLevel.Information, Message = "First start: created operator '{Username}' with the password from {Variable}.")]
    private static partial void LogConfiguredPassword(ILogger logger, string username, string variable);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Variable} is shorter than {Length} characters and was ignored.")]
    private static partial void LogWeakPassword(ILogger logger, string variable, int length);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Variable} is shorter than {Length} characters (its hash is published in the " +
        "ledger, so it must be a long random value, e.g. `openssl rand -hex 32`); no admin token was created.")]
    private static partial void LogWeakToken(ILogger logger, string variable, int length);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No operator exists, but the ledger is read-only: no admin was created.")]
    private static partial void LogReadOnly(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Creating the first admin was refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}

using FluentValidation;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Server.Edge;

// The one validation step of the edge (TodoApi's pattern): an endpoint filter finds the bound request among the handler's
// arguments, runs the shared validator on it and answers 400 problem+json naming each field and rule; handlers see only
// requests that pass. The validator is named per endpoint, since one request type can follow two rule sets (declare, change).
internal static class RequestValidation
{
    public static RouteHandlerBuilder Validates<TRequest>(this RouteHandlerBuilder builder, Func<WriteContext, IValidator<TRequest>> validator)
        where TRequest : class =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var index = Array.FindIndex([.. factory.MethodInfo.GetParameters()], p => p.ParameterType == typeof(TRequest));
            if (index < 0)
            {
                throw new InvalidOperationException($"{factory.MethodInfo.Name} takes no {typeof(TRequest).Name} to validate.");
            }
            return async context =>
            {
                var http = context.HttpContext;
                var rules = validator(ContextOf(http.RequestServices.GetRequiredService<LedgerService>().Current,
                    http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()));
                var result = await rules.ValidateAsync(context.GetArgument<TRequest>(index), http.RequestAborted);
                return result.IsValid ? await next(context) : Problems.Validation(result);
            };
        });

    // What the validators may know of the history: the clock and which ids exist.
    public static WriteContext ContextOf(StatusSnapshot state, DateTimeOffset now) =>
        new(now, state.Components.ContainsKey, state.Providers.ContainsKey, state.Groups.ContainsKey);
}

using BillingConsole.Accounting.Statements;
using BillingConsole.Accounting.Usage;

namespace Microsoft.Extensions.DependencyInjection;

public static class UsageExtensions
{
    /// <summary>The customer read side over the ledger and its same-transaction derivatives: usage and statements.</summary>
    public static WebApplicationBuilder AddUsage(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<UsageQueries>();
        builder.Services.AddSingleton<StatementQueries>();
        return builder;
    }
}

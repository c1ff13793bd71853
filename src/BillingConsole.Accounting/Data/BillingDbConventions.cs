using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Data;

public static class BillingDbConventions
{
    /// <summary>Options every provider shares: snake_case names, which the hand-written ledger SQL relies on.</summary>
    public static DbContextOptionsBuilder UseBillingConventions(this DbContextOptionsBuilder options)
    {
        options.UseSnakeCaseNamingConvention();
        return options;
    }
}

using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Teams;
using MudBlazor;

namespace BillingConsole.Web.Components.Teams;

/// <summary>How the team page names roles and explains refusals, in one place.</summary>
public static class TeamText
{
    public static string RoleName(string role) => role switch
    {
        AccountRoles.Owner => "Owner",
        AccountRoles.Developer => "Developer",
        AccountRoles.Viewer => "Viewer",
        _ => role,
    };

    public static string RoleHelp(string role) => role switch
    {
        AccountRoles.Owner => "Everything, including the team, payments and purchases.",
        AccountRoles.Developer => "Reads the account and manages API keys.",
        _ => "Reads balance, transactions, usage, invoices and the audit trail.",
    };

    public static Color RoleColor(string role) => role switch
    {
        AccountRoles.Owner => Color.Primary,
        AccountRoles.Developer => Color.Info,
        _ => Color.Default,
    };

    /// <summary>What the person sees when a change is refused.</summary>
    public static string Refusal(TeamFailure failure) => failure.Error switch
    {
        TeamError.LastOwner => "An account always needs an owner. Make someone else an owner first, then try again.",
        TeamError.AlreadyMember => "That person is already a member of this account.",
        TeamError.Forbidden => "Only the account's owners can change the team.",
        TeamError.NotFound => "That member or invitation is no longer there. The list now shows the current team.",
        _ => failure.Message,
    };
}

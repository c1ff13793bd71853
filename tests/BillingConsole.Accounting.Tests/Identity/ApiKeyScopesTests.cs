using BillingConsole.Accounting.Identity;

namespace BillingConsole.Accounting.Tests.Identity;

/// <summary>The stored form of a key's scopes.</summary>
public sealed class ApiKeyScopesTests
{
    [Fact]
    public void Parse_StoredText_KeepsKnownScopesOnceInOrder()
    {
        Assert.Equal([ApiKeyScopes.Inference, ApiKeyScopes.BillingRead, ApiKeyScopes.KeysWrite], ApiKeyScopes.Parse(ApiKeyScopes.AllText));
        Assert.Equal([ApiKeyScopes.KeysWrite], ApiKeyScopes.Parse("  keys:write admin keys:write "));
        Assert.Empty(ApiKeyScopes.Parse(null));
        Assert.Equal("inference billing:read", ApiKeyScopes.Format([ApiKeyScopes.BillingRead, "admin", ApiKeyScopes.Inference]));
    }
}

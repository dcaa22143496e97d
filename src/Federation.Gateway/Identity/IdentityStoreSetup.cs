using Federation.Sdk.Trust;

namespace Federation.Gateway.Identity;

/// <summary>
/// Direct access to an identity store on this machine, for the one step no administrator can do over the network:
/// registering the first administrator of a token server or gateway.
/// </summary>
public static class IdentityStoreSetup
{
    /// <summary>
    /// Registers administrator <paramref name="clientId"/> in the store at <paramref name="identityDatabasePath"/>
    /// (created if missing). With <paramref name="issuesTokens"/> (the store of a token server, or of a gateway hosting
    /// one) returns its new secret, stored only hashed; otherwise (a gateway trusting an external token server) records
    /// the administrator without a secret and returns an empty string.
    /// </summary>
    public static async Task<string> RegisterAdministratorAsync(
        string identityDatabasePath, string trustRootPath, string clientId, bool issuesTokens, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(FederationTrust.FromPemFile(trustRootPath));
        services.AddFederationIdentityStore(_ => identityDatabasePath, issuesTokens);
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FederationIdentityDbContext>().Database.EnsureCreatedAsync(cancellationToken);
        var (_, secret) = await scope.ServiceProvider.GetRequiredService<ClientRegistry>().RegisterSecretClientAsync(clientId, ClientKind.Admin, cancellationToken);
        return secret;
    }
}

using Federation.Sdk.Trust;

namespace Federation.Gateway.Identity;

/// <summary>
/// Direct access to an identity store on this machine, for the one step no administrator can do over the network:
/// registering the first administrator of a token server or gateway.
/// </summary>
public static class IdentityStoreSetup
{
    /// <summary>
    /// Registers administrator <paramref name="clientId"/> in the identity store <paramref name="identityDatabase"/>
    /// (its tables created if missing). With <paramref name="issuesTokens"/> (the store of a token server, or of a gateway hosting
    /// one) returns its new secret, stored only hashed; otherwise (a gateway trusting an external token server) records
    /// the administrator without a secret and returns an empty string.
    /// </summary>
    public static async Task<string> RegisterAdministratorAsync(
        IdentityDatabase identityDatabase, string trustRootPath, string clientId, bool issuesTokens, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(FederationTrust.FromPemFile(trustRootPath));
        services.AddFederationIdentityStore(_ => identityDatabase, issuesTokens);
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        await identityDatabase.CreateTablesAsync(scope.ServiceProvider.GetRequiredService<FederationIdentityDbContext>(), cancellationToken);
        var (_, secret) = await scope.ServiceProvider.GetRequiredService<ClientRegistry>().RegisterSecretClientAsync(clientId, ClientKind.Admin, cancellationToken);
        return secret;
    }
}

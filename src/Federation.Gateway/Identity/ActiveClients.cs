using Microsoft.EntityFrameworkCore;

namespace Federation.Gateway.Identity;

/// <summary>
/// The registered clients held in memory for the per-call check that a token's client is registered, not revoked and
/// bound to the jurisdiction its token names. Each check reads the store's clients change counter (<see
/// cref="IdentityDatabase.ReadClientsVersionAsync"/>: one small query, no EF Core), and the clients are read again
/// only when it moved. The counter is advanced by a trigger in the transaction of any change of the clients table,
/// whoever makes it (this gateway, a replica on the same PostgreSQL database, <c>fed token-server add-admin</c> on the
/// store's file, an operator in SQL), so a revocation or deletion is refused at the client's next call on every
/// replica, as when each call read the client's row.
/// </summary>
internal sealed class ActiveClients(IdentityDatabase database, IServiceScopeFactory scopes) : IDisposable
{
    private readonly SemaphoreSlim _reading = new(1, 1);
    private volatile ClientsAtVersion? _clients;

    /// <summary>
    /// Why a token of <paramref name="clientId"/> naming <paramref name="tokenJurisdiction"/> (its jurisdiction claim,
    /// null when it has none) may not be used now (<see cref="ClientRegistry.DescribeRefusedToken"/>), or null when it may.
    /// </summary>
    public async Task<string?> DescribeRefusedTokenAsync(string clientId, string? tokenJurisdiction, CancellationToken cancellationToken)
    {
        var clients = await CurrentAsync(cancellationToken);
        return ClientRegistry.DescribeRefusedToken(clientId, clients.ById.GetValueOrDefault(clientId), tokenJurisdiction);
    }

    private async Task<ClientsAtVersion> CurrentAsync(CancellationToken cancellationToken)
    {
        var version = await database.ReadClientsVersionAsync(cancellationToken);
        if (_clients is { } held && held.Version == version)
        {
            return held;
        }

        // One reader at a time: the calls that found the counter moved wait for one read of the clients.
        await _reading.WaitAsync(cancellationToken);
        try
        {
            if (_clients is { } readMeanwhile && readMeanwhile.Version == version)
            {
                return readMeanwhile;
            }

            // Read after the counter: what is read is at least as new as the version it is kept under (a change made
            // in between moves the counter again, and the next call reads the clients again).
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FederationIdentityDbContext>();
            var byId = await db.Clients.AsNoTracking().ToDictionaryAsync(c => c.ClientId, StringComparer.Ordinal, cancellationToken);
            var read = new ClientsAtVersion(version, byId);
            _clients = read;
            return read;
        }
        finally
        {
            _reading.Release();
        }
    }

    public void Dispose() => _reading.Dispose();

    private sealed record ClientsAtVersion(long Version, IReadOnlyDictionary<string, RegisteredClient> ById);
}

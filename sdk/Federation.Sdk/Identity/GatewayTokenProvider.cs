using System.Net;
using System.Text.Json;
using Federation.Sdk.Client;
using Federation.Sdk.Trust;

namespace Federation.Sdk.Identity;

/// <summary>
/// Gets access tokens from the federation's token server (OAuth 2.0 client credentials) and keeps each until shortly
/// before it expires. Thread-safe; one provider per client identity.
/// </summary>
public sealed class GatewayTokenProvider : IDisposable
{
    private static readonly TimeSpan s_refreshMargin = TimeSpan.FromSeconds(60);

    private readonly Uri _issuer;
    private readonly GatewayCredentials _credentials;
    private readonly TimeProvider _timeProvider;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset RefreshAt)? _current;

    /// <summary>
    /// A provider for the token server at <paramref name="issuer"/> (the gateway's address when it hosts the token
    /// server). For https the server certificate must chain to the federation root in <paramref name="trust"/>.
    /// </summary>
    public GatewayTokenProvider(Uri issuer, GatewayCredentials credentials, FederationTrust? trust, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(credentials);
        _issuer = new Uri(issuer.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        _credentials = credentials;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _http = new HttpClient(GatewayChannel.CreateHttpHandler(_issuer, trust), disposeHandler: true)
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>The client the tokens are for.</summary>
    public string ClientId => _credentials.ClientId;

    /// <summary>The token endpoint: <c>{issuer}connect/token</c>.</summary>
    public Uri TokenEndpoint => new(_issuer, FederationScopes.TokenEndpointPath);

    /// <summary>A valid access token, from the cache or fetched now.</summary>
    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        if (_current is { } cached && _timeProvider.GetUtcNow() < cached.RefreshAt)
        {
            return cached.Token;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } again && _timeProvider.GetUtcNow() < again.RefreshAt)
            {
                return again.Token;
            }

            var (token, lifetime) = await RequestAsync(cancellationToken);
            var margin = lifetime > 2 * s_refreshMargin ? s_refreshMargin : lifetime / 2;
            _current = (token, _timeProvider.GetUtcNow() + lifetime - margin);
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the cached token, so the next call fetches a new one.</summary>
    public void Invalidate() => _current = null;

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }

    private async Task<(string Token, TimeSpan Lifetime)> RequestAsync(CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = string.Join(' ', _credentials.Scopes),
        };
        _credentials.AddTo(form, _issuer, _timeProvider.GetUtcNow());
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(TokenEndpoint, new FormUrlEncodedContent(form), cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new GatewayAuthenticationException(
                "unreachable", $"The token endpoint {TokenEndpoint} cannot be reached: {e.Message}", transient: true, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GatewayAuthenticationException(
                "unreachable", $"The token endpoint {TokenEndpoint} did not answer within {_http.Timeout.TotalSeconds:0} s.", transient: true, e);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonElement json;
            try
            {
                json = JsonSerializer.Deserialize<JsonElement>(body);
            }
            catch (JsonException)
            {
                throw new GatewayAuthenticationException(
                    "invalid_response", $"The token endpoint {TokenEndpoint} answered HTTP {(int)response.StatusCode} without a JSON body.", transient: (int)response.StatusCode >= 500);
            }

            if (!response.IsSuccessStatusCode || !json.TryGetProperty("access_token", out var token))
            {
                var error = json.TryGetProperty("error", out var e) ? e.GetString() ?? "error" : "error";
                var description = json.TryGetProperty("error_description", out var d) ? d.GetString() : null;
                throw new GatewayAuthenticationException(
                    error,
                    $"The token server refused client '{_credentials.ClientId}': {error}{(description is null ? string.Empty : ": " + description)}",
                    transient: (int)response.StatusCode >= 500);
            }

            var lifetime = json.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.FromMinutes(5);
            return (token.GetString()!, lifetime);
        }
    }
}

/// <summary>The token server refused to issue a token, or could not be reached; <see cref="Error"/> is the OAuth 2.0 error code.</summary>
public sealed class GatewayAuthenticationException : Exception
{
    public GatewayAuthenticationException(string error, string message, bool transient, Exception? inner = null)
        : base(message, inner)
    {
        Error = error;
        IsTransient = transient;
    }

    /// <summary>The OAuth 2.0 error, for example invalid_client, or "unreachable".</summary>
    public string Error { get; }

    /// <summary>Whether trying again later may succeed (network or server error).</summary>
    public bool IsTransient { get; }
}

using Federation.Sdk.Hosting;

namespace Federation.Sdk.Tests.Hosting;

public sealed class ConnectionStringSecretsTests
{
    [Theory]
    [InlineData("Host=db;Username=fed;Password=s3cret-value")]
    [InlineData("Host=db;Username=fed;Pwd=s3cret-value")]
    [InlineData("Host=db;Username=fed;Psw=s3cret-value")]
    [InlineData("Host=db;Username=fed;SSL Password=s3cret-value")]
    public void Every_alias_of_a_password_is_scrubbed_from_messages(string connectionString)
    {
        var secrets = new ConnectionStringSecrets(connectionString);

        var scrubbed = secrets.Scrub("login failed with s3cret-value for fed");

        Assert.Equal("login failed with *** for fed", scrubbed);
        Assert.True(secrets.Reveals("... s3cret-value ..."));
    }
}

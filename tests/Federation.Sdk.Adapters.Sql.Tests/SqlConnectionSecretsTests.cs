using Federation.Sdk.Adapters.Sql;

namespace Federation.Sdk.Adapters.Sql.Tests;

public sealed class SqlConnectionSecretsTests
{
    [Theory]
    [InlineData("Host=db;Username=fed;Password=s3cret-value")]
    [InlineData("Host=db;Username=fed;Pwd=s3cret-value")]
    [InlineData("Host=db;Username=fed;Psw=s3cret-value")]
    [InlineData("Host=db;Username=fed;SSL Password=s3cret-value")]
    public void Every_alias_of_a_password_is_scrubbed_from_messages(string connectionString)
    {
        var secrets = new SqlConnectionSecrets(connectionString);

        var scrubbed = secrets.Scrub("login failed with s3cret-value for fed");

        Assert.Equal("login failed with *** for fed", scrubbed);
        Assert.True(secrets.Reveals("... s3cret-value ..."));
    }
}

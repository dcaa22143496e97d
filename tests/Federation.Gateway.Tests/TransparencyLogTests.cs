using Federation.Contracts.V1;
using Federation.Sdk.Transparency;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Data.Sqlite;

namespace Federation.Gateway.Tests;

public sealed class TransparencyLogTests
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;

    [Fact]
    public async Task Proofs_made_by_the_gateway_verify_for_every_index_and_size_of_trees_up_to_64_leaves()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var leafHashes = new List<byte[]>();
        for (var i = 0; i < 64; i++)
        {
            var receipt = await gateway.SubmitAsync(Revision("NS", hoursAgo: 100 - i, gateway));
            Assert.Equal((ulong)i, receipt.LeafIndex);
            leafHashes.Add(receipt.LeafHash.ToByteArray());
        }

        var log = new TransparencyLogService.TransparencyLogServiceClient(gateway.Channel);
        var roots = new Dictionary<ulong, byte[]>();
        for (ulong size = 1; size <= 64; size++)
        {
            var first = await log.GetInclusionProofAsync(new GetInclusionProofRequest { LeafIndex = 0, TreeSize = size });
            var checkpoint = gateway.Federation.LogVerifierKey.TryOpenCheckpoint(first.Checkpoint, out var error);
            Assert.True(checkpoint is not null, error);
            Assert.Equal((long)size, checkpoint.TreeSize);
            roots[size] = checkpoint.RootHash;
            for (ulong index = 0; index < size; index++)
            {
                var proof = await log.GetInclusionProofAsync(new GetInclusionProofRequest { LeafIndex = index, TreeSize = size });
                var result = MerkleProof.VerifyInclusion(index, size, leafHashes[(int)index], proof.Proof.Select(p => p.ToByteArray()).ToArray(), roots[size]);
                Assert.True(result.IsValid, $"leaf {index} of {size}: {result.Failure}");
            }
        }

        for (ulong size2 = 2; size2 <= 64; size2++)
        {
            for (ulong size1 = 1; size1 < size2; size1++)
            {
                var proof = await log.GetConsistencyProofAsync(new GetConsistencyProofRequest { FirstTreeSize = size1, SecondTreeSize = size2 });
                var result = MerkleProof.VerifyConsistency(size1, size2, proof.Proof.Select(p => p.ToByteArray()).ToArray(), roots[size1], roots[size2]);
                Assert.True(result.IsValid, $"{size1} -> {size2}: {result.Failure}");
            }
        }
    }

    [Fact]
    public async Task A_receipt_carries_a_verifiable_inclusion_proof_and_a_duplicate_adds_no_leaf()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var envelope = TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear), gateway.Federation.Node("ON"));
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("QC", LastYear), gateway.Federation.Node("QC")));

        var receipt = await gateway.SubmitAsync(envelope);
        var again = await gateway.SubmitAsync(envelope);

        Assert.True(new ReceiptVerifier(gateway.Federation.LogVerifierKey).Verify(receipt, envelope).IsValid);
        Assert.Equal((1UL, 2UL), (receipt.LeafIndex, receipt.TreeSize));
        Assert.Equal(receipt, again);
        var latest = await new TransparencyLogService.TransparencyLogServiceClient(gateway.Channel).GetCheckpointAsync(new GetCheckpointRequest());
        Assert.Equal(2, gateway.Federation.LogVerifierKey.TryOpenCheckpoint(latest.Checkpoint, out _)!.TreeSize);
        Assert.Equal(gateway.Federation.LogVerifierKey.ToString(), latest.VerifierKey);
    }

    [Fact]
    public async Task Entries_and_proof_by_leaf_hash_are_served_for_auditors()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var envelope = TestSubmissions.Sign(TestSubmissions.Complete("NB", LastYear), gateway.Federation.Node("NB"));
        var receipt = await gateway.SubmitAsync(envelope);
        var log = new TransparencyLogService.TransparencyLogServiceClient(gateway.Channel);

        var entries = await log.GetEntriesAsync(new GetEntriesRequest { Start = 0, End = 10 });
        var byHash = await log.GetInclusionProofAsync(new GetInclusionProofRequest { LeafHash = receipt.LeafHash });

        var entry = Assert.Single(entries.Entries);
        Assert.Equal(envelope.ToByteString(), entry.Entry);
        Assert.Equal(receipt.SubmissionId, entry.SubmissionId);
        Assert.Equal(receipt.LeafIndex, byHash.LeafIndex);
    }

    [Fact]
    public async Task Proofs_for_trees_the_log_does_not_have_are_refused_naming_the_field()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("NB", LastYear), gateway.Federation.Node("NB")));
        var log = new TransparencyLogService.TransparencyLogServiceClient(gateway.Channel);

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "tree_size", () => log.GetInclusionProofAsync(new GetInclusionProofRequest { LeafIndex = 0, TreeSize = 5 }).ResponseAsync);
        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "first_tree_size", () => log.GetConsistencyProofAsync(new GetConsistencyProofRequest { FirstTreeSize = 0 }).ResponseAsync);
        await RefusalAssert.RefusedAsync(StatusCode.NotFound, "leaf_hash", () => log.GetInclusionProofAsync(new GetInclusionProofRequest { LeafHash = ByteString.CopyFrom(new byte[32]) }).ResponseAsync);
    }

    [Fact]
    public async Task A_tampered_checkpoint_signature_is_caught_by_the_log_verifier()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("NB", LastYear), gateway.Federation.Node("NB")));
        var auditor = new LogAuditor(new TransparencyLogService.TransparencyLogServiceClient(gateway.Channel), gateway.Federation.LogVerifierKey, TimeProvider.System);
        var state = Path.Combine(gateway.Federation.Directory, "auditor.json");
        Assert.True((await auditor.AuditAsync(state, [], true, CancellationToken.None)).IsClean);

        // Rewrite the stored checkpoint as an attacker without the log key would: the tree size changes, the signature cannot follow.
        Execute(gateway, "UPDATE log_checkpoints SET signed_note = replace(signed_note, char(10) || '1' || char(10), char(10) || '2' || char(10))");
        var report = await auditor.AuditAsync(state, [], true, CancellationToken.None);

        Assert.False(report.IsClean);
        Assert.Contains("no valid signature by the log key", Assert.Single(report.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entry_altered_in_the_store_is_caught_and_located()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var receipts = new List<HeldReceipt>();
        for (var i = 0; i < 5; i++)
        {
            receipts.Add(new HeldReceipt("NB", await gateway.SubmitAsync(Revision("NB", hoursAgo: 10 - i, gateway))));
        }

        var auditor = new LogAuditor(new TransparencyLogService.TransparencyLogServiceClient(gateway.Channel), gateway.Federation.LogVerifierKey, TimeProvider.System);
        var state = Path.Combine(gateway.Federation.Directory, "auditor.json");
        Assert.True((await auditor.AuditAsync(state, receipts, true, CancellationToken.None)).IsClean);

        Execute(gateway, $"UPDATE log_entries SET leaf = leaf || x'00' WHERE release_id = '{receipts[2].Receipt.SubmissionId}'");
        var report = await auditor.AuditAsync(state, receipts, true, CancellationToken.None);
        var firstRun = Path.Combine(gateway.Federation.Directory, "fresh-auditor.json");
        var fresh = await auditor.AuditAsync(firstRun, [], true, CancellationToken.None);

        Assert.Contains(report.Problems, p => p.StartsWith("HISTORY REWRITTEN at leaf 2:", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.StartsWith("ALTERED ENTRY at leaf 2:", StringComparison.Ordinal));
        Assert.Contains("ALTERED ENTRY at leaf 2:", Assert.Single(fresh.Problems), StringComparison.Ordinal);
        Assert.False(File.Exists(firstRun));
    }

    [Fact]
    public async Task As_of_queries_answer_with_the_releases_current_at_that_checkpoint_or_time()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var node = gateway.Federation.Node("QC");
        var first = await gateway.SubmitAsync(TestSubmissions.Sign(
            TestSubmissions.Complete("QC", LastYear, total: 50, producedAt: DateTimeOffset.UtcNow.AddHours(-2)), node));
        await Task.Delay(20);
        var between = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await gateway.SubmitAsync(TestSubmissions.Sign(
            TestSubmissions.Complete("QC", LastYear, total: 65, producedAt: DateTimeOffset.UtcNow.AddHours(-1)), node));
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear - 1, total: 5), gateway.Federation.Node("ON")));
        var request = new QueryRequest { DatasetId = "trafficking.victims.v1" };

        var now = await gateway.QueryAsync(request);
        var atFirst = await gateway.QueryAsync(new QueryRequest(request) { AsOfTreeSize = first.TreeSize });
        var atTime = await gateway.QueryAsync(new QueryRequest(request) { AsOfTime = Timestamp.FromDateTimeOffset(between) });

        Assert.Equal([(LastYear - 1, 5L), (LastYear, 65L)], now.Rows.Select(r => (r.ReferenceYear, r.Value)));
        Assert.Equal(3UL, now.TreeSize);
        Assert.Equal([(LastYear, 50L)], atFirst.Rows.Select(r => (r.ReferenceYear, r.Value)));
        Assert.Equal(1UL, atFirst.TreeSize);
        Assert.Equal(atFirst.Rows, atTime.Rows);
        Assert.Equal(1UL, atTime.TreeSize);
        // An earlier answer is as honest about its uncertainty as a current one: T0's declared noise variance.
        Assert.Equal(now.Rows[1].Variance, atFirst.Rows[0].Variance);
        Assert.True(atFirst.Rows[0].Margin > 0);
    }

    [Fact]
    public async Task An_as_of_query_beyond_the_log_or_naming_both_size_and_time_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var request = new QueryRequest { DatasetId = "trafficking.victims.v1" };

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "as_of_tree_size", () => gateway.QueryAsync(new QueryRequest(request) { AsOfTreeSize = 3 }));
        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "as_of_time", () => gateway.QueryAsync(
            new QueryRequest(request) { AsOfTreeSize = 1, AsOfTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) }));
    }

    [Fact]
    public async Task The_gateway_does_not_start_without_a_p256_log_key_and_names_the_setting()
    {
        var missing = await Assert.ThrowsAnyAsync<Exception>(() => GatewayFixture.StartAsync(options => options.LogSigningKeyPath = null));
        var rsa = Path.Combine(Path.GetTempPath(), $"rsa-{Guid.NewGuid():N}.key");
        using (var key = System.Security.Cryptography.RSA.Create(2048))
        {
            await File.WriteAllTextAsync(rsa, key.ExportPkcs8PrivateKeyPem());
        }

        var wrongType = await Assert.ThrowsAnyAsync<Exception>(() => GatewayFixture.StartAsync(options => options.LogSigningKeyPath = rsa));
        File.Delete(rsa);

        Assert.Contains("Gateway:LogSigningKeyPath must name", missing.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:LogSigningKeyPath:", wrongType.Message, StringComparison.Ordinal);
        Assert.Contains("ECDSA P-256", wrongType.Message, StringComparison.Ordinal);
    }

    private static SignedEnvelope Revision(string jurisdiction, int hoursAgo, GatewayFixture gateway) => TestSubmissions.Sign(
        TestSubmissions.Complete(jurisdiction, LastYear, producedAt: DateTimeOffset.UtcNow.AddHours(-hoursAgo)),
        gateway.Federation.Node(jurisdiction));

    private static void Execute(GatewayFixture gateway, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(gateway.Federation.Directory, "gateway.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.True(command.ExecuteNonQuery() > 0);
    }
}

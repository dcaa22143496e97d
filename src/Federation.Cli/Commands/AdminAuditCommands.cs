using System.CommandLine;
using System.Globalization;
using Federation.Cli.Output;
using Federation.Contracts.V1;
using Google.Protobuf;

namespace Federation.Cli.Commands;

/// <summary>`fed admin` commands that read what the gateway recorded: the audit log and a submission's provenance.</summary>
internal static class AdminAuditCommands
{
    /// <summary>`fed admin audit`: every query and every refusal, newest first.</summary>
    public static Command Audit()
    {
        var client = new Option<string?>("--client") { Description = "Only this client's entries." };
        var refusals = new Option<bool>("--refusals") { Description = "Only refusals." };
        var limit = new Option<int>("--limit") { Description = "At most this many entries.", DefaultValueFactory = _ => 50 };
        var format = new Option<OutputFormat>("--format") { Description = "table or json.", DefaultValueFactory = _ => OutputFormat.Table };
        return AdminGatewayCall.Create(
            "audit",
            "Show the audit log: every query and every refusal (who, what, parameters, outcome, when), newest first.",
            [client, refusals, limit, format],
            async (parse, targets, deadline, ct) =>
            {
                var response = await targets.Gateway.ListAuditEntriesAsync(
                    new ListAuditEntriesRequest
                    {
                        ClientId = parse.GetValue(client) ?? string.Empty,
                        RefusalsOnly = parse.GetValue(refusals),
                        Limit = parse.GetValue(limit),
                    },
                    deadline: deadline,
                    cancellationToken: ct);
                if (parse.GetValue(format) == OutputFormat.Json)
                {
                    Console.WriteLine(JsonFormatter.Default.Format(response));
                    return;
                }

                var table = new TextTable(["#", "time (UTC)", "client", "method", "outcome", "parameters / detail"]);
                foreach (var e in response.Entries)
                {
                    table.AddRow([
                        e.Sequence.ToString(CultureInfo.InvariantCulture),
                        e.Time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                        e.ClientId,
                        e.Method,
                        e.Outcome,
                        Shorten(e.Refused && e.Detail.Length > 0 ? e.Detail : e.Parameters, 90),
                    ]);
                }

                table.Write(Console.Out);
                Console.WriteLine($"{response.Entries.Count} entries.");
            });
    }

    /// <summary>`fed admin provenance`: who sent a stored submission, and whether its signer was revoked since.</summary>
    public static Command Provenance()
    {
        var submissionId = new Argument<string>("submission-id") { Description = "The submission id (from a receipt)." };
        return AdminGatewayCall.Create(
            "provenance",
            "Show who sent a stored submission and whether its signer was revoked since.",
            [submissionId],
            async (parse, targets, deadline, ct) =>
            {
                var p = (await targets.Gateway.GetSubmissionProvenanceAsync(
                    new GetSubmissionProvenanceRequest { SubmissionId = parse.GetValue(submissionId)! }, deadline: deadline, cancellationToken: ct)).Provenance;
                Console.WriteLine($"Submission {p.SubmissionId}: {p.DatasetId} {p.Jurisdiction} {p.ReferenceYear}, revision {p.Revision}, received {p.ReceivedAt.ToDateTimeOffset():u}");
                Console.WriteLine($"Signed by {p.SignerSubject} (certificate {p.SignerThumbprint})");
                Console.WriteLine(p.SignerRevoked
                    ? $"SIGNER REVOKED at {p.SignerRevokedAt.ToDateTimeOffset():u} ({p.SignerRevocationReason}): accepted before the revocation; kept."
                    : "Signer certificate not revoked.");
                if (p.SupersededBy.Length > 0)
                {
                    Console.WriteLine($"Superseded by {p.SupersededBy}.");
                }
            });
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 3)] + "...";
}

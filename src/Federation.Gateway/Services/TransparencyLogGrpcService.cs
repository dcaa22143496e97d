using Federation.Contracts.V1;
using Federation.Gateway.Identity;
using Federation.Gateway.Serving;
using Federation.Gateway.Transparency;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Federation.Gateway.Services;

/// <summary>
/// Serves the transparency log to any active client: checkpoints, proofs, entries (a province client only its own
/// jurisdiction's, see <see cref="ProvinceScope"/>) and the signed served state.
/// </summary>
internal sealed class TransparencyLogGrpcService(TransparencyLog log, ServedStateAttestation servedState) : TransparencyLogService.TransparencyLogServiceBase
{
    public override async Task<GetCheckpointResponse> GetCheckpoint(GetCheckpointRequest request, ServerCallContext context)
    {
        var checkpoint = await log.CheckpointAsync(Size(request.TreeSize, "tree_size"), "tree_size", context.CancellationToken);
        return new GetCheckpointResponse
        {
            Checkpoint = checkpoint.SignedNote,
            VerifierKey = log.VerifierKey.ToString(),
            SignedAt = Timestamp.FromDateTimeOffset(checkpoint.SignedAt),
        };
    }

    public override async Task<GetInclusionProofResponse> GetInclusionProof(GetInclusionProofRequest request, ServerCallContext context)
    {
        var answer = await log.GetInclusionProofAsync(
            request.LeafCase == GetInclusionProofRequest.LeafOneofCase.LeafIndex ? Size(request.LeafIndex, "leaf_index") : null,
            request.LeafCase == GetInclusionProofRequest.LeafOneofCase.LeafHash ? request.LeafHash.ToByteArray() : null,
            Size(request.TreeSize, "tree_size"),
            context.CancellationToken);
        return new GetInclusionProofResponse
        {
            LeafIndex = (ulong)answer.LeafIndex,
            TreeSize = (ulong)answer.Checkpoint.TreeSize,
            LeafHash = ByteString.CopyFrom(answer.LeafHash),
            Proof = { answer.Proof.Select(ByteString.CopyFrom) },
            Checkpoint = answer.Checkpoint.SignedNote,
        };
    }

    public override async Task<GetConsistencyProofResponse> GetConsistencyProof(GetConsistencyProofRequest request, ServerCallContext context)
    {
        var answer = await log.GetConsistencyProofAsync(
            Size(request.FirstTreeSize, "first_tree_size"),
            Size(request.SecondTreeSize, "second_tree_size"),
            context.CancellationToken);
        return new GetConsistencyProofResponse
        {
            FirstTreeSize = (ulong)answer.FirstTreeSize,
            SecondTreeSize = (ulong)answer.Second.TreeSize,
            Proof = { answer.Proof.Select(ByteString.CopyFrom) },
            Checkpoint = answer.Second.SignedNote,
        };
    }

    public override async Task<GetEntriesResponse> GetEntries(GetEntriesRequest request, ServerCallContext context)
    {
        var entries = await log.GetEntriesAsync(Size(request.Start, "start"), Size(request.End, "end"), context.CancellationToken);
        ProvinceScope.RequireOwnEntries(context, entries.Select(e => (e.LeafIndex, e.Leaf)));
        return new GetEntriesResponse
        {
            Entries =
            {
                entries.Select(e => new LogEntry
                {
                    LeafIndex = (ulong)e.LeafIndex,
                    Entry = ByteString.CopyFrom(e.Leaf),
                    SubmissionId = e.ReleaseId,
                    AppendedAt = Timestamp.FromDateTimeOffset(e.AppendedAt),
                }),
            },
        };
    }

    public override async Task<GetServedStateResponse> GetServedState(GetServedStateRequest request, ServerCallContext context)
    {
        var answer = await servedState.GetAsync(Size(request.TreeSize, "tree_size"), context.CancellationToken);
        return new GetServedStateResponse
        {
            Checkpoint = answer.Checkpoint.SignedNote,
            ServedStateNote = answer.ServedStateNote,
            Series =
            {
                answer.Series.Select(s => new ServedSeries
                {
                    DatasetId = s.DatasetId,
                    ReferenceYear = s.ReferenceYear,
                    Jurisdiction = s.Jurisdiction,
                    LeafIndex = (ulong)s.LeafIndex,
                    SubmissionId = s.SubmissionId,
                    CellsDigest = ByteString.CopyFrom(s.CellsDigest),
                }),
            },
        };
    }

    private static long Size(ulong value, string field) => value <= long.MaxValue
        ? (long)value
        : throw new RequestRefusedException(RefusalKind.InvalidArgument, $"{field} is beyond any tree size.", field);
}

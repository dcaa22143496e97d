using Federation.Sdk.Submissions;

namespace Federation.Gateway;

/// <summary>Why the gateway refuses a request; the gRPC layer maps each kind to its status code.</summary>
public enum RefusalKind
{
    InvalidArgument,
    NotFound,
    PermissionDenied,
    FailedPrecondition,
    AlreadyExists,
    Unauthenticated,
    ResourceExhausted,
}

/// <summary>A request the gateway refuses, with the fields at fault. Nothing was written.</summary>
public sealed class RequestRefusedException : Exception
{
    public RequestRefusedException(RefusalKind kind, string message, IReadOnlyList<FieldViolation> violations)
        : base(message)
    {
        Kind = kind;
        Violations = violations;
    }

    public RequestRefusedException(RefusalKind kind, string message, string field)
        : this(kind, message, [new FieldViolation(field, message)])
    {
    }

    public RefusalKind Kind { get; }

    public IReadOnlyList<FieldViolation> Violations { get; }
}

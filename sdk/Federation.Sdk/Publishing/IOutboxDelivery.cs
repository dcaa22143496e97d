namespace Federation.Sdk.Publishing;

/// <summary>
/// Sends one kind of outbox entry to the gateway and checks the acknowledgement. Throws
/// <see cref="Grpc.Core.RpcException"/> when the gateway does not accept, and <see cref="ReceiptRejectedException"/>
/// when it answers with a receipt the node cannot keep.
/// </summary>
public interface IOutboxDelivery
{
    /// <summary>Whether this delivery sends entries of <paramref name="kind"/>.</summary>
    bool Delivers(OutboxEntryKind kind);

    /// <summary>Uploads the entry's envelope; returns the verified receipt to keep with the entry.</summary>
    Task<OutboxReceipt> DeliverAsync(OutboxEntry entry, CancellationToken cancellationToken);
}

/// <summary>The gateway answered, but with a receipt that does not prove it kept what was sent; the receipt was not kept.</summary>
public sealed class ReceiptRejectedException(string message) : Exception(message);

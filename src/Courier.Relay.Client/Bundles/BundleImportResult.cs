namespace Courier.Relay.Client.Bundles;

/// <summary>What a relay did with a bundle's envelopes for it (<c>POST /v1/bundles</c>).</summary>
/// <param name="Appended">Appended to their drops now.</param>
/// <param name="Duplicates">Already in their drops (by message id or by the same bytes): stored nothing.</param>
/// <param name="UnknownDrops">For drops this relay does not have (never created here, or deleted as idle): skipped.</param>
/// <param name="Full">For drops that hold their maximum of envelopes: skipped (the sender sends them again in the cell's next epoch).</param>
public sealed record BundleImportResult(int Appended, int Duplicates, int UnknownDrops, int Full);

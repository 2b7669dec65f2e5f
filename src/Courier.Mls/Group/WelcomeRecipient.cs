namespace Courier.Mls.Group;

/// <summary>
/// RFC 9420 §12.4.3.1: one new member a Welcome is encrypted to: its (validated) KeyPackage and,
/// when the Commit has a path, the path secret of the lowest node the committer's and the new
/// member's direct paths share. <see cref="PathSecret"/> stays owned by the caller.
/// </summary>
internal sealed record WelcomeRecipient(KeyPackage KeyPackage, Secret? PathSecret);

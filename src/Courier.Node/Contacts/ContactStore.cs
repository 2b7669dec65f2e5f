namespace Courier.Node.Contacts;

/// <summary>
/// Stores a contact both sides agreed on and returns its public view. <c>beforeCommit</c>, if given,
/// runs after the contact's dead drop exists and before the vault commits; if it throws, nothing is stored.
/// </summary>
internal delegate Task<Contact> ContactStore(EstablishedContact established, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken);

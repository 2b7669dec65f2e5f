using Courier.Mls.Group;

namespace Courier.Mls.Interop;

/// <summary>
/// A member after a ReInit commit (RFC 9420 §11.2): the old, frozen group and a KeyPackage for the
/// new group, which either ReInitWelcome (this member creates the new group) or HandleReInitWelcome
/// (it joins it) uses.
/// </summary>
internal sealed class ReInitEntry(GroupEntry old, KeyPackageBundle bundle) : IDisposable
{
    public GroupEntry Old { get; } = old;

    public KeyPackageBundle Bundle { get; } = bundle;

    public void Dispose() => Bundle.Dispose();
}

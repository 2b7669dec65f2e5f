namespace Courier.Node.Introductions;

/// <summary>Which of the two introduced parties a statement is for.</summary>
internal enum IntroductionRole : byte
{
    /// <summary>The first contact named in the introduction.</summary>
    First = 1,

    /// <summary>The second contact named in the introduction.</summary>
    Second = 2,
}

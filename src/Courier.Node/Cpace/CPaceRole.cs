namespace Courier.Node.Cpace;

/// <summary>Which of the two parties of a CPace run this one is (draft-irtf-cfrg-cpace-21 §6).</summary>
internal enum CPaceRole
{
    /// <summary>Party A: its share is Ya and its associated data ADa.</summary>
    A,

    /// <summary>Party B: its share is Yb and its associated data ADb.</summary>
    B,
}

namespace Courier.Node.Introductions;

/// <summary>The messages of the pairwise channel.</summary>
internal enum PairwiseMessageType : byte
{
    /// <summary>A signed <see cref="IntroductionStatement"/>.</summary>
    Introduction = 1,
}

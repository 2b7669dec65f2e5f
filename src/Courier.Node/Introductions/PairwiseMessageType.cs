namespace Courier.Node.Introductions;

/// <summary>The messages of the pairwise channel.</summary>
internal enum PairwiseMessageType : byte
{
    /// <summary>A signed <see cref="IntroductionStatement"/>.</summary>
    Introduction = 1,

    /// <summary>A Welcome to a cell (<see cref="Cells.WelcomeDelivery.Body"/>).</summary>
    Welcome = 2,

    /// <summary>A fresh KeyPackage, replacing one the sender used to join a cell.</summary>
    KeyPackage = 3,

    /// <summary>A request to be added back to a cell the sender fell behind in (<see cref="Cells.ReAddRequest"/>).</summary>
    ReAdd = 4,

    /// <summary>One member's share of a reserve the sender designated (<see cref="Reserve.ReserveShareMessage"/>).</summary>
    ReserveShare = 5,

    /// <summary>One council member's share of an authority the sender dealt (<see cref="Council.AuthorityShareMessage"/>).</summary>
    AuthorityShare = 6,
}

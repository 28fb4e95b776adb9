using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>Non-terminating targets that change what later rules see: MARK, CONNMARK, NOTRACK.</summary>
internal static class PacketEffects
{
    public static void Apply(Branch b, RuleAction action)
    {
        switch (action)
        {
            case MarkAction mark:
                b.Mark = (b.Mark & ~mark.Mask) ^ mark.Value;
                if (mark.Mask == uint.MaxValue) b.Unknown &= ~PacketFields.Mark;
                break;
            case ConnmarkAction connmark when b.HasConntrack:
                Connmark(b, connmark);
                break;
            case NoTrackAction:
                b.State = ConntrackStates.Untracked;
                break;
        }
    }

    // xt_connmark's connmark_tg_shift with shift 0.
    private static void Connmark(Branch b, ConnmarkAction a)
    {
        switch (a.Mode)
        {
            case ConnmarkMode.Set:
                b.ConnMark = (b.ConnMark & ~a.CtMask) ^ a.Value;
                if (a.CtMask == uint.MaxValue) b.Unknown &= ~PacketFields.ConnMark;
                break;
            case ConnmarkMode.Save:
                b.ConnMark = (b.ConnMark & ~a.CtMask) ^ (b.Mark & a.NfMask);
                if (!b.Knows(PacketFields.Mark) && a.NfMask != 0) b.Unknown |= PacketFields.ConnMark;
                break;
            case ConnmarkMode.Restore:
                b.Mark = (b.Mark & ~a.NfMask) ^ (b.ConnMark & a.CtMask);
                if (!b.Knows(PacketFields.ConnMark) && a.CtMask != 0) b.Unknown |= PacketFields.Mark;
                break;
        }
    }
}

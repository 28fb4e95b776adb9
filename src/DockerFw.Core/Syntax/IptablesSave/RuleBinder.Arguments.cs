using System.Runtime.InteropServices;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>How the binder takes an option's arguments from the line: a fixed arity, whatever they look like.</summary>
internal sealed partial class RuleBinder
{
    /// <summary>
    /// The next <paramref name="arity"/> arguments, whatever they look like; a bare <c>!</c> right
    /// after an invertible option is the old <c>-s ! x</c> negation, read as <c>! -s x</c>.
    /// </summary>
    private Token[]? Take(Token option, int arity, bool invertible)
    {
        if (!CanTake(option, arity, invertible)) return null;
        var args = arity == 0 ? [] : CollectionsMarshal.AsSpan(tokens).Slice(position, arity).ToArray();
        position += arity;
        return args;
    }

    private readonly Token[][] scratchArgs = [[], new Token[1], new Token[2]];

    /// <summary>
    /// <see cref="Take"/> into an array of this binder's that the next call overwrites: for a match
    /// option, whose binder reads its arguments and keeps only what it parsed from them.
    /// </summary>
    private Token[]? TakeScratch(Token option, int arity, bool invertible)
    {
        if (arity >= scratchArgs.Length) return Take(option, arity, invertible);
        if (!CanTake(option, arity, invertible)) return null;
        var args = scratchArgs[arity];
        CollectionsMarshal.AsSpan(tokens).Slice(position, arity).CopyTo(args);
        position += arity;
        return args;
    }

    /// <summary><see cref="Take"/> of one argument, without an array: most options take one.</summary>
    private Token? TakeOne(Token option, bool invertible) => CanTake(option, 1, invertible) ? tokens[position++] : null;

    /// <summary>Whether <paramref name="arity"/> arguments follow (after an intrapositioned <c>!</c>); reports why not.</summary>
    private bool CanTake(Token option, int arity, bool invertible)
    {
        if (arity > 0 && invertible && !TakeIntrapositionedBang(option)) return false;
        if (position + arity <= tokens.Count) return true;
        context.Report(Messages.MissingValue(context.At(option), option.Text, arity));
        return false;
    }

    /// <summary>Takes a bare <c>!</c> right after <paramref name="option"/> as its negation; false after a double one.</summary>
    private bool TakeIntrapositionedBang(Token option)
    {
        if (position >= tokens.Count || !tokens[position].IsBang) return true;
        // restore (1.8) no longer knows the old negation: getopt hands it the `!` as the option's value, so
        // `-i ! -o docker0` loads an interface named "!". dockerfw reads `-s ! x` the old way (DFW150), but a `!`
        // with no value after it is the value, as for restore.
        if (position + 1 >= tokens.Count || tokens[position + 1].LooksLikeOption) return true;
        if (bang is not null)
        {
            context.Report(Messages.DoubleNegation(context.At(tokens[position])));
            return false;
        }

        context.Report(Messages.IntrapositionedNegation(context.At(tokens[position]), option.Text));
        bang = tokens[position++];
        return true;
    }

    /// <summary>The values an unknown option seems to take: what follows until the next option or <c>!</c>.</summary>
    private Token[] TakeGuessed()
    {
        var start = position;
        while (position < tokens.Count && !tokens[position].LooksLikeOption && !tokens[position].IsBang) position++;
        return CollectionsMarshal.AsSpan(tokens)[start..position].ToArray();
    }
}

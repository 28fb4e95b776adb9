namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The steps the first pass leaves for later, in line order: appended by the first pass while the second core
/// binds the ones already handed over (<see cref="BindingPass.Publish"/>). Sized once, for one step a line, so
/// the array is never replaced and an entry, once written, is read where it was written.
/// </summary>
internal sealed class ReadSteps(int lines)
{
    private readonly ReadStep[] steps = new ReadStep[lines];

    public int Count { get; private set; }

    public ref readonly ReadStep this[int index] => ref steps[index];

    public void Add(in ReadStep step) => steps[Count++] = step;
}

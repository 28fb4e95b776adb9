namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// <c>-m bpf --bytecode</c> as libxt_bpf's bpf_parse_string reads it and the kernel's bpf_check_classic checks it (xt_bpf
/// hands the program to bpf_prog_create when restore commits): <c>N,CODE JT JF K,CODE JT JF K,...</c> as
/// <c>nfbpf_compile</c> prints it, the length first (<c>sscanf("%hu%c")</c> with ',' after it, 1-64), then one
/// instruction after every ',' that has text after it (<c>sscanf("%hu %hhu %hhu %u")</c>, so a trailing ',' is
/// nothing), exactly as many as the length says. The kernel then wants known opcodes, no division by a constant 0, shifts
/// below 32, scratch cells 0-15 stored before they are loaded on every path, jumps that land inside the program,
/// ancillary loads it knows, and a return last.
/// </summary>
internal static class BpfBytecode
{
    /// <summary>XT_BPF_MAX_NUM_INSTR.</summary>
    private const int MaxInstructions = 64;

    private readonly record struct Instruction(ushort Code, byte Jt, byte Jf, uint K);

    /// <summary>What a valid program looks like, for the message; null when restore loads it.</summary>
    public static string? Problem(string text)
    {
        const string Form = "a BPF program 'N,CODE JT JF K,...' (as nfbpf_compile prints it)";
        var at = 0;
        if (!CNumbers.Scan(text, ref at, out var length) || at >= text.Length || text[at] != ',') return Form;
        var count = (ushort)length;
        if (count is 0 or > MaxInstructions) return $"a BPF program of 1-{MaxInstructions} instructions";
        var program = new Instruction[count];
        var found = 0;
        for (var comma = text.IndexOf(','); comma >= 0 && comma + 1 < text.Length; comma = text.IndexOf(',', comma + 1))
        {
            if (found >= count) return $"a BPF program of {count} instructions, as its length says";
            var i = comma + 1;
            if (!CNumbers.Scan(text, ref i, out var code) || !CNumbers.Scan(text, ref i, out var jt) || !CNumbers.Scan(text, ref i, out var jf) || !CNumbers.Scan(text, ref i, out var k))
                return $"{Form}: instruction {found} is not four numbers";
            program[found++] = new((ushort)code, (byte)jt, (byte)jf, (uint)k);
        }

        if (found != count) return $"a BPF program of {count} instructions, as its length says";
        return KernelProblem(program) is { } problem ? $"a BPF program the kernel's check takes ({problem})" : null;
    }

    // Classic BPF's opcodes the kernel takes (chk_code_allowed).
    private const ushort LdMem = 0x60, LdxMem = 0x61, St = 0x02, Stx = 0x03, Ja = 0x05, RetK = 0x06, RetA = 0x16;
    private const ushort DivK = 0x34, ModK = 0x94, LshK = 0x64, RshK = 0x74, LdAbsW = 0x20, LdAbsH = 0x28, LdAbsB = 0x30;

    private static readonly HashSet<ushort> Allowed =
    [
        // ALU: ADD SUB MUL DIV OR AND LSH RSH MOD XOR with K or X, and NEG.
        0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74, 0x7c, 0x94, 0x9c, 0xa4, 0xac, 0x84,
        // Loads: ABS W/H/B, LEN, IND W/H/B, IMM, MEM; LDX LEN, MSH, IMM, MEM.
        0x20, 0x28, 0x30, 0x80, 0x40, 0x48, 0x50, 0x00, 0x60, 0x81, 0xb1, 0x01, 0x61,
        // Stores, TAX, TXA, returns.
        0x02, 0x03, 0x07, 0x87, 0x06, 0x16,
        // Jumps: JA, JEQ JGT JGE JSET with K or X.
        0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d,
    ];

    private static bool IsConditionalJump(ushort code) => code is 0x15 or 0x1d or 0x25 or 0x2d or 0x35 or 0x3d or 0x45 or 0x4d;

    /// <summary>SKF_AD_OFF: absolute loads at or past it are the kernel's ancillary data, SKF_AD_PROTOCOL to SKF_AD_VLAN_TPID.</summary>
    private const uint AncillaryBase = 0xfffff000;

    private const uint AncillaryEnd = AncillaryBase + 64;

    /// <summary>bpf_check_classic and check_load_and_stores; the problem at its instruction, or null.</summary>
    private static string? KernelProblem(Instruction[] program)
    {
        var length = program.Length;
        for (var pc = 0; pc < length; pc++)
        {
            var (code, jt, jf, k) = program[pc];
            if (!Allowed.Contains(code)) return $"instruction {pc}: no opcode {code}";
            var problem = code switch
            {
                DivK or ModK when k == 0 => "a division by 0",
                LshK or RshK when k >= 32 => "a shift of 32 or more",
                LdMem or LdxMem or St or Stx when k >= 16 => "a scratch cell past 15",
                Ja when k >= (uint)(length - pc - 1) => "a jump past the end",
                _ when IsConditionalJump(code) && (pc + jt + 1 >= length || pc + jf + 1 >= length) => "a jump past the end",
                LdAbsW or LdAbsH or LdAbsB when k >= AncillaryBase && (k >= AncillaryEnd || k % 4 != 0) => "an unknown ancillary load",
                _ => null,
            };
            if (problem is not null) return $"instruction {pc}: {problem}";
        }

        if (program[^1].Code is not (RetK or RetA)) return "a return last";

        // A scratch cell must be stored on every path before it is loaded: the cells valid at each instruction.
        var masks = new ushort[length];
        Array.Fill(masks, ushort.MaxValue);
        ushort valid = 0;
        for (var pc = 0; pc < length; pc++)
        {
            valid &= masks[pc];
            var (code, jt, jf, k) = program[pc];
            if (code is St or Stx) valid |= (ushort)(1 << (int)k);
            else if (code is LdMem or LdxMem && (valid & (1 << (int)k)) == 0) return $"instruction {pc}: a scratch cell loaded before it is stored";
            else if (code == Ja)
            {
                masks[pc + 1 + (int)k] &= valid;
                valid = ushort.MaxValue;
            }
            else if (IsConditionalJump(code))
            {
                masks[pc + 1 + jt] &= valid;
                masks[pc + 1 + jf] &= valid;
                valid = ushort.MaxValue;
            }
        }

        return null;
    }
}

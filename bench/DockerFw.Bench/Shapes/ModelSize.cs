using System.Reflection;
using System.Runtime.CompilerServices;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Bench.Shapes;

/// <summary>
/// `model-size FILE`: what the model of a dump holds, by type, in bytes per rule (docs/performance.md,
/// "Reader on every shape"). The sizes are the 64-bit runtime's layout as estimated from the fields
/// (16-byte header, 8-byte references, arrays and strings with their length), over every object
/// reachable from the ruleset once, the shared ones (pooled strings, singletons) counted once.
/// The input text is not counted: rules keep slices of it, and it is held anyway while reading.
/// </summary>
internal static class ModelSize
{
    public static int Run(string file)
    {
        var text = File.ReadAllText(file);
        var ruleset = IptablesSaveReader.Read(text, file).Value!;
        var rules = ruleset.Rules.Count();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance) { text };
        var byType = new Dictionary<string, (long Count, long Bytes)>();
        var pending = new Stack<object>();
        pending.Push(ruleset);
        while (pending.TryPop(out var item))
        {
            var type = item.GetType();
            var size = SizeOf(item, type, pending, seen);
            var name = type.IsArray ? type.GetElementType()!.Name + "[]" : type.Name;
            var (count, bytes) = byType.GetValueOrDefault(name);
            byType[name] = (count + 1, bytes + size);
        }

        var total = byType.Values.Sum(v => v.Bytes);
        Console.WriteLine($"{rules} rules, {total >> 20} MB of model, {total / Math.Max(rules, 1)} bytes per rule");
        foreach (var (name, (count, bytes)) in byType.OrderByDescending(p => p.Value.Bytes).Take(20))
            Console.WriteLine($"{bytes / Math.Max(rules, 1),6} B/rule {count / (double)Math.Max(rules, 1),6:F2} per rule  {name}");
        return 0;
    }

    private static long SizeOf(object item, Type type, Stack<object> pending, HashSet<object> seen)
    {
        if (item is string s) return Align(22 + 2L * s.Length);
        if (item is Array array)
        {
            var element = type.GetElementType()!;
            if (!element.IsValueType)
            {
                foreach (var e in array) Visit(e, pending, seen);
                return Align(24 + 8L * array.Length);
            }

            long fields = 0;
            foreach (var e in array) fields += InlineSize(e!, element, pending, seen);
            return Align(24 + fields);
        }

        return Align(16 + FieldsSize(item, type, pending, seen));
    }

    private static long FieldsSize(object item, Type type, Stack<object> pending, HashSet<object> seen)
    {
        long size = 0;
        for (var t = type; t is not null; t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                // A pointer-like field reflection will not read (in runtime types): its own size, nothing behind it.
                object? value;
                try { value = field.GetValue(item); }
                catch (FieldAccessException) { size += 8; continue; }
                size += InlineSize(value, field.FieldType, pending, seen);
            }
        }

        return Math.Max(size, 8);
    }

    private static long InlineSize(object? value, Type type, Stack<object> pending, HashSet<object> seen)
    {
        if (!type.IsValueType)
        {
            Visit(value, pending, seen);
            return 8;
        }

        if (type.IsPrimitive || type.IsEnum || value is null) return type.IsEnum ? Unsafe.SizeOf<int>() : Marshal(type);
        return FieldsSize(value, type, pending, seen) is var inner && inner < 8 ? inner : Align(inner);
    }

    private static long Marshal(Type type) => type == typeof(bool) || type == typeof(byte) ? 1
        : type == typeof(short) || type == typeof(char) ? 2
        : type == typeof(int) || type == typeof(float) ? 4 : 8;

    private static void Visit(object? value, Stack<object> pending, HashSet<object> seen)
    {
        if (value is null || value is Pointer || value.GetType().IsPointer) return;
        if (value is Type or MemberInfo or Delegate) return;
        if (seen.Add(value)) pending.Push(value);
    }

    private static long Align(long size) => (size + 7) & ~7L;
}

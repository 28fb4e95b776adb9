/*
 * Linked into the native (NativeAOT) build only (DockerFw.Cli.csproj, target StartPages).
 *
 * Before main, the runtime writes the image's "hydrated" data (type descriptions and the like, 6 MB
 * for dockerfw) into the zero-filled tail of the program's writable segment (.bss, .hydrated). Left
 * to itself, every 4 KB page of it is one fault to the kernel as it is first written: about 1,500
 * faults, over a third of the CPU of `dockerfw --version` on a virtual machine (docs/performance.md,
 * "Reader on every shape"). This constructor runs before main and asks Linux to back that tail with
 * transparent huge pages where it can (MADV_HUGEPAGE; the machine's setting decides) and to fill it
 * in one call (MADV_POPULATE_WRITE, Linux 5.14) instead of a fault per page. Every page is written
 * by the runtime anyway, so nothing more is resident. Where either call is refused (an older
 * kernel, huge pages off) nothing changes. DOCKERFW_HUGE_PAGES=0 turns it off, as it does for the
 * collector's heap (HugePages.cs).
 *
 * A huge page needs its whole 2 MB block inside the mapping, so the tail's last, partial block got
 * 4 KB pages, and on a virtual machine a 4 KB page costs its first write even after it was filled
 * (12-25 us each, up to 511 of them: docs/performance.md, "Start-up"). The tail is extended with zero
 * memory to the next 2 MB boundary where nothing else is mapped there (MAP_FIXED_NOREPLACE), so that
 * block is one huge page too (where the program break would start there, as without address space
 * randomisation, malloc takes its memory from mmap instead: it does so whenever brk is refused). The
 * tail's first block is shared with the file's data: it stays small pages.
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* A smaller zero-filled tail is not worth a system call. */
#define WORTH (1u << 20)

#define HUGE_PAGE ((uintptr_t)2 << 20)

/* end, or the next 2 MB boundary after it once the memory up to there is mapped, zero, next to the tail. */
static uintptr_t to_huge_boundary(uintptr_t end)
{
    uintptr_t boundary = (end + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    if (boundary == end)
        return end;
    void *more = mmap((void *)end, boundary - end, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (more == (void *)end)
        return boundary;
    /* A kernel before 4.17 takes the flag for a hint and may map it elsewhere. */
    if (more != MAP_FAILED)
        munmap(more, boundary - end);
    return end;
}

static int advise_zero_tail(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    uintptr_t page = 4096;
    for (int i = 0; i < info->dlpi_phnum; i++)
    {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || !(segment->p_flags & PF_W) || segment->p_memsz < segment->p_filesz + WORTH)
            continue;
        /* The page the file's bytes end in is the file's (copied on write); the anonymous tail starts after it. */
        uintptr_t start = (info->dlpi_addr + segment->p_vaddr + segment->p_filesz + page - 1) & ~(page - 1);
        uintptr_t end = to_huge_boundary((info->dlpi_addr + segment->p_vaddr + segment->p_memsz + page - 1) & ~(page - 1));
        madvise((void *)start, end - start, MADV_HUGEPAGE);
        madvise((void *)start, end - start, MADV_POPULATE_WRITE);
    }

    /* The first object is the program itself: nothing else to look at. */
    return 1;
}

__attribute__((constructor)) static void dockerfw_start_pages(void)
{
    const char *off = getenv("DOCKERFW_HUGE_PAGES");
    if (off != NULL && strcmp(off, "0") == 0)
        return;
    dl_iterate_phdr(advise_zero_tail, NULL);
}

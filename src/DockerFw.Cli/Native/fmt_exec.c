/*
 * Linked into the full native executable only (DockerFw.Cli.csproj, target FmtExec; not into
 * lib/dockerfw-fmt, which FmtProgram.cs describes).
 *
 * `dockerfw fmt` of a small dump is mostly the runtime's start, which grows with every type compiled
 * into the executable: the full one hydrates 6.5 MB of type data before main (35,000 method tables),
 * the fmt-only executable beside it has 7,800 (docs/performance.md, "Reader on every shape"). So before anything of the
 * runtime starts (this constructor runs before start_pages.c's and before main), a run of
 * `dockerfw fmt ...` is handed to dockerfw-fmt in the same folder with the same arguments and
 * environment, exactly when Program.Main would run it as a plain command: its first word is "fmt",
 * it is no docker CLI plugin run (Plugin/DockerCliPlugin.IsInvocation: the variable docker sets for
 * a plugin, an executable named docker-fw; "fmt" is no docker global option). Where dockerfw-fmt is
 * missing or cannot be run, nothing changes: this program runs fmt itself. DOCKERFW_FMT_EXEC=0 turns
 * the hand-over off (to compare the two).
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char fmt_program[] = "dockerfw-fmt";

__attribute__((constructor(101))) static void dockerfw_fmt_exec(int argc, char **argv, char **envp)
{
    if (argc < 2 || argv == NULL || strcmp(argv[1], "fmt") != 0)
        return;
    if (getenv("DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND") != NULL)
        return;
    const char *off = getenv("DOCKERFW_FMT_EXEC");
    if (off != NULL && strcmp(off, "0") == 0)
        return;

    /* Environment.ProcessPath is the resolved /proc/self/exe, which the kernel gives whole (realpath would
       read every component of it again). */
    char self[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0)
        return;
    self[length] = '\0';
    char *slash = strrchr(self, '/');
    if (slash == NULL || strcmp(slash + 1, "docker-fw") == 0 || strcmp(slash + 1, fmt_program) == 0)
        return;
    if ((size_t)(slash + 1 - self) + sizeof fmt_program > sizeof self)
        return;
    strcpy(slash + 1, fmt_program);
    execve(self, argv, envp);
    /* Only on failure: fall through to this program's own fmt. */
}

/* Dumps the option tables of every xtables extension library: registers are caught here, not in libxtables. */
#include <stdio.h>
#include <dlfcn.h>
#include <dirent.h>
#include <string.h>
#include <getopt.h>
#include <xtables.h>
static const char *types[] = {"NONE","UINT8","UINT16","UINT32","UINT64","UINT8RC","UINT16RC","UINT32RC","UINT64RC","DOUBLE","STRING","TOSMASK","MARKMASK32","SYSLOGLEVEL","HOST","HOSTMASK","PROTOCOL","PORT","PORTRC","PLEN","PLENMASK","ETHERMAC"};
static const char *cur;
static void names(const struct xt_option_entry *o, unsigned mask) {
  const struct xt_option_entry *p; int first = 1;
  for (p = o; p->name; p++) if (mask & (1u << p->id)) { printf("%s%s", first ? "" : ",", p->name); first = 0; }
  if (first) printf("-");
}
static void dump(const char *kind, const char *name, int rev, int fam, const struct xt_option_entry *o, const struct option *eo, void *fc, void *fc6, void *parse, void *x6parse) {
  printf("%s %s rev=%d fam=%d lib=%s x6=%d fcheck=%d final=%d\n", kind, name, rev, fam, cur, o != NULL, fc6 != NULL, fc != NULL);
  if (o) for (const struct xt_option_entry *p = o; p->name; p++) {
    printf("  --%s type=%s id=%u flags=%s%s%s min=%u max=%u excl=", p->name, types[p->type], p->id,
      (p->flags & XTOPT_INVERT) ? "I" : "", (p->flags & XTOPT_MAND) ? "M" : "", (p->flags & XTOPT_MULTI) ? "U" : "", p->min, p->max);
    names(o, p->excl); printf(" also="); names(o, p->also); printf("\n");
  } else if (eo) for (const struct option *p = eo; p->name; p++) printf("  --%s has_arg=%d (old)\n", p->name, p->has_arg);
}
void xtables_register_match(struct xtables_match *m) { dump("match", m->name, m->revision, m->family, m->x6_options, m->extra_opts, m->final_check, m->x6_fcheck, m->parse, m->x6_parse); }
void xtables_register_matches(struct xtables_match *m, unsigned int n) { for (unsigned i = 0; i < n; i++) xtables_register_match(&m[i]); }
void xtables_register_target(struct xtables_target *t) { dump("target", t->name, t->revision, t->family, t->x6_options, t->extra_opts, t->final_check, t->x6_fcheck, t->parse, t->x6_parse); }
void xtables_register_targets(struct xtables_target *t, unsigned int n) { for (unsigned i = 0; i < n; i++) xtables_register_target(&t[i]); }
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) { cur = strrchr(argv[i], '/') + 1; if (!dlopen(argv[i], RTLD_NOW | RTLD_GLOBAL)) fprintf(stderr, "%s\n", dlerror()); }
  return 0;
}

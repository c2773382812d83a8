// Nothing to import: this target only changes which symbol versions the executable asks the
// dynamic loader for (see glibc_compat.c).

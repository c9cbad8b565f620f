# The programs: one source file each, options and the record loop only.
bin_PROGRAMS += cmd/gk-cat
cmd_gk_cat_SOURCES = cmd/gk-cat.c
bin_PROGRAMS += cmd/gk-truncate
cmd_gk_truncate_SOURCES = cmd/gk-truncate.c

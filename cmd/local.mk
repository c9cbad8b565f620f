# The programs: one source file each, options and the record loop only.
bin_PROGRAMS += cmd/gk-cat
cmd_gk_cat_SOURCES = cmd/gk-cat.c
bin_PROGRAMS += cmd/gk-truncate
cmd_gk_truncate_SOURCES = cmd/gk-truncate.c
bin_PROGRAMS += cmd/gk-encode cmd/gk-pool
cmd_gk_encode_SOURCES = cmd/gk-encode.c
cmd_gk_pool_SOURCES = cmd/gk-pool.c
bin_PROGRAMS += cmd/gk-tokenize
cmd_gk_tokenize_SOURCES = cmd/gk-tokenize.c
bin_PROGRAMS += cmd/gk-relabel
cmd_gk_relabel_SOURCES = cmd/gk-relabel.c
bin_PROGRAMS += cmd/gk-generate
cmd_gk_generate_SOURCES = cmd/gk-generate.c

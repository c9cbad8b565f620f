# Man pages, installed and linted by tests/man-lint.sh.
dist_man_MANS += man/gk.7 man/gk-stream.5 man/gk-cat.1 man/gk-truncate.1 \
	man/gk-encode.1 man/gk-pool.1 man/gk-tokenize.1 man/gk-relabel.1 man/gk-generate.1

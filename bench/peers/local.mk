# The encoder benchmark's C parts (bench/encode.sh), built on demand:
#   make bench/encode-sgemm bench/encode-lib
EXTRA_PROGRAMS += bench/encode-sgemm bench/encode-lib
bench_encode_sgemm_SOURCES = bench/encode-sgemm.c
bench_encode_lib_SOURCES = bench/encode-lib.c
CLEANFILES += bench/encode-sgemm bench/encode-lib
EXTRA_DIST += bench/encode.sh bench/encode-inputs.py bench/encode-torch.py \
	bench/encode-ort.js bench/encode-check.py bench/encode-mem.sh \
	bench/peers/package.json bench/peers/package-lock.json

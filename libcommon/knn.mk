# libcommon: nearest-neighbour search (gk-knn) and retrieval metrics (gk-eval).
libcommon_libcommon_a_SOURCES += \
	libcommon/knn.h libcommon/knn_internal.h \
	libcommon/knn_topk.c libcommon/knn_topk.h \
	libcommon/knn_index.c libcommon/knn_file.c libcommon/knn_ivf.c \
	libcommon/knn_kernels.c libcommon/knn_search.c \
	libcommon/hits.c libcommon/hits.h \
	libcommon/eval.c libcommon/eval.h

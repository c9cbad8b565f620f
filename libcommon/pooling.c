/*
 * pooling.c - pooling modes, dense layers and L2 normalisation for one
 * sequence, matching sentence-transformers' Pooling, Dense and Normalize.
 * No config reading here (st_modules.c does that), no batching.
 */
#include "pooling.h"

#include <math.h>
#include <string.h>

#include "kernels.h"

static const char *const names[] = {"cls", "max", "mean", "mean_sqrt_len", "weightedmean", "lasttoken"};

int gk_pool_count(unsigned modes)
{
	int n = 0;
	for (int i = 0; i < 6; i++)
		n += (modes >> i) & 1;
	return n;
}

const char *gk_pool_name(unsigned mode)
{
	for (int i = 0; i < 6; i++)
		if (mode == 1u << i)
			return names[i];
	return NULL;
}

unsigned gk_pool_from_name(const char *name)
{
	for (int i = 0; i < 6; i++)
		if (strcmp(name, names[i]) == 0)
			return 1u << i;
	return 0;
}

int gk_pool_skip(unsigned modes, const float *h, size_t len, size_t skip, size_t dim,
	float *out, gk_error *err)
{
	if (len == 0)
		return gk_error_set(err, GK_EDATA, "cannot pool a sequence of 0 tokens");
	if (skip >= len)
		return gk_error_set(err, GK_EDATA, "the prompt (%zu tokens) covers the whole sequence (%zu tokens)",
			skip, len);
	if (!(modes & GK_POOL_ALL_MODES))
		return gk_error_set(err, GK_EDATA, "no pooling mode selected");
	for (int bit = 0; bit < 6; bit++) {
		unsigned m = 1u << bit;
		if (!(modes & m))
			continue;
		switch (m) {
		case GK_POOL_CLS:
			memcpy(out, h, dim * sizeof *out);
			break;
		case GK_POOL_LASTTOKEN:
			memcpy(out, h + (len - 1) * dim, dim * sizeof *out);
			break;
		case GK_POOL_MAX:
			memcpy(out, h + skip * dim, dim * sizeof *out);
			for (size_t t = skip + 1; t < len; t++)
				for (size_t k = 0; k < dim; k++)
					if (h[t * dim + k] > out[k])
						out[k] = h[t * dim + k];
			break;
		default: { /* the three averages share one weighted sum */
			double wsum = 0;
			for (size_t k = 0; k < dim; k++)
				out[k] = 0;
			for (size_t t = skip; t < len; t++) {
				float w = m == GK_POOL_WEIGHTED_MEAN ? (float)(t + 1) : 1.0f;
				wsum += w;
				for (size_t k = 0; k < dim; k++)
					out[k] += w * h[t * dim + k];
			}
			float div = m == GK_POOL_MEAN_SQRT_LEN ? sqrtf((float)(len - skip)) : (float)wsum;
			for (size_t k = 0; k < dim; k++)
				out[k] /= div;
		}
		}
		out += dim;
	}
	return 0;
}

int gk_pool(unsigned modes, const float *h, size_t len, size_t dim, float *out, gk_error *err)
{
	return gk_pool_skip(modes, h, len, 0, dim, out, err);
}

void gk_dense_apply(const gk_dense *d, const float *x, float *y)
{
	gk_linear(x, d->w, d->b, y, 1, (size_t)d->in, (size_t)d->out);
	gk_act_ref(d->act, y, (size_t)d->out);
}

void gk_l2_normalize(float *v, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += (double)v[i] * v[i];
	double norm = sqrt(s);
	float inv = (float)(1.0 / (norm > 1e-12 ? norm : 1e-12));
	for (size_t i = 0; i < n; i++)
		v[i] *= inv;
}

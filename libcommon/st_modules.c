/*
 * st_modules.c - read sentence-transformers module configs (modules.json,
 * Pooling, Dense, Normalize) and run them on one sequence.  Module paths
 * come from an untrusted file, so none may leave the model directory.
 * Other module types are refused rather than skipped: skipping one would
 * give vectors that silently differ from sentence-transformers'.
 */
#include "st_modules.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gguf.h"
#include "gguf_model.h"
#include "json_util.h"
#include "safetensors.h"

#define ST "sentence_transformers.models."

void gk_st_modules_clear(gk_st_modules *m)
{
	for (int i = 0; m->dense && i < m->n_dense; i++) {
		free(m->dense[i].w);
		free(m->dense[i].b);
	}
	free(m->dense);
	memset(m, 0, sizeof *m);
}

/* A module path must be a relative path inside the model directory. */
static int module_path_ok(const char *p)
{
	if (p[0] == '/' || strstr(p, ".."))
		return 0;
	return 1;
}

static int load_pooling(gk_st_modules *m, const char *dir, const char *path, gk_error *err)
{
	char file[512];
	snprintf(file, sizeof file, "%s%sconfig.json", path, *path ? "/" : "");
	char *full = gk_path_join(dir, file);
	if (!full)
		return gk_error_nomem(err);
	json_t *j = gk_json_load_file(full, file, err);
	free(full);
	if (!j)
		return err ? err->code : GK_EDATA;
	static const struct { const char *key; unsigned mode; } keys[] = {
		{"pooling_mode_cls_token", GK_POOL_CLS},
		{"pooling_mode_max_tokens", GK_POOL_MAX},
		{"pooling_mode_mean_tokens", GK_POOL_MEAN},
		{"pooling_mode_mean_sqrt_len_tokens", GK_POOL_MEAN_SQRT_LEN},
		{"pooling_mode_weightedmean_tokens", GK_POOL_WEIGHTED_MEAN},
		{"pooling_mode_lasttoken", GK_POOL_LASTTOKEN},
	};
	int rc = 0, on;
	int64_t dim;
	m->pooling = 0;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if ((rc = gk_json_get_bool(j, keys[i].key, 0, &on, file, err)) < 0)
			goto out;
		if (on)
			m->pooling |= keys[i].mode;
	}
	if ((rc = gk_json_get_bool(j, "include_prompt", 1, &m->include_prompt, file, err)) < 0)
		goto out;
	if ((rc = gk_json_get_int(j, "word_embedding_dimension", m->in_dim, 1, 1 << 20, &dim, file, err)) < 0)
		goto out;
	if (dim != m->in_dim) {
		rc = gk_error_set(err, GK_EDATA, "%s: word_embedding_dimension %lld differs from the model's hidden_size %d",
			file, (long long)dim, m->in_dim);
		goto out;
	}
	if (!m->pooling)
		rc = gk_error_set(err, GK_EDATA, "%s: no pooling mode is enabled (pooling_mode_*: true)", file);
	else
		m->out_dim = m->in_dim * gk_pool_count(m->pooling);
out:
	json_decref(j);
	return rc;
}

static int load_dense(gk_st_modules *m, const char *dir, const char *path, gk_error *err)
{
	char file[512], wfile[512];
	snprintf(file, sizeof file, "%s/config.json", path);
	snprintf(wfile, sizeof wfile, "%s/model.safetensors", path);
	gk_dense *d = realloc(m->dense, (size_t)(m->n_dense + 1) * sizeof *d);
	if (!d)
		return gk_error_nomem(err);
	m->dense = d;
	char *full = gk_path_join(dir, file), *wfull = gk_path_join(dir, wfile);
	json_t *j = NULL;
	gk_safetensors *st = NULL;
	int64_t in, out;
	int bias, rc;
	const char *act;

	if (!full || !wfull) {
		rc = gk_error_nomem(err);
		goto done;
	}
	d += m->n_dense;
	memset(d, 0, sizeof *d);
	m->n_dense++;
	if (!(j = gk_json_load_file(full, file, err))) {
		rc = err ? err->code : GK_EDATA;
		goto done;
	}
	if ((rc = gk_json_get_int(j, "in_features", -1, 1, 1 << 20, &in, file, err)) < 0 ||
	    (rc = gk_json_get_int(j, "out_features", -1, 1, 1 << 20, &out, file, err)) < 0 ||
	    (rc = gk_json_get_bool(j, "bias", 1, &bias, file, err)) < 0 ||
	    (rc = gk_json_get_string(j, "activation_function",
		"torch.nn.modules.activation.Tanh", &act, file, err)) < 0)
		goto done;
	if (in != m->out_dim) {
		rc = gk_error_set(err, GK_EDATA, "%s: in_features %lld, but the previous module gives %d",
			file, (long long)in, m->out_dim);
		goto done;
	}
	int a = gk_act_from_name(act);
	if (a < 0) {
		rc = gk_error_set(err, GK_EDATA,
			"%s: activation_function \"%s\" is not supported (supported: torch.nn.modules.activation.Tanh, "
			"ReLU, GELU, torch.nn.modules.linear.Identity)", file, act);
		goto done;
	}
	d->in = (int)in;
	d->out = (int)out;
	d->act = (gk_act)a;
	if (!gk_file_exists(wfull)) {
		rc = gk_error_set(err, GK_EDATA, "%s: missing (Dense weights in pytorch_model.bin are not "
			"supported; convert them to safetensors)", wfile);
		goto done;
	}
	if ((rc = gk_safetensors_open(&st, wfull, err)) < 0) {
		gk_error_prefix(err, "%s", path);
		goto done;
	}
	int64_t ws[2] = {out, in}, bs[1] = {out};
	if (!(d->w = gk_safetensors_load_f32(st, "linear.weight", 2, ws, err)) ||
	    (bias && !(d->b = gk_safetensors_load_f32(st, "linear.bias", 1, bs, err)))) {
		gk_error_prefix(err, "%s", path);
		rc = err ? err->code : GK_EDATA;
		goto done;
	}
	m->out_dim = (int)out;
	rc = 0;
done:
	gk_safetensors_free(st);
	json_decref(j);
	free(full);
	free(wfull);
	return rc;
}

static int load_modules_json(gk_st_modules *m, const char *dir, const char *path, gk_error *err)
{
	const char *file = "modules.json";
	json_t *j = gk_json_load_file(path, file, err);
	int rc = 0, seen_transformer = 0, seen_pooling = 0;

	if (!j)
		return err ? err->code : GK_EDATA;
	if (!json_is_array(j)) {
		rc = gk_error_set(err, GK_EDATA, "%s: not a JSON array", file);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(j); i++) {
		json_t *e = json_array_get(j, i);
		const char *type, *mpath;
		if (!json_is_object(e)) {
			rc = gk_error_set(err, GK_EDATA, "%s: entry %zu is not an object", file, i);
			goto out;
		}
		if ((rc = gk_json_get_string(e, "type", NULL, &type, file, err)) < 0 ||
		    (rc = gk_json_get_string(e, "path", "", &mpath, file, err)) < 0)
			goto out;
		if (!type) {
			rc = gk_error_set(err, GK_EDATA, "%s: entry %zu has no \"type\"", file, i);
			goto out;
		}
		if (!module_path_ok(mpath)) {
			rc = gk_error_set(err, GK_EDATA, "%s: entry %zu: path \"%s\" leaves the model directory",
				file, i, mpath);
			goto out;
		}
		if (strcmp(type, ST "Transformer") == 0) {
			if (i != 0) {
				rc = gk_error_set(err, GK_EDATA, "%s: the Transformer module must come first", file);
				goto out;
			}
			seen_transformer = 1;
		} else if (strcmp(type, ST "Pooling") == 0) {
			if (!seen_transformer || seen_pooling || m->n_dense || m->normalize) {
				rc = gk_error_set(err, GK_EDATA, "%s: Pooling must come once, right after the Transformer", file);
				goto out;
			}
			seen_pooling = 1;
			if ((rc = load_pooling(m, dir, mpath, err)) < 0)
				goto out;
		} else if (strcmp(type, ST "Dense") == 0) {
			if (!seen_pooling || m->normalize) {
				rc = gk_error_set(err, GK_EDATA, "%s: a Dense module must come after Pooling and before Normalize", file);
				goto out;
			}
			if ((rc = load_dense(m, dir, mpath, err)) < 0)
				goto out;
		} else if (strcmp(type, ST "Normalize") == 0) {
			if (!seen_pooling) {
				rc = gk_error_set(err, GK_EDATA, "%s: Normalize must come after Pooling", file);
				goto out;
			}
			m->normalize = 1;
		} else {
			rc = gk_error_set(err, GK_EDATA, "%s: module type \"%s\" is not supported "
				"(supported: Transformer, Pooling, Dense, Normalize)", file, type);
			goto out;
		}
	}
	if (!seen_pooling)
		rc = gk_error_set(err, GK_EDATA, "%s: no Pooling module", file);
out:
	json_decref(j);
	return rc;
}

void gk_st_modules_defaults(gk_st_modules *m, int hidden)
{
	memset(m, 0, sizeof *m);
	m->in_dim = m->out_dim = hidden;
	m->include_prompt = 1;
	m->pooling = GK_POOL_MEAN;
}

int gk_st_modules_set_pooling(gk_st_modules *m, unsigned modes, gk_error *err)
{
	int n = gk_pool_count(modes & GK_POOL_ALL_MODES);
	if (n == 0 || (modes & ~(unsigned)GK_POOL_ALL_MODES))
		return gk_error_set(err, GK_EUSAGE, "no valid pooling mode given");
	if (m->n_dense > 0 && m->dense[0].in != m->in_dim * n)
		return gk_error_set(err, GK_EUSAGE,
			"this pooling gives vectors of %d values, but the model's first Dense layer takes %d",
			m->in_dim * n, m->dense[0].in);
	m->pooling = modes;
	if (m->n_dense == 0)
		m->out_dim = m->in_dim * n;
	return 0;
}

int gk_st_modules_load(gk_st_modules *m, const char *dir, int hidden, gk_error *err)
{
	if (gk_gguf_is_path(dir)) /* a GGUF model file: its pooling metadata */
		return gk_gguf_st_modules_load(m, dir, hidden, err);
	gk_st_modules_defaults(m, hidden);
	char *path = gk_path_join(dir, "modules.json");
	if (!path)
		return gk_error_nomem(err);
	int rc = 0;
	if (gk_file_exists(path)) {
		m->from_modules_json = 1;
		m->pooling = 0;
		rc = load_modules_json(m, dir, path, err);
	}
	free(path);
	if (rc < 0)
		gk_st_modules_clear(m);
	return rc;
}

int gk_st_modules_apply_prompt(const gk_st_modules *m, const float *hidden, size_t len,
	size_t prompt_len, float *out, gk_error *err)
{
	size_t skip = m->include_prompt ? 0 : prompt_len;
	/* Pooling output and each dense output ping-pong between two buffers. */
	size_t widest = (size_t)m->in_dim * (size_t)gk_pool_count(m->pooling);
	for (int i = 0; i < m->n_dense; i++)
		if ((size_t)m->dense[i].out > widest)
			widest = (size_t)m->dense[i].out;
	float *buf = malloc(2 * widest * sizeof *buf);
	if (!buf)
		return gk_error_nomem(err);
	float *a = buf, *b = buf + widest;
	int rc = gk_pool_skip(m->pooling, hidden, len, skip, (size_t)m->in_dim, a, err);
	if (rc == 0) {
		for (int i = 0; i < m->n_dense; i++) {
			gk_dense_apply(&m->dense[i], a, b);
			float *t = a;
			a = b;
			b = t;
		}
		if (m->normalize)
			gk_l2_normalize(a, (size_t)m->out_dim);
		memcpy(out, a, (size_t)m->out_dim * sizeof *out);
	}
	free(buf);
	return rc;
}

int gk_st_modules_apply(const gk_st_modules *m, const float *hidden, size_t len,
	float *out, gk_error *err)
{
	return gk_st_modules_apply_prompt(m, hidden, len, 0, out, err);
}

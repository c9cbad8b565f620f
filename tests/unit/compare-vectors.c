/*
 * compare-vectors - check gk output against a PyTorch golden file.
 *
 *   compare-vectors GOLDEN.json KEY OUT.jsonl TOLERANCE [FIELD]
 *
 * OUT.jsonl is gk-cat output, one record per golden sequence in order;
 * FIELD (default "vector") holds its numbers.  GOLDEN[KEY][i] is the
 * expected array for record i: GOLDEN[KEY] is an object keyed "0", "1",
 * ... (indices missing there are not compared) or an array of them all.
 * Prints the largest absolute difference; exits 0 when it is within
 * TOLERANCE and every golden entry was compared, 1 otherwise.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	json_error_t jerr;
	json_t *golden, *set;
	FILE *out;
	char *line = NULL;
	size_t cap = 0, compared = 0, record = 0;
	double tol, worst = 0;
	const char *field = argc > 5 ? argv[5] : "vector";
	int bad = 0;

	if (argc < 5) {
		fprintf(stderr, "usage: compare-vectors GOLDEN.json KEY OUT.jsonl TOLERANCE [FIELD]\n");
		return 99;
	}
	tol = atof(argv[4]);
	golden = json_load_file(argv[1], 0, &jerr);
	if (!golden || !(set = json_object_get(golden, argv[2])) || !(json_is_object(set) || json_is_array(set))) {
		fprintf(stderr, "%s: no '%s' (%s)\n", argv[1], argv[2], jerr.text);
		return 99;
	}
	if (!(out = fopen(argv[3], "r"))) {
		perror(argv[3]);
		return 99;
	}
	while (getline(&line, &cap, out) > 0) {
		char key[32];
		json_t *rec = json_loads(line, 0, &jerr), *got, *want;

		snprintf(key, sizeof key, "%zu", record++);
		want = json_is_array(set) ? json_array_get(set, record - 1) : json_object_get(set, key);
		got = rec ? json_object_get(rec, field) : NULL;
		if (!want) {
			json_decref(rec);
			continue;
		}
		if (!json_is_array(got) || json_array_size(got) != json_array_size(want)) {
			fprintf(stderr, "record %s: %zu values, golden has %zu\n", key,
				json_array_size(got), json_array_size(want));
			bad = 1;
		} else {
			for (size_t i = 0; i < json_array_size(want); i++) {
				double d = fabs(json_number_value(json_array_get(got, i)) - json_number_value(json_array_get(want, i)));
				if (!(d <= worst))
					worst = isnan(d) ? INFINITY : d;
			}
			compared++;
		}
		json_decref(rec);
	}
	free(line);
	fclose(out);
	printf("%s %s: %zu records compared, max |diff| %.3g (tolerance %g)\n", argv[1], argv[2], compared, worst, tol);
	size_t expected = json_is_array(set) ? json_array_size(set) : json_object_size(set);
	if (compared != expected || expected == 0) {
		fprintf(stderr, "only %zu of %zu golden records compared\n", compared, expected);
		bad = 1;
	}
	json_decref(golden);
	return bad || !(worst <= tol);
}

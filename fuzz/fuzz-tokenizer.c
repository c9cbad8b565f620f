/*
 * fuzz-tokenizer.c - tokenizer.json loading on arbitrary bytes, then, when
 * a tokenizer loads, encoding and decoding a few texts with it.
 */
#include "fuzz-util.h"

#include <stdlib.h>
#include <string.h>

#include "tokenizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const texts[] = { "Hello, world!", "  ünïcode 日本語 🙂\t\n", "[CLS] a<s>b", "" };
	gk_tokenizer *tok;
	gk_encoding enc;
	gk_error err = { 0 };

	if (gk_tokenizer_load_json(&tok, (const char *)data, size, "fuzz", &err) != 0)
		return 0;
	gk_encoding_init(&enc);
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		gk_encode_options opt = { .add_special_tokens = i % 2 == 0, .max_tokens = i == 1 ? 8 : 0 };
		char *back = NULL;

		if (gk_tokenizer_encode(tok, texts[i], strlen(texts[i]), i == 2 ? texts[0] : NULL,
					i == 2 ? strlen(texts[0]) : 0, &opt, &enc, &err) == 0
		    && gk_tokenizer_decode(tok, enc.ids, enc.n, i % 2, &back, NULL, &err) == 0)
			free(back);
	}
	gk_encoding_free(&enc);
	gk_tokenizer_free(tok);
	return 0;
}
